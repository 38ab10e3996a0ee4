"""MinHash signatures of many paragraphs at once, in datasketch's ``affine32`` scheme.

datasketch's ``MinHash.update`` permutes one hash value at a time; here a batch of
paragraphs' shingle hashes is permuted as one ``(num_perm, shingles)`` array and reduced with
``np.minimum.reduceat``, in slices that fit the CPU cache, in a buffer reused from call to call
(contiguous: a strided view of a wider buffer ran at a third of the speed).

The permutation parameters are drawn as datasketch draws them for a
``MinHash(num_perm, seed, scheme="affine32")`` (a test checks they are the same), so
:meth:`Signer.minhash` hands out ``LeanMinHash`` objects equal to what datasketch itself computes
from the same shingle hashes.  datasketch is imported only there: importing it pulls in scipy,
about half a second of every run.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .shingles import ShingleBatch

if TYPE_CHECKING:
    from datasketch import LeanMinHash

#: datasketch's permutation scheme used here: fmix32 pre-mix, then ``a * h + b mod 2^32``
SCHEME = "affine32"
#: values permuted per slice (num_perm x shingles, uint32: 4 MiB, in the L3 cache): 16384
#: shingles at 64 permutations, 8192 at 128 ran fastest here, twice that at half the speed
SLICE_VALUES = 1 << 20
EMPTY = np.uint32(0xFFFFFFFF)


class Signer:
    """Computes MinHash signatures (uint32, one row per paragraph) from shingle hashes."""

    def __init__(self, num_perm: int, seed: int) -> None:
        self.num_perm = num_perm
        self.seed = seed
        a, b = permutations(num_perm, seed)
        self.a = np.ascontiguousarray(a, dtype=np.uint32)[:, None]
        self.b = np.ascontiguousarray(b, dtype=np.uint32)[:, None]
        self.slice = max(1, SLICE_VALUES // num_perm)
        self._buffer = np.empty(0, dtype=np.uint32)

    def sign(self, batch: ShingleBatch) -> npt.NDArray[np.uint32]:
        """Signatures, shape ``(paragraphs, num_perm)``; no shingles gives all ``2^32 - 1``."""
        offsets = batch.offsets
        count = len(offsets) - 1
        out = np.full((count, self.num_perm), EMPTY, dtype=np.uint32)
        hashes = _fmix32(batch.hashes)
        nonempty = np.flatnonzero(np.diff(offsets) > 0)
        if not len(nonempty):
            return out
        # cut the non-empty paragraphs into runs of about self.slice shingles
        starts = np.searchsorted(offsets[nonempty], np.arange(0, int(offsets[-1]), self.slice))
        cuts = sorted({*starts.tolist(), len(nonempty)})  # (a few: np.unique cost more than them)
        for lo_i, hi_i in pairwise(cuts):
            rows = nonempty[lo_i:hi_i]
            lo, hi = int(offsets[rows[0]]), int(offsets[rows[-1] + 1])
            view = self._scratch(hi - lo)
            np.multiply(self.a, hashes[None, lo:hi], out=view)
            view += self.b
            out[rows] = np.minimum.reduceat(view, offsets[rows] - lo, axis=1).T
        return out

    def _scratch(self, shingles: int) -> npt.NDArray[np.uint32]:
        """A contiguous ``(num_perm, shingles)`` array, kept for the next slice (a fresh one
        costs a page fault per 4 KiB each time)."""
        size = self.num_perm * shingles
        if size > len(self._buffer):
            self._buffer = np.empty(max(size, self.num_perm * 2 * self.slice), dtype=np.uint32)
        return self._buffer[:size].reshape(self.num_perm, shingles)

    def minhash(self, signature: npt.NDArray[np.uint32]) -> LeanMinHash:
        """The datasketch object for one signature row."""
        from datasketch import LeanMinHash

        return LeanMinHash(seed=self.seed, hashvalues=signature, scheme=SCHEME)


def permutations(num_perm: int, seed: int) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """The ``affine32`` permutation parameters (a odd, b) that datasketch 2's ``MinHash`` draws
    for ``num_perm`` and ``seed``: a ``RandomState(seed)`` gives a, then b."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(h: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """MurmurHash3's 32-bit finalizer, as datasketch pre-mixes input hashes in ``affine32``."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))
