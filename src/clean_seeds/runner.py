"""The main job: INPUT (folder or JSONL) -> cleaned OUTPUT, change log, manifest and summary.

Documents stream through: read and per-document stages (in worker processes when
``workers > 1``, results kept in input order), then the dedup corpus stage, then straight to
a staging folder that replaces OUTPUT only when the whole run succeeded.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import platform
import signal
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

from . import __version__
from .changelog import RuleRun, edits_to_jsonl_bytes
from .config import Config
from .dedup import Deduplicator
from .dedup.features import Features, features_many
from .errors import InputError, WorkerError
from .io import (
    CHANGES_FILE,
    MANIFEST_FILE,
    RESERVED_DIR,
    SUMMARY_FILE,
    BackgroundWriter,
    Skipped,
    Source,
    check_paths,
    discover,
    jsonl_sources,
    read_file,
    read_record,
    record_line,
    staged_output,
)
from .models import Cleaned, Document
from .pipeline import CORPUS_STEP, Tally, collecting, collectors, finish, observe, run_stages, stamp, take

# Larger chunks and groups cost less per document (dedup's numpy calls and the messages to and
# from the workers are fewer): 64/256/256 against 16/64/64 took 10-20 % less CPU in all (main
# process and workers) on the 100 MB benchmark corpus with 2 workers, and the same output.
#: Documents in the worker pool's hands per worker at most: bounds memory whatever the corpus size.
BATCH = 256
#: Documents a worker takes at a time (dedup's features of them are computed together).
CHUNK = 64
#: Documents deduplicated together (their paragraphs are decided in shared batches).
GROUP = 256
#: Bytes buffered before the change log, manifest or JSONL output is written (few, large writes).
WRITE_BUFFER = 1 << 22


@dataclass(frozen=True)
class RunOptions:
    """What ``clean-seeds run`` was asked to do."""

    input: Path
    output: Path
    config: Config = field(default_factory=Config)
    config_path: str | None = None
    dry_run: bool = False
    overwrite: bool = False
    workers: int = 1


@dataclass(slots=True)
class Outcome:
    """One source after the per-document stages (or the reason it was skipped).

    The worker that cleaned the document also wrote its change-log lines (``log``, ``edits``
    of them) and counted its edits: the main process, which also runs dedup, only appends.
    A chunk's edit counts and stage timings travel with its last outcome (``tally``,
    ``timings``): merging them once per chunk, not per document, saves the main process time.
    """

    source: Source
    document: Document | None
    skipped: Skipped | None
    bytes_in: int
    timings: dict[str, float] = field(default_factory=dict)
    text: str = ""
    log: bytes = b""  # UTF-8: passed on and written as is, never decoded here
    edits: int = 0  # lines in ``log``
    tally: Tally | None = None
    features: Features | None = None  # dedup's view of ``text``

    def __reduce__(self) -> tuple[Any, ...]:
        """What a worker sends: plain values, no source (the main process has it, see
        :func:`_outcomes`) and no input text (the main process needs it only to keep a JSONL
        record's original spelling).  Unpickling the frozen ``Source`` and ``Document`` (and the
        input text) cost the main process about 20 microseconds a document."""
        document = self.document
        fields = None
        if document is not None:
            text = document.text if "literal" in document.meta else ""
            fields = (document.id, text, document.encoding, document.meta)
        state = (self.skipped, self.bytes_in, self.timings, self.text, self.log, self.edits, self.tally)
        return _received, (fields, *state, self.features)


#: Stands in for an outcome's source until the main process pairs it with its own.
_UNPAIRED = Source("")


def _received(document: tuple[str, str, str, dict[str, Any]] | None, *state: Any) -> Outcome:
    """An outcome as a worker sent it (see :meth:`Outcome.__reduce__`)."""
    return Outcome(_UNPAIRED, None if document is None else Document(*document), *state)


_WORKER_CONFIG: Config | None = None


def _init_worker(config: Config) -> None:
    global _WORKER_CONFIG
    _WORKER_CONFIG = config


def _init_pool_worker(config: Config) -> None:
    """A worker process leaves Ctrl-C to the main process, which stops the pool cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _collect_rarely()  # (a forked worker has it already; a spawned one does not)
    _init_worker(config)


#: Allocations between two young-generation garbage collections during a run (Python's
#: default is 700).
GC_THRESHOLD = 20_000


def _collect_rarely() -> None:
    """Cyclic garbage collection rarely, and never over what exists now (the modules).

    A run makes millions of short-lived objects (an edit per changed comma) and hardly any
    cycles.  With Python's defaults the collector took 4-5 % of a worker's CPU time on the
    10 MB benchmark corpus, mostly in full collections walking every object of every module;
    frozen objects are skipped, and forked workers do not copy the pages they sit in.
    """
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])


@contextmanager
def _collecting_rarely() -> Iterator[None]:
    """:func:`_collect_rarely` for one run; the collector is as it was afterwards (the
    run may be one step of a caller's longer program)."""
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    _collect_rarely()
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if not frozen:  # (a caller that froze objects keeps all frozen: unfreezing cannot pick ours)
            gc.unfreeze()


def _read(source: Source, config: Config) -> tuple[Document | Skipped, int]:
    """The document (or why it is skipped) and its size in input bytes."""
    if source.path is not None:
        return read_file(source, config.input)
    return read_record(source), len(source.line or b"")


def _clean_sources(sources: list[Source]) -> list[Outcome]:
    """The per-document stages over a few documents; then dedup's features of all at once."""
    config = _WORKER_CONFIG
    assert config is not None
    outcomes = []
    timings: dict[str, float] = {}
    tally = Tally()
    for source in sources:
        item, size = _read(source, config)
        if isinstance(item, Skipped):
            outcomes.append(Outcome(source, None, item, size))
            continue
        cleaned = run_stages(item.text, config, timings, item.id)
        runs: list[RuleRun] = []
        log = edits_to_jsonl_bytes(cleaned.edits, runs)
        tally.add(cleaned.edits, runs)
        outcomes.append(
            Outcome(source, item, None, size, text=cleaned.text, log=log, edits=len(cleaned.edits))
        )
    done = [outcome for outcome in outcomes if outcome.document is not None]
    if config.dedup.enabled and done:
        started = time.perf_counter()
        for outcome, found in zip(done, features_many([o.text for o in done], config.dedup), strict=True):
            outcome.features = found
        timings["dedup"] = time.perf_counter() - started
    if outcomes:
        outcomes[-1].timings = timings
        outcomes[-1].tally = tally
    return outcomes


def _observe_sources(sources: list[Source]) -> list[dict[str, Any] | None]:
    config = _WORKER_CONFIG
    assert config is not None
    stages = collecting(config)
    items = [_read(source, config)[0] for source in sources]
    return [None if isinstance(item, Skipped) else observe(config, item.text, stages) for item in items]


def _in_order(
    work: Callable[[list[Source]], list[Any]], sources: Iterable[Source], config: Config, workers: int
) -> Iterator[Any]:
    """``work`` over ``sources``, ``CHUNK`` at a time, in worker processes; results in order."""
    for _chunk, results in _chunks_in_order(work, sources, config, workers):
        yield from results


def _chunks_in_order(
    work: Callable[[list[Source]], list[Any]], sources: Iterable[Source], config: Config, workers: int
) -> Iterator[tuple[list[Source], list[Any]]]:
    """Each chunk of ``sources`` (``CHUNK`` of them) and ``work``'s results for it, in order,
    computed in worker processes, ``BATCH`` documents per worker in flight at most.

    A new chunk goes out as soon as the oldest comes back, so the workers keep going while
    the caller works on results (dedup) instead of waiting for a whole round to be taken.
    """
    iterator = iter(sources)
    chunks = iter(lambda: list(islice(iterator, CHUNK)), [])
    if workers <= 1:
        _init_worker(config)
        for chunk in chunks:
            yield chunk, work(chunk)
        return
    # (not multiprocessing.Pool: its worker-maintenance thread also wakes on every result and
    # spins until the result thread has read it, taking CPU and the GIL from this process)
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_pool_worker, initargs=(config,))
    in_flight: deque[tuple[list[Source], Future[list[Any]]]] = deque()
    try:
        for chunk in chunks:
            in_flight.append((chunk, pool.submit(work, chunk)))
            if len(in_flight) >= BATCH * workers // CHUNK:
                done, future = in_flight.popleft()
                yield done, future.result()
        while in_flight:
            done, future = in_flight.popleft()
            yield done, future.result()
    except BrokenProcessPool:
        raise WorkerError(
            "a worker process stopped abruptly (killed, or out of memory?); nothing was written "
            "to OUTPUT (fewer --workers need less memory)"
        ) from None
    finally:  # (also when the caller stops early or fails: queued chunks are not run)
        pool.shutdown(wait=True, cancel_futures=True)


def _outcomes(sources: Iterable[Source], config: Config, workers: int) -> Iterator[Outcome]:
    """Per-document stages over ``sources``, in order, each outcome with its source."""
    for chunk, outcomes in _chunks_in_order(_clean_sources, sources, config, workers):
        for source, outcome in zip(chunk, outcomes, strict=True):
            outcome.source = source
            yield outcome


def _prepare(sources: Iterable[Source], config: Config, workers: int) -> Config:
    """The config with the corpus statistics filled in: documents are observed in the workers
    and counted here in input order, so any worker count gives the same statistics."""
    found = collectors(config)
    if not found:
        return config
    for observations in _in_order(_observe_sources, sources, config, workers):
        if observations is not None:
            take(found, observations)
    return finish(config, found)


#: The manifest's lines: ``json.dumps`` with options builds a new encoder per call.
_MANIFEST_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _file_entry(
    document: Document, edits: int, quote: Callable[[str], str] = json.encoder.encode_basestring
) -> str:
    """A file's manifest line, as ``json.dumps(entry, ensure_ascii=False)`` writes it, formatted
    directly (a dict and the encoder per document cost more)."""
    doc_id = quote(document.id)
    return (
        f'{{"id": {doc_id}, "encoding": {quote(document.encoding)}, "edits": {edits}, '
        f'"path": {doc_id}, "sha256": {quote(document.meta["sha256"])}}}\n'
    )


class Run:
    """One run's bookkeeping: writes outputs, the change log and the manifest as outcomes arrive."""

    def __init__(self, options: RunOptions, staging: Path, is_jsonl: bool) -> None:
        self.options = options
        self.staging = staging
        self.output_prefix = os.path.join(staging, "")  # (joined as strings: a Path per file costs)
        self.is_jsonl = is_jsonl
        self.tally = Tally()
        self.timings: dict[str, float] = {}
        self.encodings: Counter[str] = Counter()
        self.skipped: list[Skipped] = []
        self.documents = 0
        self.bytes_in = 0
        self.bytes_out = 0
        reserved = staging / RESERVED_DIR
        reserved.mkdir()
        # Large buffers: each write lets the other threads of this process (file writer, pool
        # results) take the GIL, and getting it back can take a switch interval (5 ms).
        # The change log gets the UTF-8 lines the workers send.
        self.changes = (reserved / CHANGES_FILE).open("wb", buffering=WRITE_BUFFER)
        self.manifest = (reserved / MANIFEST_FILE).open("w", encoding="utf-8", buffering=WRITE_BUFFER)
        self.writer = BackgroundWriter()
        self.jsonl_out: IO[bytes] | None = None
        if is_jsonl and not options.dry_run:
            self.jsonl_out = (staging / options.input.name).open("wb", buffering=WRITE_BUFFER)
        self.dedup = None
        if options.config.dedup.enabled:
            self.dedup = Deduplicator(options.config.dedup)

    def close(self) -> None:
        try:
            self.writer.close()
        finally:
            for stream in (self.changes, self.manifest, self.jsonl_out):
                if stream is not None:
                    stream.close()

    def deduplicate(self, outcomes: list[Outcome]) -> list[Cleaned | None]:
        """Dedup's verdict on each document of a group (in corpus order), or None for none."""
        if self.dedup is None:
            return [None] * len(outcomes)
        started = time.perf_counter()
        done = [(o.document.id, o.text, o.features) for o in outcomes if o.document is not None]
        if self.options.config.dedup.keep == "first":
            cleaned = iter(self.dedup.process_many(done))
        else:
            cleaned = iter([self.dedup.remove(doc_id, text) for doc_id, text, _ in done])
        self.timings["dedup"] = self.timings.get("dedup", 0.0) + time.perf_counter() - started
        return [None if o.document is None else next(cleaned) for o in outcomes]

    def take(self, outcome: Outcome, removed: Cleaned | None) -> None:
        """Finish one document: write its text (less what dedup ``removed``), log its edits,
        note it in the manifest."""
        self.bytes_in += outcome.bytes_in
        if outcome.timings:
            for stage, seconds in outcome.timings.items():
                self.timings[stage] = self.timings.get(stage, 0.0) + seconds
        if outcome.tally is not None:
            self.tally.merge(outcome.tally)
        if outcome.skipped is not None:
            self._skip(outcome)
            return
        document, text = outcome.document, outcome.text
        assert document is not None
        self.changes.write(outcome.log)
        count = outcome.edits
        if removed is not None:
            if removed.edits:
                edits = stamp(removed.edits, text, stage="dedup", step=CORPUS_STEP, doc=document.id)
                self.tally.add(edits)
                self.changes.write(edits_to_jsonl_bytes(edits))
                count += len(edits)
            text = removed.text
        self.documents += 1
        self.encodings[document.encoding] += 1
        if self.is_jsonl:
            line = record_line(document, text)
            entry: dict[str, Any] = {"id": document.id, "encoding": document.encoding, "edits": count}
            entry.update(line=outcome.source.number, prefix=document.meta["prefix"])
            entry.update(suffix=document.meta["suffix"], literal=document.meta.get("literal"))
            entry["newline"] = bool(outcome.source.line and outcome.source.line.endswith(b"\n"))
            self._write_line(line, entry["newline"])
            self.manifest.write(_MANIFEST_ENCODER.encode(entry) + "\n")
            return
        self.manifest.write(_file_entry(document, count))
        if not self.options.dry_run:
            self.bytes_out += self.writer.write(self.output_prefix + document.id, text)

    def _skip(self, outcome: Outcome) -> None:
        assert outcome.skipped is not None
        self.skipped.append(outcome.skipped)
        if self.is_jsonl and outcome.source.line is not None:
            # A line we cannot read passes through unchanged: nothing is lost.
            raw = outcome.source.line
            entry = {"id": outcome.skipped.id, "line": outcome.source.number, "raw_line": True}
            self.manifest.write(json.dumps(entry) + "\n")
            if self.jsonl_out is not None:
                self.jsonl_out.write(raw)
                self.bytes_out += len(raw)

    def _write_line(self, line: str, newline: bool) -> None:
        if self.jsonl_out is not None:
            data = (line + ("\n" if newline else "")).encode("utf-8", "surrogateescape")
            self.jsonl_out.write(data)
            self.bytes_out += len(data)

    def summary(self, elapsed: float) -> dict[str, Any]:
        tally = self.tally.as_dict()
        return {
            "clean_seeds": __version__,
            "input": str(self.options.input),
            "output": str(self.options.output),
            "config": self.options.config_path,
            "input_kind": "jsonl" if self.is_jsonl else "folder",
            "dry_run": self.options.dry_run,
            "workers": self.options.workers,
            "documents": self.documents,
            "skipped": [{"id": s.id, "reason": s.reason, "message": s.message} for s in self.skipped],
            "bytes_in": self.bytes_in,
            "bytes_out": self.bytes_out,
            "encodings": dict(sorted(self.encodings.items())),
            **tally,
            "dedup": self.dedup.stats() if self.dedup is not None else None,
            "timings": {
                "total_seconds": round(elapsed, 3),
                "stage_seconds": {k: round(v, 3) for k, v in sorted(self.timings.items())},
            },
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        }


def _register_for_dedup(dedup: Any, outcomes: Iterable[Outcome]) -> None:
    """First pass of two-pass dedup (keep="longest"): every paragraph is seen before any is removed.

    The per-document stages run again in the second pass: it costs their time twice but keeps
    memory bounded (no cleaned text is held between the passes).
    """
    for outcome in outcomes:
        if outcome.document is not None:
            try:
                dedup.add(outcome.document.id, outcome.text, outcome.features)
            except ValueError as err:
                raise InputError(f"{outcome.source.id}: {err}") from None
    dedup.decide()


def run(options: RunOptions, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Clean ``options.input`` into ``options.output``; returns the run summary.

    ``progress`` is called with the number of input bytes each finished document had.
    Raises :class:`~clean_seeds.errors.CleanSeedsError` for unusable paths or config.
    """
    with _collecting_rarely():
        return _run(options, progress)


def _run(options: RunOptions, progress: Callable[[int], None] | None) -> dict[str, Any]:
    started = time.perf_counter()
    check_paths(options.input, options.output)
    is_jsonl = options.input.is_file()
    if is_jsonl:
        sources: list[Source] = []
        skipped: list[Skipped] = []
    else:
        sources, skipped = discover(options.input, options.config.input)

    def stream() -> Iterator[Source]:
        return jsonl_sources(options.input) if is_jsonl else iter(sources)

    config = _prepare(stream(), options.config, options.workers)

    with staged_output(options.output, overwrite=options.overwrite) as staging:
        job = Run(options, staging, is_jsonl)
        job.skipped.extend(skipped)
        try:
            if job.dedup is not None and config.dedup.keep != "first":
                _register_for_dedup(job.dedup, _outcomes(stream(), config, options.workers))
            outcomes = _outcomes(stream(), config, options.workers)
            while group := list(islice(outcomes, GROUP)):
                for outcome, removed in zip(group, job.deduplicate(group), strict=True):
                    job.take(outcome, removed)
                    if progress is not None:
                        progress(outcome.bytes_in)
        finally:
            job.close()
        summary = job.summary(time.perf_counter() - started)
        summary_path = staging / RESERVED_DIR / SUMMARY_FILE
        summary_path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return summary


def total_input_bytes(input_path: Path) -> int:
    """Bytes the progress bar counts to: the JSONL file, or the folder's files."""
    if input_path.is_file():
        return input_path.stat().st_size
    return sum(p.stat().st_size for p in input_path.rglob("*") if p.is_file())
