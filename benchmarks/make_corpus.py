"""Build a synthetic OCR corpus of a given size, with its ground truth beside it.

    python benchmarks/make_corpus.py --size 1GB --out DIR [--seed N]

DIR gets the documents (``NNNN/NNN.txt``: mostly UTF-8, some GB18030), DIR.truth/ the answers:

- ``documents.jsonl``: per document its id, encoding, style, damage, clean ``paragraphs`` and
  ``labels`` (one character per paragraph: ``k`` must be kept, ``d`` is a duplicate of an
  earlier paragraph and should be removed, ``a`` either way, not scored: short lines and the
  recombined English paragraphs, whose small sentence pool makes accidental near duplicates);
- ``duplicates.jsonl`` and ``hard_negatives.jsonl``: the pairs (doc, paragraph) -> (of_doc,
  of_paragraph) with their kind;
- ``corpus.json``: size, seed and counts, written last (its presence means the corpus is whole).

Paragraphs are new recombinations of the seeds' clauses (synth.ParagraphMaker), so duplicates
are exactly the ones put there: exact copies, OCR-noised copies (look-alike characters, drops)
of paragraphs from earlier documents, and hard negatives that must survive (paragraphs opening
with another's stock phrase, parallel headings one character apart).  The same seed gives the
same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import xxhash

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synth
from synth import Para, ParagraphMaker, Style

#: Bumped whenever the generator's output changes, so cached corpora are rebuilt.
GENERATOR_VERSION = 3
#: Paragraphs whose key (letters and digits) is shorter than this are not scored for dedup.
MIN_SCORED = 20
#: Earlier paragraphs and headings kept to copy duplicates and hard negatives from.
MEMORY = 4096
UNITS = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9}


def parse_size(text: str) -> int:
    """Bytes in a size like ``10MB`` (decimal units: 1 MB = 10**6 bytes).

    >>> parse_size("200KB"), parse_size("1GB"), parse_size("1.5MB")
    (200000, 1000000000, 1500000)
    """
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?B)\s*", text.upper())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r}: size must look like 200KB, 10MB or 1GB")
    return int(float(match[1]) * UNITS[match[2]])


def truth_dir(out: Path) -> Path:
    """Where the ground truth of corpus ``out`` lives: ``out.truth`` beside it."""
    return out.with_name(out.name + ".truth")


@dataclass
class Memory:
    """What the generator remembers of earlier documents: for duplicates and labels."""

    bodies: deque[tuple[str, int, str]] = field(default_factory=lambda: deque(maxlen=MEMORY))
    headings: deque[tuple[str, int, str]] = field(default_factory=lambda: deque(maxlen=MEMORY))
    #: xxh64 of a paragraph's key -> its first (doc, index)
    first: dict[int, tuple[str, int]] = field(default_factory=dict)


@dataclass
class Planned:
    """One paragraph of a document being made, and where it came from."""

    para: Para
    kind: str = "new"  # new | exact | near | stock_phrase | parallel_heading
    source: tuple[str, int] | None = None
    #: Jaccard similarity to the source (character 5-grams of the letters and digits)
    similarity: float = 1.0


def choose_style(rng: random.Random, english: bool) -> tuple[Style, list[str]]:
    """A document's damage, and its names (for per-damage reporting)."""
    damage: list[str] = []
    layout = rng.choices(["lines", "column", "wide", "broken"], weights=[3, 4, 2, 1])[0]
    style = Style(exact=False, paragraph_gap=rng.random() < 0.6)
    if layout == "column":
        style = replace(style, width=rng.choice([24, 28, 32, 36, 40]), blank_lines=rng.random() < 0.4)
        damage.append("wrap_blank" if style.blank_lines else "wrap_narrow")
    elif layout == "wide":
        style = replace(style, width=rng.choice([60, 72, 80, 100]))
        damage.append("wrap_wide")
    elif layout == "broken":
        style = replace(style, single_breaks=0.3)
        damage.append("single_break")
    if not english and rng.random() < 0.5:
        style = replace(style, halfwidth=1.0)
        damage.append("halfwidth")
    if style.width and rng.random() < 0.5:
        style = replace(style, heads_every=rng.randint(15, 40))
        damage.append("running_heads")
    if rng.random() < 0.2:
        style = replace(style, markup=0.15)
        damage.append("markup")
    if rng.random() < 0.03:
        style = replace(
            style, mojibake_lines=rng.randint(1, 2), mojibake_codec=rng.choice(["gbk", "latin-1"])
        )
        damage.append("mojibake")
    if rng.random() < 0.1:
        style = replace(style, zero_width=rng.randint(1, 5))
        damage.append("zero_width")
    if rng.random() < 0.1:
        style = replace(style, crlf=True)
        damage.append("crlf")
    if not english and rng.random() < 0.05:
        style = replace(style, encoding="gb18030")
        damage.append("gb18030")
    return style, damage


def plan_document(doc_id: str, rng: random.Random, maker: ParagraphMaker, memory: Memory) -> list[Planned]:
    """The paragraphs of one document: mostly new, some copied or echoed from earlier ones."""
    if rng.random() < 0.05:
        count = rng.randint(3, 8)
        return [Planned(Para(maker.english_body(rng), "english")) for _ in range(count)]
    planned = [Planned(Para(maker.heading(rng), "heading"))]
    for _ in range(rng.randint(4, 24)):
        roll = rng.random()
        if roll < 0.12 and len(planned) > 2:
            planned.append(Planned(Para(maker.heading(rng), "heading")))
        elif roll < 0.16 and memory.bodies:
            of_doc, of_index, text = rng.choice(memory.bodies)
            planned.append(Planned(Para(text), "exact", (of_doc, of_index)))
        elif roll < 0.20 and memory.bodies:
            of_doc, of_index, text = rng.choice(memory.bodies)
            noisy = synth.ocr_noise(text, rng, rng.uniform(0.005, 0.03))
            similarity = synth.jaccard(noisy, text)
            planned.append(Planned(Para(noisy), "near", (of_doc, of_index), similarity))
        elif roll < 0.22 and memory.bodies:
            of_doc, of_index, text = rng.choice(memory.bodies)
            clauses = synth.CLAUSE.findall(text)
            stock = "".join(clauses[: max(1, len(clauses) * rng.randint(3, 6) // 10)])
            planned.append(Planned(Para(stock + maker.body(rng)), "stock_phrase", (of_doc, of_index)))
        elif roll < 0.23 and memory.headings:
            of_doc, of_index, text = rng.choice(memory.headings)
            planned.append(
                Planned(Para(_one_char_apart(text, rng), "heading"), "parallel_heading", (of_doc, of_index))
            )
        else:
            planned.append(Planned(Para(maker.body(rng))))
    return planned


ORDINALS = "一二三四五六七八九十"


def _one_char_apart(heading: str, rng: random.Random) -> str:
    """A parallel heading: the ordinal changed (（一） -> （二）), else one Han character."""
    spots = [i for i, c in enumerate(heading) if c in ORDINALS] or [
        i for i, c in enumerate(heading) if synth.HAN_CHAR.match(c)
    ]
    if not spots:
        return heading + "二"
    i = rng.choice(spots)
    pool = ORDINALS if heading[i] in ORDINALS else "新区市发展建设工作推进提升"
    return heading[:i] + rng.choice([c for c in pool if c != heading[i]]) + heading[i + 1 :]


def label(
    doc_id: str, planned: list[Planned], memory: Memory
) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    """Labels (``k``/``d``/``a``) and the duplicate and hard-negative pairs of one document."""
    labels = []
    duplicates: list[dict[str, Any]] = []
    negatives: list[dict[str, Any]] = []
    for index, item in enumerate(planned):
        text_key = synth.key(item.para.text)
        digest = xxhash.xxh64_intdigest(text_key.encode("utf-8"))
        first = memory.first.get(digest)
        scored = len(text_key) >= MIN_SCORED or item.kind == "parallel_heading"
        if item.para.kind == "english" or not scored:
            labels.append("a")
        elif item.kind == "near" or first is not None:
            labels.append("d")
            source = item.source if item.kind == "near" else first
            assert source is not None
            kind = item.kind if item.kind in ("exact", "near") else "coincidence"
            duplicates.append({**_pair(doc_id, index, source, kind), "jaccard": round(item.similarity, 4)})
        else:
            labels.append("k")
            if item.source is not None:
                negatives.append(_pair(doc_id, index, item.source, item.kind))
        if first is None:
            memory.first[digest] = (doc_id, index)
    return "".join(labels), duplicates, negatives


def _pair(doc_id: str, index: int, source: tuple[str, int], kind: str) -> dict[str, Any]:
    return {"doc": doc_id, "paragraph": index, "of_doc": source[0], "of_paragraph": source[1], "kind": kind}


def remember(doc_id: str, planned: list[Planned], memory: Memory) -> None:
    for index, item in enumerate(planned):
        if item.kind == "new" and item.para.kind == "body":
            memory.bodies.append((doc_id, index, item.para.text))
        elif item.para.kind == "heading" and len(item.para.text) >= 6:
            memory.headings.append((doc_id, index, item.para.text))


def make_corpus(out: Path, size: int, seed: int = 0, progress: bool = False) -> dict[str, Any]:
    """Write about ``size`` bytes of documents to ``out`` and their truth to ``out.truth``."""
    started = time.perf_counter()
    truth = truth_dir(out)
    for folder in (out, truth):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    maker = ParagraphMaker(p for paras in synth.seed_paragraphs().values() for p in paras)
    memory = Memory()
    stats: Counter[str] = Counter()
    written = 0
    with (
        (truth / "documents.jsonl").open("w", encoding="utf-8") as docs_out,
        (truth / "duplicates.jsonl").open("w", encoding="utf-8") as dups_out,
        (truth / "hard_negatives.jsonl").open("w", encoding="utf-8") as negs_out,
    ):
        number = 0
        while written < size:
            doc_id = f"{number // 1000:04d}/{number % 1000:03d}.txt"
            rng = random.Random(f"{seed}:{number}")
            planned = plan_document(doc_id, rng, maker, memory)
            paragraphs = [p.para for p in planned]
            style, damage = choose_style(rng, paragraphs[0].kind == "english")
            data = synth.encode(synth.render(paragraphs, style, rng), style.encoding)
            path = out / doc_id
            if number % 1000 == 0:
                path.parent.mkdir()
            path.write_bytes(data)
            labels, duplicates, negatives = label(doc_id, planned, memory)
            remember(doc_id, planned, memory)
            record = {"id": doc_id, "encoding": style.encoding, "damage": damage, "labels": labels}
            record["paragraphs"] = [p.text for p in paragraphs]
            docs_out.write(json.dumps(record, ensure_ascii=False) + "\n")
            dups_out.writelines(json.dumps(d, ensure_ascii=False) + "\n" for d in duplicates)
            negs_out.writelines(json.dumps(n, ensure_ascii=False) + "\n" for n in negatives)
            written += len(data)
            number += 1
            stats.update(labels)
            stats.update(f"damage.{d}" for d in damage)
            stats.update(f"duplicate.{d['kind']}" for d in duplicates)
            stats.update(f"hard_negative.{n['kind']}" for n in negatives)
            if progress and number % 5000 == 0:
                print(f"  {written / 1e6:8.1f} MB, {number} documents", file=sys.stderr)
    summary = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "size": size,
        "bytes": written,
        "documents": number,
        "paragraphs": stats["k"] + stats["d"] + stats["a"],
        "labels": {"keep": stats["k"], "duplicate": stats["d"], "unscored": stats["a"]},
        "counts": {k: v for k, v in sorted(stats.items()) if "." in k},
        "seconds": round(time.perf_counter() - started, 2),
    }
    (truth / "corpus.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, required=True, help="e.g. 10MB, 100MB, 1GB")
    parser.add_argument("--out", type=Path, required=True, help="corpus folder (truth goes to OUT.truth)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    summary = make_corpus(args.out, args.size, args.seed, progress=True)
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
