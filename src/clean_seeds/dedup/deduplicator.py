"""The deduplication stage: decides which paragraphs of a corpus are duplicates and removes them.

A paragraph is a non-blank line.  Long paragraphs (``min_chars`` or more) are decided in
batches: exact keys, LSH band keys and containment fingerprints of the whole batch are looked
up in the :class:`~clean_seeds.dedup.index.KeyIndex` es at once; then each paragraph, in
decision order, is checked against those hits and against the kept paragraphs of its own
batch (small dicts), every LSH candidate is verified by true Jaccard similarity, and the
kept paragraph's keys and shingle set are indexed.  Only kept paragraphs are indexed, so a
removed paragraph always points at a kept one.  Short paragraphs are decided per document
afterwards: an exact repeat goes only when it stutters (repeats the previous surviving line)
or belongs to a repeated block of lines.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import xxhash

from ..edits import apply_edits, flag, replace_spans
from ..models import Cleaned, Edit
from .config import DedupConfig
from .index import KeyIndex, ShingleStore
from .minhash import Signer
from .shingles import MASK64, Shingler, exact_keys

U64 = np.uint64
EXACT, NEAR, CONTAINED = "exact_duplicate", "near_duplicate", "contained_paragraph"
BAND_SALT = 0x9E3779B97F4A7C15


@dataclass
class Features:
    """What dedup needs of one document's text, computed without any corpus state.

    :func:`features` is pure, so worker processes compute it next to the per-document stages
    and the process holding the index only decides.
    """

    digest: int  # of the text, so later calls can check they get the same text
    lines: list[tuple[int, int]]  # (start, end) of every line, without the line break
    blank: list[bool]
    para_line: list[int]  # line index of each paragraph
    size: int  # len(text)
    lo: npt.NDArray[np.uint64]
    hi: npt.NDArray[np.uint64]
    length: npt.NDArray[np.int64]
    long: list[int] = field(default_factory=list)  # paragraph indices of long paragraphs
    bands: npt.NDArray[np.uint64] | None = None  # (len(long), bands)
    sets: list[npt.NDArray[np.uint32]] = field(default_factory=list)  # sorted unique shingle hashes
    fps: list[npt.NDArray[np.uint64]] = field(default_factory=list)  # containment fingerprints


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


@functools.lru_cache(maxsize=4)
def _tools(cfg: DedupConfig) -> tuple[Shingler, Signer]:
    return Shingler(cfg.shingle_size, cfg.word_shingle_size), Signer(cfg.num_perm, cfg.seed)


def features(text: str, cfg: DedupConfig) -> Features:
    """Split ``text`` into paragraphs and compute their exact keys, shingle sets and band keys."""
    lines, blank, para_line, paragraphs = _split(text)
    keys, length = exact_keys(paragraphs)
    lo = np.array([k & MASK64 for k in keys], dtype=U64)
    hi = np.array([k >> 64 for k in keys], dtype=U64)
    found = Features(_digest(text), lines, blank, para_line, len(text), lo, hi, length)
    if cfg.exact_duplicate or cfg.near_duplicate or cfg.contained_paragraph:
        found.long = np.flatnonzero(length >= cfg.min_chars).tolist()
    if found.long and (cfg.near_duplicate or cfg.contained_paragraph):
        shingler, signer = _tools(cfg)
        batch = shingler.hash_batch([paragraphs[i] for i in found.long])
        found.sets = _unique_per_paragraph(batch.hashes, batch.offsets)
        mask = np.uint32((1 << cfg.fingerprint_bits) - 1)
        found.fps = [shingles[(shingles & mask) == 0].astype(U64) for shingles in found.sets]
        found.bands = _band_keys(signer.sign(batch), cfg.bands, cfg.rows)
    return found


class _Column:
    """A growable numpy column indexed by global paragraph id."""

    def __init__(self, dtype: type) -> None:
        self.data: npt.NDArray[Any] = np.zeros(1024, dtype=dtype)

    def put(self, start: int, values: npt.ArrayLike) -> None:
        values = np.asarray(values)
        end = start + len(values)
        if end > len(self.data):
            grown = np.zeros(max(end, 2 * len(self.data)), dtype=self.data.dtype)
            grown[: len(self.data)] = self.data
            self.data = grown
        self.data[start:end] = values


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
        self._hi = _Column(np.uint64)  # high 64 bits of each paragraph's exact key
        self._doc_of = _Column(np.uint32)
        self._para_of = _Column(np.uint32)
        self._final_line = _Column(np.uint32)
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
        docs = [self._register(doc_id, text, found) for doc_id, text, found in documents]
        self._decide_long([(doc, j) for doc in docs for j in range(len(doc.long))])
        for doc in docs:
            self._decide_short(doc)
        for doc in docs:
            self._finish(doc)
        return [self._edits(doc, text) for doc, (_, text, _) in zip(docs, documents, strict=True)]

    def add(self, doc_id: str, text: str, found: Features | None = None) -> None:
        """Register a document for two-pass deduplication (``found``: as for :meth:`process`)."""
        if self._decided:
            raise ValueError("dedup: add() after decide(); create a new Deduplicator for a new corpus")
        if doc_id in self._docs:
            raise ValueError(f"dedup: document {doc_id!r} added twice")
        self._docs[doc_id] = doc = self._register(doc_id, text, found)
        self._pending.append(doc)

    def decide(self) -> None:
        """Decide every added document (keep='longest': longest paragraph of each group first)."""
        units = [(doc, j) for doc in self._pending for j in range(len(doc.long))]
        if self.cfg.keep == "longest":
            units.sort(key=lambda u: (-int(u[0].length[u[0].long[u[1]]]), u[0].base + u[0].long[u[1]]))
        self._decide_long(units)
        for doc in self._pending:
            self._decide_short(doc)
        for doc in self._pending:
            self._finish(doc)
        self._pending = []
        self._decided = True

    def remove(self, doc_id: str, text: str) -> Cleaned:
        """The document without its duplicate paragraphs (after :meth:`decide`)."""
        if not self._decided:
            raise ValueError("dedup: remove() before decide()")
        doc = self._docs.pop(doc_id, None)
        if doc is None:
            raise ValueError(f"dedup: document {doc_id!r} was not added (or was already removed)")
        if _digest(text) != doc.digest:
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

    def _register(self, doc_id: str, text: str, found: Features | None) -> _Doc:
        if found is None:
            found = features(text, self.cfg)
        elif found.size != len(text) or found.digest != _digest(text):
            raise ValueError(f"dedup: the features given for {doc_id!r} are not those of its text")
        doc = _Doc(**{f.name: getattr(found, f.name) for f in dataclasses.fields(Features)}, id=doc_id)
        doc.base = self._count
        n = len(doc.para_line)
        doc.rule, doc.kept, doc.info = [None] * n, [-1] * n, [{}] * n
        self._hi.put(self._count, doc.hi)
        self._doc_of.put(self._count, np.full(n, len(self._doc_ids), dtype=np.uint32))
        self._para_of.put(self._count, np.arange(n, dtype=np.uint32))
        self._doc_ids.append(doc_id)
        self._count += n
        return doc

    # -- deciding long paragraphs -------------------------------------------------------------

    def _decide_long(self, units: list[tuple[_Doc, int]]) -> None:
        for start in range(0, len(units), self.cfg.batch_size):
            self._decide_batch(units[start : start + self.cfg.batch_size])

    def _decide_batch(self, units: list[tuple[_Doc, int]]) -> None:
        cfg = self.cfg
        paras = [doc.long[j] for doc, j in units]
        lo = np.array([doc.lo[i] for (doc, _), i in zip(units, paras, strict=True)], dtype=U64)
        exact_hits = self._exact.lookup(lo).tolist()
        sigs = cfg.near_duplicate or cfg.contained_paragraph
        bands = np.stack([_bands_of(doc)[j] for doc, j in units]) if sigs else np.zeros((len(units), 0), U64)
        band_hits = self._bands.lookup(bands)
        fps = [doc.fps[j] if sigs else np.zeros(0, U64) for doc, j in units]
        fp_hits = self._fingerprints.lookup(np.concatenate(fps)) if fps else np.zeros(0, np.int64)
        fp_offsets = np.cumsum([0] + [len(f) for f in fps])
        local_exact: dict[int, int] = {}
        local_bands: dict[int, int] = {}
        local_fps: dict[int, int] = {}
        new_sets: list[tuple[int, npt.NDArray[np.uint32]]] = []
        for u, ((doc, j), i) in enumerate(zip(units, paras, strict=True)):
            g = doc.base + i
            key = int(lo[u])
            found = exact_hits[u] if exact_hits[u] >= 0 else local_exact.get(key, -1)
            if cfg.exact_duplicate and found >= 0 and self._hi.data[found] == doc.hi[i]:
                self._mark(doc, i, EXACT, found, similarity=1.0)
                continue
            shingles = doc.sets[j] if sigs else np.zeros(0, np.uint32)
            if cfg.near_duplicate:
                hits = {int(c) for c in band_hits[u] if c >= 0}
                hits.update(local_bands[k] for k in bands[u].tolist() if k in local_bands)
                best, similarity = self._best_match(shingles, hits, new_sets)
                if best >= 0:
                    self._mark(doc, i, NEAR, best, similarity=round(similarity, 4))
                    continue
            if cfg.contained_paragraph and len(fps[u]):
                fp_found = fp_hits[fp_offsets[u] : fp_offsets[u + 1]].tolist()
                keys = fps[u].tolist()
                votes = Counter(
                    f if f >= 0 else local_fps.get(k, -1) for f, k in zip(fp_found, keys, strict=True)
                )
                votes.pop(-1, None)
                if self._contained(doc, i, shingles, votes, len(keys), new_sets):
                    continue
            if found < 0:
                local_exact.setdefault(key, g)
            for k, hit in zip(bands[u].tolist(), band_hits[u].tolist(), strict=True):
                if hit < 0:
                    local_bands.setdefault(k, g)
            if len(fps[u]):
                for k, hit in zip(
                    fps[u].tolist(), fp_found if cfg.contained_paragraph else [-1] * len(fps[u]), strict=True
                ):
                    if hit < 0:
                        local_fps.setdefault(k, g)
            if sigs:
                new_sets.append((g, shingles))
                self._sets.add(g, shingles)
        for index, local in (
            (self._exact, local_exact),
            (self._bands, local_bands),
            (self._fingerprints, local_fps),
        ):
            if local:
                index.insert(
                    np.fromiter(local.keys(), U64, len(local)),
                    np.fromiter(local.values(), np.uint32, len(local)),
                )

    def _best_match(
        self, shingles: npt.NDArray[np.uint32], candidates: set[int], _new: object
    ) -> tuple[int, float]:
        """The kept candidate most similar to ``shingles`` at or above the threshold (lowest id on ties)."""
        best, best_sim = -1, 0.0
        size = len(shingles)
        if not size:
            return best, best_sim  # no tokens (a rule of dashes): no similarity to verify
        for c in sorted(candidates):
            other = self._sets.get(c)
            if min(size, len(other)) < self.cfg.threshold * max(size, len(other)):
                continue  # Jaccard <= |small| / |large|
            common = _common(shingles, other)
            similarity = common / (size + len(other) - common)
            if similarity >= self.cfg.threshold and similarity > best_sim:
                best, best_sim = c, similarity
        return best, best_sim

    def _contained(
        self,
        doc: _Doc,
        i: int,
        shingles: npt.NDArray[np.uint32],
        votes: Counter[int],
        n_keys: int,
        _new: object,
    ) -> bool:
        """Flag (or remove) paragraph i if a longer kept paragraph contains most of its shingles."""
        need = max(2, math.ceil(n_keys * self.cfg.containment_threshold * 0.5))
        best, best_share, best_jaccard = -1, 0.0, 0.0
        for c, count in sorted(votes.items()):
            other = self._sets.get(c)
            if count < need or len(other) <= len(shingles):
                continue
            common = _common(shingles, other)
            share = common / len(shingles)
            if share >= self.cfg.containment_threshold and share > best_share:
                best, best_share = c, share
                best_jaccard = common / (len(shingles) + len(other) - common)
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

    def _decide_short(self, doc: _Doc) -> None:
        """Exact repeats of short paragraphs: removed when they stutter or sit in a repeated block."""
        if not self.cfg.exact_duplicate:
            return
        n = len(doc.para_line)
        short = np.flatnonzero(doc.length < self.cfg.min_chars).tolist()
        hits = self._exact.lookup(doc.lo[short]).tolist() if short else []
        twin = list(doc.kept)  # the kept copy of each paragraph, or -1
        local: dict[int, int] = {}
        for i, hit in zip(short, hits, strict=True):
            key = int(doc.lo[i])
            found = hit if hit >= 0 else local.get(key, -1)
            if found < 0:
                local[key] = doc.base + i
            elif self._hi.data[found] == doc.hi[i]:
                twin[i] = found
        is_short = np.zeros(n, dtype=bool)
        is_short[short] = True
        for run in _runs(twin):
            if len(run) >= 2 and int(doc.length[run].sum()) >= self.cfg.min_chars:
                for i in run:
                    if is_short[i]:
                        self._mark(doc, i, EXACT, twin[i], similarity=1.0, reason="repeated_block")
        previous = -1
        for i in range(n):
            if doc.rule[i] is not None:
                continue
            if (
                is_short[i]
                and previous >= 0
                and doc.lo[i] == doc.lo[previous]
                and doc.hi[i] == doc.hi[previous]
            ):
                self._mark(doc, i, EXACT, doc.base + previous, similarity=1.0, reason="stutter")
            else:
                previous = i
        if local:
            keys = np.fromiter(local.keys(), U64, len(local))
            self._exact.insert(keys, np.fromiter(local.values(), np.uint32, len(local)))

    # -- edits ----------------------------------------------------------------------------------

    def _finish(self, doc: _Doc) -> None:
        """Compute the removal spans and the final line of every kept paragraph."""
        lines, blank = doc.lines, doc.blank
        removed_newlines = 0
        consumed = -1  # last line index a span has covered
        finals = np.zeros(len(doc.para_line), dtype=np.uint32)
        for i, line in enumerate(doc.para_line):
            start, end = lines[line]
            if doc.rule[i] is None:
                finals[i] = line + 1 - removed_newlines
                continue
            if end < doc.size:  # the line has a line break
                last = line
                if 0 < line < len(lines) - 1 and blank[line - 1] and blank[line + 1]:
                    last = line + 1  # between blank lines: take one of them along
                span_end = min(lines[last][1] + 1, doc.size)
                removed_newlines += last - line + (span_end > lines[last][1])
                consumed = last
            else:
                span_end = end
                if start > 0 and consumed != line - 1:
                    start -= 1
                    removed_newlines += 1
                consumed = line
            doc.spans.append((start, span_end, i))
        _trim_trailing_blank(doc)
        self._final_line.put(doc.base, finals)
        doc.lo = doc.hi = np.zeros(0, U64)
        doc.bands, doc.sets, doc.fps = None, [], []

    def _edits(self, doc: _Doc, text: str) -> Cleaned:
        edits: list[Edit] = []
        for rule in (EXACT, NEAR, CONTAINED):
            spans = [(s, e, i) for s, e, i in doc.spans if doc.rule[i] == rule]
            result = replace_spans(text, rule, [(s, e, "") for s, e, _ in spans])
            edits.extend(
                dataclasses.replace(edit, info=self._twin_info(doc.kept[i], doc.info[i]))
                for edit, (_, _, i) in zip(result.edits, spans, strict=True)
            )
        for i, details in doc.flags:
            if doc.rule[i] is None:
                start, end = doc.lines[doc.para_line[i]]
                container = details["container"]
                assert isinstance(container, int)
                info = self._twin_info(container, {k: v for k, v in details.items() if k != "container"})
                edits.append(flag(CONTAINED, text, start, end, "contained_in_longer_paragraph", **info))
        edits.sort(key=lambda e: e.start)
        return Cleaned(apply_edits(text, edits), tuple(edits))

    def _twin_info(self, kept: int, info: dict[str, object]) -> dict[str, object]:
        return {
            **info,
            "kept_doc": self._doc_ids[int(self._doc_of.data[kept])],
            "kept_line": int(self._final_line.data[kept]),
            "kept_paragraph": int(self._para_of.data[kept]),
            "cluster": kept,
        }


def _unique_per_paragraph(
    hashes: npt.NDArray[np.uint32], offsets: npt.NDArray[np.int64]
) -> list[npt.NDArray[np.uint32]]:
    """Each paragraph's shingle hashes sorted and deduplicated, with one sort for the whole batch."""
    owner = np.repeat(np.arange(len(offsets) - 1, dtype=U64), np.diff(offsets))
    keyed = np.sort((owner << U64(32)) | hashes.astype(U64))
    fresh = np.ones(len(keyed), dtype=bool)
    fresh[1:] = keyed[1:] != keyed[:-1]
    keyed = keyed[fresh]
    values = (keyed & U64(0xFFFFFFFF)).astype(np.uint32)
    bounds = np.searchsorted(keyed >> U64(32), np.arange(len(offsets), dtype=U64)).tolist()
    return [values[bounds[p] : bounds[p + 1]] for p in range(len(offsets) - 1)]


def _common(small: npt.NDArray[np.uint32], large: npt.NDArray[np.uint32]) -> int:
    """How many values two sorted, unique arrays share."""
    if len(small) > len(large):
        small, large = large, small
    if not len(small):
        return 0
    pos = np.searchsorted(large, small)
    pos[pos == len(large)] = 0
    return int(np.count_nonzero(large[pos] == small))


def _bands_of(doc: _Doc) -> npt.NDArray[np.uint64]:
    if doc.bands is None:
        raise RuntimeError(f"dedup: band keys of {doc.id!r} asked for after it was decided")
    return doc.bands


def _digest(text: str) -> int:
    return xxhash.xxh3_64_intdigest(text.encode("utf-8", "surrogatepass"))


def _trim_trailing_blank(doc: _Doc) -> None:
    """When the removals run to the end of the text, take the blank lines before them too.

    Otherwise the text would end in a blank line, which the whitespace stage would remove on
    the next run (and a run on its own output must change nothing).
    """
    if not doc.spans or doc.spans[-1][1] < doc.size:
        return
    j = len(doc.spans) - 1
    while j > 0 and doc.spans[j - 1][1] == doc.spans[j][0]:
        j -= 1
    start, end, i = doc.spans[j]
    k = doc.para_line[i] - 1
    while k >= 0 and doc.blank[k]:
        start = doc.lines[k][0]
        k -= 1
    doc.spans[j] = (start, end, i)


def _split(text: str) -> tuple[list[tuple[int, int]], list[bool], list[int], list[str]]:
    """Line spans, blank flags, the line index of each paragraph (non-blank line) and the paragraphs."""
    lines, blank, para_line, paragraphs = [], [], [], []
    pos = 0
    parts = text.split("\n")
    if text.endswith("\n"):
        parts.pop()  # the empty string after the final line break is not a line
    for n, part in enumerate(parts):
        lines.append((pos, pos + len(part)))
        pos += len(part) + 1
        empty = not part.strip()
        blank.append(empty)
        if not empty:
            para_line.append(n)
            paragraphs.append(part)
    return lines, blank, para_line, paragraphs


def _band_keys(signatures: npt.NDArray[np.uint32], bands: int, rows: int) -> npt.NDArray[np.uint64]:
    """One uint64 key per (paragraph, band): its rows hashed together with the band number."""
    grouped = signatures[:, : bands * rows].reshape(len(signatures), bands, rows).astype(U64)
    with np.errstate(over="ignore"):
        keys = np.arange(bands, dtype=U64) * U64(BAND_SALT)
        keys = np.broadcast_to(keys, grouped.shape[:2]).copy()
        for r in range(rows):
            keys = (keys ^ grouped[:, :, r]) * U64(0xFF51AFD7ED558CCD)
            keys ^= keys >> U64(29)
    return keys


def _runs(twin: list[int]) -> Iterator[list[int]]:
    """Maximal runs of paragraphs whose kept twins are consecutive paragraphs (a repeated block)."""
    run: list[int] = []
    for i, t in enumerate(twin):
        if t >= 0 and run and twin[run[-1]] + 1 == t:
            run.append(i)
            continue
        if run:
            yield run
        run = [i] if t >= 0 else []
    if run:
        yield run
