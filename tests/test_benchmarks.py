"""The benchmark code (benchmarks/), small and fast, so it never rots: generator, grader, runner."""

from __future__ import annotations

import doctest
import json
import random
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_repair
import make_corpus
import run as bench_run
import synth


def edit_distance(a: str, b: str) -> int:
    """The textbook dynamic programme, to check the bit-parallel one against."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("", "", 0),
        ("", "青岛", 2),
        ("kitten", "sitting", 3),
        ("增长，居首位", "增长,居首位", 1),
        ("全市生产总值", "全市\n生产总值", 1),
        ("a" * 70, "b" * 70, 70),
        ("x" * 65 + "abc", "abc" + "x" * 65, 6),
    ],
)
def test_levenshtein_cases(a: str, b: str, expected: int) -> None:
    assert bench_repair.levenshtein(a, b) == expected == edit_distance(a, b)


def test_levenshtein_matches_dynamic_programme() -> None:
    rng = random.Random(7)
    for _ in range(300):
        a = "".join(rng.choice("ab青岛，") for _ in range(rng.randint(0, 90)))
        b = "".join(rng.choice("ab青岛，") for _ in range(rng.randint(0, 90)))
        assert bench_repair.levenshtein(a, b) == edit_distance(a, b)


@pytest.mark.parametrize(
    ("text_in", "text_out"),
    [
        ("增长4.1%,居首位", "增长4.1%，居首位"),
        ("分别增长26.8%,27.1%", "分别增长26.8%，27.1%"),
        ("各位代表!", "各位代表！"),
        ("时间10:30,地点(青岛)", "时间10:30，地点（青岛）"),
        ("共1,000人", "共1,000人"),
        ("股价(BABA.N)上涨", "股价(BABA.N)上涨"),
        ("Hello, world: fine!", "Hello, world: fine!"),
        ("主要是:稳定", "主要是：稳定"),
    ],
)
def test_canonical_punctuation(text_in: str, text_out: str) -> None:
    assert synth.canonical_punctuation(text_in) == text_out


def test_seed_paragraphs_are_clean() -> None:
    paragraphs = [p for paras in synth.seed_paragraphs().values() for p in paras]
    texts = [p.text for p in paragraphs]
    assert len(texts) > 100
    assert len(set(texts)) == len(texts)
    assert "坚持发展第一要务" in texts  # a heading standing alone is kept
    joined = "\n".join(texts)
    for residue in ("客户端", "主编", "■", "□", "##", "PM_2.5", "下转", "</div"):
        assert residue not in joined
    assert "PM2.5" in joined
    assert not synth.HALF_MARK.search(joined.replace("10:30", ""))  # seeds' Chinese marks are full-width
    assert all(p.text.endswith(synth.TERMINAL) or p.kind == "heading" for p in paragraphs)


def test_wraps_keep_every_character() -> None:
    text = "全市生产总值突破1.1万亿元，同比增长4.1%，居全省首位。PM2.5平均浓度29微克/立方米。"
    for width in (8, 24, 31, 40):
        lines = synth.wrap_columns(text, width)
        assert "".join(lines) == text
        assert all(sum(map(synth.char_width, line)) <= width for line in lines)
        assert "".join(synth.wrap_fast(text, width)) == text
    english = synth.ENGLISH_PARAGRAPHS[2].text
    lines = synth.wrap_english(english, 30, random.Random(3), hyphenate=0.0)
    assert " ".join(lines).replace("- ", "-") == english
    assert all(len(line) <= 30 for line in lines)


def test_damage_is_deterministic_and_reversible() -> None:
    paragraphs = synth.seed_paragraphs()["002_b2977c27da95a6ed.txt"][:6]
    style = synth.Style(width=32, blank_lines=True, halfwidth=1.0, heads_every=8, markup=0.5, zero_width=3)
    first = synth.render(paragraphs, style, random.Random(1))
    assert first == synth.render(paragraphs, style, random.Random(1))
    assert "\n\n" in first
    assert "，" not in first
    for line in ("青岛日报", "迎来了“两会时间”。"):
        for codec in ("gbk", "latin-1"):
            garbled = synth.mojibake(line, codec)
            if garbled is not None:
                assert garbled != line
                assert garbled.encode(codec).decode("utf-8") == line


def test_make_corpus_is_deterministic_with_consistent_truth(tmp_path: Path) -> None:
    a = make_corpus.make_corpus(tmp_path / "a", 150_000, seed=3)
    b = make_corpus.make_corpus(tmp_path / "b", 150_000, seed=3)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.txt"))
    assert files
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)
    assert a["bytes"] == b["bytes"] >= 150_000
    truth = make_corpus.truth_dir(tmp_path / "a")
    records = [
        json.loads(line) for line in (truth / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [r["id"] for r in records] == [f.as_posix() for f in files]
    assert all(len(r["labels"]) == len(r["paragraphs"]) for r in records)
    order = {r["id"]: n for n, r in enumerate(records)}
    for line in (truth / "duplicates.jsonl").read_text(encoding="utf-8").splitlines():
        pair = json.loads(line)
        assert order[pair["of_doc"]] < order[pair["doc"]]
        assert records[order[pair["doc"]]]["labels"][pair["paragraph"]] == "d"
    assert a["labels"]["duplicate"] > 0
    assert {"damage.wrap_narrow", "damage.halfwidth", "duplicate.exact", "duplicate.near"} <= set(a["counts"])


def test_grading_perfect_outputs(tmp_path: Path) -> None:
    """The truth itself grades as CER 0; with duplicates removed, perfect precision and recall."""
    corpus = tmp_path / "corpus"
    make_corpus.make_corpus(corpus, 100_000, seed=1)
    truth = (make_corpus.truth_dir(corpus) / "documents.jsonl").read_text(encoding="utf-8")
    for name, drop in (("deduplicated", "d"), ("everything", "")):
        for record in map(json.loads, truth.splitlines()):
            kept = [
                p for p, label in zip(record["paragraphs"], record["labels"], strict=True) if label != drop
            ]
            path = tmp_path / name / record["id"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n\n".join(kept) + "\n", encoding="utf-8")
    graded = bench_run.grade(corpus, tmp_path / "deduplicated", sample=1000)
    assert graded["cer"] == 0
    assert graded["dedup_precision"] == graded["dedup_recall"] == 1.0
    assert graded["hard_negatives_removed"].startswith("0/")
    graded = bench_run.grade(corpus, tmp_path / "everything", sample=1000)
    assert graded["cer"] == 0
    assert graded["dedup_recall"] == 0
    assert graded["dedup_precision"] is None
    assert bench_run.grade(corpus, corpus, sample=1000)["cer"] > 0.01  # the input, uncleaned


def test_reference_pipeline_drops_repeated_lines(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    line = "全市生产总值突破1.1万亿元，同比增长4.1%，分别高于全国、全省1.1和0.1个百分点。"
    (source / "a.txt").write_text(f"{line}\n第二段不一样的内容，讲的是别的事情。\n", encoding="utf-8")
    (source / "b.txt").write_text(f"{line}\n", encoding="utf-8")
    bench_run.reference_clean(source, tmp_path / "out", "datasketch")
    first = (tmp_path / "out" / "a.txt").read_text(encoding="utf-8")
    assert first.count("\n") == 2  # ftfy made the commas ASCII, as peers' pipelines do
    assert synth.key(first).startswith(synth.key(line))
    assert (tmp_path / "out" / "b.txt").read_text(encoding="utf-8").strip() == ""


def test_repair_bench_small() -> None:
    result = bench_repair.bench(share=0.1, kinds=("wrap_blank", "halfwidth", "mojibake"), mb=0.02)
    assert set(result["by_damage"]) == {"wrap_blank", "halfwidth", "mojibake"}
    for row in result["by_damage"].values():
        assert row["documents"] > 0
        assert 0 <= row["cer"] <= 1
        assert row["cer_before"] > 0
    assert result["passes"] == (result["cer_core"] < bench_repair.CER_LIMIT)
    assert result["throughput"]["mb_per_s"] > 0


def test_run_writes_results_and_workers_agree(tmp_path: Path) -> None:
    """make_corpus + run.py on a tiny corpus: results have every figure, 1 and 2 workers agree."""
    options = ["--sizes", "80KB", "--reference-max", "0KB", "--no-repair", "--quality-docs", "40"]
    code = bench_run.main([*options, "--data", str(tmp_path / "data"), "--results", str(tmp_path)])
    assert code == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert {"cpu", "cores", "ram_gb", "python"} <= set(results["machine"])
    (corpus,) = results["corpora"]
    assert corpus["identical_outputs_1_vs_2_workers"] is True
    assert corpus["differing_files"] == []
    assert [(r["pipeline"], r["workers"]) for r in corpus["runs"]] == [("clean_seeds", 1), ("clean_seeds", 2)]
    for row in corpus["runs"]:
        assert row["exit_code"] in (0, 3)
        assert row["wall_seconds"] > 0
        assert row["mb_per_s"] > 0
        assert row["paragraphs_per_s"] > 0
        assert row["peak_rss_mb"] > 10
        assert set(row["stage_seconds"]) >= {"unicode", "linewrap"}
        quality = row["quality"]
        assert 0 <= quality["cer"] < 0.5
        assert quality["documents_graded"] > 0
    assert "clean_seeds_2_workers_vs_1_worker" in corpus["ratios"]
    markdown = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert "| clean_seeds | 2 |" in markdown
    assert "byte-identical with 1 and 2 workers: yes" in markdown


@pytest.mark.parametrize("module", [synth, make_corpus, bench_repair, bench_run])
def test_doctests(module: ModuleType) -> None:
    """The benchmarks folder is outside pytest's testpaths: run its doctests here."""
    failures, _tests = doctest.testmod(module)
    assert failures == 0


SCRIPTS = sorted(p.name for p in (ROOT / "benchmarks").glob("*.py") if "__main__" in p.read_text("utf-8"))


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_benchmark_script_explains_itself(script: str) -> None:
    """``--help`` prints the usage and exits 0 (argparse formats help strings with %)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage:")
