"""How well the per-document stages restore damaged text: character error rate by damage type.

    python benchmarks/bench_repair.py [--check] [--json FILE]

For each damage type, the seeds' clean paragraphs (synth.seed_paragraphs, plus a few English
news paragraphs) are cut into documents of consecutive paragraphs, covering every paragraph
once, damaged (synth.render) and cleaned by the full pipeline with dedup off, one run per
damage type (so no paragraph recurs across the documents of a run).  Each output document is
compared with its clean paragraphs:

    CER = edit distance(output paragraphs, truth paragraphs) / characters of truth

where paragraphs are the non-blank lines, joined by newlines, so a missed join or a wrong
break costs one character.  ``before`` is the same figure for the damaged input.

Throughput is measured separately, in process on one core: every per-document stage over the
damaged documents, repeated until ``--throughput-mb`` MB have gone through.

``--check`` exits 1 when the CER over the core damage types (issue 3: wraps, half-width
punctuation, running headers, markup, English wraps, all mixed) is 1 % or more.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth
from synth import Para, Style

#: Damage types graded by ``--check`` (issue 3's synthetic set), then the others.
CORE = ("wrap_narrow", "wrap_blank", "wrap_wide", "single_break", "halfwidth", "running_heads", "markup",
        "english", "mixed")  # fmt: skip
EXTRA = ("mojibake", "gb18030", "zero_width", "crlf")
#: CER at or above which ``--check`` fails.
CER_LIMIT = 0.01


# --- scoring ------------------------------------------------------------------------------


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions) by Myers' bit-parallel algorithm.

    Python's big integers hold a whole column of the DP table, so the cost is one handful of
    integer operations per character of the longer string.

    >>> levenshtein("kitten", "sitting"), levenshtein("", "abc"), levenshtein("青岛日报", "青島日报")
    (3, 3, 1)
    """
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    masks: dict[str, int] = {}
    for i, char in enumerate(b):
        masks[char] = masks.get(char, 0) | (1 << i)
    full = (1 << len(b)) - 1
    top = 1 << (len(b) - 1)
    plus, minus, score = full, 0, len(b)
    for char in a:
        eq = masks.get(char, 0)
        xv = eq | minus
        xh = (((eq & plus) + plus) ^ plus) | eq
        hplus = minus | (~(xh | plus) & full)
        hminus = plus & xh
        if hplus & top:
            score += 1
        elif hminus & top:
            score -= 1
        hplus = ((hplus << 1) | 1) & full
        hminus = (hminus << 1) & full
        plus = hminus | (~(xv | hplus) & full)
        minus = hplus & xv
    return score


def paragraphs_of(text: str) -> list[str]:
    """The paragraphs of a cleaned text: its lines that are not blank (nothing else trimmed)."""
    return [line for line in text.split("\n") if line.strip()]


def distance(output: Sequence[str], truth: Sequence[str]) -> int:
    """Edit distance between two paragraph lists joined by newlines, computed block by block.

    Paragraphs that match exactly cost nothing; each differing block (found by a paragraph-level
    diff) costs the edit distance of its two sides.  That is an upper bound on the whole-text
    distance and equal to it whenever the differences are local, as cleaning errors are.
    """
    cost = 0
    opcodes = SequenceMatcher(None, output, truth, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in opcodes:
        if tag != "equal":
            cost += levenshtein("\n".join(output[i1:i2]), "\n".join(truth[j1:j2]))
    return cost


def truth_chars(truth: Sequence[str]) -> int:
    """The denominator of CER: characters of the truth paragraphs joined by newlines."""
    return sum(map(len, truth)) + max(0, len(truth) - 1)


def present(paragraph_key: str, text_key: str) -> bool:
    """Whether a paragraph (by :func:`synth.key`) survives in a document (by its key).

    Exactly, or at least half of its four quarters: robust to the odd cleaning error, while a
    paragraph that was removed leaves nothing behind.
    """
    if paragraph_key in text_key:
        return True
    if len(paragraph_key) < 12:
        return False
    step = len(paragraph_key) // 4
    quarters = [paragraph_key[i * step : (i + 1) * step] for i in range(4)]
    return sum(q in text_key for q in quarters) >= 2


# --- the repair set -----------------------------------------------------------------------


def damage_style(kind: str, rng: random.Random) -> Style:
    """The rendering that gives damage type ``kind``."""
    width = rng.choice([24, 28, 32, 36, 40])
    gap = rng.random() < 0.5
    styles = {
        "wrap_narrow": Style(width=width, paragraph_gap=gap),
        "wrap_blank": Style(width=width, blank_lines=True),
        "wrap_wide": Style(width=rng.choice([60, 72, 80, 100]), paragraph_gap=gap),
        "single_break": Style(single_breaks=0.5, paragraph_gap=gap),
        "halfwidth": Style(halfwidth=1.0, paragraph_gap=gap),
        "running_heads": Style(width=width, heads_every=rng.randint(10, 30), blank_lines=rng.random() < 0.3),
        "markup": Style(markup=0.5, paragraph_gap=gap),
        "english": Style(width=rng.choice([40, 50, 60, 72]), hyphenate=0.6, paragraph_gap=gap),
        "mixed": Style(
            width=width, halfwidth=1.0, heads_every=rng.randint(10, 30), markup=0.3, paragraph_gap=gap
        ),
        "mojibake": Style(mojibake_lines=rng.randint(1, 2), mojibake_codec=rng.choice(["gbk", "latin-1"])),
        "gb18030": Style(encoding="gb18030", halfwidth=1.0),
        "zero_width": Style(zero_width=rng.randint(3, 8)),
        "crlf": Style(width=width, crlf=True),
    }
    return styles[kind]


@dataclasses.dataclass(frozen=True)
class Case:
    """One damaged document of the repair set."""

    kind: str
    name: str
    data: bytes
    encoding: str
    truth: tuple[str, ...]


def documents(kind: str, seed: int = 0, share: float = 1.0) -> list[Case]:
    """The repair documents of one damage type: every seed paragraph once (``share`` of them)."""
    rng = random.Random(f"repair:{seed}:{kind}")
    english = kind == "english"
    sources: Iterable[Sequence[Para]] = (
        [synth.ENGLISH_PARAGRAPHS] if english else synth.seed_paragraphs().values()
    )
    cases: list[Case] = []
    for paragraphs in sources:
        paragraphs = paragraphs[: max(1, round(len(paragraphs) * share))]
        start = 0
        while start < len(paragraphs):
            window = paragraphs[start : start + rng.randint(4, 14)]
            start += len(window)
            style = damage_style(kind, rng)
            text = synth.render(window, style, rng)
            name = f"{kind}/{len(cases):03d}.txt"
            truth = tuple(p.text for p in window)
            cases.append(Case(kind, name, synth.encode(text, style.encoding), style.encoding, truth))
    return cases


def score(cases: Sequence[Case], outputs: dict[str, str | None]) -> dict[str, Any]:
    """CER of the outputs (``None``: the document was skipped) and of the damaged inputs."""
    errors = before = chars = 0
    for case in cases:
        truth = list(case.truth)
        out = outputs.get(case.name)
        errors += distance(paragraphs_of(out), truth) if out is not None else truth_chars(truth)
        damaged = case.data.decode(case.encoding).replace("\r\n", "\n")
        before += distance(paragraphs_of(damaged), truth)
        chars += truth_chars(truth)
    return {
        "documents": len(cases),
        "truth_chars": chars,
        "errors": errors,
        "cer": round(errors / chars, 5) if chars else 0.0,
        "cer_before": round(before / chars, 5) if chars else 0.0,
    }


# --- running the pipeline -----------------------------------------------------------------


def clean_folder(cases: Sequence[Case], work: Path) -> tuple[dict[str, str | None], dict[str, Any]]:
    """Write ``cases`` to a folder, run the whole job on it (dedup off, one worker), read back."""
    from clean_seeds.config import Config
    from clean_seeds.runner import RunOptions, run

    source, target = work / "in", work / "out"
    for case in cases:
        path = source / case.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(case.data)
    config = Config()
    config = dataclasses.replace(config, dedup=dataclasses.replace(config.dedup, enabled=False))
    summary = run(RunOptions(source, target, config, overwrite=True, workers=1))
    outputs: dict[str, str | None] = {}
    for case in cases:
        path = target / case.name
        outputs[case.name] = path.read_text(encoding="utf-8") if path.exists() else None
    return outputs, summary


def throughput(texts: Sequence[str], megabytes: float) -> dict[str, Any]:
    """MB/s of each per-document stage and of all together, in this process (one core)."""
    from clean_seeds.config import Config
    from clean_seeds.pipeline import prepare, run_stages

    config = prepare(Config(), texts)
    for text in texts:  # warm up: patterns compiled on first use are a cost per process, not per MB
        run_stages(text, config)
    timings: Counter[str] = Counter()
    done = 0
    started = time.perf_counter()
    while done < megabytes * 1e6:
        for text in texts:
            run_stages(text, config, timings)
            done += len(text.encode("utf-8"))
    wall = time.perf_counter() - started
    stages = sum(timings.values())
    return {
        "megabytes": round(done / 1e6, 2),
        "seconds": round(stages, 3),
        "wall_seconds": round(wall, 3),
        "mb_per_s": round(done / 1e6 / stages, 2) if stages else None,
        "stage_seconds": {k: round(v, 4) for k, v in timings.items()},
        "stage_mb_per_s": {k: round(done / 1e6 / v, 1) if v else None for k, v in timings.items()},
    }


def bench(
    seed: int = 0, share: float = 1.0, kinds: Sequence[str] = CORE + EXTRA, mb: float = 5.0
) -> dict[str, Any]:
    """The whole benchmark: per-type CER, core CER, throughput."""
    by_kind: dict[str, Any] = {}
    texts: list[str] = []
    core_errors = core_chars = 0
    with tempfile.TemporaryDirectory(prefix="bench_repair_") as tmp:
        for kind in kinds:
            cases = documents(kind, seed, share)
            outputs, _summary = clean_folder(cases, Path(tmp) / kind)
            by_kind[kind] = score(cases, outputs)
            texts += [c.data.decode(c.encoding) for c in cases]
            if kind in CORE:
                core_errors += by_kind[kind]["errors"]
                core_chars += by_kind[kind]["truth_chars"]
    core = round(core_errors / core_chars, 5) if core_chars else 0.0
    return {
        "cer_core": core,
        "cer_limit": CER_LIMIT,
        "passes": core < CER_LIMIT,
        "by_damage": by_kind,
        "throughput": throughput(texts, mb) if mb else None,
    }


def report(result: dict[str, Any]) -> str:
    """A plain-text table of a :func:`bench` result."""
    lines = [f"{'damage':<14} {'docs':>5} {'chars':>7} {'CER before':>11} {'CER after':>10}"]
    for kind, row in result["by_damage"].items():
        mark = "" if kind in CORE else "  (extra)"
        lines.append(
            f"{kind:<14} {row['documents']:>5} {row['truth_chars']:>7} {row['cer_before']:>10.2%} "
            f"{row['cer']:>10.2%}{mark}"
        )
    verdict = "pass" if result["passes"] else "FAIL"
    lines.append(f"core CER {result['cer_core']:.3%} (limit {CER_LIMIT:.0%}): {verdict}")
    speed = result["throughput"]
    if speed:
        stages = ", ".join(f"{k} {v}" for k, v in speed["stage_mb_per_s"].items())
        lines.append(f"per-document stages: {speed['mb_per_s']} MB/s on one core ({stages} MB/s)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help=f"exit 1 if core CER >= {CER_LIMIT * 100:.0f}%%")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--share", type=float, default=1.0, help="share of the seed paragraphs used (0-1]")
    parser.add_argument(
        "--throughput-mb", type=float, default=5.0, help="MB for the speed measurement (0: skip)"
    )
    parser.add_argument("--json", type=Path, help="also write the result as JSON here")
    args = parser.parse_args(argv)
    result = bench(args.seed, args.share, mb=args.throughput_mb)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 1 if args.check and not result["passes"] else 0


if __name__ == "__main__":
    sys.exit(main())
