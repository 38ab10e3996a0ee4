"""Compact stores for deduplication state: a key -> id hash table, a shingle-set arena and
per-paragraph columns; and the counting of shared shingles over them.

All keep numpy arrays, never Python objects per paragraph, so memory stays small and
predictable (see the numbers in :mod:`clean_seeds.dedup`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

U64 = np.uint64
#: a batch's sets: (values, where each set starts in them, its size)
Sets = tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64], npt.NDArray[np.int64]]


#: the id half of a slot
LOW = U64(0xFFFFFFFF)
#: multiplier spreading keys over the table (Fibonacci hashing: the product's high bits)
SPREAD = U64(0x9E3779B97F4A7C15)
#: the table doubles when more than this share of its slots is taken
MAX_LOAD = 0.6
#: slots looked at together by a key that did not stop at its first one
WINDOW = 16
#: entries placed at a time when the table grows (bounds the temporary arrays)
FILL_CHUNK = 1 << 20
#: values sorted per matrix of rows (512 KiB of uint32, in the L2 cache)
SORT_VALUES = 1 << 17


class KeyIndex:
    """Maps uint64 keys to the id (uint32) of the first paragraph inserted with that key.

    An open-addressing hash table (linear probing) in two uint32 arrays, probed for a whole
    batch of keys at once: each round looks at one slot per key still searching.  (Sorted
    runs searched with ``searchsorted`` cost a cache miss per halving step: 0.6 us per key
    at 30 million keys, against about 0.05 here.)

    A slot holds the key's *tag*, the high 32 bits of the key times ``SPREAD``, whose own
    high bits pick the slot, so the table can grow from the tags alone; and the id, one
    uint64 ``tag << 32 | id`` (one cache line to read or write, not two).  Two keys with the
    same tag look alike (a chance of 2**-32 per comparison), which costs nothing but time:
    every hit is verified before anything is removed.  8 bytes per slot, 8-22 per key.
    """

    def __init__(self, capacity: int = 1 << 12) -> None:
        self._bits = max(4, (capacity - 1).bit_length())
        self._slots = np.zeros(1 << self._bits, dtype=U64)  # tag << 32 | id; 0: empty
        self._count = 0

    def __len__(self) -> int:
        return self._count

    @property
    def nbytes(self) -> int:
        return self._slots.nbytes

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
        if self._count + len(tags) > MAX_LOAD * len(self._slots):
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
        stops = self._home(tags)
        there = self._slots.take(stops)  # (most searches stop at the first slot: read once)
        todo = np.flatnonzero((there != 0) & ((there >> U64(32)) != tags))
        if len(todo):
            stops[todo] = self._stops(tags[todo], (stops[todo] + 1) & self._mask)
            there[todo] = self._slots.take(stops[todo])
        return np.where((there >> U64(32)) == tags, (there & LOW).astype(np.int64), -1), stops

    def _tags(self, slots: npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
        """The tags held at ``slots`` (0: empty).  (``take``: a little faster here than
        indexing with an index array.)"""
        return self._slots.take(slots) >> U64(32)

    @property
    def _mask(self) -> int:
        return len(self._slots) - 1

    def _home(self, tags: npt.NDArray[np.uint32]) -> npt.NDArray[np.int64]:
        return (tags >> np.uint32(32 - self._bits)).astype(np.int64)

    def _stops(self, tags: npt.NDArray[np.uint32], slots: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """For each tag, the first slot from ``slots`` on that holds it or is empty.

        Each round looks one slot further for the keys still going; when few are left, at
        ``WINDOW`` slots at a time, since the longest probe runs would take many rounds of
        a few numpy calls each.
        """
        stops = slots.copy()
        there = self._tags(slots)  # the first round, for all tags: most stop here
        todo = np.flatnonzero((there != 0) & (there != tags))
        at, want = (slots[todo] + 1) & self._mask, tags[todo]
        while len(todo) > WINDOW * WINDOW:
            there = self._tags(at)
            going = (there != 0) & (there != want)
            stops[todo[~going]] = at[~going]
            todo, at, want = todo[going], (at[going] + 1) & self._mask, want[going]
        while len(todo):
            window = self._tags((at[:, None] + np.arange(WINDOW)) & self._mask)
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
        slots they passed are still taken, so from there).  When the slots ascend (tags in
        order, as a batch inserts them, none wrapping past the end) those keys are neighbours:
        the first of each takes it, with no reading back of what was written.
        """
        pending = np.arange(len(tags))
        stops = self._stops(tags, self._home(tags)) if slots is None else slots
        entries = (tags.astype(U64) << U64(32)) | ids
        if len(stops) > 1 and bool(np.all(stops[1:] >= stops[:-1])):
            first = np.ones(len(stops), dtype=bool)
            first[1:] = stops[1:] != stops[:-1]
            self._slots[stops[first]] = entries[first]
            pending = np.flatnonzero(~first)
            stops = self._stops(tags[pending], stops[pending])
        while len(pending):
            self._slots[stops] = entries[pending]
            won = self._slots[stops] == entries[pending]
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
        packed = self._slots[self._slots != 0]
        # by tag, so by home slot; in slot order it is nearly sorted already, where the
        # stable sort (timsort: a buffer of half the entries, small next to the table) runs
        # 5x faster than the default quicksort
        packed.sort(kind="stable")
        self._bits = bits
        self._slots = np.zeros(1 << bits, dtype=U64)
        self._count = 0
        self._fill(packed)

    def _fill(self, packed: npt.NDArray[np.uint64]) -> None:
        """Place (tag << 32 | id) entries, ascending and distinct, in the empty table in one go.

        Taken in order of home slot, each goes to the first slot from its home after the one
        before, as linear probing would put them one by one: slot k = max(home k, slot k-1 + 1),
        a running maximum, computed in chunks to bound the temporaries.  The few pushed past
        the end wrap around through :meth:`_place`.
        """
        floor = np.iinfo(np.int64).min  # running maximum of (home - index)
        for lo in range(0, len(packed), FILL_CHUNK):
            part = packed[lo : lo + FILL_CHUNK]
            steps = np.arange(lo, lo + len(part))
            # (in place, and the home straight from the entries: each pass over a chunk of a
            # large table is a good share of the growing)
            slots = (part >> U64(64 - self._bits)).astype(np.int64)
            slots -= steps
            slots[0] = max(int(slots[0]), floor)
            np.maximum.accumulate(slots, out=slots)
            floor = int(slots[-1])
            slots += steps
            if slots[-1] < len(self._slots):  # (only the end can be pushed past the end)
                self._slots[slots] = part
                self._count += len(part)
                continue
            inside = slots < len(self._slots)
            self._slots[slots[inside]] = part[inside]
            self._count += int(np.count_nonzero(inside))
            rest = part[~inside]
            self._place((rest >> U64(32)).astype(np.uint32), rest.astype(np.uint32))


def key_tags(keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    """Each key's tag: the high half of ``key * SPREAD``, 1 for 0 (0 marks an empty slot)."""
    with np.errstate(over="ignore"):
        tags = ((keys * SPREAD) >> U64(32)).astype(np.uint32)
    return np.maximum(tags, np.uint32(1))


def stable_order(values: npt.NDArray[np.unsignedinteger], bits: int = 32) -> npt.NDArray[np.intp]:
    """``np.argsort(values, kind="stable")`` of values below ``2**bits`` (at most 32), as least
    significant digit first passes of numpy's radix sort (its stable argsort of 16-bit ints):
    about 10 ns a value here, where sorting (value, position) words took 35.

    >>> stable_order(np.array([70000, 5, 70000, 3], np.uint32)).tolist()
    [3, 1, 0, 2]
    """
    order: npt.NDArray[np.intp] | None = None
    for shift in range(0, max(bits, 1), 16):
        digit = (values >> np.uint32(shift)).astype(np.uint16) if shift else values.astype(np.uint16)
        if order is None:
            order = np.argsort(digit, kind="stable")
        else:
            order = order[np.argsort(digit.take(order), kind="stable")]
    assert order is not None
    return order


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
            # in place (realloc: a large block is remapped, not copied, so its pages are not
            # touched again); no view of it is ever handed out, which refcheck makes sure of
            self._data.resize(max(end, 2 * len(self._data)), refcheck=True)
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
        """Paragraph ``pid``'s hashes (a copy: no view of the arena outlives its growing in place)."""
        return self._data[self._start[pid] : self._end[pid]].copy()

    def gather(self, pids: npt.NDArray[np.int64]) -> Sets:
        """The hashes of ``pids`` one after another, where each starts, and how many each has."""
        sizes = self.sizes(pids)
        values, bounds = segments(self._data, self._start[pids], sizes)
        return values, bounds[:-1], sizes


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


def common_counts(left: Sets, right: Sets) -> npt.NDArray[np.int64]:
    """How many values pair k's two sorted, unique sets share, for many pairs in one go.

    Pair k is the k-th set of ``left`` and of ``right``; their values arrays are copied
    together, so should be small (a batch's, not a whole store's).  Pair k's two sets are
    one row of a matrix, sorted with the rows of pairs of about the same size
    (``np.sort(axis=1)`` of short rows runs several times faster than one merge of all the
    pairs tagged with their number): a value both sets have is two equal neighbours of its row.

    >>> left = (np.array([1, 2, 3, 5, 7], np.uint32), np.array([0, 3]), np.array([3, 2]))
    >>> common_counts(left, (np.array([2, 3, 4, 7], np.uint32), np.array([0, 3]), np.array([3, 1]))).tolist()
    [2, 1]
    """
    (left_values, left_starts, left_sizes), (right_values, right_starts, right_sizes) = left, right
    values = np.concatenate((left_values, right_values))
    # (int32: half the memory traffic of the index matrices)
    left_sizes = left_sizes.astype(np.int32)
    sizes = left_sizes + right_sizes.astype(np.int32)
    # row k reads values[left_starts[k] + j] for j < left_sizes[k], then its right set
    left_shift = left_starts.astype(np.int32)
    right_shift = (len(left_values) + right_starts).astype(np.int32) - left_sizes
    counts = np.zeros(len(sizes), dtype=np.int64)
    width = row_widths(sizes.astype(np.int64))
    order = np.argsort(width, kind="stable")
    for bucket in np.split(order, np.flatnonzero(np.diff(width[order])) + 1):
        row_width = int(width[bucket[0]]) if len(bucket) else 0
        columns = np.arange(row_width, dtype=np.int32)
        step = max(1, SORT_VALUES // max(row_width, 1))
        for rows in (bucket[i : i + step] for i in range(0, len(bucket) if row_width else 0, step)):
            last = sizes[rows, None] - 1
            # a row is padded to the common width by repeating its last value: one more equal
            # neighbour per padding column, taken off the count
            at = np.minimum(columns, last)
            at += np.where(at < left_sizes[rows, None], left_shift[rows, None], right_shift[rows, None])
            matrix = values.take(at)
            matrix.sort(axis=1)
            equal = np.count_nonzero(matrix[:, 1:] == matrix[:, :-1], axis=1)
            counts[rows] = equal - (row_width - 1 - last[:, 0])
    return counts


def row_widths(counts: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The smallest width ``m * 2**k`` (m in 4..7) at least each count (counts below 8 stay):
    four widths per doubling, so rows pad by less than a quarter.

    >>> row_widths(np.array([0, 1, 7, 8, 9, 100, 112, 113])).tolist()
    [0, 1, 7, 8, 10, 112, 112, 128]
    """
    unit = np.left_shift(1, np.maximum(np.frexp(counts)[1] - 3, 0))
    return -(-counts // unit) * unit


def common_count(small: npt.NDArray[np.uint32], large: npt.NDArray[np.uint32]) -> int:
    """How many values two sorted, unique arrays share."""
    if len(small) > len(large):
        small, large = large, small
    if not len(small):
        return 0
    # a value past the end of ``large`` is clipped onto its last, smaller value: no match
    return int(np.count_nonzero(large.take(np.searchsorted(large, small), mode="clip") == small))


class Column:
    """A growable numpy column indexed by global paragraph id."""

    def __init__(self, dtype: type) -> None:
        self.data: npt.NDArray[np.generic] = np.zeros(1024, dtype=dtype)

    def put(self, start: int, values: npt.ArrayLike) -> None:
        values = np.asarray(values)
        end = start + len(values)
        if end > len(self.data):
            grown = np.zeros(max(end, 2 * len(self.data)), dtype=self.data.dtype)
            grown[: len(self.data)] = self.data
            self.data = grown
        self.data[start:end] = values
