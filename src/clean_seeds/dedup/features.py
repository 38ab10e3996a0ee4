"""What dedup needs of a document, computed from its text alone: paragraphs, exact keys,
shingle sets and LSH band keys (the containment fingerprints, a sample of the shingles, are
picked from the sets where a batch is decided).

This part is pure, so worker processes compute it next to the per-document stages (in one
vectorised batch for several documents) and the process holding the index only decides.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate, compress, pairwise
from operator import not_
from typing import Any

import numpy as np
import numpy.typing as npt
import xxhash

from .config import DedupConfig
from .index import ranges, row_widths
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
    # line k of the text runs from line_bounds[k] to line_bounds[k + 1] - 1 (its line break, or
    # the end of the text); plain offsets, not a (start, end) pair a line, as few objects to
    # make, pickle and unpickle
    line_bounds: list[int]
    blank: list[bool]
    para_line: list[int]  # line index of each paragraph
    size: int  # len(text)
    lo: npt.NDArray[np.uint64]
    hi: npt.NDArray[np.uint64]
    length: npt.NDArray[np.int64]
    long: list[int] = field(default_factory=list)  # paragraph indices of long paragraphs
    long_lo: npt.NDArray[np.uint64] = field(default_factory=lambda: np.zeros(0, U64))  # lo[long]
    long_hi: npt.NDArray[np.uint64] = field(default_factory=lambda: np.zeros(0, U64))  # hi[long]
    bands: npt.NDArray[np.uint64] | None = None  # (len(long), bands)
    # the sorted unique shingle hashes of long paragraph j are
    # shingles[shingle_bounds[j] : shingle_bounds[j + 1]] (its containment fingerprints, those
    # with the low fingerprint_bits zero, are picked where a batch is decided: one numpy call
    # for the batch, not a few for each document and its pickle)
    shingles: npt.NDArray[np.uint32] = field(default_factory=lambda: np.zeros(0, np.uint32))
    shingle_bounds: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(1, np.int64))

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as plain lists and one buffer for all the arrays, for worker processes:
        pickling numpy arrays one by one cost more than the rest of what a worker sends back,
        and each array made on unpickling costs the main process a microsecond or two."""
        wide = [self.lo, self.hi, self.length, self.long_lo, self.long_hi, self.shingle_bounds]
        width = None
        if self.bands is not None:
            wide.append(self.bands.reshape(-1))
            width = self.bands.shape[1]
        blob = b"".join([*map(np.ndarray.tobytes, wide), self.shingles.tobytes()])
        plain = (self.digest, self.line_bounds, self.blank, self.para_line, self.size, self.long, width)
        return _unpack, (plain, tuple(map(len, wide)), blob)


def _unpack(plain: tuple[Any, ...], sizes: tuple[int, ...], blob: bytes) -> Features:
    """:class:`Features` from its pickled form: views of one array of all the 8-byte values
    (``sizes`` of each), then the shingles (read-only, as ``blob`` is)."""
    digest_, line_bounds, blank, para_line, size, long, width = plain
    ends = list(accumulate(sizes, initial=0))
    wide = np.frombuffer(blob, U64, ends[-1])
    lo, hi, length, long_lo, long_hi, shingle_bounds, *bands = map(
        wide.__getitem__, map(slice, ends[:-1], ends[1:])
    )
    return Features(
        digest_,
        line_bounds,
        blank,
        para_line,
        size,
        lo,
        hi,
        length.view(np.int64),
        long,
        long_lo,
        long_hi,
        bands[0].reshape(-1, width) if bands else None,
        np.frombuffer(blob, np.uint32, offset=8 * ends[-1]),
        shingle_bounds.view(np.int64),
    )


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
    for text, (line_bounds, blank, para_line, _) in zip(texts, splits, strict=True):
        end = first + len(para_line)
        found.append(
            Features(
                digest(text),
                line_bounds,
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
    # (a few numpy calls for all the documents, not a few for each)
    is_long = length >= cfg.min_chars
    long_lo, long_hi, is_long_list = lo[is_long], hi[is_long], is_long.tolist()
    first = first_long = 0
    for one in found:
        end = first + len(one.para_line)
        one.long = list(compress(range(end - first), is_long_list[first:end]))
        end_long = first_long + len(one.long)
        one.long_lo, one.long_hi = long_lo[first_long:end_long], long_hi[first_long:end_long]
        first, first_long = end, end_long
    long_texts = [split[3][i] for split, one in zip(splits, found, strict=True) for i in one.long]
    if long_texts and (cfg.near_duplicate or cfg.contained_paragraph):
        _sign(found, long_texts, cfg)
    return found


def _sign(found: list[Features], long_texts: list[str], cfg: DedupConfig) -> None:
    """Shingle sets, fingerprints and band keys of every long paragraph, handed out per document."""
    shingler, signer = _tools(cfg)
    batch = shingler.hash_batch(long_texts)
    shingles, bounds = _unique_per_paragraph(batch.hashes, batch.offsets)
    # a set signs as its bag: signing the (fewer) unique hashes gives the same signatures
    bands = _band_keys(signer.sign(ShingleBatch(shingles, bounds)), cfg.bands, cfg.rows)
    first, starts = 0, bounds.tolist()
    for one in found:
        if not one.long:
            continue
        end = first + len(one.long)
        lo, hi = starts[first], starts[end]
        one.shingles, one.shingle_bounds = shingles[lo:hi], bounds[first : end + 1] - lo
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
    keyed by paragraph.  The rows are then read back in paragraph order, padding and all, and
    the hashes equal to the one before them in their row dropped.
    """
    counts = np.diff(offsets)
    width = _sort_widths(counts)
    order = np.argsort(width, kind="stable")
    row_width = width[order]
    starts = np.zeros(len(order) + 1, dtype=np.int64)  # of the rows, in order of width
    np.cumsum(row_width, out=starts[1:])
    padded = np.empty(int(starts[-1]), dtype=np.uint32)
    firsts = np.flatnonzero(np.diff(row_width, prepend=-1)).tolist()  # of each width's rows
    for (a, b), row in zip(pairwise([*firsts, len(order)]), row_width[firsts].tolist(), strict=True):
        columns = np.minimum(np.arange(row), counts[order[a:b], None] - 1)
        columns += offsets[order[a:b], None]
        matrix = padded[starts[a] : starts[b]].reshape(b - a, row)
        np.take(hashes, columns, out=matrix, mode="clip")  # (valid: no buffered bounds check)
        matrix.sort(axis=1)
    row_start = np.empty(len(order), dtype=np.int64)
    row_start[order] = starts[:-1]
    flat = padded[ranges(row_start, width)]
    at = np.zeros(len(width) + 1, dtype=np.int64)  # of the rows, in paragraph order
    np.cumsum(width, out=at[1:])
    fresh = np.empty(len(flat), dtype=bool)
    if len(flat):
        np.not_equal(flat[1:], flat[:-1], out=fresh[1:])
        fresh[at[:-1][width > 0]] = True  # (the first row's first hash among them)
    kept = np.zeros(len(flat) + 1, dtype=np.int64)
    np.cumsum(fresh, out=kept[1:])
    return flat[fresh], kept[at]


def _sort_widths(counts: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The row width each paragraph of ``counts`` hashes is sorted in: the next power of two (at
    least 16) up to 512, and :func:`row_widths` (which pads by less) above.

    Up to 512 values a row, numpy sorted rows at about 1 ns a value here whatever the width
    (5 ns above), so padding costs little there, and fewer widths save the numpy calls of
    the matrices: a document's share of them cost more than its sorting.

    >>> _sort_widths(np.array([0, 1, 16, 17, 512, 513])).tolist()
    [0, 16, 16, 32, 512, 640]
    """
    widths = np.where(counts > 0, np.left_shift(1, np.frexp(np.maximum(counts - 1, 8))[1]), 0)
    wide = counts > 512
    if wide.any():
        widths[wide] = row_widths(counts[wide])
    return widths


def digest(text: str) -> int:
    return xxhash.xxh3_64_intdigest(text.encode("utf-8", "surrogatepass"))


def _split(text: str) -> tuple[list[int], list[bool], list[int], list[str]]:
    """Line bounds (see :class:`Features`), blank flags, the line index of each paragraph
    (non-blank line) and the paragraphs.

    >>> _split("a\\n \\nb\\n")
    ([0, 2, 4, 6], [False, True, False], [0, 2], ['a', 'b'])
    >>> _split("a\\nb")[0]  # (the last line ends at the end of the text)
    [0, 2, 4]
    """
    parts = text.split("\n")
    if text.endswith("\n"):
        parts.pop()  # the empty string after the final line break is not a line
    bounds = list(accumulate(map((1).__add__, map(len, parts)), initial=0))
    blank = [not part or part.isspace() for part in parts]
    para_line = list(compress(range(len(parts)), map(not_, blank)))
    return bounds, blank, para_line, [parts[n] for n in para_line]


def _band_keys(signatures: npt.NDArray[np.uint32], bands: int, rows: int) -> npt.NDArray[np.uint64]:
    """One uint64 key per (paragraph, band): its rows hashed together with the band number.

    Row r of every band is one contiguous (paragraphs, bands) array, and the keys are mixed in
    place: strided views and fresh temporaries cost more than the arithmetic here.
    """
    n = len(signatures)
    grouped = signatures[:, : bands * rows].reshape(n, bands, rows).transpose(2, 0, 1).astype(U64, order="C")
    keys = np.empty((n, bands), dtype=U64)
    shifted = np.empty_like(keys)
    with np.errstate(over="ignore"):
        keys[:] = np.arange(bands, dtype=U64) * U64(BAND_SALT)
        for r in range(rows):
            keys ^= grouped[r]
            keys *= U64(0xFF51AFD7ED558CCD)
            np.right_shift(keys, U64(29), out=shifted)
            keys ^= shifted
    return keys
