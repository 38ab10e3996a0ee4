"""Benchmark paragraph deduplication against datasketch's own API on the same corpus.

Builds ``--paragraphs`` paragraphs from the seeds' paragraphs: originals made unique by a
spliced-in sentence from another paragraph, exact copies, OCR-noisy near copies (similar-looking
character substitutions, dropped and added characters, punctuation width changes) whose true
shingle Jaccard with their original is >= 0.8, and hard negatives (stock-phrase paragraphs and
parallel headings, true Jaccard < 0.8).  Reports precision and recall of removed pairs,
throughput (MB/s of UTF-8 text, CPU time) and peak traced memory, ours and datasketch's side
by side (datasketch on a prefix of ``--datasketch-paragraphs``, ours on the same prefix too).

    python benchmarks/bench_dedup.py --paragraphs 200000 --out benchmarks/results_dedup
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from clean_seeds.dedup import DedupConfig, Deduplicator
from clean_seeds.dedup.features import features_many
from clean_seeds.dedup.minhash import Signer
from clean_seeds.dedup.shingles import Shingler, shingle_hash, shingles
from clean_seeds.runner import GROUP

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


def run_ours(paragraphs: list[str], per_doc: int = 20) -> tuple[dict[int, int], dict[str, Any]]:
    """Our deduplicator streaming documents of ``per_doc`` paragraphs (a newspaper page's worth),
    ``GROUP`` at a time as the runner hands them over; removed paragraph -> the kept one it duplicates."""
    cfg = DedupConfig(min_chars=30)
    dedup = Deduplicator(cfg)
    removed: dict[int, int] = {}
    step = per_doc * GROUP
    for g in range(0, len(paragraphs), step):
        firsts = range(g, min(g + step, len(paragraphs)), per_doc)
        texts = ["\n".join(paragraphs[d : d + per_doc]) + "\n" for d in firsts]
        found = features_many(texts, cfg)  # (the runner's workers do this, CHUNK documents at a time)
        group = [(f"d{d}", text, f) for d, text, f in zip(firsts, texts, found, strict=True)]
        for d, result in zip(firsts, dedup.process_many(group), strict=True):
            starts = [0]
            for p in paragraphs[d : d + per_doc]:
                starts.append(starts[-1] + len(p) + 1)
            position = {s: d + k for k, s in enumerate(starts[:-1])}
            for edit in result.edits:
                if edit.kind == "edit":
                    removed[position[edit.start]] = int(edit.info["cluster"])
    return removed, dedup.stats()


def run_signatures(paragraphs: list[str], cfg: DedupConfig) -> int:
    """Shingle hashes and MinHash signatures only, in batches as the deduplicator makes them."""
    shingler, signer = Shingler(cfg.shingle_size, cfg.word_shingle_size), Signer(cfg.num_perm, cfg.seed)
    step = cfg.batch_size
    return sum(
        len(signer.sign(shingler.hash_batch(paragraphs[i : i + step])))
        for i in range(0, len(paragraphs), step)
    )


def run_datasketch(paragraphs: list[str], cfg: DedupConfig) -> dict[int, int]:
    """datasketch's own API: ``MinHash.update_batch`` per paragraph and an in-memory ``MinHashLSH``."""
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


def measure(fn: Any, *args: Any, trace: bool = True) -> tuple[Any, float, float | None]:
    """Result, CPU seconds of an untraced run, and peak traced MB of a second, traced run.

    CPU time (``time.process_time``), not wall time: the machine is shared.
    """
    start = time.process_time()
    out = fn(*args)
    seconds = time.process_time() - start
    if not trace:
        return out, seconds, None
    tracemalloc.start()
    fn(*args)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return out, seconds, peak


def megabytes(paragraphs: list[str]) -> float:
    return sum(len(p.encode()) + 1 for p in paragraphs) / 1e6


def side(paragraphs: list[str], truth: dict[int, int], fn: Any, *args: Any) -> tuple[dict[str, Any], Any]:
    """One contender on ``paragraphs``: precision, recall, MB/s, peak traced memory."""
    (found, *extra), seconds, peak = measure(lambda: _as_tuple(fn(paragraphs, *args)))
    precision, recall = score(paragraphs, found, truth)
    mb = megabytes(paragraphs)
    row = {
        "paragraphs": len(paragraphs), "megabytes": round(mb, 2), "precision": round(precision, 4),
        "recall": round(recall, 4), "cpu_seconds": round(seconds, 2), "mb_per_s": round(mb / seconds, 2),
        "peak_traced_mb": round(peak or 0.0, 1),
    }  # fmt: skip
    return row, extra[0] if extra else None


def _as_tuple(result: Any) -> tuple[Any, ...]:
    return result if isinstance(result, tuple) else (result,)


def markdown(report: dict[str, Any]) -> str:
    """The report as a markdown table the README can quote."""
    lines = [
        f"# Paragraph dedup benchmark ({report['paragraphs']:,} paragraphs, {report['megabytes']} MB)",
        "",
        f"Command: `{report['command']}`",
        "",
        "CPU time on one core (`time.process_time`; the machine is shared, so wall time would be noise).",
        f"True duplicate pairs: {report['true_duplicates']:,}.  Signatures alone (shingles + MinHash,"
        f" batches of {DedupConfig().batch_size}): **{report['signatures_mb_per_s']} MB/s** with the"
        f" default {DedupConfig().num_perm} permutations,"
        f" **{report['signatures_128_mb_per_s']} MB/s** with 128.",
        "",
        "| contender | paragraphs | precision | recall | MB/s | peak traced MB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, row in report["rows"].items():
        lines.append(
            f"| {name} | {row['paragraphs']:,} | {row['precision']} | {row['recall']} | {row['mb_per_s']}"
            f" | {row['peak_traced_mb']} |"
        )
    stats = report["stats"]
    lines += [
        "",
        f"Our index: {stats['index_bytes'] / 1e6:.1f} MB of keys and {stats['shingle_bytes'] / 1e6:.1f} MB of"
        f" shingle sets for {stats['paragraphs']:,} paragraphs"
        f" ({report['index_mb_per_100k']} MB of keys per 100k paragraphs).",
        "",
        *[f"- {note}" for note in report["notes"]],
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--paragraphs", type=int, default=200_000)
    parser.add_argument(
        "--datasketch-paragraphs", type=int, default=20_000, help="datasketch runs on this prefix"
    )
    parser.add_argument("--no-datasketch", action="store_true")
    parser.add_argument("--out", type=Path, help="write OUT.md and OUT.json (e.g. benchmarks/results_dedup)")
    args = parser.parse_args(argv)
    paragraphs, truth = build(args.paragraphs)
    cfg = DedupConfig()
    _, sig_seconds, _ = measure(run_signatures, paragraphs, cfg, trace=False)
    wide = dataclasses.replace(cfg, num_perm=128, bands=32)  # the yardstick: 128 permutations
    _, wide_seconds, _ = measure(run_signatures, paragraphs, wide, trace=False)
    ours, stats = side(paragraphs, truth, run_ours)
    rows = {"clean_seeds (all paragraphs)": ours}
    notes = [
        "precision: removed pairs whose true shingle Jaccard is >= 0.8; recall: known duplicates removed.",
        "peak traced MB: tracemalloc peak of a second run (Python and numpy allocations), corpus excluded.",
    ]
    if not args.no_datasketch:
        subset = paragraphs[: args.datasketch_paragraphs]
        sub_truth = {i: j for i, j in truth.items() if i < len(subset)}
        rows["clean_seeds (datasketch's subsample)"] = side(subset, sub_truth, run_ours)[0]
        rows["datasketch MinHash + MinHashLSH (subsample)"] = ds = side(
            subset, sub_truth, run_datasketch, cfg
        )[0]
        notes.append(
            f"datasketch runs on the first {len(subset):,} paragraphs only (its per-paragraph API is slow);"
            " same shingles, hash, seed and num_perm, LSH threshold"
            f" {cfg.threshold}, no verification. Its peak memory extrapolated to all paragraphs:"
            f" ~{round(ds['peak_traced_mb'] * len(paragraphs) / len(subset))} MB."
        )
    report: dict[str, Any] = {
        "command": "python benchmarks/bench_dedup.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "paragraphs": len(paragraphs), "megabytes": round(megabytes(paragraphs), 2),
        "true_duplicates": len(truth), "signatures_mb_per_s": round(megabytes(paragraphs) / sig_seconds, 1),
        "signatures_128_mb_per_s": round(megabytes(paragraphs) / wide_seconds, 1),
        "rows": rows, "stats": stats,
        "index_mb_per_100k": round(stats["index_bytes"] / 1e6 * 100_000 / stats["paragraphs"], 1),
        "notes": notes,
    }  # fmt: skip
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        args.out.with_suffix(".md").write_text(markdown(report))
    return report


if __name__ == "__main__":
    main()
