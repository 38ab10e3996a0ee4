"""Bytes to text: find the encoding a file was written in (placeholder, being written)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the codec that encodes it back to the same bytes, and undecodable bytes."""

    text: str
    encoding: str
    undecodable: int = 0


def decode_bytes(raw: bytes) -> Decoded:
    """Decode ``raw`` so that ``text.encode(encoding, "surrogateescape") == raw``.

    A BOM stays in the text (as U+FEFF) so that the unicode stage removes it as a logged edit.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        codec = "utf-16-le" if raw.startswith(b"\xff\xfe") else "utf-16-be"
        return Decoded(raw.decode(codec, "surrogatepass"), codec)
    for codec in ("utf-8", "gb18030", "big5"):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if text.encode(codec) == raw:
            return Decoded(text, codec)
    text = raw.decode("utf-8", "surrogateescape")
    return Decoded(text, "utf-8", sum(1 for ch in text if "\udc80" <= ch <= "\udcff"))
