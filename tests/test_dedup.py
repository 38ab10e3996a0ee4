"""Paragraph deduplication: seeds, rules, replay, determinism, MinHash identity, hostile input."""

from __future__ import annotations

import dataclasses
import pickle
import random
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pytest
from datasketch import MinHash

from clean_seeds.dedup import DedupConfig, Deduplicator
from clean_seeds.dedup import index as index_module
from clean_seeds.dedup.index import MAX_LOAD, KeyIndex, ShingleStore
from clean_seeds.dedup.minhash import SCHEME, Signer
from clean_seeds.dedup.shingles import Shingler, shingle_hash, shingles
from clean_seeds.edits import apply_edits, is_flag, revert_edits

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))
LONG = "截至11月底，城镇新增就业36.37万人，城镇登记失业人数降至5.76万人；75所学校完工，提供学位约8.07万个。"
FOX = "The quick brown fox jumps over the lazy dog near the river bank"
OTHER = (
    "紧扣省委“十大创新”要求，扎实开展12个方面创新行动，稳步推进113项具体改革任务，外贸进出口同比增长6.8%。"
)


def run(texts: list[str], cfg: DedupConfig | None = None) -> list[str]:
    dedup = Deduplicator(cfg or DedupConfig())
    out = []
    for n, text in enumerate(texts):
        result = dedup.process(f"doc{n}", text)
        assert apply_edits(text, result.edits) == result.text
        assert revert_edits(result.text, result.edits) == text
        out.append(result.text)
    return out


@pytest.mark.parametrize(
    ("text_in", "text_out"),
    [
        (f"{LONG}\n{OTHER}\n{LONG}\n", f"{LONG}\n{OTHER}\n"),
        (f"{LONG}\n\n{OTHER}\n\n{LONG}\n\n{OTHER}", f"{LONG}\n\n{OTHER}\n"),
        # width and spacing noise is still an exact duplicate
        (f"{LONG}\n{LONG.replace('，', ',')} \n", f"{LONG}\n"),
        # one OCR substitution: a near duplicate
        (f"{LONG}{OTHER}\n{LONG.replace('学校', '学技')}{OTHER}\n", f"{LONG}{OTHER}\n"),
        # short lines: stutter goes, a later repeat stays
        ("各位代表：\n各位代表：\n" + OTHER + "\n各位代表：\n", "各位代表：\n" + OTHER + "\n各位代表：\n"),
        # parallel headings one character apart both stay
        (
            "——聚力攻坚破题，城市更新建设让市民群众居住更加暖心。\n——聚力攻坚破题，城市更新建设让市民群众居住更加舒心。\n",
            "——聚力攻坚破题，城市更新建设让市民群众居住更加暖心。\n——聚力攻坚破题，城市更新建设让市民群众居住更加舒心。\n",
        ),
        ("", ""),
        ("\n\n\n", "\n\n\n"),
        ("。。。，，，！！！\n。。。，，，！！！\n", "。。。，，，！！！\n"),
        ("😀😀😀\n😀😀😀\n", "😀😀😀\n"),
        # long lines without tokens (no shingles, equal LSH bands) are not near duplicates of each other
        ("-" * 40 + "\n" + "=" * 40 + "\n", "-" * 40 + "\n" + "=" * 40 + "\n"),
        (f"{FOX}.\n{FOX}!\n", f"{FOX}.\n"),
        # removals to the end, blank lines between them: all after the kept paragraph goes
        (f"{LONG}\n{OTHER}\n\n{LONG}\n \n\n\n{OTHER}", f"{LONG}\n{OTHER}\n"),
    ],
)
def test_dedup_cases(text_in: str, text_out: str) -> None:
    assert run([text_in]) == [text_out]


def test_across_documents_and_kept_line() -> None:
    dedup = Deduplicator(DedupConfig())
    dedup.process("a", f"标题\n\n{OTHER}\n\n{LONG}\n")
    result = dedup.process("b", f"{LONG}\n")
    assert result.text == ""
    (edit,) = result.edits
    assert edit.rule == "exact_duplicate"
    assert edit.info | {} == {
        "similarity": 1.0, "kept_doc": "a", "kept_line": 5, "kept_paragraph": 2, "cluster": 2,
    }  # fmt: skip
    assert dedup.stats()["removed"] == {"exact_duplicate": 1, "near_duplicate": 0, "contained_paragraph": 0}


def test_huge_paragraph_and_mixed() -> None:
    huge = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(200_000))
    mixed = "GDP增长5.9%，the economy grew faster than 预期 in 2023 年 and 就业 stayed stable overall."
    assert run([f"{huge}\n{mixed}\n{huge}\n{mixed}"]) == [f"{huge}\n{mixed}\n"]


def test_longest_mode_keeps_longest() -> None:
    short_copy = LONG[:-1]
    dedup = Deduplicator(DedupConfig(keep="longest", threshold=0.8))
    dedup.add("a", short_copy + "\n")
    dedup.add("b", LONG + "\n")
    dedup.decide()
    assert dedup.remove("a", short_copy + "\n").text == ""
    assert dedup.remove("b", LONG + "\n").text == LONG + "\n"


def test_minhash_matches_datasketch() -> None:
    texts = [LONG, OTHER, "mixed 中文 and English words, 2023年", "", "上"]
    signatures = Signer(64, 7).sign(Shingler(5, 3).hash_batch(texts))
    for text, signature in zip(texts, signatures, strict=True):
        mine = MinHash(num_perm=64, seed=7, hashfunc=shingle_hash, scheme=SCHEME)
        for shingle in shingles(text, 5, 3):
            mine.update(shingle)
        assert np.array_equal(mine.hashvalues, signature)
        assert Signer(64, 7).minhash(signature).jaccard(mine) == 1.0


def test_bad_config_says_remedy() -> None:
    with pytest.raises(ValueError, match="num_perm = bands"):
        DedupConfig(num_perm=100)


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    return [path.read_text(encoding="utf-8") for path in SEEDS]


def test_seeds_lines(seed_texts: list[str]) -> None:
    outputs = run(seed_texts)
    block = "在深入实施城市更新和城市建设的同"
    assert outputs[0].count(block) == 1
    assert outputs[0].count("截至11月底,城镇新增就业36.37万人") == 1
    assert "市民群众居住更加暖心" in outputs[0]
    assert "市民群众居住更加舒心" in outputs[0]
    for text_in, text_out in zip(seed_texts, outputs, strict=True):  # no distinct paragraph lost
        assert {line for line in text_in.splitlines() if line.strip()} == {
            line for line in text_out.splitlines() if line.strip()
        }
    assert run(seed_texts) == outputs  # deterministic


def test_seed_004_sidebar_flagged(seed_texts: list[str]) -> None:
    result = Deduplicator(DedupConfig()).process("004", seed_texts[4])
    flags = [e for e in result.edits if is_flag(e)]
    assert any(e.before.startswith("加强对科技领域91个重大项目调度") for e in flags)
    assert all(e.rule == "contained_paragraph" and e.info["containment"] >= 0.8 for e in flags)
    removing = Deduplicator(DedupConfig(remove_contained=True)).process("004", seed_texts[4])
    assert seed_texts[4].count("加强对科技领域91个重大项目调度") == 2
    assert removing.text.count("加强对科技领域91个重大项目调度") == 1


def noisy_corpus(seed_texts: list[str], docs: int = 12, seed: int = 3) -> list[str]:
    """Documents of seed paragraphs, some repeated exactly, some with an OCR-style substitution
    (near duplicates), some cut short (contained in the full paragraph)."""
    rng = random.Random(seed)
    pool = [line for text in seed_texts for line in text.splitlines() if len(line.strip()) >= 30]
    corpus = []
    for _ in range(docs):
        lines = []
        for _ in range(8):
            line = rng.choice(pool)
            kind = rng.random()
            if kind < 0.3:
                at = rng.randrange(len(line))
                line = line[:at] + "某" + line[at + 1 :]
            elif kind < 0.45:
                line = line[: int(len(line) * 0.85)]
            lines.append(line)
        corpus.append("\n".join(lines) + "\n")
    return corpus


Outcome = list[tuple[str, list[tuple[str, int, int, str, object]]]]


def outcome(corpus: list[str], cfg: DedupConfig, many: bool = True) -> Outcome:
    dedup = Deduplicator(cfg)
    ids = [f"d{n}" for n in range(len(corpus))]
    if cfg.keep != "first":
        for doc_id, text in zip(ids, corpus, strict=True):
            dedup.add(doc_id, text)
        dedup.decide()
        results = [dedup.remove(doc_id, text) for doc_id, text in zip(ids, corpus, strict=True)]
    elif many:
        results = dedup.process_many([(doc_id, text, None) for doc_id, text in zip(ids, corpus, strict=True)])
    else:
        results = [dedup.process(doc_id, text) for doc_id, text in zip(ids, corpus, strict=True)]
    return [
        (r.text, [(e.rule, e.start, e.end, e.kind, list(e.info.items())) for e in r.edits]) for r in results
    ]


@pytest.mark.parametrize("keep", ["first", "longest"])
@pytest.mark.parametrize("remove_contained", [False, True])
def test_decisions_do_not_depend_on_batching(
    seed_texts: list[str], keep: Literal["first", "longest"], remove_contained: bool
) -> None:
    """Paragraphs decided in one batch see each other exactly as if indexed one by one."""
    corpus = noisy_corpus(seed_texts)
    cfg = DedupConfig(keep=keep, remove_contained=remove_contained)
    reference = outcome(corpus, dataclasses.replace(cfg, batch_size=1), many=False)
    rules = {edit[0] for _, edits in reference for edit in edits}
    assert rules == {"exact_duplicate", "near_duplicate", "contained_paragraph"}
    for batch_size in (3, 4096):
        assert outcome(corpus, dataclasses.replace(cfg, batch_size=batch_size)) == reference


def test_key_index_first_id_wins() -> None:
    index = KeyIndex()
    index.insert(np.array([5, 3, 5, 9], dtype=np.uint64), np.array([1, 2, 3, 4], dtype=np.uint32))
    index.insert(np.array([4, 10, 5], dtype=np.uint64), np.array([7, 8, 6], dtype=np.uint32))
    index.insert(np.array([2**64 - 1, 0], dtype=np.uint64), np.array([9, 11], dtype=np.uint32))
    keys = np.array([[5, 3, 9], [4, 10, 2**64 - 1], [0, 6, 12]], dtype=np.uint64)
    assert index.lookup(keys).tolist() == [[1, 2, 4], [7, 8, 9], [11, -1, -1]]
    assert len(index) == 7


@pytest.mark.parametrize("fill_chunk", [7, 1 << 20])
def test_key_index_matches_a_dict_while_it_grows(fill_chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Random and consecutive keys, some inserted again, from a 16-slot table (every key
    probing past others at first) through a dozen doublings, refilled in small chunks too."""
    monkeypatch.setattr(index_module, "FILL_CHUNK", fill_chunk)
    rng = np.random.default_rng(3)
    index, model = KeyIndex(capacity=16), dict[int, int]()
    for step in range(40):
        fresh = rng.integers(0, 2**64, 500, dtype=np.uint64, endpoint=False)
        crowded = np.uint64(step) * np.uint64(2**40) + np.arange(50, dtype=np.uint64)
        again = np.array(list(model)[:20], dtype=np.uint64)
        keys = np.concatenate((fresh, crowded, again))
        ids = np.arange(len(keys), dtype=np.uint32) + np.uint32(1000 * step)
        index.insert(keys, ids)
        for key, pid in zip(keys.tolist(), ids.tolist(), strict=True):
            model.setdefault(key, pid)
    probe = np.concatenate(
        (np.array(list(model), dtype=np.uint64), rng.integers(0, 2**64, 2000, dtype=np.uint64))
    )
    expected = [model.get(key, -1) for key in probe.tolist()]
    assert index.lookup(probe).tolist() == expected
    assert len(index) == len(model)
    assert index.nbytes <= 8 * len(model) / MAX_LOAD * 2


def test_shingle_store() -> None:
    store = ShingleStore()
    store.extend(np.array([3, 2000]), np.array([1, 5, 9, 4], dtype=np.uint32), np.array([0, 3, 4]))
    store.extend(np.array([7]), np.zeros(0, dtype=np.uint32), np.array([0, 0]))
    assert store.get(3).tolist() == [1, 5, 9]
    assert store.get(2000).tolist() == [4]
    assert store.sizes(np.array([3, 7, 2000])).tolist() == [3, 0, 1]
    assert [pid in store for pid in (3, 4, 7, 2000, 10**6)] == [True, False, True, True, False]
    assert store.nbytes == 16


def test_shingle_store_grows_in_place_and_keeps_what_it_held() -> None:
    store = ShingleStore()
    sets = [np.arange(k, k + 700, dtype=np.uint32) for k in range(10)]  # 7000 values: grows 3 times
    for pid, values in enumerate(sets):
        store.extend(np.array([pid]), values, np.array([0, len(values)]))
    assert all(store.get(pid).tolist() == values.tolist() for pid, values in enumerate(sets))
    held = store.get(0)  # a copy: growing the arena in place leaves it as it was
    store.extend(np.array([10]), np.zeros(10**5, dtype=np.uint32), np.array([0, 10**5]))
    assert held.tolist() == sets[0].tolist() == store.get(0).tolist()
    assert store.sizes(np.array([9, 10])).tolist() == [700, 10**5]


def test_seeds_through_pipeline(seed_texts: list[str]) -> None:
    from clean_seeds.config import Config
    from clean_seeds.pipeline import run_stages

    cleaned = [run_stages(text, Config()).text for text in seed_texts]
    outputs = run(cleaned)
    assert outputs[0].count("截至11月底，城镇新增就业36.37万人") == 1
    assert run(cleaned) == outputs


def test_benchmark_tiny() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import bench_dedup

    report = bench_dedup.main(["--paragraphs", "2000", "--no-datasketch"])
    ours = report["rows"]["clean_seeds (all paragraphs)"]
    assert ours["precision"] == 1.0
    assert ours["recall"] >= 0.95


def test_features_of_many_documents_equal_one_at_a_time(seed_texts: list[str]) -> None:
    from clean_seeds.dedup.features import features, features_many

    texts = [*seed_texts, "", "\n\n", LONG + "\n" + FOX + "\n", "-" * 40 + "\n"]
    cfg = DedupConfig()
    for many, text in zip(features_many(texts, cfg), texts, strict=True):
        _same_features(many, features(text, cfg))


def _same_features(a: Any, b: Any) -> None:
    for name in ("digest", "line_bounds", "blank", "para_line", "size", "long"):
        assert getattr(a, name) == getattr(b, name), name
    for name in ("lo", "hi", "length", "long_lo", "long_hi", "shingles", "shingle_bounds"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
        assert getattr(a, name).dtype == getattr(b, name).dtype, name
    assert (a.bands is None) == (b.bands is None)
    if b.bands is not None:
        assert np.array_equal(a.bands, b.bands)
        assert a.bands.shape == b.bands.shape


@pytest.mark.parametrize("cfg", [DedupConfig(), DedupConfig(near_duplicate=False, contained_paragraph=False)])
def test_features_pickle_to_equal_features_that_decide_the_same(
    seed_texts: list[str], cfg: DedupConfig
) -> None:
    """Workers send features pickled in one buffer; what arrives decides as the original does."""
    from clean_seeds.dedup.features import features_many

    texts = [
        *seed_texts,
        seed_texts[0],
        "",
        "\n\n",
        "x",
        LONG + "\n" + FOX + "\n",
        OTHER.replace("6.8", "6.9"),
    ]
    found = features_many(texts, cfg)
    sent = [pickle.loads(pickle.dumps(f, protocol=pickle.HIGHEST_PROTOCOL)) for f in found]
    for a, b in zip(sent, found, strict=True):
        _same_features(a, b)
    documents = [(f"d{n}", text) for n, text in enumerate(texts)]
    direct = Deduplicator(cfg).process_many([(d, t, f) for (d, t), f in zip(documents, found, strict=True)])
    received = Deduplicator(cfg).process_many([(d, t, f) for (d, t), f in zip(documents, sent, strict=True)])
    assert received == direct
    assert sum(len(r.edits) for r in direct) > 0


@pytest.mark.parametrize(
    "cfg",
    [
        DedupConfig(exact_duplicate=False, near_duplicate=False, contained_paragraph=False),
        DedupConfig(min_chars=10_000),  # long paragraphs: none
        DedupConfig(contained_paragraph=False, remove_contained=False),
    ],
)
def test_features_pickle_whatever_they_hold(cfg: DedupConfig) -> None:
    """No long paragraphs, no band keys, empty texts: the one buffer still unpacks to equal features."""
    from clean_seeds.dedup.features import features_many

    texts = ["", "\n", "a\n\nb", "a\nb\n", LONG + "\n" + FOX, "-" * 40]
    for found in features_many(texts, cfg):
        _same_features(pickle.loads(pickle.dumps(found)), found)


def test_process_many_decides_as_process_one_by_one(seed_texts: list[str]) -> None:
    texts = [*seed_texts, seed_texts[0], LONG + "\n" + OTHER + "\n", OTHER.replace("6.8", "6.9") + "\n"]
    single = Deduplicator(DedupConfig())
    one_by_one = [single.process(f"d{n}", text) for n, text in enumerate(texts)]
    grouped = Deduplicator(DedupConfig()).process_many([(f"d{n}", t, None) for n, t in enumerate(texts)])
    assert grouped == one_by_one
    assert sum(len(r.edits) for r in grouped) > 0  # the repeated seed and the near copy go


def test_features_from_another_text_are_refused() -> None:
    from clean_seeds.dedup.features import features

    dedup = Deduplicator(DedupConfig())
    with pytest.raises(ValueError, match="not those of its text"):
        dedup.process("d", LONG + "\n", features(OTHER + "\n", DedupConfig()))


@pytest.mark.parametrize(("num_perm", "seed"), [(64, 1), (128, 7), (3, 0), (256, 2**31 - 1)])
def test_permutations_are_datasketchs(num_perm: int, seed: int) -> None:
    from datasketch import MinHash

    from clean_seeds.dedup.minhash import permutations

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    mine = permutations(num_perm, seed)
    assert np.array_equal(mine[0], a)
    assert np.array_equal(mine[1], b)
    assert mine[0].dtype == mine[1].dtype == np.uint32


@pytest.mark.parametrize("batch_size", [1, 4096])
def test_without_the_exact_rule_an_exact_copy_goes_as_a_near_duplicate(batch_size: int) -> None:
    """Its Jaccard similarity is 1.0: the near rule removes it, whether its first copy was
    decided in the same batch or in an earlier one."""
    cfg = DedupConfig(exact_duplicate=False, batch_size=batch_size)
    dedup = Deduplicator(cfg)
    results = [dedup.process(f"d{n}", text) for n, text in enumerate([LONG + "\n", FOX + "\n" + LONG + "\n"])]
    (removed,) = results[1].edits
    assert (removed.rule, removed.before) == ("near_duplicate", LONG + "\n")
    assert removed.info["similarity"] == 1.0
    assert results[1].text == FOX + "\n"
