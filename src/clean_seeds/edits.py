"""Building edits, and replaying them forwards and backwards.

Every rule builds its result with :func:`replace_spans` or :func:`substitute`, so an edit is
recorded exactly when, and where, the text changes.  :func:`apply_edits` and
:func:`revert_edits` replay one rule's edits; the change log is a sequence of such steps.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from difflib import SequenceMatcher
from itertools import accumulate

from .models import EDIT, FLAG, Cleaned, Edit

Replacement = str | Callable[[re.Match[str]], str]


def replace_spans(text: str, rule: str, spans: Iterable[tuple[int, int, str]]) -> Cleaned:
    """Replace each ``text[start:end]`` by its new string; spans ascend and never overlap.

    Spans whose replacement equals the old text are dropped, so no empty edit is logged.

    >>> r = replace_spans("a--b", "dash", [(1, 3, "—")])
    >>> r.text, r.edits[0].before, r.edits[0].after
    ('a—b', '--', '—')
    """
    parts: list[str] = []
    edits: list[Edit] = []
    add_part, add_edit = parts.append, edits.append  # (a rule may change every comma)
    pos = 0
    for start, end, after in spans:
        if start < pos or end < start:
            raise ValueError(f"{rule}: span {start}:{end} overlaps or precedes offset {pos}")
        before = text[start:end]
        if before != after:
            add_part(text[pos:start])
            add_part(after)
            add_edit(Edit(rule, start, end, before, after))
            pos = end
    if not edits:
        return Cleaned(text)
    parts.append(text[pos:])
    return Cleaned("".join(parts), tuple(edits))


def diff_spans(old: str, new: str, tokens: re.Pattern[str], offset: int = 0) -> list[tuple[int, int, str]]:
    """The spans (offset by ``offset``) turning ``old`` into ``new``, found by a diff of their
    ``tokens`` (matches that together make the whole text): for a rule whose change is
    known only as a new text.

    >>> diff_spans("ab\\ncd\\nef\\n", "ab\\nef\\n", re.compile("[^\\n]*\\n|[^\\n]+"))
    [(3, 6, '')]
    """
    old_tokens, new_tokens = tokens.findall(old), tokens.findall(new)
    old_starts = [0, *accumulate(map(len, old_tokens))]
    new_starts = [0, *accumulate(map(len, new_tokens))]
    matcher = SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    return [
        (offset + old_starts[i1], offset + old_starts[i2], new[new_starts[j1] : new_starts[j2]])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def disjoint_spans(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The spans in order, dropping any that overlaps an earlier one (found twice, from both sides).

    >>> disjoint_spans([(4, 6, ""), (0, 2, "x"), (1, 3, "y")])
    [(0, 2, 'x'), (4, 6, '')]
    """
    out: list[tuple[int, int, str]] = []
    for span in sorted(spans):
        if not out or span[0] >= out[-1][1]:
            out.append(span)
    return out


def substitute(pattern: re.Pattern[str], repl: Replacement, text: str, rule: str) -> Cleaned:
    """``pattern.sub(repl, text)`` that also returns one edit per changed match.

    >>> substitute(re.compile(r"\\u200b"), "", "a\\u200bb", "remove_zero_width").text
    'ab'
    """
    if isinstance(repl, str) and "\\" not in repl:  # a literal: no template to expand per match
        spans = [(m.start(), m.end(), repl) for m in pattern.finditer(text)]
    else:
        spans = []
        for match in pattern.finditer(text):
            after = repl(match) if callable(repl) else match.expand(repl)
            spans.append((match.start(), match.end(), after))
    return replace_spans(text, rule, spans)


def flag(rule: str, text: str, start: int, end: int, reason: str, **info: object) -> Edit:
    """A review flag on ``text[start:end]``: logged, but the text is not changed."""
    span = text[start:end]
    return Edit(rule, start, end, span, span, kind=FLAG, info={"reason": reason, **info})


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Replay one rule's edits (offsets into ``text``) and return the rule's output.

    Flags are skipped; a mismatch between an edit's ``before`` and the text is an error,
    because it means the log does not belong to this text.
    """
    parts: list[str] = []
    pos = 0
    for edit in edits:
        if edit.kind != EDIT:
            continue
        if text[edit.start : edit.end] != edit.before:
            raise ValueError(f"edit {edit.rule} at {edit.start} does not match the text")
        parts.append(text[pos : edit.start])
        parts.append(edit.after)
        pos = edit.end
    parts.append(text[pos:])
    return "".join(parts)


def revert_edits(text: str, edits: Sequence[Edit]) -> str:
    """Undo one rule's edits on that rule's output, giving back the text it received."""
    parts: list[str] = []
    pos = 0
    shift = 0  # how far the output has moved relative to the input so far
    for edit in edits:
        if edit.kind != EDIT:
            continue
        start = edit.start + shift
        end = start + len(edit.after)
        if text[start:end] != edit.after:
            raise ValueError(f"edit {edit.rule} at {edit.start} does not match the output")
        parts.append(text[pos:start])
        parts.append(edit.before)
        pos = end
        shift += edit.delta
    parts.append(text[pos:])
    return "".join(parts)


def is_flag(edit: Edit) -> bool:
    """True for review flags, which carry no text change."""
    return edit.kind == FLAG
