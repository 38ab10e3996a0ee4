"""Reviewing a run: load its change log (filtered), place each edit in its text, render for a terminal.

:func:`load_review` reads OUTPUT/.clean_seeds/ into a :class:`Review`; :func:`trace` places one
document's edits in its original and its cleaned text (what both the terminal view and the HTML
report show); :func:`render_terminal` yields the lines of ``clean-seeds review``.

Lines are 1-based.  An edit's ``line`` in the log counts in the text its step received; the
review shows the line of the *input* file instead (where a person finds the text), and a
removed duplicate's kept twin by its line in the *output* file.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from itertools import groupby
from pathlib import Path
from typing import Any

from .changelog import edits_by_doc, read_edits, unreplay
from .errors import ChangeLogError
from .io import CHANGES_FILE, RESERVED_DIR
from .models import FLAG, Edit
from .restore import read_manifest, read_summary

#: Stage that removes duplicate paragraphs; its edits carry the kept twin in ``info``.
DEDUP_STAGE = "dedup"

#: A run of text and the indices (into the document's edits) of the edits that made or flagged it.
Piece = tuple[str, tuple[int, ...]]


@dataclass(frozen=True)
class Filters:
    """Which edits to show: by stage, rule (``rule`` or ``stage.rule``), document glob, flags only."""

    stage: str | None = None
    rule: str | None = None
    doc_glob: str | None = None
    flags_only: bool = False

    def matches(self, edit: Edit) -> bool:
        return (
            (not self.flags_only or edit.kind == FLAG)
            and (not self.stage or edit.stage == self.stage)
            and (not self.rule or self.rule in (edit.rule, rule_key(edit)))
        )

    def describe(self) -> str:
        parts = [f"stage={self.stage}" if self.stage else "", f"rule={self.rule}" if self.rule else ""]
        parts += [f"doc={self.doc_glob}" if self.doc_glob else "", "flags only" if self.flags_only else ""]
        return ", ".join(part for part in parts if part)


@dataclass
class Stats:
    """Counts over the edits a review selected (before ``limit``)."""

    documents: int = 0
    touched: int = 0
    edits: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)
    added: Counter[str] = field(default_factory=Counter)
    order: dict[str, int] = field(default_factory=dict)

    def add(self, edit: Edit) -> None:
        key = rule_key(edit)
        self.order[key] = min(self.order.get(key, edit.step), edit.step)
        if edit.kind == FLAG:
            self.flags[key] += 1
            return
        self.edits[key] += 1
        self.removed[key] += len(edit.before)
        self.added[key] += len(edit.after)

    @property
    def keys(self) -> list[str]:
        """``stage.rule`` keys in pipeline order."""
        return sorted(self.order, key=lambda key: (self.order[key], key))

    @property
    def duplicates(self) -> int:
        return sum(n for key, n in self.edits.items() if key.startswith(DEDUP_STAGE + "."))


@dataclass(frozen=True)
class ReviewDocument:
    """One document of a review: all its edits (to replay) and the indices of those shown."""

    id: str
    edits: tuple[Edit, ...]
    shown: tuple[int, ...] = ()


@dataclass
class Review:
    """A run's change log, loaded for review.

    ``documents`` holds the documents with edits to show, in run order; ``edits`` every
    document's edits (a kept duplicate twin may live in a document the filters leave out).
    """

    output: Path
    summary: dict[str, Any]
    manifest: dict[str, dict[str, Any]]
    edits: dict[str, tuple[Edit, ...]]
    filters: Filters
    stats: Stats
    documents: list[ReviewDocument]
    matched: int
    limit: int | None = None
    _jsonl_texts: dict[str, str] | None = None

    def texts(self, doc: str) -> tuple[str, str] | None:
        """``(original, cleaned)`` text of a document, or None when the run wrote no text (dry run).

        Raises :class:`ChangeLogError` when the output no longer matches the change log.
        """
        if self.summary.get("dry_run"):
            return None
        cleaned = self._cleaned_text(doc)
        try:
            return unreplay(cleaned, self.edits.get(doc, ())), cleaned
        except ValueError as err:
            raise ChangeLogError(
                f"{doc}: change log does not match the output ({err}); output edited?"
            ) from None

    def _cleaned_text(self, doc: str) -> str:
        if self.summary.get("input_kind") == "jsonl":
            if self._jsonl_texts is None:
                self._jsonl_texts = _read_jsonl_texts(self.output, self.summary)
            if doc not in self._jsonl_texts:
                raise ChangeLogError(f"{doc}: not found in the output JSONL")
            return self._jsonl_texts[doc]
        path = self.output / self.manifest.get(doc, {}).get("path", doc)
        try:
            return path.read_bytes().decode("utf-8", "surrogateescape")
        except OSError as err:
            raise ChangeLogError(f"{path}: cannot read output file ({err.strerror})") from None


def rule_key(edit: Edit) -> str:
    """The ``stage.rule`` name used in summaries and filters."""
    return f"{edit.stage}.{edit.rule}"


def load_review(
    output: Path,
    stage: str | None = None,
    rule: str | None = None,
    doc_glob: str | None = None,
    flags_only: bool = False,
    limit: int | None = None,
) -> Review:
    """Read OUTPUT's change log, manifest and summary, keeping the edits the filters select.

    ``limit`` caps the edits listed (counts in :attr:`Review.stats` cover every selected edit).
    Raises :class:`ChangeLogError` with the file and line when the log is missing or corrupt.
    """
    if not (output / RESERVED_DIR).is_dir():
        raise ChangeLogError(f"{output}: no {RESERVED_DIR}/ folder: not an output of clean-seeds run")
    if limit is not None and limit < 0:
        raise ChangeLogError(f"limit must be 0 or more, not {limit}")
    filters = Filters(stage, rule, doc_glob, flags_only)
    summary = read_summary(output)
    manifest = {entry["id"]: entry for entry in read_manifest(output) if "id" in entry}
    stats = Stats(documents=summary.get("documents", len(manifest)))
    review = Review(output, summary, manifest, {}, filters, stats, [], 0, limit)
    listed = 0
    for doc, edits in edits_by_doc(read_edits(output / RESERVED_DIR / CHANGES_FILE)):
        if doc in review.edits or manifest.get(doc, {}).get("edits") != len(edits):
            raise ChangeLogError(f"{doc}: change log and manifest disagree (log edited or truncated?)")
        review.edits[doc] = tuple(edits)
        if doc_glob and not fnmatchcase(doc, doc_glob):
            continue
        selected = [i for i, edit in enumerate(edits) if filters.matches(edit)]
        for i in selected:
            stats.add(edits[i])
        review.matched += len(selected)
        stats.touched += bool(selected)
        room = len(selected) if limit is None else max(0, min(len(selected), limit - listed))
        if room:
            review.documents.append(ReviewDocument(doc, tuple(edits), tuple(selected[:room])))
            listed += room
    return review


def _read_jsonl_texts(output: Path, summary: dict[str, Any]) -> dict[str, str]:
    decoder = json.JSONDecoder()
    texts = {}
    path = output / Path(summary["input"]).name
    try:
        with path.open("rb") as stream:
            for entry, raw in zip(read_manifest(output), stream, strict=False):
                if entry.get("raw_line"):
                    continue
                line = raw.decode("utf-8", "surrogateescape")
                texts[entry["id"]], _end = decoder.raw_decode(line, len(entry["prefix"]))
    except OSError as err:
        raise ChangeLogError(f"{path}: cannot read output file ({err.strerror})") from None
    except ValueError:
        raise ChangeLogError(f"{path}: output JSONL does not match its manifest") from None
    return texts


# --- placing edits in the original and the cleaned text ------------------------------------------


@dataclass(frozen=True)
class Trace:
    """One document's edits placed in its texts.

    ``original`` and ``cleaned`` are the two texts cut into pieces; a piece's tags are the
    indices of the edits that produced it (an edit later rewritten by another keeps its tag
    on the rewritten piece), and a removal leaves an empty tagged piece where the text was.
    ``contexts[i]`` is the text on each side of edit ``i`` within its line, in the text its
    step received; ``original_lines[i]``/``cleaned_lines[i]`` locate it in the two texts.
    """

    original: list[Piece]
    cleaned: list[Piece]
    contexts: list[tuple[str, str]]
    original_lines: list[int]
    cleaned_lines: list[int]


def trace(original: str, edits: Sequence[Edit], context: int = 24) -> Trace:
    """Place ``edits`` (one document's log, in order) in ``original`` and in the text they produce.

    >>> t = trace("a-b", [Edit("dash", 1, 2, "-", "—", line=1, step=0)])
    >>> t.cleaned, t.original, t.contexts
    ([('a', ()), ('—', (0,)), ('b', ())], [('a', ()), ('-', (0,)), ('b', ())], [('a', 'b')])

    Raises :class:`ChangeLogError` when an edit does not match the text.
    """
    steps = [list(group) for _, group in groupby(range(len(edits)), key=lambda i: edits[i].step)]
    contexts: list[tuple[str, str]] = [("", "")] * len(edits)
    pieces: list[Piece] = [(original, ())]
    try:
        for step in steps:
            text = "".join(piece[0] for piece in pieces)
            for i in step:
                contexts[i] = _context(text, edits[i].start, edits[i].end, context)
            pieces = _tag(pieces, [(edits[i].start, edits[i].end, i) for i in step if edits[i].kind == FLAG])
            changes = [i for i in step if edits[i].kind != FLAG]
            pieces = _merge(_splice(pieces, [(e.start, e.end, e.after, i) for i, e in _each(edits, changes)]))
        cleaned = pieces
        pieces = [("".join(piece[0] for piece in cleaned), ())]
        for step in reversed(steps):
            changes = [i for i in step if edits[i].kind != FLAG]
            spans, shift = [], 0
            for i in changes:
                start = edits[i].start + shift
                spans.append((start, start + len(edits[i].after), edits[i].before, i))
                shift += edits[i].delta
            pieces = _merge(_splice(pieces, spans))
            pieces = _tag(pieces, [(edits[i].start, edits[i].end, i) for i in step if edits[i].kind == FLAG])
    except ValueError as err:
        raise ChangeLogError(f"change log does not match the text ({err})") from None
    return Trace(
        pieces, cleaned, contexts, _first_lines(pieces, len(edits)), _first_lines(cleaned, len(edits))
    )


def _each(edits: Sequence[Edit], indices: list[int]) -> Iterator[tuple[int, Edit]]:
    return ((i, edits[i]) for i in indices)


def _merge(pieces: list[Piece]) -> list[Piece]:
    """Join neighbouring pieces with the same tags (keeps later steps' sweeps short)."""
    merged: list[Piece] = []
    for text, tags in pieces:
        if merged and merged[-1][1] == tags:
            merged[-1] = (merged[-1][0] + text, tags)
        elif text or tags:
            merged.append((text, tags))
    return merged


def _context(text: str, start: int, end: int, width: int) -> tuple[str, str]:
    """Up to ``width`` characters either side of ``text[start:end]``, not crossing a line break."""
    left = max(start - width, text.rfind("\n", 0, start) + 1)
    line_end = text.find("\n", end)
    right = min(end + width, len(text) if line_end < 0 else line_end)
    return text[left:start], text[end:right]


def _cut(pieces: list[Piece], points: set[int]) -> list[Piece]:
    """Split pieces so that every offset in ``points`` is a piece boundary."""
    cuts = sorted(points)
    out: list[Piece] = []
    pos = k = 0
    for text, tags in pieces:
        end = pos + len(text)
        while k < len(cuts) and cuts[k] <= pos:
            k += 1
        cut = pos
        while k < len(cuts) and cuts[k] < end:
            out.append((text[cut - pos : cuts[k] - pos], tags))
            cut = cuts[k]
            k += 1
        out.append((text[cut - pos :], tags))
        pos = end
    return out


def _splice(pieces: list[Piece], spans: list[tuple[int, int, str, int]]) -> list[Piece]:
    """Replace each ``(start, end)`` (ascending, in the pieces' text) by a piece ``(new, tags)``.

    The new piece keeps the tags of the pieces it replaces, so a chain of edits stays visible.
    """
    if not spans:
        return pieces
    pieces = _cut(pieces, {offset for start, end, _, _ in spans for offset in (start, end)})
    out: list[Piece] = []
    pos = i = 0
    for start, end, new, tag in spans:
        while i < len(pieces) and (pos < start or (pos == start and not pieces[i][0])):
            out.append(pieces[i])
            pos += len(pieces[i][0])
            i += 1
        if pos != start:
            raise ValueError(f"edit {tag} at {start} is past the end of the text")
        tags: dict[int, None] = {}
        while i < len(pieces) and pos < end:
            tags.update(dict.fromkeys(pieces[i][1]))
            pos += len(pieces[i][0])
            i += 1
        if pos != end:
            raise ValueError(f"edit {tag} at {start}:{end} is past the end of the text")
        tags[tag] = None
        out.append((new, tuple(sorted(tags))))
    out.extend(pieces[i:])
    return out


def _tag(pieces: list[Piece], spans: list[tuple[int, int, int]]) -> list[Piece]:
    """Add tag ``t`` to the text of each ``(start, end, t)``; an empty span leaves an empty piece."""
    if not spans:
        return pieces
    pieces = _cut(pieces, {offset for start, end, _ in spans for offset in (start, end)})
    spans = sorted(spans)
    out: list[Piece] = []
    active: list[tuple[int, int]] = []
    pos = j = 0
    for text, tags in pieces:
        while j < len(spans) and spans[j][0] <= pos:
            start, end, tag = spans[j]
            j += 1
            if start == end:
                out.append(("", (tag,)))
            else:
                active.append((end, tag))
        active = [(end, tag) for end, tag in active if end > pos]
        if text and active:
            tags = tuple(sorted({*tags, *(tag for _, tag in active)}))
        out.append((text, tags))
        pos += len(text)
    for start, end, tag in spans[j:]:
        if start > pos or end > pos:
            raise ValueError(f"flag {tag} at {start}:{end} is past the end of the text")
        out.append(("", (tag,)))
    return out


def _first_lines(pieces: list[Piece], count: int) -> list[int]:
    """For each edit index below ``count``, the 1-based line of the first piece tagged with it."""
    lines = [0] * count
    line = 1
    for text, tags in pieces:
        for tag in tags:
            if not lines[tag]:
                lines[tag] = line
        line += text.count("\n")
    return lines


# --- duplicates ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeptTwin:
    """The paragraph a duplicate was removed against: its document, line in the output file, text."""

    doc: str
    line: int
    text: str | None
    similarity: float | None
    cluster: str


def kept_twin(edit: Edit, review: Review, kept_text: str | None = None) -> KeptTwin:
    """The kept twin of a removed duplicate, from the edit's ``info``.

    ``info["kept_line"]`` counts lines in the kept document as dedup received it; the twin's
    line in the output file is that, less the lines dedup removed above it in that document.
    ``kept_text`` (the kept document's cleaned text) supplies the paragraph when the log
    does not carry it.
    """
    info = edit.info
    doc = str(info.get("kept_doc", ""))
    logged = info.get("kept_line")
    logged_line = logged if isinstance(logged, int) and not isinstance(logged, bool) else 0
    line = logged_line - sum(
        e.before.count("\n") - e.after.count("\n")
        for e in review.edits.get(doc, ())
        if e.stage == DEDUP_STAGE and e.kind != FLAG and e.line < logged_line
    )
    paragraph = info.get("kept_paragraph")
    text = paragraph if isinstance(paragraph, str) else None
    if text is None and kept_text is not None and line > 0:
        text = paragraph_at(kept_text, line)
    similarity = info.get("similarity")
    cluster = info.get("cluster")
    return KeptTwin(
        doc,
        line,
        text,
        float(similarity) if isinstance(similarity, int | float) else None,
        str(cluster) if cluster is not None else f"{doc}:{logged_line}",
    )


def paragraph_at(text: str, line: int) -> str:
    """The paragraph (lines up to a blank line) starting at 1-based ``line`` of ``text``.

    >>> paragraph_at("a\\n\\nb\\nc\\n\\nd", 3)
    'b\\nc'
    """
    paragraph = []
    for item in text.split("\n")[line - 1 :]:
        if not item.strip():
            break
        paragraph.append(item)
    return "\n".join(paragraph)


# --- terminal rendering ----------------------------------------------------------------------------

#: ANSI styles: removed text red and struck through, added green, flagged yellow and underlined.
_ANSI = {"del": "\x1b[31;9m", "ins": "\x1b[32m", "flag": "\x1b[33;4m", "head": "\x1b[1m", "dim": "\x1b[2m"}
_RESET = "\x1b[0m"
#: The same marks without colour (wdiff style), for pipes and files.
_PLAIN = {"del": ("[-", "-]"), "ins": ("{+", "+}"), "flag": ("[!", "!]")}

#: Characters a terminal would act on (controls, bidi overrides) are shown escaped, so a hostile
#: document cannot drive the terminal; line breaks and tabs are shown as symbols.
_SYMBOLS = {"\n": "⏎", "\r": "␍", "\t": "⇥"}
_UNSAFE = [*map(chr, range(0x20)), *map(chr, range(0x7F, 0xA0)), *"\u200e\u200f\u2028\u2029"]
_UNSAFE += [*map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]
_SHOW = str.maketrans({c: _SYMBOLS.get(c, f"\\u{ord(c):04x}") for c in _UNSAFE})
#: Lone surrogates stand for undecodable input bytes; a terminal cannot print them.
_SURROGATE = re.compile("[\ud800-\udfff]")

#: Longest text shown in full; longer text keeps its two ends.
MAX_SHOWN = 160


def visible(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` safe for a terminal: controls escaped, line breaks shown as ⏎, long text shortened.

    >>> visible("a\\nb\\x1b[31m")
    'a⏎b\\\\u001b[31m'
    """
    if len(text) > limit:
        text = f"{text[: limit * 2 // 3]} …[{len(text) - limit} more]… {text[-(limit // 3) :]}"
    text = text.translate(_SHOW)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def render_terminal(review: Review, color: bool, context: int = 12) -> Iterator[str]:
    """The lines of ``clean-seeds review``: a summary table, then each document's edits in context.

    With ``color``, removed text is red and struck through, added text green, flagged text
    yellow; without, they read ``[-removed-]``, ``{+added+}`` and ``[!flagged!]``.
    Lines are lines of the input file; a duplicate's kept twin is located in the output file.
    """
    paint = _Paint(color)
    yield from _summary_lines(review, paint)
    for document in review.documents:
        yield ""
        yield from _document_lines(review, document, paint, context)
    if review.limit is not None and review.matched > review.limit:
        yield ""
        yield f"… {review.matched - review.limit} more not shown (limit {review.limit})"


@dataclass(frozen=True)
class _Paint:
    color: bool

    def __call__(self, style: str, text: str) -> str:
        if not text:
            return ""
        if self.color:
            return f"{_ANSI[style]}{text}{_RESET}"
        opening, closing = _PLAIN.get(style, ("", ""))
        return f"{opening}{text}{closing}"


def _summary_lines(review: Review, paint: _Paint) -> Iterator[str]:
    stats = review.stats
    filters = review.filters.describe()
    yield paint("head", f"Review of {visible(str(review.output))}" + (f" ({filters})" if filters else ""))
    totals = [
        ("documents", stats.documents),
        ("documents touched", stats.touched),
        ("edits", sum(stats.edits.values())),
        ("duplicates removed", stats.duplicates),
        ("flags raised", sum(stats.flags.values())),
        ("characters removed", sum(stats.removed.values())),
        ("characters added", sum(stats.added.values())),
    ]
    yield from _table([(name, str(value)) for name, value in totals])
    yield ""
    if not stats.order:
        yield "no edits match the filters" if filters else "no edits: the run changed nothing"
        return
    header = ("stage", "rule", "edits", "flags", "chars removed", "chars added")
    rows = [
        (
            *key.split(".", 1),
            *map(str, (stats.edits[key], stats.flags[key], stats.removed[key], stats.added[key])),
        )
        for key in stats.keys
    ]
    lines = list(_table([header, *rows]))
    yield paint("head", lines[0])
    yield from lines[1:]


def _table(rows: list[tuple[str, ...]]) -> Iterator[str]:
    """Rows as aligned columns; columns of numbers (below a header) are right-aligned."""
    columns = range(len(rows[0]))
    widths = [max(len(row[c]) for row in rows) for c in columns]
    numeric = [all(row[c].isdigit() for row in rows[1:]) for c in columns]
    for row in rows:
        cells = [row[c].rjust(widths[c]) if numeric[c] else row[c].ljust(widths[c]) for c in columns]
        yield "  ".join(cells).rstrip()


def _document_lines(review: Review, document: ReviewDocument, paint: _Paint, context: int) -> Iterator[str]:
    edits, shown = document.edits, document.shown
    flags = sum(edits[i].kind == FLAG for i in shown)
    counts = _plural(len(shown) - flags, "edit") + (f", {_plural(flags, 'flag')}" if flags else "")
    yield paint("head", f"── {visible(document.id)}  ({counts})")
    texts = review.texts(document.id)
    placed = trace(texts[0], edits, context) if texts is not None else None
    for i in shown:
        edit = edits[i]
        line = placed.original_lines[i] if placed is not None else edit.line
        left, right = (visible(side) for side in placed.contexts[i]) if placed is not None else ("", "")
        where = paint("dim", f"line {line:>4}  {rule_key(edit)}")
        if edit.kind == FLAG:
            yield f"  {where}  flag: {visible(str(edit.info.get('reason', '')))}"
            yield f"      …{left}{paint('flag', visible(edit.before))}{right}…"
        elif edit.stage == DEDUP_STAGE:
            yield from _duplicate_lines(review, edit, where, paint)
        else:
            change = paint("del", visible(edit.before)) + paint("ins", visible(edit.after))
            yield f"  {where}  …{left}{change}{right}…"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _duplicate_lines(review: Review, edit: Edit, where: str, paint: _Paint) -> Iterator[str]:
    twin = kept_twin(edit, review, _kept_text(review, edit))
    similarity = "?" if twin.similarity is None else f"{twin.similarity:.2f}"
    kept = f"kept in {visible(twin.doc)} line {twin.line}"
    yield f"  {where}  duplicate removed (similarity {similarity}), {kept}"
    yield f"      removed: {paint('del', visible(edit.before.strip()))}"
    if twin.text is not None:
        yield f"      kept:    {paint('ins', visible(twin.text))}"


def _kept_text(review: Review, edit: Edit) -> str | None:
    """The kept document's cleaned text, when the log does not carry the kept paragraph."""
    doc = edit.info.get("kept_doc")
    if (
        isinstance(edit.info.get("kept_paragraph"), str)
        or not isinstance(doc, str)
        or doc not in review.manifest
    ):
        return None
    texts = review.texts(doc)
    return texts[1] if texts is not None else None
