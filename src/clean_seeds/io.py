"""Reading inputs and writing outputs: folders of text files, JSONL files, atomic output.

Readers turn input into :class:`Document` (or :class:`Skipped`, with a stable reason code
and a one-line message).  A JSONL record keeps the raw text around its ``text`` value
(``meta["prefix"]``/``meta["suffix"]``), so other fields pass through byte for byte and the
original line can be rebuilt exactly.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import InputConfig
from .encoding import decode_bytes, looks_binary
from .errors import InputError, OutputError
from .models import Document

#: Where, inside OUTPUT, the change log, run summary and manifest live.
RESERVED_DIR = ".clean_seeds"
CHANGES_FILE = "changes.jsonl"
SUMMARY_FILE = "summary.json"
MANIFEST_FILE = "documents.jsonl"


@dataclass(frozen=True)
class Skipped:
    """An input that was not processed: ``reason`` is a stable code, ``message`` says why."""

    id: str
    reason: str
    message: str


@dataclass(frozen=True)
class Source:
    """One unit of work before reading: a file (``path``) or a JSONL line (``line``)."""

    id: str
    path: Path | None = None
    line: bytes | None = None
    number: int = 0


def check_paths(input_path: Path, output_path: Path) -> None:
    """Refuse a missing input and an output that would overlap the input."""
    if not input_path.exists():
        raise InputError(f"{input_path}: input path does not exist")
    if input_path.is_file() and input_path.suffix != ".jsonl":
        raise InputError(f"{input_path}: input must be a folder of .txt files or a .jsonl file")
    source = input_path.resolve()
    target = output_path.resolve()
    if target == source or source in target.parents:
        raise OutputError(f"{output_path}: output must not be the input or inside it ({input_path})")
    if target in source.parents:
        raise OutputError(f"{output_path}: output must not contain the input ({input_path})")


def discover(input_path: Path, cfg: InputConfig) -> tuple[list[Source], list[Skipped]]:
    """The files of a folder, sorted by relative path, and those that are not inputs."""
    sources: list[Source] = []
    skipped: list[Skipped] = []
    for rel in sorted(_relative_files(input_path), key=lambda rel: rel.split("/")):
        if not _is_utf8_name(rel):
            shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            message = f"{shown}: file name is not valid UTF-8 (rename the file to clean it)"
            skipped.append(Skipped(shown, "bad_file_name", message))
        elif os.path.splitext(rel)[1].lower() not in cfg.suffixes:
            skipped.append(Skipped(rel, "not_text_file", f"{rel}: not a {'/'.join(cfg.suffixes)} file"))
        else:
            sources.append(Source(rel, path=input_path / rel))
    return sources, skipped


def _is_utf8_name(rel: str) -> bool:
    r"""False for a path whose bytes are not UTF-8 (the file system's names decode with
    ``surrogateescape``): its id could not be written to the change log or the manifest.

    >>> _is_utf8_name("新闻/第1版.txt"), _is_utf8_name("\udcff\udcfe.txt")
    (True, False)
    """
    try:
        rel.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _relative_files(folder: Path) -> Iterator[str]:
    """The relative paths (``/``-separated) of the files under ``folder``, hidden ones
    (a name starting with ``.``) and those in hidden folders left out; symlinked folders are
    not followed.  (``os.walk`` and strings: ``Path.rglob`` and sorting paths cost 0.4 ms a
    file, a minute for a corpus of 200,000 files.)"""
    for root, dirs, files in os.walk(folder):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        prefix = os.path.relpath(root, folder).replace(os.sep, "/") + "/"
        if prefix == "./":
            prefix = ""
        yield from (prefix + name for name in files if not name.startswith("."))


def read_file(source: Source, cfg: InputConfig) -> tuple[Document | Skipped, int]:
    """Read and decode one text file (problems come back as :class:`Skipped`), and how many
    bytes it had (0 when skipped).  One open, one ``fstat``: system calls are dear on some
    machines, and there is one file per document."""
    assert source.path is not None
    rel = source.id
    try:
        with open(source.path, "rb", buffering=0) as stream:
            size = os.fstat(stream.fileno()).st_size
            if size > cfg.max_file_bytes:
                return Skipped(rel, "too_large", f"{rel}: {size} bytes is over max_file_bytes"), 0
            raw = stream.read()
    except OSError as err:
        return Skipped(rel, "unreadable", f"{rel}: cannot read ({err.strerror or err})"), 0
    item = decode_document(rel, raw, cfg)
    return item, 0 if isinstance(item, Skipped) else len(raw)


def decode_document(doc_id: str, raw: bytes, cfg: InputConfig) -> Document | Skipped:
    """Bytes to a :class:`Document`, or the reason they are not text."""
    if not raw:
        return Skipped(doc_id, "empty", f"{doc_id}: empty file")
    if looks_binary(raw):
        return Skipped(doc_id, "binary", f"{doc_id}: binary file, not text")
    decoded = decode_bytes(raw)
    if decoded.undecodable > cfg.max_undecodable_ratio * len(raw):
        return Skipped(
            doc_id,
            "undecodable",
            f"{doc_id}: {decoded.undecodable} of {len(raw)} bytes are not valid in any known encoding",
        )
    return Document(doc_id, decoded.text, decoded.encoding, {"sha256": hashlib.sha256(raw).hexdigest()})


def jsonl_sources(path: Path) -> Iterator[Source]:
    """The lines of a JSONL file, read lazily, as sources numbered from 1."""
    try:
        with path.open("rb") as stream:
            for number, line in enumerate(stream, 1):
                yield Source(f"{path.name}:{number}", line=line, number=number)
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from None


def read_record(source: Source) -> Document | Skipped:
    """Parse one JSONL line into a document whose id is the record's ``id`` (or ``file:line``)."""
    assert source.line is not None
    where = source.id
    body = source.line.rstrip(b"\n")
    if not body.strip():
        return Skipped(where, "blank_line", f"{where}: blank line")
    try:
        line = body.decode("utf-8")
        record = json.loads(line)
    except (UnicodeDecodeError, ValueError) as err:
        return Skipped(where, "bad_json", f"{where}: not a JSON record ({err})")
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return Skipped(where, "no_text", f"{where}: record has no string 'text' field")
    span = text_value_span(line)
    doc_id = record.get("id")
    doc_id = str(doc_id) if isinstance(doc_id, str | int) and not isinstance(doc_id, bool) else where
    literal = line[span[0] : span[1]]
    meta: dict[str, Any] = {"prefix": line[: span[0]], "suffix": line[span[1] :], "where": where}
    if literal != _json_string(record["text"]):
        meta["literal"] = literal  # escapes we would not reproduce: keep the original spelling
    return Document(doc_id, record["text"], "utf-8", meta)


def text_value_span(line: str) -> tuple[int, int]:
    """Start and end offsets of the top-level ``"text"`` value's JSON literal in ``line``.

    >>> line = '{"id": 1, "text": "a\\\\"b", "x": []}'
    >>> start, end = text_value_span(line)
    >>> line[start:end]
    '"a\\\\"b"'
    """
    decoder = json.JSONDecoder()
    pos = line.index("{") + 1
    while True:
        while line[pos] in " \t\r\n,":
            pos += 1
        key, pos = decoder.raw_decode(line, pos)
        while line[pos] in " \t\r\n:":
            pos += 1
        start = pos
        _value, pos = decoder.raw_decode(line, pos)
        if key == "text":
            return start, pos


#: ``json.dumps(text, ensure_ascii=False)`` for a string, without building an encoder per call.
_json_string = json.encoder.encode_basestring


def record_line(document: Document, text: str) -> str:
    """The JSONL line of a record whose text is now ``text``; other fields untouched."""
    literal = _json_string(text)
    if text == document.text and "literal" in document.meta:
        literal = document.meta["literal"]
    return f"{document.meta['prefix']}{literal}{document.meta['suffix']}"


def write_text(path: Path, text: str) -> int:
    """Write UTF-8 text (creating folders); returns bytes written."""
    return _write_bytes(path, text.encode("utf-8", "surrogateescape"))


class BackgroundWriter:
    """Writes files on one thread, so the caller goes on while the file system creates them.

    Creating a file costs tens of microseconds, and on ext4 ten times as much right after many
    files were deleted (a run with ``--overwrite`` replacing its last output): the allocator
    passes over recently freed inodes.  For a corpus of many small documents that can be a
    minute of one process, so this thread takes it.  Files go to the thread ``batch`` at a
    time (handing over each alone cost more than writing a small one); at most
    ``max_pending`` wait (memory stays bounded); :meth:`close` waits for all and raises the
    first error.
    """

    def __init__(self, max_pending: int = 256, batch: int = 16) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clean-seeds-writer")
        self._pending: deque[Future[None]] = deque()
        self._max_batches = max(1, max_pending // batch)
        self._batch = batch
        self._files: list[tuple[str, bytes, bool]] = []
        self._folders: set[str] = set()  # made already: one mkdir per folder, not per file

    def write(self, path: str | os.PathLike[str], text: str) -> int:
        """Queue ``text`` for ``path`` (as :func:`write_text`); returns the bytes it will write."""
        data = text.encode("utf-8", "surrogateescape")
        folder = os.path.dirname(path)
        new_folder = folder not in self._folders
        if new_folder:
            self._folders.add(folder)
        self._files.append((os.fspath(path), data, new_folder))
        if len(self._files) >= self._batch:
            self._submit()
        return len(data)

    def _submit(self) -> None:
        self._pending.append(self._pool.submit(_write_files, self._files))
        self._files = []
        while len(self._pending) > self._max_batches:
            self._pending.popleft().result()

    def close(self) -> None:
        try:
            if self._files:
                self._submit()
            while self._pending:
                self._pending.popleft().result()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _write_files(files: list[tuple[str, bytes, bool]]) -> None:
    for path, data, new_folder in files:
        if new_folder:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        _write_file(path, data)


#: Flags of a new file written whole (no Python file object: one is dear for a small file).
_WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)


def _write_file(path: str, data: bytes) -> None:
    descriptor = os.open(path, _WRITE_FLAGS, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def _write_bytes(path: Path, data: bytes) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)


@contextmanager
def staged_output(output_path: Path, *, overwrite: bool) -> Iterator[Path]:
    """Yield a fresh staging folder next to OUTPUT and move it into place only on success.

    An existing OUTPUT is refused unless ``overwrite``; it is replaced only after the new
    output is complete, so an interrupted run leaves OUTPUT as it was and no partial files.
    """
    if output_path.exists() and not overwrite:
        raise OutputError(f"{output_path}: output exists (use --overwrite to replace it)")
    if output_path.exists() and not output_path.is_dir():
        raise OutputError(f"{output_path}: output exists and is not a folder")
    parent = output_path.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{output_path}: cannot create output folder ({err.strerror})") from None
    staging = parent / f".{output_path.name}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir()
    except OSError as err:
        raise OutputError(f"{output_path}: cannot write next to output ({err.strerror})") from None
    try:
        yield staging
        old = parent / f".{output_path.name}.old-{os.getpid()}"
        if output_path.exists():
            output_path.rename(old)
        staging.rename(output_path)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
