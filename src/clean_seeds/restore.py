"""Rebuild the original input from OUTPUT and its change log, byte for byte."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from .changelog import read_edits, unreplay
from .errors import ChangeLogError
from .io import CHANGES_FILE, MANIFEST_FILE, RESERVED_DIR, SUMMARY_FILE, staged_output, write_text
from .models import Edit


def read_manifest(output: Path) -> Iterator[dict[str, Any]]:
    """The manifest entries of a run's OUTPUT, one per document (or JSONL line), in order."""
    path = output / RESERVED_DIR / MANIFEST_FILE
    if not path.exists():
        raise ChangeLogError(f"{output}: no {RESERVED_DIR}/{MANIFEST_FILE}: not an output of clean-seeds run")
    with path.open(encoding="utf-8") as stream:
        for number, line in enumerate(stream, 1):
            try:
                yield json.loads(line)
            except ValueError:
                raise ChangeLogError(f"{path}:{number}: manifest line is not JSON") from None


def read_summary(output: Path) -> dict[str, Any]:
    """The run summary of OUTPUT."""
    path = output / RESERVED_DIR / SUMMARY_FILE
    try:
        summary: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ChangeLogError(f"{path}: run summary not found") from None
    except (ValueError, UnicodeDecodeError):
        raise ChangeLogError(f"{path}: run summary is not valid JSON") from None
    return summary


def restore(output: Path, restored: Path, *, overwrite: bool = False) -> int:
    """Write the original input files of a run into ``restored``; returns how many were rebuilt.

    Each rebuilt file is checked against the SHA-256 recorded when it was read.
    """
    summary = read_summary(output)
    if summary.get("dry_run"):
        raise ChangeLogError(f"{output}: a --dry-run output holds no corpus to restore from")
    edits = read_edits(output / RESERVED_DIR / CHANGES_FILE)
    count = 0
    with staged_output(restored, overwrite=overwrite) as staging:
        entries = read_manifest(output)
        if summary.get("input_kind") == "jsonl":
            count = _restore_jsonl(output / Path(summary["input"]).name, entries, edits, staging)
        else:
            for entry in entries:
                _restore_file(output, entry, list(islice(edits, entry["edits"])), staging)
                count += 1
    return count


def _restore_file(output: Path, entry: dict[str, Any], edits: list[Edit], staging: Path) -> None:
    path = output / entry["path"]
    try:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
    except OSError as err:
        raise ChangeLogError(f"{path}: cannot read output file ({err.strerror})") from None
    original = _unreplay(text, edits, entry["id"])
    raw = original.encode(entry["encoding"], "surrogateescape")
    if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
        raise ChangeLogError(f"{path}: restored bytes differ from the input (output edited after the run?)")
    target = staging / entry["path"]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(raw)


def _restore_jsonl(
    path: Path, entries: Iterator[dict[str, Any]], edits: Iterator[Edit], staging: Path
) -> int:
    decoder = json.JSONDecoder()
    count = 0
    lines = []
    with path.open("rb") as stream:
        for entry, raw_line in zip(entries, stream, strict=False):
            count += 1
            if entry.get("raw_line"):
                lines.append(raw_line.decode("utf-8", "surrogateescape"))
                continue
            line = raw_line.decode("utf-8", "surrogateescape").rstrip("\n")
            text, _end = decoder.raw_decode(line, len(entry["prefix"]))
            original = _unreplay(text, list(islice(edits, entry["edits"])), entry["id"])
            literal = entry.get("literal") or json.dumps(original, ensure_ascii=False)
            lines.append(entry["prefix"] + literal + entry["suffix"] + ("\n" if entry["newline"] else ""))
    write_text(staging / path.name, "".join(lines))
    return count


def _unreplay(text: str, edits: list[Edit], doc: str) -> str:
    if any(edit.doc != doc for edit in edits):
        raise ChangeLogError(f"{doc}: change log and manifest disagree (log edited or truncated?)")
    try:
        return unreplay(text, edits)
    except ValueError as err:
        raise ChangeLogError(f"{doc}: change log does not match the output ({err})") from None
