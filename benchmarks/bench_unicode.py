"""Throughput of decode_bytes and of the unicode stage on one core.

Builds documents from the seed paragraphs (most clean; about 2% of paragraphs damaged with
mojibake of several kinds, zero-width characters, full-width digits or CRLF line endings),
then times ``decode_bytes`` on their UTF-8 and GB18030 bytes and the unicode stage alone via
``clean_seeds.pipeline.run_stages``.  Target: >= 12 MB/s for the stage.

    python benchmarks/bench_unicode.py [--mb N]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import time
from collections.abc import Callable
from pathlib import Path

from clean_seeds.config import Config
from clean_seeds.encoding import decode_bytes
from clean_seeds.pipeline import STAGES, run_stages

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
DOC_CHARS = 20_000
DAMAGE_SHARE = 0.02


def _even_utf8(text: str) -> str:
    """``text`` trimmed so its UTF-8 has an even length (a clean GBK misreading)."""
    return text if len(text.encode()) % 2 == 0 else text[:-1]


DAMAGES: tuple[Callable[[str], str], ...] = (
    lambda p: _even_utf8(p).encode().decode("gb18030", "replace"),  # UTF-8 read as GBK
    lambda p: p.encode("gb18030").decode("latin-1"),  # GBK read as Latin-1
    lambda p: p.encode().decode("latin-1"),  # UTF-8 read as Latin-1
    lambda p: p + " It donâ€™t matter â€” really.",  # English mojibake
    lambda p: p.replace("，", "\u200b，", 3),  # zero-width spaces
    lambda p: p.replace("2", "２").replace("0", "０"),  # full-width digits
    lambda p: p.replace("。", "。\r\n", 2),  # CRLF
)


def build_documents(megabytes: float, seed: int = 0) -> list[str]:
    """Documents of about DOC_CHARS characters, together about ``megabytes`` of UTF-8."""
    rng = random.Random(seed)
    paragraphs = [
        p for path in sorted(SEEDS.glob("*.txt")) for p in path.read_text("utf-8").split("\n") if p.strip()
    ]
    docs: list[str] = []
    size = 0
    while size < megabytes * 1e6:
        parts: list[str] = []
        length = 0
        while length < DOC_CHARS:
            paragraph = rng.choice(paragraphs)
            if rng.random() < DAMAGE_SHARE:
                paragraph = rng.choice(DAMAGES)(paragraph)
            parts.append(paragraph)
            length += len(paragraph) + 2
        doc = "\n\n".join(parts) + "\n"
        docs.append(doc)
        size += len(doc.encode("utf-8", "surrogatepass"))
    return docs


def unicode_only() -> Config:
    """The default config with every per-document stage but unicode switched off."""
    config = Config()
    changes = {
        module.STAGE: dataclasses.replace(getattr(config, module.STAGE), enabled=False)
        for module in STAGES
        if module.STAGE != "unicode"
    }
    return dataclasses.replace(config, **changes)


def megabytes_per_second(label: str, nbytes: int, work: Callable[[], object]) -> float:
    """Run ``work`` and print its speed by wall clock and by CPU time (the machine may be shared)."""
    start, cpu_start = time.perf_counter(), time.process_time()
    work()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    rate = nbytes / cpu / 1e6
    print(f"{label:30s} {nbytes / 1e6:6.1f} MB  {rate:7.1f} MB/s CPU  {nbytes / wall / 1e6:7.1f} MB/s wall")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0, help="megabytes of text to build (default 50)")
    args = parser.parse_args()
    docs = build_documents(args.mb)
    utf8 = [doc.encode("utf-8", "surrogatepass") for doc in docs]
    gb = [doc.encode("gb18030", "replace") for doc in docs]
    nbytes = sum(map(len, utf8))
    megabytes_per_second("decode_bytes (UTF-8)", nbytes, lambda: [decode_bytes(raw) for raw in utf8])
    megabytes_per_second(
        "decode_bytes (GB18030)", sum(map(len, gb)), lambda: [decode_bytes(raw) for raw in gb]
    )
    config = unicode_only()
    edits = 0

    def clean_all() -> None:
        nonlocal edits
        edits = sum(len(run_stages(doc, config).edits) for doc in docs)

    rate = megabytes_per_second("unicode stage (run_stages)", nbytes, clean_all)
    print(f"{len(docs)} documents, {edits} edits; target >= 12 MB/s: {'ok' if rate >= 12 else 'MISSED'}")


if __name__ == "__main__":
    main()
