"""What dedup needs of a document, computed from its text alone: paragraphs, exact keys,
shingle sets, containment fingerprints and LSH band keys.

This part is pure, so worker processes compute it next to the per-document stages (in one
vectorised batch for several documents) and the process holding the index only decides.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate, compress
from operator import add, not_
from typing import Any

import numpy as np
import numpy.typing as npt
import xxhash

from .config import DedupConfig
from .index import SORT_VALUES, ranges, row_widths
from .minhash import Signer
from .shingles import ShingleBatch, Shingler, exact_keys

U64 = np.uint64
BAND_SALT = 0x9E3779B97F4A7C15


@dataclass
class Features:
    """What dedup needs of one document's text, computed without any corpus state.

    :func:`features` is pure, so worker processes compute it next to the per-document stages
    and the process holding the index only decides.
    """

    digest: int  # of the text, so later calls can check they get the same text
    lines: list[tuple[int, int]]  # (start, end) of every line, without the line break
    blank: list[bool]
    para_line: list[int]  # line index of each paragraph
    size: int  # len(text)
    lo: npt.NDArray[np.uint64]
    hi: npt.NDArray[np.uint64]
    length: npt.NDArray[np.int64]
    long: list[int] = field(default_factory=list)  # paragraph indices of long paragraphs
    bands: npt.NDArray[np.uint64] | None = None  # (len(long), bands)
    # the sorted unique shingle hashes of long paragraph j are
    # shingles[shingle_bounds[j] : shingle_bounds[j + 1]], its containment fingerprints
    # fps[fp_bounds[j] : fp_bounds[j + 1]]: a few flat arrays pickle far faster than many small ones
    shingles: npt.NDArray[np.uint32] = field(default_factory=lambda: np.zeros(0, np.uint32))
    shingle_bounds: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(1, np.int64))
    fps: npt.NDArray[np.uint64] = field(default_factory=lambda: np.zeros(0, U64))
    fp_bounds: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(1, np.int64))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as one buffer for all the arrays (and the line spans), for worker processes:
        pickling numpy arrays one by one cost more than the rest of what a worker sends back."""
        spans = np.array(self.lines, dtype=np.int64).reshape(-1)
        arrays = [spans, *(getattr(self, name) for name in _PACKED)]
        layout = tuple(None if a is None else (a.dtype.str, a.shape) for a in arrays)
        blob = b"".join(np.ascontiguousarray(a).tobytes() for a in arrays if a is not None)
        plain = (self.digest, self.blank, self.para_line, self.size, self.long)
        return _unpack, (plain, layout, blob)


#: the arrays of :class:`Features` in its pickled buffer: 8-byte values first, so all stay aligned
_PACKED = ("lo", "hi", "length", "bands", "shingle_bounds", "fps", "fp_bounds", "shingles")


def _unpack(plain: tuple[Any, ...], layout: tuple[Any, ...], blob: bytes) -> Features:
    """:class:`Features` from its pickled form (the arrays are read-only views of ``blob``)."""
    arrays: list[Any] = []
    at = 0
    for entry in layout:
        if entry is None:
            arrays.append(None)
            continue
        dtype, shape = np.dtype(entry[0]), entry[1]
        count = math.prod(shape)
        arrays.append(np.frombuffer(blob, dtype, count, at).reshape(shape))
        at += count * dtype.itemsize
    spans, packed = iter(arrays[0].tolist()), dict(zip(_PACKED, arrays[1:], strict=True))
    digest_, blank, para_line, size, long = plain
    lines = list(zip(spans, spans, strict=False))  # (start, end) pairs of the flat spans
    return Features(digest_, lines, blank, para_line, size, long=long, **packed)


@functools.lru_cache(maxsize=4)
def _tools(cfg: DedupConfig) -> tuple[Shingler, Signer]:
    return Shingler(cfg.shingle_size, cfg.word_shingle_size), Signer(cfg.num_perm, cfg.seed)


def features(text: str, cfg: DedupConfig) -> Features:
    """Split ``text`` into paragraphs and compute their exact keys, shingle sets and band keys."""
    (found,) = features_many([text], cfg)
    return found


def features_many(texts: Sequence[str], cfg: DedupConfig) -> list[Features]:
    """:func:`features` of several texts, the same values, with one vectorised batch for all
    their paragraphs (per-call numpy overhead dominates for a document's dozen paragraphs)."""
    splits = [_split(text) for text in texts]
    paragraphs = [p for split in splits for p in split[3]]
    lo, hi, length = exact_keys(paragraphs)
    found, first = [], 0
    for text, (lines, blank, para_line, _) in zip(texts, splits, strict=True):
        end = first + len(para_line)
        found.append(
            Features(
                digest(text),
                lines,
                blank,
                para_line,
                len(text),
                lo[first:end],
                hi[first:end],
                length[first:end],
            )
        )
        first = end
    if not (cfg.exact_duplicate or cfg.near_duplicate or cfg.contained_paragraph):
        return found
    for one in found:
        one.long = np.flatnonzero(one.length >= cfg.min_chars).tolist()
    long_texts = [split[3][i] for split, one in zip(splits, found, strict=True) for i in one.long]
    if long_texts and (cfg.near_duplicate or cfg.contained_paragraph):
        _sign(found, long_texts, cfg)
    return found


def _sign(found: list[Features], long_texts: list[str], cfg: DedupConfig) -> None:
    """Shingle sets, fingerprints and band keys of every long paragraph, handed out per document."""
    shingler, signer = _tools(cfg)
    batch = shingler.hash_batch(long_texts)
    shingles, bounds = _unique_per_paragraph(batch.hashes, batch.offsets)
    sampled = (shingles & np.uint32((1 << cfg.fingerprint_bits) - 1)) == 0
    fps = shingles[sampled].astype(U64)
    fp_bounds = np.concatenate(([0], np.cumsum(sampled)))[bounds]
    # a set signs as its bag: signing the (fewer) unique hashes gives the same signatures
    bands = _band_keys(signer.sign(ShingleBatch(shingles, bounds)), cfg.bands, cfg.rows)
    first = 0
    for one in found:
        if not one.long:
            continue
        end = first + len(one.long)
        lo, hi = int(bounds[first]), int(bounds[end])
        one.shingles, one.shingle_bounds = shingles[lo:hi], bounds[first : end + 1] - lo
        lo, hi = int(fp_bounds[first]), int(fp_bounds[end])
        one.fps, one.fp_bounds = fps[lo:hi], fp_bounds[first : end + 1] - lo
        one.bands = bands[first:end]
        first = end


def _unique_per_paragraph(
    hashes: npt.NDArray[np.uint32], offsets: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
    """Each paragraph's shingle hashes sorted and deduplicated: the hashes one paragraph after
    another, and where each paragraph's start (and the last ends).

    Paragraphs of about the same length are sorted as the rows of one matrix, each row padded to
    the common width by repeating its paragraph's last hash (which leaves its set as it is):
    ``np.sort(axis=1)`` of short rows is several times faster than one sort of the whole batch
    keyed by paragraph.
    """
    counts = np.diff(offsets)
    width = row_widths(counts)
    order = np.argsort(width, kind="stable")
    unique_counts = np.zeros(len(counts), dtype=np.int64)
    sorted_rows = []
    for bucket in np.split(order, np.flatnonzero(np.diff(width[order])) + 1):
        row_width = int(width[bucket[0]]) if len(bucket) else 0
        step = max(1, SORT_VALUES // max(row_width, 1))
        for rows in (bucket[i : i + step] for i in range(0, len(bucket) if row_width else 0, step)):
            columns = np.minimum(np.arange(row_width), counts[rows, None] - 1)
            columns += offsets[rows, None]
            matrix = np.sort(hashes[columns], axis=1)
            fresh = np.empty(matrix.shape, dtype=bool)
            fresh[:, 0] = True
            np.not_equal(matrix[:, 1:], matrix[:, :-1], out=fresh[:, 1:])
            unique_counts[rows] = np.count_nonzero(fresh, axis=1)
            sorted_rows.append((rows, matrix[fresh]))
    bounds = np.concatenate(([0], np.cumsum(unique_counts)))
    if len(counts) and (width == width[0]).all():  # one bucket of all rows, in order
        return np.concatenate([np.zeros(0, np.uint32), *(values for _, values in sorted_rows)]), bounds
    values = np.empty(int(bounds[-1]), dtype=np.uint32)
    for rows, row_values in sorted_rows:
        values[ranges(bounds[rows], unique_counts[rows])] = row_values
    return values, bounds


def digest(text: str) -> int:
    return xxhash.xxh3_64_intdigest(text.encode("utf-8", "surrogatepass"))


def _split(text: str) -> tuple[list[tuple[int, int]], list[bool], list[int], list[str]]:
    """Line spans, blank flags, the line index of each paragraph (non-blank line) and the paragraphs.

    >>> _split("a\\n \\nb\\n")
    ([(0, 1), (2, 3), (4, 5)], [False, True, False], [0, 2], ['a', 'b'])
    """
    parts = text.split("\n")
    if text.endswith("\n"):
        parts.pop()  # the empty string after the final line break is not a line
    lengths = list(map(len, parts))
    starts = list(accumulate(map((1).__add__, lengths[:-1]), initial=0))
    lines = list(zip(starts, map(add, starts, lengths), strict=True))
    blank = [not part or part.isspace() for part in parts]
    para_line = list(compress(range(len(parts)), map(not_, blank)))
    return lines, blank, para_line, [parts[n] for n in para_line]


def _band_keys(signatures: npt.NDArray[np.uint32], bands: int, rows: int) -> npt.NDArray[np.uint64]:
    """One uint64 key per (paragraph, band): its rows hashed together with the band number."""
    grouped = signatures[:, : bands * rows].reshape(len(signatures), bands, rows).astype(U64)
    with np.errstate(over="ignore"):
        keys = np.arange(bands, dtype=U64) * U64(BAND_SALT)
        keys = np.broadcast_to(keys, grouped.shape[:2]).copy()
        for r in range(rows):
            keys = (keys ^ grouped[:, :, r]) * U64(0xFF51AFD7ED558CCD)
            keys ^= keys >> U64(29)
    return keys
