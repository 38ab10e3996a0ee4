"""Tokens and shingles of a paragraph, hashed for MinHash, vectorized over a batch.

A *token* is one CJK character (Chinese has no spaces to split on) or one run of letters and
digits (a Latin word, a number).  Punctuation, spaces and symbols only separate tokens, so
punctuation width changes (``,`` / ``，``) and spacing do not change the shingles.  A paragraph
whose tokens are mostly CJK is shingled into ``shingle_size`` consecutive tokens (character
n-grams); a mostly Latin one into ``word_shingle_size`` tokens (word n-grams); a paragraph
with fewer tokens than that is one shingle.

Every shingle is hashed to 32 bits, the input width of datasketch's ``affine32`` scheme.
:func:`shingle_hash` is the same hash in pure Python over a shingle string
(tokens joined by spaces, as :func:`shingles` returns them), so a user's own
``datasketch.MinHash(hashfunc=shingle_hash)`` updated with :func:`shingles` reproduces the
signatures computed here.

>>> shingles("上合示范区, 开行", 5, 3)
['上 合 示 范 区', '合 示 范 区 开', '示 范 区 开 行']
>>> shingles("The quick brown fox", 5, 3)
['the quick brown', 'quick brown fox']
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import xxhash

from .index import ranges

U64 = np.uint64
MASK64 = (1 << 64) - 1

#: multiplier of the polynomial hash over a token's code points (odd, so invertible mod 2^64)
TOKEN_BASE = 0x100000001B3
#: multiplier combining token hashes into a shingle hash
SHINGLE_BASE = 0x9E3779B97F4A7C15

# Full-width ASCII variants (！ to ～) and the ideographic space folded to ASCII before
# tokenizing, so OCR width noise does not change tokens.
WIDTH_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

# A CJK character is a token of its own: kana, CJK ideographs (with extension A and
# compatibility ideographs), Hangul syllables, and the supplementary ideograph planes.
CJK_RANGES = ((0x3040, 0x3100), (0x3400, 0x4DC0), (0x4E00, 0xA000), (0xAC00, 0xD7B0), (0xF900, 0xFB00),
              (0x20000, 0x30000))  # fmt: skip

# Python-side tokenizer with the same classes as the vectorized one (for the reference hash).
TOKEN = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002ffff]"
    r"|[0-9a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u1fff]+"
)


def fold(text: str) -> str:
    """Lowercase and fold full-width ASCII, as the shingles see the text.

    >>> fold("ＡＢｃ１２，")
    'abc12,'
    """
    return text.translate(WIDTH_FOLD).lower()


# Code points that str.split() treats as whitespace (dropped from exact keys).
WHITESPACE = np.array([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint32)


def folded_code_points(paragraphs: list[str]) -> npt.NDArray[np.uint32]:
    """UTF-32 code points of the paragraphs joined by newlines + one at the end), folded as :func:`fold`."""
    units = _bmp_units(paragraphs)
    return _lower_code_points(paragraphs) if units is None else np.take(FOLD32, units, mode="wrap")


def _bmp_units(paragraphs: list[str]) -> npt.NDArray[np.uint16] | None:
    """The UTF-16 units of the paragraphs joined as :func:`folded_code_points` does, unfolded, when one
    ``FOLD`` lookup per unit folds them; None when the text needs ``str.lower()`` itself."""
    joined = "\n".join(paragraphs) + "\n"
    # lower() turns U+0130 into two code points, and U+03A3 into σ or ς depending on its neighbours
    if "\u0130" in joined or "\u03a3" in joined:
        return None
    units = joined.encode("utf-16-le", "surrogatepass")
    if len(units) != 2 * len(joined):  # an astral character took two units
        return None
    return np.frombuffer(units, dtype=np.uint16)


def _lower_code_points(paragraphs: list[str]) -> npt.NDArray[np.uint32]:
    """:func:`folded_code_points` of any text, with ``str.lower()`` (the slow path)."""
    joined = "\n".join(paragraphs).lower() + "\n"
    cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    wide = (cps >= 0xFF01) & (cps <= 0xFF5E)
    cps[wide] -= 0xFEE0
    cps[cps == 0x3000] = 0x20
    return cps


def exact_keys(
    paragraphs: list[str],
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """A 128-bit key of each paragraph with whitespace removed, width and case folded, as two
    arrays (its low and its high 64 bits); and its length.

    The key is xxh3-128 of the folded UTF-32 code points without whitespace.

    >>> lo, hi, lengths = exact_keys(["A  b，c", "a b,c", "abd"])
    >>> bool(lo[0] == lo[1] != lo[2]), bool(hi[0] == hi[1] != hi[2]), lengths.tolist()
    (True, True, [4, 4, 3])
    """
    if not paragraphs:
        return np.zeros(0, U64), np.zeros(0, U64), np.zeros(0, dtype=np.int64)
    units = _bmp_units(paragraphs)
    if units is None:
        cps = _lower_code_points(paragraphs)
        cps = cps[np.take(KEPT, cps, mode="clip")]  # (astral code points clip to U+FFFF: kept)
    else:  # (KEPT[FOLD] == KEPT: the unfolded units tell whitespace as well)
        cps = np.take(FOLD32, units, mode="wrap")[np.take(KEPT, units, mode="wrap")]
    ends = np.flatnonzero(cps == 0x0A)
    starts = np.concatenate(([0], ends[:-1] + 1))
    pieces = map(
        memoryview(cps.tobytes()).__getitem__, map(slice, (4 * starts).tolist(), (4 * ends).tolist())
    )
    # digest() is the key big-endian, high half first
    halves = np.frombuffer(b"".join(map(xxhash.xxh3_128_digest, pieces)), dtype=">u8").reshape(-1, 2)
    return halves[:, 1].astype(U64), halves[:, 0].astype(U64), (ends - starts).astype(np.int64)


def fmix64(h: int) -> int:
    """MurmurHash3's 64-bit finalizer (an avalanching bijection) on a Python int."""
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & MASK64
    return h ^ (h >> 33)


def token_hash(token: str) -> int:
    """Polynomial hash of a token's code points, mod 2^64."""
    h = 0
    for power, char in enumerate(token):
        h = (h + ord(char) * pow(TOKEN_BASE, power, 1 << 64)) & MASK64
    return h


def shingle_hash(shingle: str | bytes) -> int:
    """The 32-bit hash of a shingle string (tokens joined by single spaces).

    >>> shingle_hash("上 合 示 范 区") == shingle_hash("上 合 示 范 区".encode())
    True
    """
    if isinstance(shingle, bytes):
        shingle = shingle.decode("utf-8")
    h = 0
    for power, token in enumerate(shingle.split(" ")):
        h = (h + fmix64(token_hash(token)) * pow(SHINGLE_BASE, power, 1 << 64)) & MASK64
    return fmix64(h) >> 32


def shingles(text: str, shingle_size: int, word_shingle_size: int) -> list[str]:
    """The shingles of one paragraph as strings (reference implementation, not the hot path)."""
    tokens = TOKEN.findall(fold(text))
    if not tokens:
        return []
    cjk = sum(1 for t in tokens if len(t) == 1 and _is_cjk(ord(t)))
    n = shingle_size if 2 * cjk >= len(tokens) else word_shingle_size
    n = min(n, len(tokens))
    return [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]


def _is_cjk(cp: int) -> bool:
    return any(lo <= cp < hi for lo, hi in CJK_RANGES)


@dataclass(frozen=True, slots=True)
class ShingleBatch:
    """The shingle hashes of a batch of paragraphs: ``hashes[offsets[i]:offsets[i + 1]]`` is paragraph i's."""

    hashes: npt.NDArray[np.uint32]
    offsets: npt.NDArray[np.int64]

    def of(self, i: int) -> npt.NDArray[np.uint32]:
        return self.hashes[self.offsets[i] : self.offsets[i + 1]]


class _Scratch(threading.local):
    """Arrays reused from one batch to the next, one per (purpose, dtype), per thread.

    A fresh array of a batch's size (hundreds of KiB) is often new memory from the OS (malloc
    maps large blocks and hands freed heap back), and its first touch then costs a page fault
    per 4 KiB: that was half the time of :meth:`Shingler.hash_batch`.
    """

    #: arrays larger than this (bytes) are not kept, so one huge batch does not pin its memory
    KEEP_BYTES = 64 << 20

    def __init__(self) -> None:
        self.arrays: dict[tuple[str, np.dtype[Any]], npt.NDArray[Any]] = {}

    def get(self, purpose: str, n: int, dtype: npt.DTypeLike) -> npt.NDArray[Any]:
        """An uninitialized array of ``n`` items (a view: valid until the next ``get`` of this purpose)."""
        key = (purpose, np.dtype(dtype))
        array = self.arrays.get(key)
        if array is None or len(array) < n:
            array = np.empty(n + n // 4, dtype)  # room for somewhat larger batches
            if array.nbytes <= self.KEEP_BYTES:
                self.arrays[key] = array
        return array[:n]


class Shingler:
    """Vectorized shingle hashing of many paragraphs at once (identical to :func:`shingle_hash`)."""

    def __init__(self, shingle_size: int, word_shingle_size: int) -> None:
        self.sizes = (shingle_size, word_shingle_size)
        self._scratch = _Scratch()

    def __reduce__(self) -> tuple[type[Shingler], tuple[int, int]]:
        return Shingler, self.sizes  # the scratch arrays (thread-local) are not pickled

    def hash_batch(self, paragraphs: list[str]) -> ShingleBatch:
        """Shingle hashes (uint32, in order, duplicates kept) of each paragraph."""
        scratch = self._scratch
        codes = _codes(paragraphs)
        is_start, word_chars, firsts = _token_starts(_classes(codes, scratch), scratch)
        # how many tokens start at or before each position
        upto = np.cumsum(is_start, dtype=np.intp, out=scratch.get("upto", len(codes), np.intp))
        words = upto[word_chars[firsts]] - 1  # the token number of each word
        tok = _char_token_hashes(codes, is_start, scratch)
        if len(words):
            tok[words] = _word_hashes(codes, word_chars, firsts)
        # paragraph p's tokens are tok[bounds[p]:bounds[p + 1]]
        newlines = np.flatnonzero(np.equal(codes, 0x0A, out=scratch.get("mask", len(codes), bool)))
        if len(newlines) > max(len(paragraphs), 1):  # (no paragraphs: the one "\n" at the end)
            raise ValueError(
                "hash_batch: a paragraph holds a line break; split the text at line breaks first"
            )
        bounds = np.concatenate(([0], upto[newlines]))
        counts = np.diff(bounds)
        width = self._widths(counts, np.diff(np.searchsorted(words, bounds)))
        n_shingles = np.where(counts > 0, counts - width + 1, 0)
        offsets = np.concatenate(([0], np.cumsum(n_shingles))).astype(np.int64)
        windows = _windows(tok, bounds, width, scratch)
        return ShingleBatch(_fmix64_high(windows, scratch.get("window", len(windows), U64)), offsets)

    def _widths(
        self, counts: npt.NDArray[np.intp], word_counts: npt.NDArray[np.intp]
    ) -> npt.NDArray[np.intp]:
        """Tokens per shingle of each paragraph, from its token and word counts: ``shingle_size`` if
        at least half its tokens are CJK chars, else ``word_shingle_size``; but a paragraph with
        fewer tokens is one shingle of them all."""
        cjk_counts = counts - word_counts  # a token is a word or one CJK char
        return np.minimum(np.where(2 * cjk_counts >= counts, *self.sizes), counts)


SEPARATOR, WORD, CJK = 0, 1, 2
#: code points of a batch: UTF-16 units, or UTF-32 when the text needed ``str.lower()``
Codes = npt.NDArray[np.uint16] | npt.NDArray[np.uint32]


def _char_classes() -> npt.NDArray[np.uint8]:
    cps = np.arange(0x10000)
    table = np.zeros(0x10000, dtype=np.uint8)
    word = ((cps >= 0x30) & (cps <= 0x39)) | ((cps >= 0x61) & (cps <= 0x7A))
    word |= (cps >= 0xC0) & (cps < 0x2000) & (cps != 0xD7) & (cps != 0xF7)
    table[word] = WORD
    for lo, hi in CJK_RANGES:
        table[lo : min(hi, 0x10000)] = CJK
    return table


#: class of every BMP code point: SEPARATOR, WORD (letters, digits) or CJK (a token by itself)
CHAR_CLASS = _char_classes()

# The BMP tables below are looked up with np.take(mode="wrap"): with mode="raise" (the default)
# and out=, numpy buffers the whole result, which is several times slower.  Only astral code
# points wrap, and those entries are overwritten.


def _codes(paragraphs: list[str]) -> Codes:
    """The paragraphs joined as :func:`folded_code_points` joins them, as codes for the tables below:
    the UTF-16 units as they are when the tables can fold them, else code points folded with
    ``str.lower()`` (which the tables map to themselves)."""
    units = _bmp_units(paragraphs)
    return _lower_code_points(paragraphs) if units is None else units


def _classes(codes: Codes, scratch: _Scratch) -> npt.NDArray[np.uint8]:
    """The class of each (folded or unfolded) code; astral ones are CJK in the ideograph planes."""
    klass = np.take(CLASS, codes, mode="wrap", out=scratch.get("class", len(codes), np.uint8))
    if codes.dtype == np.uint32 and codes.max() > 0xFFFF:
        astral = np.flatnonzero(codes > 0xFFFF)
        cps = codes[astral]
        klass[astral] = np.where((cps >= 0x20000) & (cps < 0x30000), CJK, SEPARATOR)
    return klass


def _token_starts(
    klass: npt.NDArray[np.uint8], scratch: _Scratch
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Whether a token starts at each char; where the word chars are, and which of them start a word.

    Every CJK char is a token; so is every word (a run of WORD chars).  Word chars are rare in
    Chinese text, so the words are found among the word chars alone, not with masks over all
    the text.
    """
    is_start = np.not_equal(klass, SEPARATOR, out=scratch.get("start", len(klass), bool))
    word_chars = np.flatnonzero(np.equal(klass, WORD, out=scratch.get("mask", len(klass), bool)))
    continues = np.zeros(len(word_chars), dtype=bool)  # the char before is a word char too
    continues[1:] = np.diff(word_chars) == 1
    is_start[word_chars[continues]] = False
    return is_start, word_chars, np.flatnonzero(~continues)


def _char_token_hashes(
    codes: Codes, is_start: npt.NDArray[np.bool_], scratch: _Scratch
) -> npt.NDArray[np.uint64]:
    """The hash of each token as if it were its first char alone (true for all but longer words)."""
    count = int(np.count_nonzero(is_start))
    firsts = np.compress(is_start, codes, out=scratch.get("first", count, codes.dtype))
    tok = np.take(TOKEN_HASH, firsts, mode="wrap", out=scratch.get("token", count, U64))
    if codes.dtype == np.uint32:
        astral = np.flatnonzero(firsts > 0xFFFF)
        tok[astral] = _fmix64(firsts[astral].astype(U64))
    return tok


def _word_hashes(
    codes: Codes, chars: npt.NDArray[np.intp], firsts: npt.NDArray[np.intp]
) -> npt.NDArray[np.uint64]:
    """fmix64 of the polynomial code point hash of each word, ``codes[chars[firsts[w]:firsts[w + 1]]]``."""
    lengths = np.diff(np.append(firsts, len(chars)))
    power = np.arange(len(chars)) - np.repeat(firsts, lengths)
    # word chars are BMP letters and digits: FOLD folds unfolded ones, keeps folded ones
    weighted = FOLD[codes[chars]].astype(U64) * _token_powers(int(lengths.max()))[power]
    prefix = np.concatenate(([U64(0)], np.cumsum(weighted, dtype=U64)))
    return _fmix64(prefix[firsts + lengths] - prefix[firsts])


_POWERS = [np.ones(1, dtype=U64)]


def _token_powers(n: int) -> npt.NDArray[np.uint64]:
    """``TOKEN_BASE ** i`` mod 2^64 for i < n (cached, grown by doubling)."""
    if len(_POWERS[0]) < n:
        size = max(n, 2 * len(_POWERS[0]))
        with np.errstate(over="ignore"):
            _POWERS[0] = np.concatenate(([U64(1)], np.cumprod(np.full(size - 1, TOKEN_BASE, dtype=U64))))
    return _POWERS[0][:n]


def _windows(
    tok: npt.NDArray[np.uint64], bounds: npt.NDArray[np.intp], width: npt.NDArray[np.intp], scratch: _Scratch
) -> npt.NDArray[np.uint64]:
    """``sum(tok[i + j] * SHINGLE_BASE**j for j < width[p])`` for every shingle start i of every
    paragraph p (its tokens are ``tok[bounds[p]:bounds[p + 1]]``), in order.

    The windows of all tokens are summed at the widest width, one term at a time, saving on the
    way the narrower ones that paragraphs of a smaller width need; then the windows that run past
    the end of their paragraph are dropped.
    """
    first, last = bounds[:-1], bounds[1:]
    widest = int(width.max(initial=0))
    out, term = scratch.get("window", len(tok), U64), scratch.get("term", len(tok), U64)
    np.copyto(out, tok)
    saved = []
    mult = 1
    for j in range(1, widest):
        narrow = width == j  # out holds the j-token windows now
        if narrow.any():
            where = ranges(first[narrow], last[narrow] - first[narrow] - j + 1)
            saved.append((where, out[where]))
        mult = (mult * SHINGLE_BASE) & MASK64
        n = len(tok) - j
        np.multiply(tok[j:], U64(mult), out=term[:n])
        np.add(out[:n], term[:n], out=out[:n])
    for where, values in saved:
        out[where] = values
    keep = scratch.get("keep", len(tok), bool)
    keep.fill(True)
    for j in range(1, widest):
        keep[last[width > j] - j] = False
    return out[keep]  # (three times faster than np.compress(keep, out, out=term[...]))


def _fmix64(h: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    h = h ^ (h >> U64(33))
    h = h * U64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> U64(33))
    h = h * U64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> U64(33))


def _fmix64_high(h: npt.NDArray[np.uint64], shifted: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    """``_fmix64(h) >> 32`` computed in ``h`` (``shifted``: room for a temporary of h's size).

    The last xor-shift of fmix64 only changes the low 32 bits, so it is skipped.
    """
    for mult in (U64(0xFF51AFD7ED558CCD), U64(0xC4CEB9FE1A85EC53)):
        np.right_shift(h, U64(33), out=shifted)
        np.bitwise_xor(h, shifted, out=h)
        np.multiply(h, mult, out=h)
    np.right_shift(h, U64(32), out=h)
    return h.astype(np.uint32)


#: ``FOLD[u]`` is the code point that :func:`folded_code_points` makes of BMP char u (lower(), then
#: width), for every u but U+0130: its lower() is two chars (text holding it takes the lower() path).
#: Folding is idempotent (``FOLD[FOLD] == FOLD``), so these tables take unfolded or folded text.
FOLD = _lower_code_points(["".join(map(chr, range(0x10000))).replace("\u0130", "i")])[:-1].astype(np.uint16)
#: class of each BMP char after folding
CLASS = CHAR_CLASS[FOLD]
#: ``FOLD`` widened, to fold straight into UTF-32
FOLD32 = FOLD.astype(np.uint32)
#: whether exact keys keep BMP char u: all but whitespace, line breaks kept as paragraph ends
#: (folding never makes or unmakes whitespace, so this holds before and after folding)
KEPT = np.ones(0x10000, dtype=bool)
KEPT[WHITESPACE] = False
KEPT[0x0A] = True
#: hash of a token made of one BMP char (after folding)
TOKEN_HASH = _fmix64(FOLD.astype(U64))
