"""Compact stores for deduplication state: a key -> id index and a shingle-set arena.

Both keep numpy arrays, never Python objects per paragraph, so memory stays small and
predictable (see the numbers in :mod:`clean_seeds.dedup`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

U64 = np.uint64


class KeyIndex:
    """Maps uint64 keys to the id (uint32) of the first paragraph inserted with that key.

    Keys live in sorted runs (like an LSM tree): :meth:`insert` adds a sorted run and merges
    runs of similar size, so there are O(log n) runs, each searched with ``searchsorted``.
    12 bytes per key.  Callers insert only keys that :meth:`lookup` did not find, so runs
    hold disjoint keys.
    """

    def __init__(self) -> None:
        self._runs: list[tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]] = []

    def __len__(self) -> int:
        return sum(len(keys) for keys, _ in self._runs)

    @property
    def nbytes(self) -> int:
        return sum(keys.nbytes + ids.nbytes for keys, ids in self._runs)

    def lookup(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        """The id stored for each key, or -1."""
        found = np.full(keys.shape, -1, dtype=np.int64)
        for run_keys, run_ids in self._runs:
            pos = np.searchsorted(run_keys, keys)
            pos[pos == len(run_keys)] = 0
            hit = run_keys[pos] == keys
            found[hit] = run_ids[pos[hit]]
        return found

    def insert(self, keys: npt.NDArray[np.uint64], ids: npt.NDArray[np.uint32]) -> None:
        """Add keys not already present (the first of equal keys in ``keys`` wins)."""
        if not len(keys):
            return
        keys, first = np.unique(keys, return_index=True)
        run = (keys, ids[first].astype(np.uint32))
        while self._runs and len(self._runs[-1][0]) <= 2 * len(run[0]):
            old_keys, old_ids = self._runs.pop()
            merged = np.concatenate((old_keys, run[0]))
            order = np.argsort(merged, kind="stable")
            run = (merged[order], np.concatenate((old_ids, run[1]))[order])
        self._runs.append(run)


class ShingleStore:
    """The sorted, unique shingle hashes (uint32) of some paragraphs, packed in one growing array."""

    def __init__(self) -> None:
        self._data = np.empty(1024, dtype=np.uint32)
        self._size = 0
        self._where: dict[int, tuple[int, int]] = {}

    @property
    def nbytes(self) -> int:
        return self._size * 4

    def __contains__(self, pid: int) -> bool:
        return pid in self._where

    def add(self, pid: int, hashes: npt.NDArray[np.uint32]) -> None:
        end = self._size + len(hashes)
        if end > len(self._data):
            grown = np.empty(max(end, 2 * len(self._data)), dtype=np.uint32)
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size : end] = hashes
        self._where[pid] = (self._size, end)
        self._size = end

    def get(self, pid: int) -> npt.NDArray[np.uint32]:
        start, end = self._where[pid]
        return self._data[start:end]
