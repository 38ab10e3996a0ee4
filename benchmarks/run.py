"""Benchmark clean_seeds end to end and write benchmarks/results.md and results.json.

    python benchmarks/run.py [--sizes 10MB,100MB,1GB] [--seed 0] [--install-rensa]

For each size, a synthetic corpus with ground truth (make_corpus.py; cached under
benchmarks/data/) goes through, each as a separate process, timed, its memory watched:

- ``clean_seeds`` (the ``clean-seeds run`` CLI, dedup on) with 1 and with 2 workers;
- on corpora up to ``--reference-max`` (default 10MB): the way peers do it, ftfy ``fix_text``
  on each document, then a datasketch ``MinHash`` updated shingle by shingle for each line and a
  ``MinHashLSH`` (threshold 0.8) to drop near-duplicate lines; and the same with rensa's MinHash
  when rensa is importable (``--install-rensa`` pip-installs it into this interpreter first).

Every output is graded against the truth on a sample of documents (``--quality-docs``): character
error rate of the paragraphs kept, dedup precision and recall, hard negatives removed.  Then
the repair benchmark (bench_repair.py: CER per damage type, per-stage throughput on one core)
runs unless ``--no-repair``.
"""

from __future__ import annotations

import argparse
import compileall
import datetime
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_repair  # noqa: E402
import make_corpus  # noqa: E402
import synth  # noqa: E402

DATA = HERE / "data"
#: MinHash settings of the reference pipelines (datasketch's defaults, as peers use them).
NUM_PERM = 128
THRESHOLD = 0.8
SHINGLE = 5


# --- the machine ----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """CPU model, cores, RAM, Python, OS, and the load when the run started."""
    cpu = "unknown"
    memory = 0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(memory / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


# --- running one pipeline as a watched child process -------------------------------------


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants (Linux /proc; 0 elsewhere)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def watch(command: Sequence[str], log: Path) -> dict[str, Any]:
    """Run ``command``; its wall time, exit code and peak memory.

    ``peak_rss_mb`` is the largest single process (the child or one of its workers, from
    ``wait4``); ``peak_tree_rss_mb`` the largest sum over the whole process tree, sampled
    every 0.1 s (a sample can miss a short peak: it is at least the largest single process).
    """
    started = time.perf_counter()
    with log.open("wb") as stderr:
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                peak[0] = max(peak[0], _tree_rss(child.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
    return {
        "wall_seconds": round(time.perf_counter() - started, 3),
        "exit_code": child.returncode,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "peak_tree_rss_mb": round(max(peak[0], usage.ru_maxrss * 1024) / 2**20, 1),
    }


def clean_seeds_command(corpus: Path, output: Path, workers: int) -> list[str]:
    cli = Path(sys.executable).with_name("clean-seeds")
    return [str(cli), "run", str(corpus), str(output), "--workers", str(workers), "--quiet", "--overwrite"]


def reference_command(corpus: Path, output: Path, minhash: str) -> list[str]:
    return [
        sys.executable,
        str(Path(__file__).resolve()),
        "--reference-run",
        str(corpus),
        str(output),
        minhash,
    ]


# --- the reference pipelines --------------------------------------------------------------


def shingles(line: str) -> list[str]:
    """Character 5-grams of a line without spaces (the whole line when shorter)."""
    text = "".join(line.split())
    return [text[i : i + SHINGLE] for i in range(max(1, len(text) - SHINGLE + 1))]


def reference_clean(source: Path, target: Path, minhash: str) -> None:
    """ftfy + MinHash/LSH line dedup, the way peers' pipelines do it (one process)."""
    import ftfy

    if minhash == "rensa":
        from rensa import RMinHash, RMinHashLSH

        lsh: Any = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=16)

        def signature(line: str) -> Any:
            m = RMinHash(num_perm=NUM_PERM, seed=42)
            m.update(shingles(line))
            return m
    else:
        from datasketch import MinHash, MinHashLSH

        lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)

        def signature(line: str) -> Any:
            m = MinHash(num_perm=NUM_PERM)
            for shingle in shingles(line):
                m.update(shingle.encode("utf-8"))
            return m

    number = 0
    for path in sorted(p for p in source.rglob("*.txt")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("gb18030", errors="replace")
        kept = []
        for line in ftfy.fix_text(text).split("\n"):
            if line.strip():
                m = signature(line)
                if lsh.query(m):
                    continue
                lsh.insert(number if minhash == "rensa" else str(number), m)
                number += 1
            kept.append(line)
        out = target / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join(kept), encoding="utf-8")


def rensa_available(install: bool) -> str | None:
    """None when rensa imports (after a pip install, if asked); else why not."""
    if install:
        pip = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "rensa"], capture_output=True
        )
        if pip.returncode:
            return "pip install rensa failed: " + pip.stderr.decode(errors="replace").strip()[-200:]
    check = subprocess.run([sys.executable, "-c", "import rensa"], capture_output=True)
    return None if check.returncode == 0 else "not installed (run with --install-rensa to try)"


# --- grading outputs against the truth ----------------------------------------------------


def truth_records(corpus: Path, sample: int) -> Iterator[dict[str, Any]]:
    """Every k-th document's truth record, so that at most ``sample`` are read."""
    truth = make_corpus.truth_dir(corpus)
    documents = json.loads((truth / "corpus.json").read_text())["documents"]
    step = max(1, -(-documents // sample))
    with (truth / "documents.jsonl").open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number % step == 0:
                yield json.loads(line)


def grade(corpus: Path, output: Path, sample: int) -> dict[str, Any]:
    """CER of kept paragraphs, dedup precision/recall and hard negatives lost, on a sample.

    A truth paragraph is *removed* when it no longer appears in its output document
    (bench_repair.present).  CER compares the output with the truth paragraphs less the
    removed ones that were duplicates or unscored (``d``/``a``): dedup decisions are graded by
    precision and recall, not twice.
    """
    removed_dup = removed_keep = duplicates = keeps = errors = chars = documents = 0
    similar = removed_similar = 0  # duplicates at or above the dedup threshold (what it can find)
    jaccard = duplicate_similarity(corpus)
    for record in truth_records(corpus, sample):
        path = output / record["id"]
        text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        text_key = synth.key(text)
        expected = []
        for index, (paragraph, label) in enumerate(zip(record["paragraphs"], record["labels"], strict=True)):
            here = bench_repair.present(synth.key(paragraph), text_key)
            duplicates += label == "d"
            keeps += label == "k"
            removed_dup += label == "d" and not here
            removed_keep += label == "k" and not here
            if label == "d" and jaccard.get((record["id"], index), 1.0) >= THRESHOLD:
                similar += 1
                removed_similar += not here
            if here or label == "k":
                expected.append(paragraph)
        errors += bench_repair.distance(bench_repair.paragraphs_of(text), expected)
        chars += bench_repair.truth_chars(expected)
        documents += 1
    return {
        "documents_graded": documents,
        "cer": round(errors / chars, 5) if chars else None,
        "dedup_precision": round(removed_dup / (removed_dup + removed_keep), 4)
        if removed_dup + removed_keep
        else None,
        "dedup_recall": round(removed_dup / duplicates, 4) if duplicates else None,
        "dedup_recall_at_threshold": round(removed_similar / similar, 4) if similar else None,
        "kept_paragraphs_lost": removed_keep,
        "kept_paragraphs": keeps,
        "hard_negatives_removed": hard_negatives_removed(corpus, output, sample),
    }


def duplicate_similarity(corpus: Path) -> dict[tuple[str, int], float]:
    """(doc, paragraph) -> Jaccard similarity to its source, for the near duplicates."""
    out = {}
    with (make_corpus.truth_dir(corpus) / "duplicates.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            pair = json.loads(line)
            if "jaccard" in pair:
                out[pair["doc"], pair["paragraph"]] = pair["jaccard"]
    return out


def hard_negatives_removed(corpus: Path, output: Path, sample: int) -> str:
    """``removed/total`` over (a sample of) the hard negatives: paragraphs that must stay."""
    truth = make_corpus.truth_dir(corpus)
    lines = (truth / "hard_negatives.jsonl").read_text(encoding="utf-8").splitlines()
    pairs = [json.loads(line) for line in lines[:: max(1, -(-len(lines) // sample))]]
    wanted: dict[str, list[int]] = {}
    for pair in pairs:
        wanted.setdefault(pair["doc"], []).append(pair["paragraph"])
    removed = 0
    with (truth / "documents.jsonl").open(encoding="utf-8") as records:
        for line in records:
            doc_id = line[8 : line.index('"', 8)]  # records start {"id": "...": no need to parse the rest
            if doc_id in wanted:
                paragraphs = json.loads(line)["paragraphs"]
                path = output / doc_id
                text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
                text_key = synth.key(text)
                removed += sum(
                    not bench_repair.present(synth.key(paragraphs[i]), text_key) for i in wanted[doc_id]
                )
    return f"{removed}/{len(pairs)}"


def differing_files(a: Path, b: Path) -> list[str]:
    """Files whose bytes differ between two output trees (or exist in one only), in path order.

    The run summaries are left out: they hold timings.
    """

    def digests(root: Path) -> dict[str, str]:
        out = {}
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.name != "summary.json":
                with path.open("rb") as stream:
                    out[path.relative_to(root).as_posix()] = hashlib.file_digest(stream, "sha256").hexdigest()
        return out

    left, right = digests(a), digests(b)
    return sorted(name for name in left.keys() | right.keys() if left.get(name) != right.get(name))


def compile_sources() -> None:
    """Write the bytecode cache of clean_seeds' modules, as any install does, so that no timed
    run compiles them from source (with ``PYTHONDONTWRITEBYTECODE`` set, Python would at every
    start: about 60 ms of each run here)."""
    import clean_seeds

    compileall.compile_dir(Path(clean_seeds.__file__).parent, quiet=1)


def code_fingerprint() -> str:
    """A hash of clean_seeds' source files, to tell whether the code changed between two runs."""
    import clean_seeds

    digest = hashlib.sha256()
    for path in sorted(Path(clean_seeds.__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# --- one corpus ---------------------------------------------------------------------------


def corpus_for(size: int, label: str, seed: int, data: Path) -> tuple[Path, dict[str, Any]]:
    """The cached corpus of ``size`` bytes (generated when missing or stale)."""
    corpus = data / f"corpus-{label}-seed{seed}"
    info = make_corpus.truth_dir(corpus) / "corpus.json"
    if info.exists():
        summary = json.loads(info.read_text())
        if summary.get("generator_version") == make_corpus.GENERATOR_VERSION and summary.get("size") == size:
            summary["cached"] = True
            return corpus, summary
    print(f"generating {label} corpus in {corpus} ...", file=sys.stderr)
    summary = make_corpus.make_corpus(corpus, size, seed)
    summary["cached"] = False
    return corpus, summary


def bench_corpus(
    label: str, size: int, args: argparse.Namespace, rensa_problem: str | None
) -> dict[str, Any]:
    corpus, info = corpus_for(size, label, args.seed, args.data)
    megabytes = info["bytes"] / 1e6
    variants = [("clean_seeds", workers) for workers in args.workers]
    if size <= args.reference_max:
        variants += [("reference", 1), ("rensa", 1)]
    runs = []
    outputs: dict[str, Path] = {}
    for name, workers in variants:
        output = args.data / f"out-{label}-{name}-{workers}"
        log = args.data / f"out-{label}-{name}-{workers}.log"
        if name == "rensa" and rensa_problem:
            runs.append({"pipeline": name, "workers": workers, "skipped": rensa_problem})
            continue
        print(f"{label}: {name}, {workers} worker(s) ...", file=sys.stderr)
        shutil.rmtree(output, ignore_errors=True)
        if name == "clean_seeds":
            command = clean_seeds_command(corpus, output, workers)
        else:
            command = reference_command(corpus, output, "rensa" if name == "rensa" else "datasketch")
        row: dict[str, Any] = {"pipeline": name, "workers": workers, "code": code_fingerprint()}
        row.update(watch(command, log))
        if code_fingerprint() != row["code"]:
            row["code"] = "changed during the run"
        if row["exit_code"] not in (0, 3):
            row["error"] = log.read_text(errors="replace")[-500:]
            runs.append(row)
            continue
        row["mb_per_s"] = round(megabytes / row["wall_seconds"], 3)
        row["paragraphs_per_s"] = round(info["paragraphs"] / row["wall_seconds"], 1)
        summary_path = output / ".clean_seeds" / "summary.json"
        if summary_path.exists():
            summary = json.loads(summary_path.read_text())
            stages = summary["timings"]["stage_seconds"]
            row["stage_seconds"] = stages
            row["stage_mb_per_s"] = {k: round(megabytes / v, 2) if v else None for k, v in stages.items()}
            row["dedup_stats"] = summary.get("dedup")
        row["quality"] = grade(corpus, output, args.quality_docs)
        runs.append(row)
        outputs[f"{name}-{workers}"] = output
    result: dict[str, Any] = {**info, "size": label, "corpus": str(corpus), "megabytes": round(megabytes, 2)}
    result["runs"] = runs
    result["ratios"] = ratios(runs)
    if "clean_seeds-1" in outputs and "clean_seeds-2" in outputs:
        differ = differing_files(outputs["clean_seeds-1"], outputs["clean_seeds-2"])
        result["identical_outputs_1_vs_2_workers"] = not differ
        result["differing_files"] = differ[:10]
        codes = {r["code"] for r in runs if r["pipeline"] == "clean_seeds"}
        result["code_changed_between_runs"] = len(codes) > 1
    args.spent_outputs += outputs.values()
    return result


def ratios(runs: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Throughput ratios between the runs of one corpus (higher: the first is faster)."""
    speed = {f"{r['pipeline']}-{r['workers']}": r["mb_per_s"] for r in runs if r.get("mb_per_s")}
    pairs = {
        "clean_seeds_2_workers_vs_reference": ("clean_seeds-2", "reference-1"),
        "clean_seeds_1_worker_vs_reference": ("clean_seeds-1", "reference-1"),
        "clean_seeds_2_workers_vs_1_worker": ("clean_seeds-2", "clean_seeds-1"),
        "clean_seeds_2_workers_vs_rensa": ("clean_seeds-2", "rensa-1"),
        "rensa_vs_reference": ("rensa-1", "reference-1"),
    }
    return {
        name: round(speed[a] / speed[b], 2) for name, (a, b) in pairs.items() if a in speed and b in speed
    }


# --- the report ---------------------------------------------------------------------------


def _cell(value: Any, fmt: str = "{}") -> str:
    return "–" if value is None else fmt.format(value)


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# clean_seeds benchmark results",
        "",
        f"Produced by `{results['command']}` on {results['date']}.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, Python {m['python']},"
        f" {m['platform']}.",
        f"Load average when the run started: {', '.join(map(str, m['load_average']))}"
        " (timings on a shared machine are noisy).",
        "",
        "What the figures mean: benchmarks/README.md.",
    ]
    for corpus in results["corpora"]:
        lines += [
            "",
            f"## {corpus['size']} corpus",
            "",
            f"{corpus['megabytes']} MB, {corpus['documents']} documents, {corpus['paragraphs']} paragraphs "
            f"({corpus['labels']['duplicate']} duplicates to remove, {corpus['labels']['keep']} to keep, "
            f"{corpus['labels']['unscored']} unscored); seed {corpus['seed']}.",
            "",
            "| pipeline | workers | wall s | MB/s | paragraphs/s | peak RSS MB (largest process / all) "
            "| CER | dedup precision | dedup recall: all / Jaccard >= 0.8 | hard negatives removed |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for run in corpus["runs"]:
            if "skipped" in run or "error" in run:
                reason = run.get("skipped") or f"failed (exit {run.get('exit_code')})"
                lines.append(f"| {run['pipeline']} | {run['workers']} | {reason} |||||||")
                continue
            q = run["quality"]
            lines.append(
                f"| {run['pipeline']} | {run['workers']} | {run['wall_seconds']:.1f} | {run['mb_per_s']:.2f} "
                f"| {run['paragraphs_per_s']:.0f} | {run['peak_rss_mb']:.0f} / {run['peak_tree_rss_mb']:.0f} "
                f"| {_cell(q['cer'], '{:.2%}')} | {_cell(q['dedup_precision'], '{:.3f}')} "
                f"| {_cell(q['dedup_recall'], '{:.3f}')} "
                f"/ {_cell(q.get('dedup_recall_at_threshold'), '{:.3f}')} "
                f"| {q['hard_negatives_removed']} |"
            )
        if corpus["ratios"]:
            lines += [
                "",
                "Throughput ratios: " + "; ".join(f"{k} {v}x" for k, v in corpus["ratios"].items()) + ".",
            ]
        if "identical_outputs_1_vs_2_workers" in corpus:
            same = "yes" if corpus["identical_outputs_1_vs_2_workers"] else "**NO**"
            lines.append(f"Outputs, change log and manifest byte-identical with 1 and 2 workers: {same}.")
            if corpus["differing_files"]:
                lines.append(f"Differing files (first 10): {', '.join(corpus['differing_files'])}.")
            if corpus["code_changed_between_runs"]:
                lines.append("The clean_seeds source changed between the runs: the comparison is void.")
        lines += _stage_table(corpus)
    if results.get("repair"):
        lines += ["", "## Repair of damaged seed paragraphs (bench_repair.py, dedup off)", "", "```"]
        lines += [bench_repair.report(results["repair"]), "```"]
    return "\n".join(lines) + "\n"


def _stage_table(corpus: dict[str, Any]) -> list[str]:
    runs = [r for r in corpus["runs"] if r.get("stage_seconds")]
    if not runs:
        return []
    stages = sorted(
        {s for r in runs for s in r["stage_seconds"]}, key=lambda s: -runs[0]["stage_seconds"].get(s, 0)
    )
    head = " | ".join(f"{r['pipeline']} {r['workers']}w: s (MB/s per core)" for r in runs)
    lines = ["", "Time per stage (seconds summed over workers; slowest first):", "", f"| stage | {head} |"]
    lines.append("|---" * (len(runs) + 1) + "|")
    for stage in stages:
        cells = [
            f"{r['stage_seconds'].get(stage, 0):.2f} ({_cell(r['stage_mb_per_s'].get(stage))})" for r in runs
        ]
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    return lines


# --- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10MB,100MB,1GB", help="comma-separated corpus sizes")
    parser.add_argument("--seed", type=int, default=0, help="corpus generator seed")
    parser.add_argument("--workers", default="1,2", help="worker counts for clean_seeds (comma-separated)")
    parser.add_argument(
        "--reference-max",
        type=make_corpus.parse_size,
        default=make_corpus.parse_size("10MB"),
        help="largest corpus the reference pipelines run on",
    )
    parser.add_argument("--quality-docs", type=int, default=1000, help="documents graded per run (a sample)")
    parser.add_argument("--data", type=Path, default=DATA, help="corpora and outputs (git-ignored)")
    parser.add_argument("--results", type=Path, default=HERE, help="folder for results.md and results.json")
    parser.add_argument(
        "--install-rensa", action="store_true", help="pip install rensa into this interpreter"
    )
    parser.add_argument("--keep-outputs", action="store_true", help="keep the pipelines' outputs")
    parser.add_argument("--no-repair", action="store_true", help="skip the repair benchmark")
    parser.add_argument("--reference-run", nargs=3, metavar=("SRC", "DST", "MINHASH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reference_run:
        source, target, minhash = args.reference_run
        reference_clean(Path(source), Path(target), minhash)
        return 0
    args.workers = [int(w) for w in args.workers.split(",")]
    args.data.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "command": "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "corpora": [],
    }
    rensa_problem = rensa_available(args.install_rensa)
    compile_sources()
    # Outputs are deleted only after every timed run: ext4 skips the inodes of files deleted in
    # the last few minutes when it creates files, so deleting 194k output files right before a
    # run made each of that run's file creations scan past them (10x the system time).
    args.spent_outputs = []
    try:
        for label in args.sizes.split(","):
            results["corpora"].append(
                bench_corpus(label.strip(), make_corpus.parse_size(label), args, rensa_problem)
            )
    finally:
        if not args.keep_outputs:
            for output in args.spent_outputs:
                shutil.rmtree(output, ignore_errors=True)
    if not args.no_repair:
        print("repair benchmark ...", file=sys.stderr)
        results["repair"] = bench_repair.bench()
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (args.results / "results.md").write_text(markdown(results), encoding="utf-8")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
