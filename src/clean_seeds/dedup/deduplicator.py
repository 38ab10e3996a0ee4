"""The deduplication stage: decides which paragraphs of a corpus are duplicates and removes them.

A paragraph is a non-blank line.  Long paragraphs (``min_chars`` or more) are decided in
batches: exact keys, LSH band keys and containment fingerprints of the whole batch are looked
up in the :class:`~clean_seeds.dedup.index.KeyIndex` es at once (sorted, which also finds the
keys that paragraphs of the batch share), and the indexed paragraphs holding enough of a
paragraph's fingerprints are counted in the same pass.  Then each paragraph with a hit or a
shared key, in decision order, is checked against those hits and against the kept paragraphs
of its own batch (small dicts of the shared keys only); the others are kept without a look.
Every LSH candidate is verified by true Jaccard similarity; the batch's kept paragraphs'
keys and shingle sets are indexed at its end, the first decided of equal keys winning, as if
indexed one by one.  Only kept paragraphs are indexed, so a removed paragraph always points
at a kept one.  Short paragraphs are decided per document afterwards: an exact repeat goes
only when it stutters (repeats the previous surviving line) or belongs to a repeated block
of lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ..edits import flag, replace_spans
from ..models import Cleaned
from .batch import Batch
from .config import DedupConfig
from .features import Features, digest, features
from .index import Column, KeyIndex, ShingleStore, common_count, ranges
from .removal import removal_spans, repeated_runs

U64 = np.uint64
EXACT, NEAR, CONTAINED = "exact_duplicate", "near_duplicate", "contained_paragraph"


#: what a decided document's arrays are replaced with (shared: never written)
_NO_KEYS, _NO_SHINGLES = np.zeros(0, U64), np.zeros(0, np.uint32)
_NO_KEYS.flags.writeable = _NO_SHINGLES.flags.writeable = False


@dataclass
class _Doc(Features):
    """One document's features (until decided) and the decisions."""

    id: str = ""
    base: int = 0  # global id of the first paragraph
    rule: list[str | None] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)  # global id of the kept twin (or -1)
    info: list[dict[str, object]] = field(default_factory=list)
    flags: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (start, end, paragraph)


class Deduplicator:
    """Removes exact, near-duplicate and (optionally) contained paragraphs across documents.

    Streaming (``keep="first"``): call :meth:`process` on each document in corpus order.
    Two-pass (any ``keep``): :meth:`add` every document, :meth:`decide`, then :meth:`remove`
    each document.  Same input, same output: nothing depends on hash seeds or set order.
    """

    def __init__(self, cfg: DedupConfig) -> None:
        self.cfg = cfg
        self._exact = KeyIndex()
        self._bands = KeyIndex()
        self._fingerprints = KeyIndex()
        self._sets = ShingleStore()
        self._hi = Column(np.uint64)  # high 64 bits of each paragraph's exact key
        self._doc_of = Column(np.uint32)
        self._para_of = Column(np.uint32)
        self._final_line = Column(np.uint32)
        self._doc_ids: list[str] = []
        self._docs: dict[str, _Doc] = {}
        self._pending: list[_Doc] = []
        self._decided = False
        self._count = 0
        self._counts: Counter[str] = Counter()
        self._clusters: set[int] = set()

    # -- public API -------------------------------------------------------------------------

    def process(self, doc_id: str, text: str, found: Features | None = None) -> Cleaned:
        """Decide one document against everything seen before (and itself) and clean it.

        ``found`` is :func:`features` of ``text`` if already computed (in a worker process).
        """
        (cleaned,) = self.process_many([(doc_id, text, found)])
        return cleaned

    def process_many(self, documents: Sequence[tuple[str, str, Features | None]]) -> list[Cleaned]:
        """:meth:`process` for several documents in corpus order, with the same result, faster:
        their paragraphs are decided in shared batches."""
        if self.cfg.keep != "first":
            raise ValueError(
                f"dedup: process() streams with keep='first', not {self.cfg.keep!r}; use add/decide/remove"
            )
        docs = self._register(documents)
        self._decide_long([(doc, j) for doc in docs for j in range(len(doc.long))])
        self._decide_short(docs)
        self._finish(docs)
        return [self._edits(doc, text) for doc, (_, text, _) in zip(docs, documents, strict=True)]

    def add(self, doc_id: str, text: str, found: Features | None = None) -> None:
        """Register a document for two-pass deduplication (``found``: as for :meth:`process`)."""
        if self._decided:
            raise ValueError("dedup: add() after decide(); create a new Deduplicator for a new corpus")
        if doc_id in self._docs:
            raise ValueError(f"dedup: document {doc_id!r} added twice")
        (doc,) = self._register([(doc_id, text, found)])
        self._docs[doc_id] = doc
        self._pending.append(doc)

    def decide(self) -> None:
        """Decide every added document (keep='longest': longest paragraph of each group first)."""
        units = [(doc, j) for doc in self._pending for j in range(len(doc.long))]
        if self.cfg.keep == "longest":
            units.sort(key=lambda u: (-int(u[0].length[u[0].long[u[1]]]), u[0].base + u[0].long[u[1]]))
        self._decide_long(units)
        self._decide_short(self._pending)
        self._finish(self._pending)
        self._pending = []
        self._decided = True

    def remove(self, doc_id: str, text: str) -> Cleaned:
        """The document without its duplicate paragraphs (after :meth:`decide`)."""
        if not self._decided:
            raise ValueError("dedup: remove() before decide()")
        doc = self._docs.pop(doc_id, None)
        if doc is None:
            raise ValueError(f"dedup: document {doc_id!r} was not added (or was already removed)")
        if digest(text) != doc.digest:
            raise ValueError(f"dedup: the text of {doc_id!r} differs from the text given to add()")
        return self._edits(doc, text)

    def stats(self) -> dict[str, object]:
        """Counts for the run summary, and the memory held by the indexes."""
        return {
            "paragraphs": self._count,
            "removed": {rule: self._counts[rule] for rule in (EXACT, NEAR, CONTAINED)},
            "flagged": {CONTAINED: self._counts["flag_" + CONTAINED]},
            "clusters": len(self._clusters),
            "index_bytes": self._exact.nbytes + self._bands.nbytes + self._fingerprints.nbytes,
            "shingle_bytes": self._sets.nbytes,
        }

    # -- registering ------------------------------------------------------------------------

    def _register(self, documents: Sequence[tuple[str, str, Features | None]]) -> list[_Doc]:
        """Give the documents' paragraphs their global ids, in order; their columns in one go."""
        start, first = self._count, len(self._doc_ids)
        docs = [self._doc(doc_id, text, found) for doc_id, text, found in documents]
        if not docs:
            return docs
        counts = [len(doc.para_line) for doc in docs]
        self._hi.put(start, np.concatenate([doc.hi for doc in docs]))
        self._doc_of.put(start, np.repeat(np.arange(first, len(self._doc_ids), dtype=np.uint32), counts))
        self._para_of.put(start, ranges(np.zeros(len(docs), np.intp), np.array(counts, np.intp)))
        return docs

    def _doc(self, doc_id: str, text: str, found: Features | None) -> _Doc:
        """One document's :class:`_Doc`, its paragraphs numbered from the count so far."""
        if found is None:
            found = features(text, self.cfg)
        elif found.size != len(text) or found.digest != digest(text):
            raise ValueError(f"dedup: the features given for {doc_id!r} are not those of its text")
        n = len(found.para_line)
        doc = _Doc(
            **vars(found),  # (its fields: a plain dataclass)
            id=doc_id,
            base=self._count,
            rule=[None] * n,
            kept=[-1] * n,
            info=[{}] * n,
        )
        self._doc_ids.append(doc_id)
        self._count += n
        return doc

    # -- deciding long paragraphs -------------------------------------------------------------

    def _decide_long(self, units: list[tuple[_Doc, int]]) -> None:
        for start in range(0, len(units), self.cfg.batch_size):
            self._decide_batch(units[start : start + self.cfg.batch_size])

    def _decide_batch(self, units: list[tuple[_Doc, int]]) -> None:
        cfg = self.cfg
        batch = Batch(self, units, cfg.near_duplicate or cfg.contained_paragraph)
        local_exact: dict[int, int] = {}
        local_bands: dict[int, int] = {}
        local_fps: dict[int, int] = {}
        kept = batch.plain.copy()
        alone = np.flatnonzero(batch.alone)
        kept[alone] = self._decide_alone(batch, units, alone)
        for u in np.flatnonzero(~batch.plain & ~batch.alone).tolist():
            (doc, _), i, g = units[u], batch.paras[u], batch.gids[u]
            shared_exact = batch.exact.has_shared(u)
            found = batch.exact_hits[u]
            if found < 0 and shared_exact:
                found = local_exact.get(batch.lo[u], -1)
            if cfg.exact_duplicate and found >= 0 and int(self._hi.data[found]) == int(doc.hi[i]):
                self._mark(doc, i, EXACT, found, similarity=1.0)
                continue
            shared_bands = batch.bands.shared(u)
            if cfg.near_duplicate and (batch.band_hit[u] or shared_bands):
                local = [local_bands[k] for k in shared_bands if k in local_bands]
                if local:
                    hits = {c for c in batch.band_found[u].tolist() if c >= 0}
                    best, similarity = self._best_match(batch, u, hits.union(local))
                else:  # only indexed candidates: verified for the whole batch at once
                    best, similarity = int(batch.near_id[u]), float(batch.near_similarity[u])
                if best >= 0:
                    self._mark(doc, i, NEAR, best, similarity=round(similarity, 4))
                    continue
            shared_fps = batch.fps.shared(u)
            if cfg.contained_paragraph and (u in batch.containers or batch.local_votes[u]):
                containers = batch.containers.get(u, [])
                if batch.local_votes[u]:
                    containers = sorted(containers + self._local_containers(batch, u, shared_fps, local_fps))
                if containers and self._contained(doc, i, batch, u, containers):
                    continue
            kept[u] = True
            if found < 0 and shared_exact:
                local_exact.setdefault(batch.lo[u], g)
            for k in shared_bands:
                local_bands.setdefault(k, g)
            for k in shared_fps:
                local_fps.setdefault(k, g)
        self._index_kept(batch, kept)

    def _decide_alone(
        self, batch: Batch, units: list[tuple[_Doc, int]], rows: npt.NDArray[np.intp]
    ) -> npt.NDArray[np.bool_]:
        """Decide the rows that share no key within their batch (only the index can hold their
        twins) as the loop of :meth:`_decide_batch` would, the checks of all rows at once;
        which rows are kept."""
        cfg = self.cfg
        kept = np.ones(len(rows), dtype=bool)
        if cfg.exact_duplicate:
            found = batch.exact.found[rows]
            exact = batch.exact_gone[rows]
            for u, twin in zip(rows[exact].tolist(), found[exact].tolist(), strict=True):
                self._mark(units[u][0], batch.paras[u], EXACT, twin, similarity=1.0)
            kept &= ~exact
        if cfg.near_duplicate:
            near = kept & (batch.near_id[rows] >= 0)  # (a near duplicate implies a band hit)
            near_rows = rows[near]
            twins, similarities = batch.near_id[near_rows].tolist(), batch.near_similarity[near_rows].tolist()
            for u, twin, similarity in zip(near_rows.tolist(), twins, similarities, strict=True):
                self._mark(units[u][0], batch.paras[u], NEAR, twin, similarity=round(similarity, 4))
            kept &= ~near
        if cfg.contained_paragraph:
            for k in np.flatnonzero(kept & batch.may_be_contained[rows]).tolist():
                u = int(rows[k])
                kept[k] = not self._contained(units[u][0], batch.paras[u], batch, u, batch.containers[u])
        return kept

    def _local_containers(
        self, batch: Batch, u: int, shared: Sequence[int], local_fps: dict[int, int]
    ) -> list[int]:
        """Paragraphs of this batch with enough of paragraph u's fingerprints, and more shingles."""
        votes = Counter(local_fps[k] for k in shared if k in local_fps)
        size = int(batch.sizes[u])
        return [
            c
            for c, count in votes.items()
            if count >= batch.need[u] and len(batch.shingles_of(batch.row_of[c])) > size
        ]

    def _index_kept(self, batch: Batch, kept: npt.NDArray[np.bool_]) -> None:
        """Index the keys and shingle sets of a batch's kept paragraphs."""
        if not kept.any():
            return
        gids = batch.gid_array
        batch.exact.index_kept(self._exact, kept, gids)
        batch.bands.index_kept(self._bands, kept, gids)
        batch.fps.index_kept(self._fingerprints, kept, gids)
        if self.cfg.near_duplicate or self.cfg.contained_paragraph:
            bounds = np.concatenate(([0], np.cumsum(batch.sizes[kept])))
            self._sets.extend(gids[kept], batch.shingles[np.repeat(kept, batch.sizes)], bounds)

    def _shingles(self, batch: Batch, pid: int) -> npt.NDArray[np.uint32]:
        """The shingle set of kept paragraph ``pid``, of this batch or indexed."""
        u = batch.row_of.get(pid)
        return self._sets.get(pid) if u is None else batch.shingles_of(u)

    def _best_match(self, batch: Batch, u: int, candidates: set[int]) -> tuple[int, float]:
        """The kept candidate most similar to paragraph u at or above the threshold (lowest id on ties)."""
        best, best_sim = -1, 0.0
        shingles = batch.shingles_of(u)
        size = len(shingles)
        if not size:
            return best, best_sim  # no tokens (a rule of dashes): no similarity to verify
        threshold = self.cfg.threshold
        for c in sorted(candidates):
            common, other = self._common(batch, u, c, shingles, check=threshold)
            if common < 0:
                continue  # Jaccard <= |small| / |large| < threshold
            similarity = common / (size + other - common)
            if similarity >= threshold and similarity > best_sim:
                best, best_sim = c, similarity
        return best, best_sim

    def _common(
        self, batch: Batch, u: int, c: int, shingles: npt.NDArray[np.uint32], check: float = 0.0
    ) -> tuple[int, int]:
        """Shingles paragraph u shares with kept paragraph c, and c's shingle count; with
        ``check``, -1 when the sizes alone keep their Jaccard similarity below it."""
        known = batch.common.get(u, c)
        if known is not None:
            return known
        other = self._shingles(batch, c)
        size = len(shingles)
        if min(size, len(other)) < check * max(size, len(other)):
            return -1, len(other)
        return common_count(shingles, other), len(other)

    def _contained(self, doc: _Doc, i: int, batch: Batch, u: int, containers: list[int]) -> bool:
        """Flag (or remove) paragraph i if one of its (ascending) candidate ``containers``, longer
        kept paragraphs with enough of its fingerprints, contains most of its shingles."""
        shingles = batch.shingles_of(u)
        best, best_share, best_jaccard = -1, 0.0, 0.0
        for c in containers:
            common, other = self._common(batch, u, c, shingles)
            share = common / len(shingles)
            if share >= self.cfg.containment_threshold and share > best_share:
                best, best_share = c, share
                best_jaccard = common / (len(shingles) + other - common)
        if best < 0:
            return False
        details = {"containment": round(best_share, 4), "similarity": round(best_jaccard, 4)}
        if self.cfg.remove_contained:
            self._mark(doc, i, CONTAINED, best, **details)
            return True
        doc.flags.append((i, {"container": best, **details}))
        self._counts["flag_" + CONTAINED] += 1
        return False

    def _mark(self, doc: _Doc, i: int, rule: str, kept: int, **info: object) -> None:
        doc.rule[i], doc.kept[i], doc.info[i] = rule, kept, info
        self._counts[rule] += 1
        self._clusters.add(kept)

    # -- deciding short paragraphs ------------------------------------------------------------

    def _decide_short(self, docs: list[_Doc]) -> None:
        """Exact repeats of short paragraphs: removed when they stutter or sit in a repeated block.

        One index lookup for all ``docs``; a key first seen in one of them is found in the
        others through ``local``, as if each document were indexed before the next.
        """
        if not self.cfg.exact_duplicate or not docs:
            return
        short = np.flatnonzero(np.concatenate([doc.length for doc in docs]) < self.cfg.min_chars)
        if not len(short):
            return  # (a document without short paragraphs has nothing to decide here)
        hits = self._exact.lookup(np.concatenate([doc.lo for doc in docs])[short]).tolist()
        firsts = np.cumsum([0] + [len(doc.length) for doc in docs])
        bounds = np.searchsorted(short, firsts).tolist()
        short_of = (short - np.repeat(firsts[:-1], np.diff(bounds))).tolist()  # index in its document
        local: dict[int, int] = {}
        for doc, start, end in zip(docs, bounds[:-1], bounds[1:], strict=True):
            if start < end:
                self._decide_short_doc(doc, short_of[start:end], hits[start:end], local)
        if local:
            keys = np.fromiter(local.keys(), U64, len(local))
            self._exact.insert(keys, np.fromiter(local.values(), np.uint32, len(local)))

    def _decide_short_doc(self, doc: _Doc, short: list[int], hits: list[int], local: dict[int, int]) -> None:
        lo = doc.lo.tolist()
        seen: list[tuple[int, int]] = []  # (short paragraph, the paragraph its key was seen in)
        for i, hit in zip(short, hits, strict=True):
            key = lo[i]
            found = hit if hit >= 0 else local.get(key, -1)
            if found < 0:
                local[key] = doc.base + i
            else:
                seen.append((i, found))
        if not seen:
            # nothing to remove: a paragraph in a repeated block has a twin, and one that
            # stutters has the key of the surviving paragraph before it, which is indexed (a
            # long one, kept) or seen before it (a short one)
            return
        hi, length = doc.hi.tolist(), doc.length.tolist()
        twin = list(doc.kept)  # the kept copy of each paragraph, or -1
        for i, found in seen:
            if int(self._hi.data[found]) == hi[i]:
                twin[i] = found
        is_short = [False] * len(lo)
        for i in short:
            is_short[i] = True
        for run in repeated_runs(twin):
            if len(run) >= 2 and sum(length[i] for i in run) >= self.cfg.min_chars:
                for i in run:
                    if is_short[i]:
                        self._mark(doc, i, EXACT, twin[i], similarity=1.0, reason="repeated_block")
        previous = -1
        for i, rule in enumerate(doc.rule):
            if rule is not None:
                continue
            if is_short[i] and previous >= 0 and lo[i] == lo[previous] and hi[i] == hi[previous]:
                self._mark(doc, i, EXACT, doc.base + previous, similarity=1.0, reason="stutter")
            else:
                previous = i

    # -- edits ----------------------------------------------------------------------------------

    def _finish(self, docs: list[_Doc]) -> None:
        """Compute the removal spans and the final line of every kept paragraph; drop the
        arrays only deciding needed."""
        finals = []
        for doc in docs:
            removed = [rule is not None for rule in doc.rule]
            doc.spans, doc_finals = removal_spans(
                doc.line_bounds, doc.blank, doc.para_line, doc.size, removed
            )
            finals += doc_finals
            doc.lo = doc.hi = doc.long_lo = doc.long_hi = _NO_KEYS
            doc.bands, doc.shingles = None, _NO_SHINGLES
        if docs:
            self._final_line.put(docs[0].base, np.array(finals, dtype=np.uint32))

    def _edits(self, doc: _Doc, text: str) -> Cleaned:
        if not doc.spans and not doc.flags:
            return Cleaned(text)
        # all removals in one pass; each fresh edit then gets its paragraph's rule and details
        result = replace_spans(text, "", [(start, end, "") for start, end, _ in doc.spans])
        edits = list(result.edits)
        for edit, (_, _, i) in zip(edits, doc.spans, strict=True):
            edit.rule = doc.rule[i]  # type: ignore[assignment]  # (set for every removed paragraph)
            edit.info = self._twin_info(doc.kept[i], doc.info[i])
        for i, details in doc.flags:
            if doc.rule[i] is None:
                line = doc.para_line[i]
                start, end = doc.line_bounds[line], doc.line_bounds[line + 1] - 1
                container = details["container"]
                assert isinstance(container, int)
                info = self._twin_info(container, {k: v for k, v in details.items() if k != "container"})
                edits.append(flag(CONTAINED, text, start, end, "contained_in_longer_paragraph", **info))
        if doc.flags:
            edits.sort(key=lambda e: e.start)  # (the removals come in order)
        return Cleaned(result.text, tuple(edits))

    def _twin_info(self, kept: int, info: dict[str, object]) -> dict[str, object]:
        return {
            **info,
            "kept_doc": self._doc_ids[self._doc_of.data.item(kept)],
            "kept_line": self._final_line.data.item(kept),
            "kept_paragraph": self._para_of.data.item(kept),
            "cluster": kept,
        }
