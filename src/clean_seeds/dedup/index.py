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
        flat = keys.ravel()
        order = np.argsort(flat)
        found = np.empty(len(flat), dtype=np.int64)
        found[order] = self.lookup_sorted(flat[order])
        return found.reshape(keys.shape)

    def lookup_sorted(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        """:meth:`lookup` for ascending keys, faster: each binary search starts where the
        previous one ended (several times faster on large runs than keys in any order)."""
        found = np.full(len(keys), -1, dtype=np.int64)
        for run_keys, run_ids in self._runs:
            pos = np.searchsorted(run_keys, keys)
            # a key past the end is clipped onto the last, smaller key: no match
            hit = run_keys.take(pos, mode="clip") == keys
            found[hit] = run_ids[pos[hit]]
        return found

    def insert(self, keys: npt.NDArray[np.uint64], ids: npt.NDArray[np.uint32]) -> None:
        """Add keys not already present (the first of equal keys in ``keys`` wins)."""
        keys, first = np.unique(keys, return_index=True)
        self.insert_sorted(keys, ids[first])

    def insert_sorted(self, keys: npt.NDArray[np.uint64], ids: npt.NDArray[np.uint32]) -> None:
        """:meth:`insert` for ascending, unique keys."""
        if not len(keys):
            return
        run = (keys, ids.astype(np.uint32))
        while self._runs and len(self._runs[-1][0]) <= 2 * len(run[0]):
            run = _merge(self._runs.pop(), run)
        self._runs.append(run)


def _merge(
    old: tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]],
    new: tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]],
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint32]]:
    """Two sorted runs as one (an equal key of ``new`` after that of ``old``)."""
    keys = np.concatenate((old[0], new[0]))
    order = np.argsort(keys, kind="stable")  # timsort: two sorted runs merge in linear time
    return keys[order], np.concatenate((old[1], new[1]))[order]


class ShingleStore:
    """The sorted, unique shingle hashes (uint32) of some paragraphs, packed in one growing array.

    Where each paragraph's hashes lie is kept in two arrays indexed by paragraph id (dense),
    16 bytes per id instead of a dict entry and a tuple per paragraph.
    """

    def __init__(self) -> None:
        self._data = np.empty(1024, dtype=np.uint32)
        self._size = 0
        self._start = np.full(1024, -1, dtype=np.int64)
        self._end = np.zeros(1024, dtype=np.int64)

    @property
    def nbytes(self) -> int:
        return self._size * 4

    def __contains__(self, pid: int) -> bool:
        return 0 <= pid < len(self._start) and self._start[pid] >= 0

    def extend(
        self, pids: npt.NDArray[np.int64], hashes: npt.NDArray[np.uint32], bounds: npt.NDArray[np.int64]
    ) -> None:
        """Add paragraphs ``pids``: paragraph k's hashes are ``hashes[bounds[k] : bounds[k + 1]]``."""
        if not len(pids):
            return
        end = self._size + len(hashes)
        if end > len(self._data):
            grown = np.empty(max(end, 2 * len(self._data)), dtype=np.uint32)
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size : end] = hashes
        last = int(pids.max()) + 1
        if last > len(self._start):
            size = max(last, 2 * len(self._start))
            self._start = np.concatenate((self._start, np.full(size - len(self._start), -1, np.int64)))
            self._end = np.concatenate((self._end, np.zeros(size - len(self._end), np.int64)))
        self._start[pids] = self._size + bounds[:-1]
        self._end[pids] = self._size + bounds[1:]
        self._size = end

    def sizes(self, pids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """How many hashes each of ``pids`` has."""
        return self._end[pids] - self._start[pids]

    def get(self, pid: int) -> npt.NDArray[np.uint32]:
        return self._data[self._start[pid] : self._end[pid]]
