"""One batch of long paragraphs prepared for dedup's decision loop with a few numpy calls.

The keys of the whole batch are sorted once per kind (exact keys, LSH band keys, containment
fingerprints): that one pass looks them up in the indexes, finds the keys rows of the batch
share with each other, and orders the inserts of the kept rows' keys at the batch's end.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .index import KeyIndex, ShingleStore, common_counts, key_tags, stable_order

if TYPE_CHECKING:
    from .config import DedupConfig
    from .deduplicator import Deduplicator, _Doc

U64 = np.uint64
Ints = npt.NDArray[np.int64]
NONE: Ints = np.zeros(0, np.int64)


class Batch:
    """One batch of long paragraphs, prepared with a few numpy calls for the decision loop.

    Row ``u`` is the batch's u-th paragraph in decision order.  Its keys are looked up in the
    indexes at once; within the batch only keys that rows share (:class:`_Keys`) can hit an
    earlier row, so a row with no key found or shared (``plain``: most rows) is kept unseen.
    Containers (a longer paragraph with ``need`` of a row's fingerprints) among the indexed
    paragraphs are found here too; those of the batch only through shared fingerprints.
    """

    def __init__(self, dedup: Deduplicator, units: list[tuple[_Doc, int]], sigs: bool) -> None:
        n = len(units)
        runs = _runs_of(units)
        self.paras: list[int] = []  # paragraph index in its document
        for doc, a, b in runs:
            self.paras += doc.long[a:b]
        bases = np.array([doc.base for doc, _, _ in runs], dtype=np.int64)
        #: each row's global paragraph id (as a list too, for the decision loop)
        self.gid_array = np.array(self.paras, dtype=np.int64) + np.repeat(bases, [b - a for _, a, b in runs])
        self.gids: list[int] = self.gid_array.tolist()
        self.row_of = dict(zip(self.gids, range(n), strict=True))
        rows = np.arange(n)
        lo = np.concatenate([doc.long_lo[a:b] for doc, a, b in runs])
        self.lo: list[int] = lo.tolist()
        #: high 64 bits of each row's exact key
        self.hi = np.concatenate([doc.long_hi[a:b] for doc, a, b in runs])
        if sigs:
            bands = np.concatenate([_bands_of(doc)[a:b] for doc, a, b in runs])
            self.shingles, shingle_bounds = _gather(
                [(d.shingles, d.shingle_bounds, a, b) for d, a, b in runs]
            )
            fps, fp_bounds = _fingerprints(self.shingles, shingle_bounds, dedup.cfg.fingerprint_bits)
        else:
            bands, fps = np.zeros((n, 0), U64), np.zeros(0, U64)
            self.shingles, shingle_bounds = np.zeros(0, np.uint32), np.zeros(n + 1, np.int64)
            fp_bounds = shingle_bounds
        self.shingle_start: list[int] = shingle_bounds.tolist()
        self.sizes = np.diff(shingle_bounds)
        self.exact = Keys(dedup._exact, lo, rows, n)
        self.exact_hits: list[int] = self.exact.found.tolist()
        #: rows that go as exact duplicates of an indexed paragraph: nothing else to verify
        self.exact_gone = self.exact.found >= 0
        if not dedup.cfg.exact_duplicate:
            self.exact_gone[:] = False
        hit = np.flatnonzero(self.exact_gone)
        self.exact_gone[hit] = dedup._hi.data[self.exact.found[hit]] == self.hi[hit]
        # a row going as an exact duplicate is neither kept nor verified: its band keys and
        # fingerprints can change no decision, so they are not looked up
        live = np.flatnonzero(~self.exact_gone)
        self.bands = Keys(dedup._bands, bands[live].ravel(), np.repeat(live, bands.shape[1]), n)
        self.band_found: npt.NDArray[np.int64] = np.full(bands.shape, -1, dtype=np.int64)
        self.band_found[live] = self.bands.found.reshape(len(live), bands.shape[1])
        band_hit = np.any(self.band_found >= 0, axis=1)
        self.band_hit: list[bool] = band_hit.tolist()
        n_fps = np.diff(fp_bounds)
        live_fps = np.repeat(~self.exact_gone, n_fps)
        self.fps = Keys(dedup._fingerprints, fps[live_fps], np.repeat(rows, n_fps)[live_fps], n)
        self.need = np.maximum(2, np.ceil(n_fps * dedup.cfg.containment_threshold * 0.5)).astype(np.int64)
        self.containers = _indexed_containers(self, dedup._sets)
        local_votes = self.fps.later >= self.need
        self.local_votes: list[bool] = local_votes.tolist()
        self.has_containers = np.zeros(n, dtype=bool)
        self.has_containers[list(self.containers)] = True
        shared = self.exact.n_shared + self.bands.n_shared + self.fps.n_shared
        self.plain = (self.exact.found < 0) & ~band_hit & (shared == 0) & ~self.has_containers & ~local_votes
        #: rows with a hit in the index but no key shared within the batch: the batch's own
        #: decisions cannot change theirs, nor theirs the batch's
        self.alone = ~self.plain & (shared == 0)
        #: (row, indexed paragraph) -> (shingles in common, the paragraph's shingle count), for
        #: the row's LSH candidates and containers in the index, all verified in one go
        self.common = IndexedCommons(n)
        #: each row's best near duplicate in the index (-1: none) and their similarity
        self.near_id = np.full(n, -1, dtype=np.int64)
        self.near_similarity = np.zeros(n)
        #: rows with an indexed container holding ``containment_threshold`` of their shingles
        #: (or not verified here: those going as exact duplicates); the others are not contained
        self.may_be_contained = self.has_containers.copy()
        if sigs:
            self.common = _indexed_commons(self, dedup._sets, dedup.cfg)

    def shingles_of(self, u: int) -> npt.NDArray[np.uint32]:
        return self.shingles[self.shingle_start[u] : self.shingle_start[u + 1]]


class IndexedCommons:
    """Shingles in common of (row, indexed paragraph) pairs of a batch, and the paragraph's
    shingle count, verified in one go; found by bisection (a dict of all the pairs cost
    more to build than the few rows that read them spend looking)."""

    def __init__(
        self, n: int, rows: Ints = NONE, ids: Ints = NONE, common: Ints = NONE, other: Ints = NONE
    ) -> None:
        """Pair k is (``rows[k]``, ``ids[k]``), ascending, for a batch of ``n`` rows."""
        self._ids: list[int] = ids.tolist()
        self._common: list[int] = common.tolist()
        self._other: list[int] = other.tolist()
        self._bounds: list[int] = np.searchsorted(rows, np.arange(n + 1)).tolist()

    def get(self, u: int, pid: int) -> tuple[int, int] | None:
        """(shingles in common, shingle count of ``pid``) of pair (u, pid), None if not verified."""
        k = bisect_left(self._ids, pid, self._bounds[u], self._bounds[u + 1])
        if k < self._bounds[u + 1] and self._ids[k] == pid:
            return self._common[k], self._other[k]
        return None


def _runs_of(units: list[tuple[_Doc, int]]) -> list[tuple[_Doc, int, int]]:
    """``units`` as maximal runs (doc, first, end) of consecutive long paragraphs of one document."""
    if not units:
        return []
    runs: list[tuple[_Doc, int, int]] = []
    run_doc, first = units[0]
    end = first
    for doc, j in units:  # (the run so far in locals: no tuple made per unit)
        if doc is not run_doc or j != end:
            runs.append((run_doc, first, end))
            run_doc, first = doc, j
        end = j + 1
    runs.append((run_doc, first, end))
    return runs


def _fingerprints(
    shingles: npt.NDArray[np.uint32], bounds: npt.NDArray[np.int64], bits: int
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """The containment fingerprints of each paragraph's shingle set: the shingles with the low
    ``bits`` zero (one in ``2**bits``), one paragraph after another, and their bounds.

    >>> fps, bounds = _fingerprints(np.array([8, 9, 16, 3], np.uint32), np.array([0, 2, 4]), 3)
    >>> fps.tolist(), bounds.tolist()
    ([8, 16], [0, 1, 2])
    """
    # (the positions of the sampled ones, and where the bounds fall among them: a running
    # count over all the shingles cost more)
    at = np.flatnonzero((shingles & np.uint32((1 << bits) - 1)) == 0)
    return shingles.take(at).astype(U64), np.searchsorted(at, bounds)


def _gather(
    parts: list[tuple[npt.NDArray[Any], npt.NDArray[np.int64], int, int]],
) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64]]:
    """Concatenate the paragraphs first..end of several flat (values, bounds) arrays.

    The sizes are the steps of all the parts' bounds put together, less the steps from one
    part's last bound to the next's first (one ``np.diff`` a part cost more than the rest).

    >>> flat, bounds = np.arange(6), np.array([0, 1, 3, 6])
    >>> [x.tolist() for x in _gather([(flat, bounds, 1, 3), (flat, bounds, 0, 1)])]
    [[1, 2, 3, 4, 5, 0], [0, 2, 5, 6]]
    """
    values = np.concatenate([flat[bounds[a] : bounds[b]] for flat, bounds, a, b in parts])
    steps = np.diff(np.concatenate([bounds[a : b + 1] for _, bounds, a, b in parts]))
    ends = list(accumulate(b - a + 1 for _, _, a, b in parts))  # of each part's bounds
    inside = np.ones(len(steps), dtype=bool)
    inside[[end - 1 for end in ends[:-1]]] = False
    return values, np.concatenate(([0], np.cumsum(steps[inside])))


class Keys:
    """One kind of key of a batch's paragraphs, sorted once to look them up in the index,
    to find the keys the paragraphs share, and to index the kept paragraphs' new keys.

    The keys are sorted by their index tag (:func:`~clean_seeds.dedup.index.key_tags`), then
    key, then position: equal keys lie together in decision order, and the first of a tag's
    keys is the smallest, as :meth:`KeyIndex.insert` would pick it.  (A radix order of the
    32-bit tags, :func:`~clean_seeds.dedup.index.stable_order`, costs a fraction of any sort of
    64-bit words.)

    ``shared(row)``: the row's keys that the index lacks and another entry has too; only
    those can be in the batch's local dicts when the row is decided.
    """

    def __init__(
        self, index: KeyIndex, keys: npt.NDArray[np.uint64], rows: npt.NDArray[np.int64], n: int
    ) -> None:
        self.rows = rows
        tags = key_tags(keys)
        self.order = stable_order(tags)
        self.tags = tags.take(self.order)
        self.ordered = keys[self.order]
        _untangle(self.order, self.ordered, self.tags)
        self.sorted_found, self.slots = index.probe(self.tags)
        self.found = np.empty_like(self.sorted_found)
        self.found[self.order] = self.sorted_found
        self.later = np.zeros(n, dtype=np.int64)  # per row, its missing keys an earlier entry has
        self.n_shared = np.zeros(n, dtype=np.int64)  # per row, how many keys it shares
        self._keys: list[int] = []
        self._start: list[int] = []
        missing = np.flatnonzero(self.sorted_found < 0)
        same = self.ordered[missing[1:]] == self.ordered[missing[:-1]]
        if not same.any():
            return
        self.later = np.bincount(rows[self.order[missing[1:][same]]], minlength=n)
        repeated = np.zeros(len(missing), dtype=bool)
        repeated[1:] = same
        repeated[:-1] |= same
        where = np.sort(self.order[missing[repeated]])  # rows ascend with position
        self._keys = keys[where].tolist()
        start = np.searchsorted(rows[where], np.arange(n + 1))
        self.n_shared = np.diff(start)
        self._start = start.tolist()

    def shared(self, row: int) -> list[int]:
        return self._keys[self._start[row] : self._start[row + 1]] if self._keys else []

    def has_shared(self, row: int) -> bool:
        return bool(self._keys) and self._start[row] != self._start[row + 1]

    def index_kept(self, index: KeyIndex, kept: npt.NDArray[np.bool_], gids: npt.NDArray[np.int64]) -> None:
        """Index the kept rows' keys (those the index lacked), the first decided of equal keys
        winning, as a dict's ``setdefault`` in decision order would.

        ``index`` must be the one the keys were looked up in, with nothing inserted since:
        the keys it lacked then, it lacks now, so it need not be searched for them again.
        """
        rows = self.rows[self.order]
        take = np.flatnonzero(kept[rows] & (self.sorted_found < 0))
        tags = self.tags[take]
        # the first of a tag's keys: the smallest key, from the first row decided with it
        first = np.ones(len(take), dtype=bool)
        first[1:] = tags[1:] != tags[:-1]
        take = take[first]
        index.add_absent(tags[first], gids[rows[take]].astype(np.uint32), self.slots[take])


def _untangle(
    order: npt.NDArray[np.int64], keys: npt.NDArray[np.uint64], tags: npt.NDArray[np.uint32]
) -> None:
    """Sort the runs of equal tags that hold different keys (tags collide: two in a batch
    share one about every 2**32 / batch**2 batches) by key, then position, in place."""
    same_tag = tags[1:] == tags[:-1]
    clash = same_tag & (keys[1:] != keys[:-1])
    if not clash.any():
        return
    run = np.concatenate(([0], np.cumsum(~same_tag)))
    at = np.flatnonzero(np.isin(run, run[1:][clash]))
    by = np.lexsort((order[at], keys[at], run[at]))
    order[at], keys[at] = order[at][by], keys[at][by]


def _indexed_containers(batch: Batch, sets: ShingleStore) -> dict[int, list[int]]:
    """For each row, the indexed paragraphs (ascending) holding at least ``need`` of its
    fingerprints and more shingles than it has."""
    hit = batch.fps.found >= 0
    if not hit.any():
        return {}
    rows, ids = batch.fps.rows[hit], batch.fps.found[hit]
    # the (row, id) pairs in order: by id, then (stable) by row; radix passes (fingerprint
    # hits are many: a sort of (row, id) words cost more than the rest of this function)
    by_id = stable_order(ids.astype(np.uint32))
    order = by_id[stable_order(rows.take(by_id).astype(np.uint32), len(batch.sizes).bit_length())]
    rows, ids = rows.take(order), ids.take(order)
    starts = np.flatnonzero(np.concatenate(([True], (rows[1:] != rows[:-1]) | (ids[1:] != ids[:-1]))))
    votes = np.diff(np.append(starts, len(rows)))
    rows, ids = rows[starts], ids[starts]
    ok = votes >= batch.need[rows]
    ok[ok] = sets.sizes(ids[ok]) > batch.sizes[rows[ok]]
    containers: dict[int, list[int]] = {}
    for row, pid in zip(rows[ok].tolist(), ids[ok].tolist(), strict=True):
        containers.setdefault(row, []).append(pid)
    return containers


def _indexed_commons(batch: Batch, sets: ShingleStore, cfg: DedupConfig) -> IndexedCommons:
    """Verify the rows' candidates in the index in one go (a loop of one numpy call per pair
    cost more than the rest of the decisions), for the rows not going as exact duplicates.

    Sets each row's best indexed near duplicate (``batch.near_id``, ``batch.near_similarity``):
    the most similar at or above ``threshold``, the lowest id on ties, and which rows may be
    contained (``batch.may_be_contained``).  Returns the shingles
    each row has in common with its indexed LSH candidates (those the sizes allow to reach
    ``threshold``) and containers, with their sizes.
    """
    n, threshold = len(batch.band_found), cfg.threshold
    # each row's distinct candidates: its band hits sorted (a row of a few bands sorts fast),
    # row by row, so the pairs come out ascending
    hits = np.sort(np.where((~batch.exact_gone & (batch.sizes > 0))[:, None], batch.band_found, -1), axis=1)
    fresh = hits >= 0
    fresh[:, 1:] &= hits[:, 1:] != hits[:, :-1]
    rows, ids = np.nonzero(fresh)[0], hits[fresh]
    sizes, other = batch.sizes[rows], sets.sizes(ids)
    near = np.minimum(sizes, other) >= threshold * np.maximum(sizes, other)
    lsh = _pair_keys(rows[near], ids[near])
    gone = batch.exact_gone
    containers = [(u, c) for u, found in batch.containers.items() for c in found if not gone[u]]
    pairs, in_lsh = lsh, np.ones(len(lsh), dtype=bool)
    if containers:
        rows, ids = np.array(containers, dtype=np.int64).T
        pairs, in_lsh, in_contained = _union(lsh, _pair_keys(rows, ids))
    if not len(pairs):
        return IndexedCommons(n)
    rows, ids = _unpair(pairs)
    starts = np.array(batch.shingle_start[:-1], dtype=np.int64)[rows]
    indexed = sets.gather(ids)
    sizes, other = batch.sizes[rows], indexed[2]
    common = common_counts((batch.shingles, starts, sizes), indexed)
    similarity = common / (sizes + other - common)  # every row here has shingles
    verified = similarity >= threshold
    if containers:
        verified &= in_lsh
        holds = in_contained & (common / sizes >= cfg.containment_threshold)
        may_be_contained = batch.exact_gone.copy()
        may_be_contained[rows[holds]] = True
        batch.may_be_contained &= may_be_contained
    passing = np.flatnonzero(verified)
    order = passing[np.lexsort((ids[passing], -similarity[passing], rows[passing]))]
    first = np.ones(len(order), dtype=bool)
    first[1:] = rows[order[1:]] != rows[order[:-1]]
    best = order[first]
    batch.near_id[rows[best]], batch.near_similarity[rows[best]] = ids[best], similarity[best]
    return IndexedCommons(n, rows, ids, common, other)


def _union(
    first: npt.NDArray[np.uint64], second: npt.NDArray[np.uint64]
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """The sorted distinct keys of two arrays, and which of them each array holds (one merge:
    ``np.union1d`` and two ``np.isin`` sort three times).

    >>> keys, in_first, in_second = _union(np.array([3, 5], U64), np.array([1, 3], U64))
    >>> keys.tolist(), in_first.tolist(), in_second.tolist()
    ([1, 3, 5], [False, True, True], [True, True, False])
    """
    both = np.concatenate((first, second))
    order = np.argsort(both, kind="stable")
    merged = both[order]
    fresh = np.ones(len(merged), dtype=bool)
    fresh[1:] = merged[1:] != merged[:-1]
    slot = np.cumsum(fresh) - 1  # each merged key's place among the distinct ones
    held = np.zeros((2, int(slot[-1]) + 1 if len(slot) else 0), dtype=bool)
    held[(order >= len(first)).astype(np.intp), slot] = True
    return merged[fresh], held[0], held[1]


def _pair_keys(rows: npt.NDArray[np.int64], ids: npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
    """(row, paragraph id) pairs as sortable uint64 keys."""
    return (rows.astype(U64) << U64(32)) | ids.astype(U64)


def _unpair(pairs: npt.NDArray[np.uint64]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """The rows and paragraph ids of :func:`_pair_keys`."""
    return (pairs >> U64(32)).astype(np.int64), (pairs & U64(0xFFFFFFFF)).astype(np.int64)


def _bands_of(doc: _Doc) -> npt.NDArray[np.uint64]:
    if doc.bands is None:
        raise RuntimeError(f"dedup: band keys of {doc.id!r} asked for after it was decided")
    return doc.bands
