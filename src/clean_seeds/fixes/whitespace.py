"""Stage `whitespace`: spaces and blank lines made regular; runs after linewrap and punctuation.

Within a line: trailing whitespace and leading indentation (ASCII spaces, tabs, the
ideographic space ``U+3000`` of Chinese paragraph indents) go; a run of spaces becomes one
space; spaces touching full-width punctuation go (``青岛 ，中国`` -> ``青岛，中国``; full-width
marks carry their own spacing).  A *single* space between Chinese characters is kept: it is
often an OCR artifact, but just as often a meaningful gap (``拉高标杆 全力冲刺``,
``记者 刘兰星 杨光``).  Between lines: at most one blank line, none at the start, and the text
ends with exactly one newline (empty text stays empty).

Line breaks are expected as ``\\n`` (the unicode stage normalizes ``\\r\\n`` and ``\\r``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..edits import disjoint_spans, replace_spans, substitute
from ..memo import LastResult
from ..models import Cleaned

STAGE = "whitespace"

# --- Patterns --------------------------------------------------------------------------------
# Every pattern starts with a character class or literal (lookbehinds come after it), so the
# regex engine can skip ahead to candidates fast: this stage sees every document whole.

# Horizontal whitespace: space, tab, vertical tab, form feed, no-break space, the Unicode
# spaces (en/em/thin/hair ...), narrow no-break, medium mathematical and ideographic space.
H = " \t\v\f\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# The same without the plain space: one of these alone inside a line is still replaced.
H_NOT_SPACE = H.replace(" ", "")
# The horizontal whitespace an ASCII text can hold: pre-checks with ``in`` (much faster than
# a regex over every space of an English text) decide whether a rule needs its regex at all.
ASCII_H = " \t\v\f"
# Any horizontal whitespace.  Most OCR'd Chinese texts hold none, and then the rules within a
# line have nothing to do (see `_has_horizontal_space`).
H_CHAR = re.compile(f"[{H}]")

# Whitespace at the end of a line or of the text.
TRAILING = re.compile(f"[{H}][{H}]*$", re.MULTILINE)
# A line break after whitespace: TRAILING's cheap test.  It opens with the line break, which
# the regex engine finds several times faster than a character class.
BREAK_AFTER_SPACE = re.compile(f"\\n(?<=[{H}]\\n)")
# Indentation at the start of a line (group 1; a line of only whitespace is left to TRAILING),
# found from the line break before it, or at the start of the text.
LEADING = re.compile(f"\\n([{H}]+)(?=[^{H}\\n])")
LEADING_AT_START = re.compile(f"([{H}]+)(?=[^{H}\\n])")
# Inside a line: two or more whitespace characters, or a single one that is not a plain space
# (``\u3000``, tab, no-break space).  Runs at a line edge are left to TRAILING and LEADING.
SPACE_RUN = re.compile(f"[{H}](?<=[^{H}\\n].)(?:[{H}]+|(?<=[{H_NOT_SPACE}]))(?=[^{H}\\n])")
# Full-width punctuation that needs no space on either side (sentence marks), the closing
# forms (no space before them) and the opening forms (no space after them).
FULLWIDTH_ANY_SIDE = "，。；：！？、"
FULLWIDTH_CLOSING = "）》」』】〕〉”’"
FULLWIDTH_OPENING = "（《「『【〔〈“‘"
# Spaces before full-width punctuation (before an opening form only after Han, checked in
# `strip_space_at_fullwidth_punctuation`: ``他说 “走”`` -> ``他说“走”``, ``go “走”`` stays).
SPACE_BEFORE_FULLWIDTH = re.compile(
    f"[{H}][{H}]*(?=[{FULLWIDTH_ANY_SIDE}{FULLWIDTH_CLOSING}{FULLWIDTH_OPENING}])"
)
# Spaces after full-width punctuation, inside a line (after a closing form only before Han:
# ``“走” and`` keeps its space).  It starts at the space (rarer than the punctuation in
# Chinese text) and looks back at the mark.
SPACE_AFTER_FULLWIDTH = re.compile(
    f"[{H}](?<=[{FULLWIDTH_ANY_SIDE}{FULLWIDTH_OPENING}{FULLWIDTH_CLOSING}].)[{H}]*(?=[^{H}\\n])"
)
# Three or more line breaks, with only whitespace between them: more than one blank line.
BLANK_LINES = re.compile(f"\\n(?:[{H}]*\\n){{2,}}")
# Blank lines at the start of the text.
LEADING_BLANK_LINES = re.compile(f"\\A(?:[{H}]*\\n)+")


@dataclass(frozen=True)
class WhitespaceConfig:
    """Switches and knobs of the `whitespace` stage."""

    #: run this stage at all
    enabled: bool = True
    #: whitespace at the end of lines removed
    strip_trailing_whitespace: bool = True
    #: indentation (spaces, tabs, ``U+3000``) at the start of lines removed
    strip_indentation: bool = True
    #: runs of spaces inside a line become one ASCII space; a lone tab or ``U+3000`` too
    collapse_spaces: bool = True
    #: spaces next to full-width punctuation removed (``青岛 ，中国`` -> ``青岛，中国``)
    strip_space_at_fullwidth_punctuation: bool = True
    #: more than one blank line between paragraphs becomes one
    collapse_blank_lines: bool = True
    #: blank lines at the start of the text removed
    strip_leading_blank_lines: bool = True
    #: the text ends with exactly one newline (empty text stays empty)
    ensure_final_newline: bool = True


@LastResult
def _has_horizontal_space(text: str) -> bool:
    """Whether ``text`` holds any horizontal whitespace.

    A text passes unchanged (the same object) from rule to rule, so one scan serves the whole
    stage.  A plain space, in most texts that have any, is found first by a scan ten times faster.
    """
    return " " in text or H_CHAR.search(text) is not None


def strip_trailing_whitespace(text: str, cfg: WhitespaceConfig) -> Cleaned:
    """Remove whitespace at the end of every line.

    >>> strip_trailing_whitespace("正文。 \\t\\n下一行\\u3000", WhitespaceConfig()).text
    '正文。\\n下一行'
    """
    if not _has_horizontal_space(text):
        return Cleaned(text)
    if BREAK_AFTER_SPACE.search(text) is None and H_CHAR.match(text, len(text) - 1) is None:
        return Cleaned(text)
    return substitute(TRAILING, "", text, "strip_trailing_whitespace")


def strip_indentation(text: str, cfg: WhitespaceConfig) -> Cleaned:
    """Remove indentation at the start of every line.

    >>> strip_indentation("\\u3000\\u3000段落开头。\\n  English indent", WhitespaceConfig()).text
    '段落开头。\\nEnglish indent'
    """
    if not _has_horizontal_space(text):
        return Cleaned(text)
    first = LEADING_AT_START.match(text)
    spans = [] if first is None else [(0, first.end(), "")]
    spans += [(m.start(1), m.end(1), "") for m in LEADING.finditer(text)]
    return replace_spans(text, "strip_indentation", spans)


def collapse_spaces(text: str, cfg: WhitespaceConfig) -> Cleaned:
    """A run of whitespace inside a line (or a lone tab/``U+3000``) becomes one space.

    >>> collapse_spaces("拉高标杆  全力冲刺 记者 刘兰星\\u3000杨光, two  spaces", WhitespaceConfig()).text
    '拉高标杆 全力冲刺 记者 刘兰星 杨光, two spaces'
    """
    if not _has_horizontal_space(text):
        return Cleaned(text)
    if text.isascii() and "  " not in text and not any(char in text for char in ASCII_H[1:]):
        return Cleaned(text)
    return substitute(SPACE_RUN, " ", text, "collapse_spaces")


def _is_han(char: str) -> bool:
    """Whether ``char`` is a Han ideograph (CJK unified, extension A, compatibility), for the
    quotes and brackets that may stand next to an English word.  (Compared, not matched: a
    regex class of these 28,000 characters costs ~2 ms to compile at start-up.)"""
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or "\uf900" <= char <= "\ufaff"


def strip_space_at_fullwidth_punctuation(text: str, cfg: WhitespaceConfig) -> Cleaned:
    """Remove spaces touching full-width punctuation.

    >>> strip_space_at_fullwidth_punctuation("青岛 ， 中国 。他说 “走” and “go” ", WhitespaceConfig()).text
    '青岛，中国。他说“走” and “go” '
    """
    if text.isascii() or not _has_horizontal_space(text):
        return Cleaned(text)
    spans = []
    for m in SPACE_BEFORE_FULLWIDTH.finditer(text):
        start, end = m.span()
        if text[end] not in FULLWIDTH_OPENING or (start and _is_han(text[start - 1])):
            spans.append((start, end, ""))
    for m in SPACE_AFTER_FULLWIDTH.finditer(text):
        start, end = m.span()
        if text[start - 1] not in FULLWIDTH_CLOSING or _is_han(text[end]):
            spans.append((start, end, ""))
    return replace_spans(text, "strip_space_at_fullwidth_punctuation", disjoint_spans(spans))


def collapse_blank_lines(text: str, cfg: WhitespaceConfig) -> Cleaned:
    """More than one blank line in a row becomes one blank line.

    >>> collapse_blank_lines("甲\\n\\n\\n \\n乙\\n\\n丙", WhitespaceConfig()).text
    '甲\\n\\n乙\\n\\n丙'
    """
    if "\n\n\n" not in text and not _has_horizontal_space(text):  # (a fast test in C)
        return Cleaned(text)
    return substitute(BLANK_LINES, "\n\n", text, "collapse_blank_lines")


def strip_leading_blank_lines(text: str, cfg: WhitespaceConfig) -> Cleaned:
    """Remove blank lines at the start of the text.

    >>> strip_leading_blank_lines("\\n \\n\\n标题", WhitespaceConfig()).text
    '标题'
    """
    if LEADING_BLANK_LINES.match(text) is None:  # (most texts: a cheaper answer than substitute's)
        return Cleaned(text)
    return substitute(LEADING_BLANK_LINES, "", text, "strip_leading_blank_lines")


def ensure_final_newline(text: str, cfg: WhitespaceConfig) -> Cleaned:
    """End the text with exactly one newline; text of nothing but newlines becomes empty.

    >>> [ensure_final_newline(t, WhitespaceConfig()).text for t in ("a", "a\\n\\n\\n", "", "\\n\\n")]
    ['a\\n', 'a\\n', '', '']
    """
    body_end = len(text.rstrip("\n"))
    after = "\n" if body_end else ""
    if len(text) - body_end == len(after):  # already so (what follows body_end is all newlines)
        return Cleaned(text)
    return replace_spans(text, "ensure_final_newline", [(body_end, len(text), after)])


RULES = (
    strip_trailing_whitespace,
    strip_indentation,
    collapse_spaces,
    strip_space_at_fullwidth_punctuation,
    collapse_blank_lines,
    strip_leading_blank_lines,
    ensure_final_newline,
)
