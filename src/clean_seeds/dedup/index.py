"""Compact stores for deduplication state: a key -> id hash table and a shingle-set arena.

Both keep numpy arrays, never Python objects per paragraph, so memory stays small and
predictable (see the numbers in :mod:`clean_seeds.dedup`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

U64 = np.uint64


#: multiplier spreading keys over the table (Fibonacci hashing: the product's high bits)
SPREAD = U64(0x9E3779B97F4A7C15)
#: the table doubles when more than this share of its slots is taken
MAX_LOAD = 0.6
#: slots looked at together by a key that did not stop at its first one
WINDOW = 16
#: entries placed at a time when the table grows (bounds the temporary arrays)
FILL_CHUNK = 1 << 20


class KeyIndex:
    """Maps uint64 keys to the id (uint32) of the first paragraph inserted with that key.

    An open-addressing hash table (linear probing) in two uint32 arrays, probed for a whole
    batch of keys at once: each round looks at one slot per key still searching.  (Sorted
    runs searched with ``searchsorted`` cost a cache miss per halving step: 0.6 us per key
    at 30 million keys, against about 0.05 here.)

    A slot holds the key's *tag*, the high 32 bits of the key times ``SPREAD``, whose own
    high bits pick the slot, so the table can grow from the tags alone.  Two keys with the
    same tag look alike (a chance of 2**-32 per comparison), which costs nothing but time:
    every hit is verified before anything is removed.  8 bytes per slot, 8-22 per key.
    """

    def __init__(self, capacity: int = 1 << 12) -> None:
        self._bits = max(4, (capacity - 1).bit_length())
        self._tags = np.zeros(1 << self._bits, dtype=np.uint32)  # 0: empty
        self._ids = np.zeros(1 << self._bits, dtype=np.uint32)
        self._count = 0

    def __len__(self) -> int:
        return self._count

    @property
    def nbytes(self) -> int:
        return self._tags.nbytes + self._ids.nbytes

    def lookup(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        """The id stored for each key, or -1."""
        return self.find(key_tags(keys.ravel())).reshape(keys.shape)

    def insert(self, keys: npt.NDArray[np.uint64], ids: npt.NDArray[np.uint32]) -> None:
        """Add the keys not already present (the first of equal keys in ``keys`` wins)."""
        tags, first = np.unique(key_tags(keys), return_index=True)
        found, slots = self.probe(tags)
        absent = found < 0
        self.add_absent(tags[absent], ids[first][absent].astype(np.uint32), slots[absent])

    def add_absent(
        self, tags: npt.NDArray[np.uint32], ids: npt.NDArray[np.uint32], slots: npt.NDArray[np.int64]
    ) -> None:
        """Add distinct tags that :meth:`probe` did not find, at the free ``slots`` it stopped
        at, with nothing added since (so the table need not be searched for them again)."""
        if self._count + len(tags) > MAX_LOAD * len(self._tags):
            self._grow(self._count + len(tags))
            self._place(tags, ids)  # (the table moved: the slots are stale)
        else:
            self._place(tags, ids, slots)

    def find(self, tags: npt.NDArray[np.uint32]) -> npt.NDArray[np.int64]:
        """The id stored for each tag (:func:`key_tags`), or -1."""
        return self.probe(tags)[0]

    def probe(self, tags: npt.NDArray[np.uint32]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """:meth:`find`, and the slot each search stopped at (the tag's, or the free one it
        would take)."""
        stops = self._stops(tags, self._home(tags))
        return np.where(self._tags[stops] == tags, self._ids[stops].astype(np.int64), -1), stops

    @property
    def _mask(self) -> int:
        return len(self._tags) - 1

    def _home(self, tags: npt.NDArray[np.uint32]) -> npt.NDArray[np.int64]:
        return (tags >> np.uint32(32 - self._bits)).astype(np.int64)

    def _stops(self, tags: npt.NDArray[np.uint32], slots: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """For each tag, the first slot from ``slots`` on that holds it or is empty.

        Each round looks one slot further for the keys still going; when few are left, at
        ``WINDOW`` slots at a time, since the longest probe runs would take many rounds of
        a few numpy calls each.
        """
        stops = slots.copy()
        there = self._tags[slots]  # the first round, for all tags: most stop here
        todo = np.flatnonzero((there != 0) & (there != tags))
        at, want = (slots[todo] + 1) & self._mask, tags[todo]
        while len(todo) > WINDOW * WINDOW:
            there = self._tags[at]
            going = (there != 0) & (there != want)
            stops[todo[~going]] = at[~going]
            todo, at, want = todo[going], (at[going] + 1) & self._mask, want[going]
        while len(todo):
            window = self._tags[(at[:, None] + np.arange(WINDOW)) & self._mask]
            stop = (window == 0) | (window == want[:, None])
            found = stop.any(axis=1)
            stops[todo[found]] = (at[found] + stop[found].argmax(axis=1)) & self._mask
            todo, at, want = todo[~found], (at[~found] + WINDOW) & self._mask, want[~found]
        return stops

    def _place(
        self,
        tags: npt.NDArray[np.uint32],
        ids: npt.NDArray[np.uint32],
        slots: npt.NDArray[np.int64] | None = None,
    ) -> None:
        """Put absent, distinct tags in the first free slot of their probe sequence (``slots``:
        those first free slots, if known).

        Where a key lands does not change what a lookup finds, so of several keys stopping
        at one free slot, whichever numpy writes last takes it and the others look on (the
        slots they passed are still taken, so from there).
        """
        pending = np.arange(len(tags))
        stops = self._stops(tags, self._home(tags)) if slots is None else slots
        while len(pending):
            self._tags[stops] = tags[pending]
            won = self._tags[stops] == tags[pending]
            self._ids[stops[won]] = ids[pending[won]]
            pending, stops = pending[~won], stops[~won]
            stops = self._stops(tags[pending], stops)
        self._count += len(tags)

    def _grow(self, count: int) -> None:
        """Double the table until ``count`` keys fit under ``MAX_LOAD``; place the keys again.

        Memory is the limit at scale (the index holds tens of millions of keys), so the old
        table is packed into one sorted array and dropped before the new one is made.
        """
        bits = self._bits
        while count > MAX_LOAD * (1 << bits):
            bits += 1
        if bits > 32:
            raise ValueError("dedup: more than 2.5 billion keys do not fit one index")
        used = np.flatnonzero(self._tags)
        packed = (self._tags[used].astype(U64) << U64(32)) | self._ids[used]
        del used
        # by tag, so by home slot; in slot order it is nearly sorted already, where the
        # stable sort (timsort: a buffer of half the entries, small next to the table) runs
        # 5x faster than the default quicksort
        packed.sort(kind="stable")
        self._bits = bits
        self._tags = np.zeros(1 << bits, dtype=np.uint32)
        self._ids = np.zeros(1 << bits, dtype=np.uint32)
        self._count = 0
        self._fill(packed)

    def _fill(self, packed: npt.NDArray[np.uint64]) -> None:
        """Place (tag << 32 | id) entries, ascending and distinct, in the empty table in one go.

        Taken in order of home slot, each goes to the first slot from its home after the one
        before, as linear probing would put them one by one: slot k = max(home k, slot k-1 + 1),
        a running maximum, computed in chunks to bound the temporaries.  The few pushed past
        the end wrap around through :meth:`_place`.
        """
        floor = np.int64(np.iinfo(np.int64).min)  # running maximum of (home - index)
        for lo in range(0, len(packed), FILL_CHUNK):
            part = packed[lo : lo + FILL_CHUNK]
            tags, ids = (part >> U64(32)).astype(np.uint32), part.astype(np.uint32)
            steps = np.arange(lo, lo + len(part))
            shifted = np.maximum.accumulate(np.maximum(self._home(tags) - steps, floor))
            floor = shifted[-1]
            slots = shifted + steps
            inside = slots < len(self._tags)
            self._tags[slots[inside]], self._ids[slots[inside]] = tags[inside], ids[inside]
            self._count += int(np.count_nonzero(inside))
            self._place(tags[~inside], ids[~inside])


def key_tags(keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    """Each key's tag: the high half of ``key * SPREAD``, 1 for 0 (0 marks an empty slot)."""
    with np.errstate(over="ignore"):
        tags = ((keys * SPREAD) >> U64(32)).astype(np.uint32)
    return np.maximum(tags, np.uint32(1))


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

    def gather(self, pids: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
        """The hashes of ``pids`` one after another, and where each starts (and the last ends)."""
        return segments(self._data, self._start[pids], self.sizes(pids))


def segments(
    values: npt.NDArray[np.uint32], starts: npt.NDArray[np.int64], sizes: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
    """``values[starts[k] : starts[k] + sizes[k]]`` for every k, concatenated, and their bounds."""
    bounds = np.zeros(len(sizes) + 1, dtype=np.int64)
    np.cumsum(sizes, out=bounds[1:])
    return values[ranges(starts, sizes)], bounds


def ranges(starts: npt.NDArray[np.intp], lengths: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """``arange(s, s + n)`` for each start s and length n, concatenated.

    >>> ranges(np.array([5, 0]), np.array([2, 3])).tolist()
    [5, 6, 0, 1, 2]
    """
    ends = np.cumsum(lengths)
    total = int(ends[-1]) if len(ends) else 0
    return np.arange(total) + np.repeat(starts - ends + lengths, lengths)


def common_counts(
    left: tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]],
    right: tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64]],
) -> npt.NDArray[np.int64]:
    """How many values pair k's two sorted, unique sets share, for many pairs in one go.

    ``left`` and ``right`` are (values, bounds) as :func:`segments` returns them, pair k
    being the k-th set of each.  Tagging every value with its pair number keeps both arrays
    sorted, so one merge of the two intersects all the pairs.

    >>> sets = (np.array([1, 2, 3, 5, 7], np.uint32), np.array([0, 3, 5]))
    >>> common_counts(sets, (np.array([2, 3, 4, 7], np.uint32), np.array([0, 3, 4]))).tolist()
    [2, 1]
    """
    pairs = len(left[1]) - 1
    tagged = [
        (np.repeat(np.arange(pairs, dtype=U64), np.diff(bounds)) << U64(32)) | values.astype(U64)
        for values, bounds in (left, right)
    ]
    # each side is sorted and unique within a pair, so a value both have is two equal
    # neighbours of the merged array (timsort merges the two sorted runs in linear time)
    merged = np.concatenate(tagged)
    merged.sort(kind="stable")
    both = merged[1:][merged[1:] == merged[:-1]]
    return np.bincount((both >> U64(32)).astype(np.int64), minlength=pairs)
