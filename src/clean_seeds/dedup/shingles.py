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
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import xxhash

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
    joined = "\n".join(paragraphs).lower() + "\n"
    cps = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    wide = (cps >= 0xFF01) & (cps <= 0xFF5E)
    cps[wide] -= 0xFEE0
    cps[cps == 0x3000] = 0x20
    return cps


def exact_keys(paragraphs: list[str]) -> tuple[list[int], npt.NDArray[np.int64]]:
    """A 128-bit key of each paragraph with whitespace removed, width and case folded; and its length.

    >>> keys, lengths = exact_keys(["A  b，c", "a b,c", "abd"])
    >>> keys[0] == keys[1] != keys[2], lengths.tolist()
    (True, [4, 4, 3])
    """
    if not paragraphs:
        return [], np.zeros(0, dtype=np.int64)
    cps = folded_code_points(paragraphs)
    newline = cps == 0x0A
    keep = ~np.isin(cps, WHITESPACE) | newline
    cps = cps[keep]
    ends = np.flatnonzero(cps == 0x0A)
    starts = np.concatenate(([0], ends[:-1] + 1))
    data = cps.tobytes()
    keys = [
        xxhash.xxh3_128_intdigest(data[4 * s : 4 * e])
        for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
    ]
    return keys, (ends - starts).astype(np.int64)


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


class Shingler:
    """Vectorized shingle hashing of many paragraphs at once (identical to :func:`shingle_hash`)."""

    def __init__(self, shingle_size: int, word_shingle_size: int) -> None:
        self.sizes = (shingle_size, word_shingle_size)

    def hash_batch(self, paragraphs: list[str]) -> ShingleBatch:
        """Shingle hashes (uint32, in order, duplicates kept) of each paragraph."""
        count = len(paragraphs)
        cps = folded_code_points(paragraphs)  # "\n" never occurs inside a paragraph
        klass = CHAR_CLASS[np.minimum(cps, 0xFFFF)]
        if cps.max() > 0xFFFF:
            astral = cps > 0xFFFF
            klass[astral] = np.where((cps[astral] >= 0x20000) & (cps[astral] < 0x30000), CJK, SEPARATOR)
        is_word = klass == WORD
        is_token = klass != SEPARATOR
        # a token starts at every CJK char and at a word char not preceded by one
        starts_mask = is_token.copy()
        starts_mask[1:] &= ~(is_word[1:] & is_word[:-1])
        starts = np.flatnonzero(starts_mask)
        ends_mask = is_token.copy()
        ends_mask[:-1] &= ~(is_word[:-1] & is_word[1:])
        ends = np.flatnonzero(ends_mask) + 1
        tok = _token_hashes(cps, starts, ends)
        # paragraph p's tokens are tok[bounds[p]:bounds[p + 1]]
        bounds = np.concatenate(([0], np.searchsorted(starts, np.flatnonzero(cps == 0x0A))))
        counts = np.diff(bounds)
        cjk_counts = np.diff(np.concatenate(([0], np.cumsum(klass[starts] == CJK)))[bounds])
        size = np.where(2 * cjk_counts >= counts, self.sizes[0], self.sizes[1])
        n_shingles = np.where(counts >= size, counts - size + 1, np.minimum(counts, 1))
        tok_offsets = bounds[:-1]
        offsets = np.concatenate(([0], np.cumsum(n_shingles))).astype(np.int64)
        para_of_shingle = np.repeat(np.arange(count), n_shingles)
        first = np.arange(int(offsets[-1])) - offsets[:-1][para_of_shingle] + tok_offsets[para_of_shingle]
        h = np.zeros(len(first), dtype=U64)
        for n in sorted(set(self.sizes)):
            chosen = (size[para_of_shingle] == n) & (counts[para_of_shingle] >= n)
            if chosen.any():
                h[chosen] = _windows(tok, n)[first[chosen]]
        for p in np.flatnonzero((counts < size) & (counts > 0)).tolist():
            h[offsets[p]] = _windows(tok[tok_offsets[p] : tok_offsets[p] + counts[p]], int(counts[p]))[0]
        with np.errstate(over="ignore"):
            hashes = (_fmix64(h) >> U64(32)).astype(np.uint32)
        return ShingleBatch(hashes, offsets)


SEPARATOR, WORD, CJK = 0, 1, 2


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


def _token_hashes(
    cps: npt.NDArray[np.uint32], starts: npt.NDArray[np.intp], ends: npt.NDArray[np.intp]
) -> npt.NDArray[np.uint64]:
    """fmix64 of each token's polynomial code point hash (a one-char token hashes to its code point)."""
    raw = cps[starts].astype(U64)
    multi = np.flatnonzero(ends - starts > 1)
    if len(multi):
        s, e = starts[multi], ends[multi]
        lengths = e - s
        # the chars of the multi-char tokens, gathered into one compact array
        local = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        chars = cps[np.repeat(s, lengths) + local].astype(U64)
        with np.errstate(over="ignore"):
            weighted = chars * _token_powers(int(lengths.max()))[local]
            prefix = np.concatenate(([U64(0)], np.cumsum(weighted, dtype=U64)))
            bounds = np.cumsum(lengths)
            raw[multi] = prefix[bounds] - prefix[bounds - lengths]
    with np.errstate(over="ignore"):
        return _fmix64(raw)


_POWERS = [np.ones(1, dtype=U64)]


def _token_powers(n: int) -> npt.NDArray[np.uint64]:
    """``TOKEN_BASE ** i`` mod 2^64 for i < n (cached, grown by doubling)."""
    if len(_POWERS[0]) < n:
        size = max(n, 2 * len(_POWERS[0]))
        with np.errstate(over="ignore"):
            _POWERS[0] = np.concatenate(([U64(1)], np.cumprod(np.full(size - 1, TOKEN_BASE, dtype=U64))))
    return _POWERS[0][:n]


def _windows(tok: npt.NDArray[np.uint64], n: int) -> npt.NDArray[np.uint64]:
    """``sum(tok[i + j] * SHINGLE_BASE**j for j < n)`` mod 2^64 for every window start i."""
    length = len(tok) - n + 1
    if length <= 0:
        return np.zeros(0, dtype=U64)
    out = tok[:length].copy()
    mult = 1
    with np.errstate(over="ignore"):
        for j in range(1, n):
            mult = (mult * SHINGLE_BASE) & MASK64
            out += tok[j : j + length] * U64(mult)
    return out


def _fmix64(h: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    h = h ^ (h >> U64(33))
    h = h * U64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> U64(33))
    h = h * U64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> U64(33))
