"""The shortcuts of dedup's batched decisions give what the plain definitions give.

A batch's keys are sorted by their index tag instead of by value, the index skips its search
for keys a lookup just missed, intersections are counted by one merge, and rows with only
indexed candidates are decided all at once: each is checked here against a slow model,
with tags made to collide often (real 32-bit tags collide too rarely to test).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from clean_seeds.dedup import DedupConfig, Deduplicator
from clean_seeds.dedup import batch as batch_module
from clean_seeds.dedup import index as index_module
from clean_seeds.dedup.batch import Keys
from clean_seeds.dedup.index import KeyIndex, Sets, common_counts, key_tags, stable_order

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))


def few_tags(keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint32]:
    """Tags with only 5 values: distinct keys share a tag all the time."""
    return (keys % np.uint64(5)).astype(np.uint32) + np.uint32(1)


class TagModel:
    """The index as the plain definition has it: tag -> id, the first id of a tag wins."""

    def __init__(self) -> None:
        self.ids: dict[int, int] = {}

    def lookup(self, key: int) -> int:
        return self.ids.get(int(few_tags(np.array([key], np.uint64))[0]), -1)


@pytest.mark.parametrize("seed", range(6))
def test_keys_match_the_model_when_tags_collide(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_module, "key_tags", few_tags)
    monkeypatch.setattr(index_module, "key_tags", few_tags)
    rng = np.random.default_rng(seed)
    index, model = KeyIndex(capacity=16), TagModel()
    for step in range(4):
        n = int(rng.integers(1, 12))
        rows = np.sort(rng.integers(0, n, int(rng.integers(0, 40))))
        keys = rng.choice(np.array([3, 8, 13, 4, 9, 2**64 - 2, 7 + step], dtype=np.uint64), len(rows))
        found = [model.lookup(k) for k in keys.tolist()]
        missing = [(p, k) for p, k in enumerate(keys.tolist()) if found[p] < 0]
        counts: dict[int, int] = {}
        for _, k in missing:
            counts[k] = counts.get(k, 0) + 1
        seen: set[int] = set()
        later = [0] * n
        for p, k in missing:
            later[rows[p]] += k in seen
            seen.add(k)
        keys_of = Keys(index, keys, rows, n)
        assert keys_of.found.tolist() == found
        assert keys_of.later.tolist() == later
        for row in range(n):
            shared = [k for p, k in missing if rows[p] == row and counts[k] > 1]
            assert keys_of.shared(row) == shared
            assert keys_of.n_shared[row] == len(shared)
        kept = rng.random(n) < 0.6
        gids = np.arange(n, dtype=np.int64) + 100 * step
        # a tag's keys from kept rows: its smallest key, from the first kept row with that key
        fresh: dict[int, tuple[int, int]] = {}
        for p, k in missing:
            if kept[rows[p]]:
                tag = int(few_tags(np.array([k], np.uint64))[0])
                fresh[tag] = min(fresh.get(tag, (k, int(gids[rows[p]]))), (k, int(gids[rows[p]])))
        model.ids.update({tag: pid for tag, (_, pid) in fresh.items()})
        keys_of.index_kept(index, kept, gids)
        probe = np.arange(20, dtype=np.uint64)
        assert index.lookup(probe).tolist() == [model.lookup(k) for k in probe.tolist()]
        assert len(index) == len(model.ids)


@pytest.mark.parametrize("seed", range(4))
def test_stable_order_is_a_stable_argsort(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for bits in (1, 5, 16, 17, 31, 32):
        values = rng.integers(0, 2**bits, int(rng.integers(0, 3000)), dtype=np.uint64).astype(np.uint32)
        assert stable_order(values, bits).tolist() == np.argsort(values, kind="stable").tolist()


@pytest.mark.parametrize("seed", range(4))
def test_index_finds_what_a_dict_holds_as_it_grows(seed: int) -> None:
    """Many small and large inserts from a tiny table: its growing, the placing of keys that
    stop at one free slot, and probe runs wrapping past the end."""
    rng = np.random.default_rng(seed)
    index, model = KeyIndex(capacity=16), {}
    pool = rng.integers(0, 2**64, 6000, dtype=np.uint64)
    next_id = 0
    for _ in range(30):
        keys = rng.choice(pool, int(rng.integers(0, 800)))
        ids = np.arange(next_id, next_id + len(keys), dtype=np.uint32)
        next_id += len(keys)
        index.insert(keys, ids)
        for tag, pid in zip(key_tags(keys).tolist(), ids.tolist(), strict=True):
            model.setdefault(tag, pid)
        probe = rng.choice(pool, 500)
        assert index.lookup(probe).tolist() == [model.get(t, -1) for t in key_tags(probe).tolist()]
    assert len(index) == len(model)


@pytest.mark.parametrize("seed", range(4))
def test_common_counts_match_set_intersections(seed: int) -> None:
    rng = np.random.default_rng(seed)
    left, right = [], []
    for _ in range(30):
        universe = int(rng.integers(1, 50))
        left.append(np.unique(rng.integers(0, universe, int(rng.integers(0, 20)))).astype(np.uint32))
        right.append(np.unique(rng.integers(0, universe, int(rng.integers(0, 20)))).astype(np.uint32))
    left.append(np.array([0, 2**32 - 1], np.uint32))
    right.append(np.array([2**32 - 1], np.uint32))

    def flat(sets: list[npt.NDArray[np.uint32]]) -> Sets:
        sizes = np.array([len(s) for s in sets], dtype=np.int64)
        return np.concatenate(sets), np.cumsum(sizes) - sizes, sizes

    expected = [len(set(a.tolist()) & set(b.tolist())) for a, b in zip(left, right, strict=True)]
    assert common_counts(flat(left), flat(right)).tolist() == expected


def test_common_counts_of_no_pairs() -> None:
    empty = (np.zeros(0, np.uint32), np.zeros(0, np.int64), np.zeros(0, np.int64))
    assert common_counts(empty, empty).tolist() == []


def noisy_documents() -> list[str]:
    """Seed paragraphs, their OCR-like variants, abridged copies and longer containers."""
    pool = [line for path in SEEDS for line in path.read_text("utf-8").splitlines() if len(line) >= 40]
    rng = np.random.default_rng(7)
    docs = []
    for _ in range(40):
        lines = []
        for _ in range(6):
            line = pool[int(rng.integers(len(pool)))]
            kind = rng.random()
            if kind < 0.3:
                at = int(rng.integers(len(line)))
                line = line[:at] + "某" + line[at + 1 :]
            elif kind < 0.45:
                line = line[: int(len(line) * 0.85)]
            elif kind < 0.55:
                line += pool[int(rng.integers(len(pool)))]
            lines.append(line)
        docs.append("\n".join(lines) + "\n")
    return docs


def decisions(docs: list[str], cfg: DedupConfig) -> list[tuple[str, list[tuple[object, ...]]]]:
    dedup = Deduplicator(cfg)
    found: list[tuple[str, list[tuple[object, ...]]]] = []
    for n, doc in enumerate(docs):
        result = dedup.process(f"d{n}", doc)
        found.append(
            (result.text, [(e.rule, e.start, e.end, e.kind, sorted(e.info.items())) for e in result.edits])
        )
    return found


@pytest.mark.parametrize(
    "switches",
    [
        {},
        {"near_duplicate": False, "remove_contained": True},
        {"contained_paragraph": False},
        {"remove_contained": True, "threshold": 0.5},
        {"exact_duplicate": False},
    ],
)
def test_rows_decided_at_once_decide_as_one_by_one(switches: dict[str, object]) -> None:
    """In batches of one, every row is decided alone against the index; in one batch, most
    rows with an indexed twin are decided all at once, the rest in the loop."""
    docs = noisy_documents()
    cfg = dataclasses.replace(DedupConfig(), **switches)  # type: ignore[arg-type]
    reference = decisions(docs, dataclasses.replace(cfg, batch_size=1))
    rules = {edit[0] for _, edits in reference for edit in edits}
    assert ("contained_paragraph" in rules) == cfg.contained_paragraph  # the corpus has contained ones
    assert sum(len(edits) for _, edits in reference) > 20
    dedup = Deduplicator(cfg)
    many = dedup.process_many([(f"d{n}", doc, None) for n, doc in enumerate(docs)])
    assert [
        (r.text, [(e.rule, e.start, e.end, e.kind, sorted(e.info.items())) for e in r.edits]) for r in many
    ] == reference
