"""The change log: :class:`Edit` <-> JSON lines, and replaying a document's log.

One JSON object per line, one line per edit or flag, in the order the edits were made::

    {"doc": "a/b.txt", "step": 3, "stage": "markup", "rule": "strip_html_tags",
     "kind": "edit", "start": 10, "end": 16, "line": 2, "before": "</div>", "after": ""}

``start``/``end`` are offsets (in code points) into the text that step received; ``line`` is
the line of ``start`` in that text.  ``info`` appears when a rule has details to add.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import groupby
from pathlib import Path
from typing import Any

from .edits import apply_edits, revert_edits
from .errors import ChangeLogError
from .models import EDIT, Edit

#: One encoder for every line: ``json.dumps`` with options builds a new encoder per call.
_ENCODER = json.JSONEncoder(ensure_ascii=False)
_ASCII_ENCODER = json.JSONEncoder()


#: Where a run of edits with the same document, step, stage, rule and kind starts in a list
#: of edits: ``(stage, rule, kind, index)``.
RuleRun = tuple[str, str, str, int]

#: Equal to no field: the first edit starts a run.
_UNSET: Any = object()


def _lines(
    edits: Iterable[Edit],
    quote: Callable[[str], str] = json.encoder.encode_basestring,
    encode: Callable[[Any], str] = _ENCODER.encode,
    runs: list[RuleRun] | None = None,
) -> list[str]:
    """The JSON object of each edit, formatted directly from its fields (what ``json.dumps``
    of a dict gives, in far less time: a run logs an edit per changed comma).

    The fields up to ``start`` are the same for a rule's edits in a row: formatted once, and
    where each such run starts goes to ``runs``, if given.
    """
    lines: list[str] = []
    head = ""
    doc = step = stage = rule = kind = _UNSET
    for e in edits:
        # (field by field, the likeliest to differ first: a tuple of them per edit cost more,
        # and so did itertools.groupby)
        if e.step != step or e.kind != kind or e.rule != rule or e.stage != stage or e.doc != doc:
            doc, step, stage, rule, kind = e.doc, e.step, e.stage, e.rule, e.kind
            if runs is not None:
                runs.append((stage, rule, kind, len(lines)))
            head = (
                f'{{"doc": {quote(doc)}, "step": {step}, "stage": {quote(stage)}, '
                f'"rule": {quote(rule)}, "kind": {quote(kind)}, "start": '
            )
        # (one f-string per line: building it in parts cost a third more)
        if e.info:
            lines.append(
                f'{head}{e.start}, "end": {e.end}, "line": {e.line}, "before": {quote(e.before)}, '
                f'"after": {quote(e.after)}, "info": {encode(e.info)}}}'
            )
        else:
            lines.append(
                f'{head}{e.start}, "end": {e.end}, "line": {e.line}, "before": {quote(e.before)}, '
                f'"after": {quote(e.after)}}}'
            )
    return lines


def edit_to_json(edit: Edit) -> str:
    """One change-log line (without the newline).

    Undecodable input bytes live in the text as lone surrogates; those lines are written
    with ASCII escapes, which JSON reads back exactly.
    """
    (line,) = _lines([edit])
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        (line,) = _lines([edit], json.encoder.encode_basestring_ascii, _ASCII_ENCODER.encode)
    return line


def edits_to_jsonl(edits: Sequence[Edit], runs: list[RuleRun] | None = None) -> str:
    """Change-log lines for many edits, each ending in a newline (one check for surrogates).

    ``runs``, if given, gets where each run of a rule's edits (or flags) starts: what
    :meth:`~clean_seeds.pipeline.Tally.add` counts, found here for next to nothing.

    >>> block = edits_to_jsonl([Edit("r", 0, 1, "a", "", doc="d"), Edit("r", 1, 1, "", chr(0xDCFF), doc="d")])
    >>> [edit_from_json(line).after == chr(0xDCFF) for line in block.splitlines()]
    [False, True]
    """
    if not edits:
        return ""
    block = _block(edits, runs)
    try:
        block.encode("utf-8")
    except UnicodeEncodeError:
        return _escaped_block(edits)
    return block


def edits_to_jsonl_bytes(edits: Sequence[Edit], runs: list[RuleRun] | None = None) -> bytes:
    """:func:`edits_to_jsonl` encoded as UTF-8, as the log file holds it: the encoding that
    checks for surrogates is the one written (encoding twice cost a tenth of the log's time).
    """
    if not edits:
        return b""
    try:
        return _block(edits, runs).encode("utf-8")
    except UnicodeEncodeError:
        return _escaped_block(edits).encode("utf-8")


def _block(edits: Sequence[Edit], runs: list[RuleRun] | None) -> str:
    lines = _lines(edits, runs=runs)
    lines.append("")  # the last line's newline (adding it to the block would copy the block)
    return "\n".join(lines)


def _escaped_block(edits: Sequence[Edit]) -> str:
    """The lines of a block with lone surrogates somewhere: ASCII escapes on the lines that hold them."""
    return "".join(edit_to_json(edit) + "\n" for edit in edits)


def edit_from_json(line: str) -> Edit:
    """Parse one change-log line; raises :class:`ChangeLogError` if it is not an edit."""
    try:
        record = json.loads(line)
        return Edit(
            rule=record["rule"],
            start=record["start"],
            end=record["end"],
            before=record["before"],
            after=record["after"],
            kind=record.get("kind", EDIT),
            line=record.get("line", 0),
            step=record.get("step", 0),
            stage=record.get("stage", ""),
            doc=record["doc"],
            info=record.get("info", {}),
        )
    except (ValueError, KeyError, TypeError) as err:
        raise ChangeLogError(f"not a change-log entry ({err.__class__.__name__}: {err})") from None


def read_edits(path: Path) -> Iterator[Edit]:
    """Stream the edits of a change-log file, naming the file and line on any problem."""
    try:
        with path.open(encoding="utf-8") as stream:
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    yield edit_from_json(line)
                except ChangeLogError as err:
                    raise ChangeLogError(f"{path}:{number}: {err}") from None
    except FileNotFoundError:
        raise ChangeLogError(f"{path}: change log not found") from None
    except UnicodeDecodeError:
        raise ChangeLogError(f"{path}: change log is not UTF-8") from None


def edits_by_doc(edits: Iterable[Edit]) -> Iterator[tuple[str, list[Edit]]]:
    """Group a log, written document by document, into ``(doc, edits)``."""
    for doc, group in groupby(edits, key=lambda e: e.doc):
        yield doc, list(group)


def _steps(edits: Sequence[Edit]) -> list[list[Edit]]:
    return [list(group) for _, group in groupby(edits, key=lambda e: e.step)]


def replay(text: str, edits: Sequence[Edit]) -> str:
    """Apply a document's logged edits, step by step, to its input text; returns the output."""
    for step in _steps(edits):
        text = apply_edits(text, step)
    return text


def unreplay(text: str, edits: Sequence[Edit]) -> str:
    """Revert a document's logged edits on its output text; returns the input text."""
    for step in reversed(_steps(edits)):
        text = revert_edits(text, step)
    return text
