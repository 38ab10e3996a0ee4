"""Benchmark paragraph deduplication against datasketch's own API on the same corpus.

Builds ``--paragraphs`` paragraphs from the seeds' paragraphs: originals made unique by a
spliced-in sentence from another paragraph, exact copies, OCR-noisy near copies (similar-looking
character substitutions, dropped and added characters, punctuation width changes) whose true
shingle Jaccard with their original is >= 0.8, and hard negatives (stock-phrase paragraphs and
parallel headings, true Jaccard < 0.8).  Reports precision and recall of removed pairs,
throughput (MB/s of UTF-8 text) and peak traced memory, ours and datasketch's side by side
(datasketch on a subset if ``--datasketch-paragraphs`` is smaller, extrapolated and labelled).

    python benchmarks/bench_dedup.py --paragraphs 200000
"""

from __future__ import annotations

import argparse
import json
import random
import time
import tracemalloc
from pathlib import Path
from typing import Any

from clean_seeds.dedup import DedupConfig, Deduplicator
from clean_seeds.dedup.shingles import shingle_hash, shingles

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
LOOKALIKE = dict(zip("日曰已己未末土士人入大太天夭", "曰日己已末未士土入人太大夭天", strict=True))
WIDTH = dict(zip("，。；：（）！？", ",.;:()!?", strict=True))


def seed_paragraphs() -> list[str]:
    lines = {
        line.strip() for path in sorted(SEEDS.glob("*.txt")) for line in path.read_text("utf-8").splitlines()
    }
    return sorted(line for line in lines if len(line) >= 40)


def ocr_noise(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(max(1, len(chars) // 60)):
        i = rng.randrange(len(chars))
        op = rng.random()
        if op < 0.4:
            chars[i] = LOOKALIKE.get(chars[i], WIDTH.get(chars[i], chars[i]))
        elif op < 0.7:
            del chars[i]
        else:
            chars.insert(i, rng.choice("的一是了"))
    return "".join(WIDTH.get(c, c) if rng.random() < 0.1 else c for c in chars)


def jaccard(a: str, b: str) -> float:
    sa, sb = set(shingles(a, 5, 3)), set(shingles(b, 5, 3))
    return len(sa & sb) / max(1, len(sa | sb))


def build(n: int, seed: int = 0) -> tuple[list[str], dict[int, int]]:
    """Paragraphs and the truth: index of each duplicate -> index of its original."""
    rng = random.Random(seed)
    base = seed_paragraphs()
    paragraphs: list[str] = []
    truth: dict[int, int] = {}
    originals: list[int] = []
    while len(paragraphs) < n:
        roll = rng.random()
        if roll < 0.6 or not originals:
            pieces = []
            for _ in range(3):  # three fragments of different seed paragraphs: distinct originals
                source = rng.choice(base)
                start = rng.randrange(0, max(1, len(source) - 40))
                pieces.append(source[start : start + rng.randrange(30, 60)])
            paragraphs.append(f"{len(paragraphs)}号：" + "，".join(pieces) + "。")
            originals.append(len(paragraphs) - 1)
        elif roll < 0.75:
            i = rng.choice(originals)
            truth[len(paragraphs)] = i
            paragraphs.append(paragraphs[i])
        elif roll < 0.9:
            i = rng.choice(originals)
            noisy = ocr_noise(paragraphs[i], rng)
            if jaccard(noisy, paragraphs[i]) >= 0.8:
                truth[len(paragraphs)] = i
            paragraphs.append(noisy)
        else:  # hard negatives: stock phrase + new text, or a parallel heading
            i = rng.choice(originals)
            text = paragraphs[i]
            half = text[: len(text) // 2] + rng.choice(base)[: len(text) // 2]
            paragraphs.append(half if jaccard(half, text) < 0.8 else f"——{len(paragraphs)}更加暖心。")
    return paragraphs, truth


def score(paragraphs: list[str], removed: dict[int, int], truth: dict[int, int]) -> tuple[float, float]:
    """Precision: removed pairs with true Jaccard (reference shingles) >= 0.8; recall: true pairs removed."""
    correct = sum(1 for i, kept in removed.items() if jaccard(paragraphs[i], paragraphs[kept]) >= 0.8)
    found = sum(1 for i in truth if i in removed)
    return correct / max(1, len(removed)), found / max(1, len(truth))


def run_ours(paragraphs: list[str], docs: int = 200) -> tuple[dict[int, int], dict[str, Any]]:
    dedup = Deduplicator(DedupConfig(min_chars=30))
    size = -(-len(paragraphs) // docs)
    removed: dict[int, int] = {}
    for d in range(0, len(paragraphs), size):
        result = dedup.process(f"d{d}", "\n".join(paragraphs[d : d + size]) + "\n")
        starts = [0]
        for p in paragraphs[d : d + size]:
            starts.append(starts[-1] + len(p) + 1)
        position = {s: d + k for k, s in enumerate(starts[:-1])}
        for edit in result.edits:
            if edit.kind == "edit":
                removed[position[edit.start]] = int(edit.info["cluster"])
    return removed, dedup.stats()


def run_datasketch(paragraphs: list[str], cfg: DedupConfig) -> dict[int, int]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=cfg.threshold, num_perm=cfg.num_perm)
    removed: dict[int, int] = {}
    for i, text in enumerate(paragraphs):
        m = MinHash(num_perm=cfg.num_perm, seed=cfg.seed, hashfunc=shingle_hash)
        m.update_batch(shingles(text, cfg.shingle_size, cfg.word_shingle_size))
        found = sorted(int(k) for k in lsh.query(m))
        if found:
            removed[i] = found[0]
        else:
            lsh.insert(str(i), m)
    return removed


def measure(fn: Any, *args: Any) -> tuple[Any, float, float]:
    """Result, seconds (untraced run) and peak traced MB (a second, traced run)."""
    start = time.perf_counter()
    out = fn(*args)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    fn(*args)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return out, seconds, peak


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=200_000)
    parser.add_argument("--datasketch-paragraphs", type=int, default=20_000)
    parser.add_argument("--no-datasketch", action="store_true")
    args = parser.parse_args(argv)
    paragraphs, truth = build(args.paragraphs)
    mb = sum(len(p.encode()) + 1 for p in paragraphs) / 1e6
    (removed, stats), seconds, peak = measure(run_ours, paragraphs)
    precision, recall = score(paragraphs, removed, truth)
    report: dict[str, Any] = {
        "paragraphs": len(paragraphs), "megabytes": round(mb, 2), "true_duplicates": len(truth),
        "ours": {"precision": precision, "recall": round(recall, 4), "mb_per_s": round(mb / seconds, 2),
                 "peak_mb": round(peak, 1), "stats": stats},
    }  # fmt: skip
    if not args.no_datasketch:
        subset = paragraphs[: args.datasketch_paragraphs]
        sub_truth = {i: j for i, j in truth.items() if i < len(subset)}
        sub_mb = sum(len(p.encode()) + 1 for p in subset) / 1e6
        found, ds_seconds, ds_peak = measure(run_datasketch, subset, DedupConfig())
        ds_precision, ds_recall = score(subset, found, sub_truth)
        report["datasketch"] = {
            "paragraphs": len(subset), "precision": round(ds_precision, 4), "recall": round(ds_recall, 4),
            "mb_per_s": round(sub_mb / ds_seconds, 2), "peak_mb": round(ds_peak, 1),
            "note": "MinHash.update_batch per paragraph + MinHashLSH, no verification; peak memory on"
            " the subset,"
            f" extrapolated to all paragraphs: {round(ds_peak * len(paragraphs) / len(subset))} MB",
        }  # fmt: skip
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return report


if __name__ == "__main__":
    main()
