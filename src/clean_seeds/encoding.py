"""Bytes to text: find the encoding a file was written in, and tell text files from binary ones.

:func:`decode_bytes` returns the text together with the codec that encodes it back to the
same bytes (``text.encode(encoding, "surrogateescape") == raw``), so ``restore`` can write the
original file again.  A BOM stays in the text as U+FEFF; the unicode stage removes it as a
logged edit.  UTF-8 costs one strict decode; everything else is the slow path, where the
candidate codecs are ranked by :func:`plausibility`, the share of non-ASCII characters that are
common Chinese characters or punctuation.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


def _decode_rows(codec: str, leads: range, trails: tuple[range, ...]) -> str:
    """Every character a double-byte codec assigns to the given lead and trail bytes."""
    pairs = bytearray()
    for lead in leads:
        for trail_range in trails:
            for trail in trail_range:
                pairs += bytes((lead, trail))
    return pairs.decode(codec, "ignore")


def char_class(chars: str) -> str:
    """A regex character class body (no brackets) matching exactly ``chars``, as ranges.

    >>> char_class("cabx中")
    'a-cx中'
    """
    codes = code_points(chars)
    table = np.zeros(int(codes.max()) + 1, dtype=np.bool_)
    table[codes] = True
    return table_class(table)


def code_points(chars: str) -> npt.NDArray[np.uint32]:
    """The code points of ``chars`` (lone surrogates too)."""
    return np.frombuffer(chars.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def table_class(table: npt.NDArray[np.bool_]) -> str:
    """A regex character class body matching the code points whose ``table`` entry is True.

    (numpy finds the runs: a Python loop over the ~25,000 uncommon hanzi took ~20 ms at start-up.)
    """
    edges = np.flatnonzero(np.diff(table, prepend=False, append=False)).tolist()
    return "".join(map(_class_range, edges[::2], edges[1::2]))


def _class_range(first: int, end: int) -> str:
    """The class item for the code points ``first`` to ``end - 1``."""
    return _class_char(first) if end == first + 1 else f"{_class_char(first)}-{_class_char(end - 1)}"


def _class_char(code: int) -> str:
    return re.escape(chr(code)) if code < 0x80 else chr(code)  # (re.escape leaves the others as they are)


_GB_TRAIL = (range(0xA1, 0xFF),)
_BIG5_TRAIL = (range(0x40, 0x7F), range(0xA1, 0xFF))
#: Common hanzi: GB2312 level 1 (leads 0xB0-0xD7, the 3755 most frequent simplified hanzi) and
#: Big5 level 1 (0xA440-0xC67E, the 5401 frequent traditional ones).  Real Chinese prose is
#: ~99.9% these; mojibake made from UTF-8 or GBK bytes is mostly rarer characters.
COMMON_HANZI = _decode_rows("gb2312", range(0xB0, 0xD8), _GB_TRAIL) + _decode_rows(
    "big5", range(0xA4, 0xC7), _BIG5_TRAIL
)
#: Common CJK punctuation and full-width forms: GB2312 rows 0xA1 and 0xA3, Big5 row 0xA1.
#: Latin-1 characters (·, ×, °) are left out so that Latin-1 mojibake never looks plausible.
COMMON_PUNCTUATION = "".join(
    ch
    for ch in _decode_rows("gb2312", range(0xA1, 0xA4, 2), _GB_TRAIL)
    + _decode_rows("big5", range(0xA1, 0xA2), _BIG5_TRAIL)
    if ord(ch) > 0xFF
)
#: runs of common Chinese characters, counted by :func:`plausibility` in short texts
COMMON_RUN = re.compile(f"[{char_class(COMMON_HANZI + COMMON_PUNCTUATION)}]+")
#: each UTF-16 code unit to whether it is a common Chinese character (all of them are in the
#: BMP, none a surrogate, so counting units counts characters): how :func:`plausibility`
#: counts long texts, where the regex scan is slow (mojibake breaks the runs into single
#: characters, each a match) and the numpy set-up cost is small
COMMON_UNITS = np.zeros(1 << 16, dtype=np.bool_)
COMMON_UNITS[code_points(COMMON_HANZI + COMMON_PUNCTUATION)] = True
#: texts at least this long are counted with COMMON_UNITS (measured break-even: ~100 characters)
MIN_TABLE_CHARS = 200
#: runs of lone surrogates U+DC80-U+DCFF: bytes that ``surrogateescape`` could not decode
UNDECODABLE_RUN = re.compile("[\udc80-\udcff]+")
#: control bytes that do not occur in text files (all of C0 but tab, LF, VT, FF, CR and ESC),
#: as a ``bytes.translate`` deletion table: deleting them counts them in C
CONTROL_BYTES = bytes([*range(0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
#: leading bytes of common binary formats: PDF, PNG, GIF, JPEG, ZIP/docx, gzip, ELF, OLE (doc/xls)
BINARY_MAGIC = (b"%PDF-", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"\x7fELF")
BINARY_MAGIC_OLE = b"\xd0\xcf\x11\xe0"

#: the double-byte Chinese codecs tried on bytes that are not UTF-8, in order of preference
CJK_CODECS = ("gb18030", "big5", "big5hkscs")
#: single-byte codecs that charset-normalizer confuses for Western text; cp1252 is used instead
WESTERN_CODECS = frozenset(
    {"cp1250", "cp1252", "cp1254", "cp1257", "iso8859_1", "iso8859_2", "iso8859_15", "mac_roman"}
)
#: a CJK decode must reach this plausibility to be chosen over charset-normalizer's guess
MIN_CJK_PLAUSIBILITY = 0.8
#: a complete, reversible CJK decode is still taken at this plausibility when nothing else fits
MIN_LOSSLESS_PLAUSIBILITY = 0.4
#: undecodable bytes tolerated per decoded non-ASCII character (UTF-8) or character (CJK codecs)
MAX_DAMAGE = 0.01
#: valid multi-byte characters from which one bad byte still means damaged UTF-8
MIN_DAMAGED_UTF8 = 20
#: bytes with at most this share above 0x7F that decode as cp1252 are read as cp1252 at last
MAX_CP1252_SHARE = 0.3
#: how much of a file the slow path scores and shows charset-normalizer
SAMPLE_BYTES = 256 * 1024
#: how much of a file is decoded leniently to see whether a few bad bytes spoil a codec
TOLERANT_SAMPLE_BYTES = 16 * 1024
#: share of control bytes (in the sample) above which a file counts as binary
MAX_CONTROL_SHARE = 0.05


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the codec that encodes it back to the same bytes, and undecodable bytes."""

    text: str
    encoding: str
    undecodable: int = 0


def plausibility(text: str) -> float:
    """Share of the non-ASCII characters of ``text`` that are common Chinese characters or punctuation.

    1.0 for pure ASCII.  Real Chinese scores ~1.0; mojibake scores far lower.

    >>> plausibility("中文，我们的")
    1.0
    >>> mojibake = "测试文件".encode("utf-8").decode("gb18030")
    >>> mojibake, plausibility(mojibake) < 0.5, plausibility("ÖÐÎÄ")
    ('娴嬭瘯鏂囦欢', True, 0.0)
    """
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    if not non_ascii:
        return 1.0
    if len(text) < MIN_TABLE_CHARS:
        return sum(map(len, COMMON_RUN.findall(text))) / non_ascii
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    return int(np.count_nonzero(COMMON_UNITS[units])) / non_ascii


def count_undecodable(text: str) -> int:
    """How many bytes ``surrogateescape`` smuggled into ``text`` as U+DC80-U+DCFF."""
    return sum(map(len, UNDECODABLE_RUN.findall(text)))


def decode_bytes(raw: bytes) -> Decoded:
    """Decode ``raw`` so that ``text.encode(encoding, "surrogateescape") == raw``.

    UTF-8 (with or without BOM) and UTF-16 (with BOM, or ASCII-heavy without) are recognised
    directly; other bytes are decoded as GB18030 or Big5 when the result reads as Chinese, else
    with charset-normalizer's guess, else as UTF-8 with the undecodable bytes kept as lone
    surrogates (counted in ``undecodable``; the caller decides whether the file is worth cleaning).

    >>> decode_bytes("中文".encode("gbk")).encoding
    'gb18030'
    >>> decode_bytes(b"\\xef\\xbb\\xbfok")
    Decoded(text='\\ufeffok', encoding='utf-8', undecodable=0)
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if b"\x00" in raw:  # ASCII-heavy UTF-16 without BOM is valid UTF-8 too
            return _decode_utf16(raw) or Decoded(text, "utf-8")
        return Decoded(text, "utf-8")
    utf16 = _decode_utf16(raw)
    if utf16 is not None:
        return utf16
    if _is_damaged_utf8(raw):
        return _decode_escaped(raw, "utf-8")
    best = _best_cjk(raw)
    if best is not None:
        return best
    guess = _guess_codec(raw)
    if guess is not None:
        guessed = _decode_escaped(raw, guess)
        if guessed.text.encode(guess, "surrogateescape") == raw and guessed.undecodable <= len(raw) // 100:
            return guessed
    lossless = _lossless_cjk(raw)
    if lossless is not None:
        return lossless
    if len(raw) - len(raw.decode("ascii", "ignore")) <= MAX_CP1252_SHARE * len(raw):
        try:
            return Decoded(raw.decode("cp1252"), "cp1252")
        except UnicodeDecodeError:
            pass
    return _decode_escaped(raw, "utf-8")


def looks_binary(raw: bytes) -> bool:
    """True for bytes that are not a text file: known binary headers, NUL bytes (outside
    UTF-16), or many control bytes.

    >>> looks_binary(b"%PDF-1.7 ..."), looks_binary("中文".encode("utf-16")), looks_binary(b"a\\x00b")
    (True, False, True)
    """
    if raw.startswith(BINARY_MAGIC) or raw.startswith(BINARY_MAGIC_OLE):
        return True
    sample = raw[:SAMPLE_BYTES]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _utf16_without_bom(sample):
        return _decode_utf16(raw) is None
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    return controls > MAX_CONTROL_SHARE * len(sample)


def _decode_escaped(raw: bytes, codec: str) -> Decoded:
    """Decode with ``surrogateescape``, counting the bytes that did not decode."""
    text = raw.decode(codec, "surrogateescape")
    return Decoded(text, codec, count_undecodable(text))


def _utf16_without_bom(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NUL bytes sit at odd/even offsets only (ASCII-heavy UTF-16)."""
    head = sample[:4096]
    if b"\x00" not in head:  # most files: no NUL byte, no strided copies to count them in
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd > 0.4 * len(head) / 2 and even == 0:
        return "utf-16-le"
    if even > 0.4 * len(head) / 2 and odd == 0:
        return "utf-16-be"
    return None


def _decode_utf16(raw: bytes) -> Decoded | None:
    """UTF-16 by BOM (kept as U+FEFF) or by the NUL pattern; None unless it decodes strictly."""
    if raw.startswith(codecs.BOM_UTF16_LE):
        codec: str | None = "utf-16-le"
    elif raw.startswith(codecs.BOM_UTF16_BE):
        codec = "utf-16-be"
    else:
        codec = _utf16_without_bom(raw[:SAMPLE_BYTES])
    if codec is None:
        return None
    try:
        return Decoded(raw.decode(codec), codec)
    except UnicodeDecodeError:
        return None


def _decode_sample(raw: bytes, codec: str) -> Decoded:
    """The first :data:`TOLERANT_SAMPLE_BYTES` of ``raw`` decoded, bad bytes dropped and counted
    (not counting a character cut at the end of the sample)."""
    sample = raw[:TOLERANT_SAMPLE_BYTES]
    text = sample.decode(codec, "ignore")  # the fast way to count bad bytes: drop them
    dropped = len(sample) - len(text.encode(codec, "replace"))
    if len(sample) < len(raw):
        dropped = max(0, dropped - 3)
    return Decoded(text, codec, dropped)


def _is_damaged_utf8(raw: bytes) -> bool:
    """UTF-8 with a few bad bytes: many valid multi-byte characters, few undecodable bytes."""
    decoded = _decode_sample(raw, "utf-8")
    valid = len(decoded.text) - len(decoded.text.encode("ascii", "ignore")) - decoded.undecodable
    return decoded.undecodable <= max(MAX_DAMAGE * valid, 1 if valid >= MIN_DAMAGED_UTF8 else 0)


def _best_cjk(raw: bytes) -> Decoded | None:
    """The most plausible CJK decode that reads as Chinese and restores ``raw``, or None.

    A few undecodable bytes (a truncated last character) are tolerated.
    """
    best: tuple[float, int, Decoded] | None = None
    for codec in CJK_CODECS:
        decoded: Decoded | None = None
        try:
            decoded = Decoded(raw.decode(codec), codec)
            sample = Decoded(decoded.text[:SAMPLE_BYTES], codec)
        except UnicodeDecodeError:
            sample = _decode_sample(raw, codec)
        score = plausibility(sample.text)
        if score < MIN_CJK_PLAUSIBILITY or sample.undecodable > max(1, MAX_DAMAGE * len(sample.text)):
            continue
        if best is not None and (score, -sample.undecodable) <= best[:2]:
            continue
        decoded = decoded or _decode_escaped(raw, codec)
        if decoded.text.encode(codec, "surrogateescape") == raw:  # duplicate mappings cannot restore
            best = (score, -sample.undecodable, decoded)
    return None if best is None else best[2]


def _lossless_cjk(raw: bytes) -> Decoded | None:
    """A CJK codec that decodes every byte and restores ``raw``, for text with many rarer characters.

    Chinese with much technical vocabulary falls below ``MIN_CJK_PLAUSIBILITY``; when nothing
    else fits, a complete, reversible decode that still reads mostly as Chinese is taken.
    """
    best: tuple[float, Decoded] | None = None
    for codec in CJK_CODECS:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        score = plausibility(text[:SAMPLE_BYTES])
        better = score >= MIN_LOSSLESS_PLAUSIBILITY and (best is None or score > best[0])
        if better and text.encode(codec) == raw:
            best = (score, Decoded(text, codec))
    return None if best is None else best[1]


def _guess_codec(raw: bytes) -> str | None:
    """charset-normalizer's codec for ``raw`` (cp1252 for any Western single-byte guess)."""
    # (imported here, on first use: it adds ~15 ms to every start, and most inputs never get
    # this far: UTF-8, UTF-16, GB18030 and Big5 are recognised without it)
    import charset_normalizer

    match = charset_normalizer.from_bytes(raw[:SAMPLE_BYTES]).best()
    if match is None:
        return None
    codec = codecs.lookup(match.encoding).name.replace("-", "_")
    if codec.startswith(("utf_16", "utf_32")):  # UTF-16 without NUL pattern: a guess on noise
        return None
    if codec in WESTERN_CODECS:
        codec = "cp1252"
    return codec
