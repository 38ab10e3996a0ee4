"""One batch of long paragraphs prepared for dedup's decision loop with a few numpy calls.

The keys of the whole batch are sorted once per kind (exact keys, LSH band keys, containment
fingerprints): that one pass looks them up in the indexes, finds the keys rows of the batch
share with each other, and orders the inserts of the kept rows' keys at the batch's end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .index import KeyIndex, ShingleStore, common_counts, segments

if TYPE_CHECKING:
    from .deduplicator import Deduplicator, _Doc

U64 = np.uint64


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
        self.paras = [doc.long[j] for doc, j in units]  # paragraph index in its document
        self.gids: list[int] = [doc.base + i for (doc, _), i in zip(units, self.paras, strict=True)]
        self.row_of = dict(zip(self.gids, range(n), strict=True))
        rows = np.arange(n)
        lo = np.concatenate([doc.long_lo[a:b] for doc, a, b in runs])
        self.lo: list[int] = lo.tolist()
        if sigs:
            bands = np.concatenate([_bands_of(doc)[a:b] for doc, a, b in runs])
            self.shingles, shingle_bounds = _gather(
                [(d.shingles, d.shingle_bounds, a, b) for d, a, b in runs]
            )
            fps, fp_bounds = _gather([(doc.fps, doc.fp_bounds, a, b) for doc, a, b in runs])
        else:
            bands, fps = np.zeros((n, 0), U64), np.zeros(0, U64)
            self.shingles, shingle_bounds = np.zeros(0, np.uint32), np.zeros(n + 1, np.int64)
            fp_bounds = shingle_bounds
        self.shingle_start: list[int] = shingle_bounds.tolist()
        self.sizes = np.diff(shingle_bounds)
        self.exact = Keys(dedup._exact, lo, rows, n)
        self.exact_hits: list[int] = self.exact.found.tolist()
        self.bands = Keys(dedup._bands, bands.ravel(), np.repeat(rows, bands.shape[1]), n)
        self.band_found: npt.NDArray[np.int64] = self.bands.found.reshape(bands.shape)
        band_hit = np.any(self.band_found >= 0, axis=1)
        self.band_hit: list[bool] = band_hit.tolist()
        n_fps = np.diff(fp_bounds)
        self.fps = Keys(dedup._fingerprints, fps, np.repeat(rows, n_fps), n)
        self.need = np.maximum(2, np.ceil(n_fps * dedup.cfg.containment_threshold * 0.5)).astype(np.int64)
        self.containers = _indexed_containers(self, dedup._sets)
        local_votes = self.fps.later >= self.need
        self.local_votes: list[bool] = local_votes.tolist()
        has_containers = np.zeros(n, dtype=bool)
        has_containers[list(self.containers)] = True
        shared = self.exact.n_shared + self.bands.n_shared + self.fps.n_shared
        self.plain = (self.exact.found < 0) & ~band_hit & (shared == 0) & ~has_containers & ~local_votes
        #: rows with a hit in the index but no key shared within the batch: the batch's own
        #: decisions cannot change theirs, nor theirs the batch's
        self.alone = ~self.plain & (shared == 0)
        #: (row, indexed paragraph) -> (shingles in common, the paragraph's shingle count), for
        #: the row's LSH candidates and containers in the index, all verified in one go
        self.common: dict[tuple[int, int], tuple[int, int]] = {}
        #: row -> (indexed paragraph, similarity) of its best near duplicate in the index
        self.near_best: dict[int, tuple[int, float]] = {}
        if sigs:
            self.common, self.near_best = _indexed_commons(self, dedup._sets, dedup.cfg.threshold)

    def shingles_of(self, u: int) -> npt.NDArray[np.uint32]:
        return self.shingles[self.shingle_start[u] : self.shingle_start[u + 1]]


def _runs_of(units: list[tuple[_Doc, int]]) -> list[tuple[_Doc, int, int]]:
    """``units`` as maximal runs (doc, first, end) of consecutive long paragraphs of one document."""
    runs: list[tuple[_Doc, int, int]] = []
    for doc, j in units:
        if runs and runs[-1][0] is doc and runs[-1][2] == j:
            runs[-1] = (doc, runs[-1][1], j + 1)
        else:
            runs.append((doc, j, j + 1))
    return runs


def _gather(
    parts: list[tuple[npt.NDArray[Any], npt.NDArray[np.int64], int, int]],
) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64]]:
    """Concatenate the paragraphs first..end of several flat (values, bounds) arrays."""
    values = np.concatenate([flat[bounds[a] : bounds[b]] for flat, bounds, a, b in parts])
    sizes = np.concatenate([np.diff(bounds[a : b + 1]) for _, bounds, a, b in parts])
    return values, np.concatenate(([0], np.cumsum(sizes)))


class Keys:
    """One kind of key of a batch's paragraphs, sorted once to look them up in the index,
    to find the keys the paragraphs share, and to index the kept paragraphs' new keys.

    ``shared(row)``: the row's keys that the index lacks and another entry has too; only
    those can be in the batch's local dicts when the row is decided.
    """

    def __init__(
        self, index: KeyIndex, keys: npt.NDArray[np.uint64], rows: npt.NDArray[np.int64], n: int
    ) -> None:
        self.rows = rows
        # stable: equal keys stay in decision order, so the first of them is the first decided
        self.order = np.argsort(keys, kind="stable")
        self.ordered = keys[self.order]
        self.sorted_found = index.lookup(self.ordered)
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

    def index_kept(
        self,
        index: KeyIndex,
        kept: npt.NDArray[np.bool_],
        gids: npt.NDArray[np.int64],
        missing_only: bool = True,
    ) -> None:
        """Index the kept rows' keys (those the index lacked), the first decided of equal keys
        winning, as a dict's ``setdefault`` in decision order would."""
        rows = self.rows[self.order]
        take = kept[rows]
        if missing_only:
            take &= self.sorted_found < 0
        keys = self.ordered[take]
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        index.insert(keys[first], gids[rows[take][first]].astype(np.uint32))


def _indexed_containers(batch: Batch, sets: ShingleStore) -> dict[int, list[int]]:
    """For each row, the indexed paragraphs (ascending) holding at least ``need`` of its
    fingerprints and more shingles than it has."""
    hit = batch.fps.found >= 0
    if not hit.any():
        return {}
    pairs = np.sort(_pair_keys(batch.fps.rows[hit], batch.fps.found[hit]))
    starts = np.flatnonzero(np.concatenate(([True], pairs[1:] != pairs[:-1])))
    votes = np.diff(np.append(starts, len(pairs)))
    rows = (pairs[starts] >> U64(32)).astype(np.int64)
    ids = (pairs[starts] & U64(0xFFFFFFFF)).astype(np.int64)
    ok = votes >= batch.need[rows]
    ok[ok] = sets.sizes(ids[ok]) > batch.sizes[rows[ok]]
    containers: dict[int, list[int]] = {}
    for row, pid in zip(rows[ok].tolist(), ids[ok].tolist(), strict=True):
        containers.setdefault(row, []).append(pid)
    return containers


def _indexed_commons(
    batch: Batch, sets: ShingleStore, threshold: float
) -> tuple[dict[tuple[int, int], tuple[int, int]], dict[int, tuple[int, float]]]:
    """Verify the rows' candidates in the index in one go (a loop of one numpy call per pair
    cost more than the rest of the decisions), for the rows without an exact hit.

    Returns the shingles each row has in common with its indexed LSH candidates (those the
    sizes allow to reach ``threshold``) and containers, with their sizes; and each row's best
    indexed near duplicate: the most similar at or above ``threshold``, the lowest id on ties.
    """
    n, bands = len(batch.band_found), batch.band_found.shape[1]
    candidate = (batch.band_found >= 0) & ((batch.exact.found < 0) & (batch.sizes > 0))[:, None]
    rows = np.repeat(np.arange(n), bands)[candidate.ravel()]
    ids = batch.band_found[candidate]
    sizes, other = batch.sizes[rows], sets.sizes(ids)
    near = np.minimum(sizes, other) >= threshold * np.maximum(sizes, other)
    lsh = np.unique(_pair_keys(rows[near], ids[near]))
    containers = [(u, c) for u, found in batch.containers.items() for c in found if batch.exact_hits[u] < 0]
    pairs = lsh
    if containers:
        rows, ids = np.array(containers, dtype=np.int64).T
        pairs = np.union1d(lsh, _pair_keys(rows, ids))
    if not len(pairs):
        return {}, {}
    rows, ids = (pairs >> U64(32)).astype(np.int64), (pairs & U64(0xFFFFFFFF)).astype(np.int64)
    starts = np.array(batch.shingle_start[:-1], dtype=np.int64)[rows]
    sizes, other = batch.sizes[rows], sets.sizes(ids)
    common = common_counts(segments(batch.shingles, starts, sizes), sets.gather(ids))
    keys = zip(rows.tolist(), ids.tolist(), strict=True)
    commons = dict(zip(keys, zip(common.tolist(), other.tolist(), strict=True), strict=True))
    similarity = common / (sizes + other - common)  # every row here has shingles
    passing = np.flatnonzero(np.isin(pairs, lsh) & (similarity >= threshold))
    order = passing[np.lexsort((ids[passing], -similarity[passing], rows[passing]))]
    first = np.ones(len(order), dtype=bool)
    first[1:] = rows[order[1:]] != rows[order[:-1]]
    best = order[first]
    return commons, dict(
        zip(rows[best].tolist(), zip(ids[best].tolist(), similarity[best].tolist(), strict=True), strict=True)
    )


def _pair_keys(rows: npt.NDArray[np.int64], ids: npt.NDArray[np.int64]) -> npt.NDArray[np.uint64]:
    """(row, paragraph id) pairs as sortable uint64 keys."""
    return (rows.astype(U64) << U64(32)) | ids.astype(U64)


def _bands_of(doc: _Doc) -> npt.NDArray[np.uint64]:
    if doc.bands is None:
        raise RuntimeError(f"dedup: band keys of {doc.id!r} asked for after it was decided")
    return doc.bands
