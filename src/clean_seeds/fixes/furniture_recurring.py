"""Running headers and footers found by repetition, for the `furniture` stage.

A short line that recurs in one document between different neighbours, with changing digits
or a page apart, is a running header or footer (:func:`remove_recurring_lines`).  Lines that
recur at the top or bottom of many documents of a corpus are found by :func:`collector` before
cleaning and removed by the same rule.  Both look only at short lines shaped like furniture:
no sentence punctuation, list marker, byline or dateline.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from ..edits import replace_spans
from ..models import Cleaned

if TYPE_CHECKING:
    from .furniture import FurnitureConfig

# Lines that look like furniture by shape but are bylines or datelines, which stay: these, or a
# line opening with KEEP_LINE_OPENERS.  (Every branch opens with a literal, so the regex engine
# looks for their first characters only; ``^[□■]`` as a branch made it try every position.)
KEEP_LINE = re.compile(r"记者|通讯员|本报讯|电$|新华社|文[/／:：]|图[/／:：]")
KEEP_LINE_OPENERS = ("□", "■")

# CJK clause punctuation, or ASCII , ; beside CJK: the line is (part of) a sentence.  Only
# ever searched for whether it is there; written to open with one character class, so that the
# regex engine jumps from candidate to candidate (the branches ``[CJK][,;]|[,;][CJK]`` made it
# try every character, at several times the cost).
CLAUSE_MARKS = "，。；！？、"
SENTENCE_PUNCT = re.compile(
    rf"[{CLAUSE_MARKS},;](?:(?<=[{CLAUSE_MARKS}])|(?<=[\u4e00-\u9fff][,;])|(?=[\u4e00-\u9fff]))"
)
# The rest of a line, if SENTENCE_PUNCT finds nothing in it; written as a loop over characters
# with no CJK clause mark or ASCII , ; (fast, in C), around the , ; with no CJK beside them.
_PLAIN_RUN = rf"[^\n{CLAUSE_MARKS},;]*+"
_NO_SENTENCE_PUNCT = rf"{_PLAIN_RUN}(?:(?<![\u4e00-\u9fff])[,;](?![\u4e00-\u9fff]){_PLAIN_RUN})*+(?=\n|\Z)"

# List markers that open headings (``一、``, ``(一)``, ``1.``, ``第一章``): headings recur
# across reports of one kind and are body text.
LIST_MARKER = re.compile(
    r"[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十0-9]+[)）]|[0-9]+[.．、]|第.{1,3}[章节条部分]"
)

# Every decimal digit maps to "0", so page headers with changing numbers share a key.  Digits
# are mapped on the UTF-8 bytes (no other character's encoding holds an ASCII byte, and
# ``EF BC 90``-``99``, the full-width digits ``０``-``９``, always start a character):
# ``str.translate`` or a regex substitution on the text is several times slower on Chinese text.
ASCII_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
FULLWIDTH_DIGIT_UTF8 = re.compile(b"\xef\xbc[\x90-\x99]")
# A digit that ASCII_DIGITS_TO_ZERO or FULLWIDTH_DIGIT_UTF8 changes.
NONZERO_DIGIT = re.compile("[1-9０-９]")

# What a line's content is stripped of: leading spaces and heading marks, trailing spaces.
LINE_LEAD, LINE_TRAIL = " \t\u3000#", " \t\u3000"


class _Line(NamedTuple):
    start: int  # offset of the line (with its leading spaces)
    end: int  # offset after its newline
    content: str  # the line stripped of spaces and heading marks


@functools.lru_cache(maxsize=16)
def _line_pattern(max_chars: int | None) -> re.Pattern[str]:
    """Each line after a line break; group 1 is the line after its leading spaces and heading
    marks (trailing spaces still on).  Search ``"\\n" + text``: the first line has a break too.

    With ``max_chars``, only the lines that may be short furniture: 2 to ``max_chars``
    characters, trailing spaces aside, and nothing SENTENCE_PUNCT finds.  That is necessary
    for :func:`_is_short` and :func:`_may_be_furniture`, and tested in C, so that the Python
    tests run on few lines (a third of them in OCR pages).  Possessive quantifiers: the engine
    never backtracks into a line.
    """
    if max_chars is None:
        return re.compile(r"\n[ \t\u3000#]*+([^\n]*)")
    short = rf"(?=[^\n]{{2,{max(2, max_chars)}}}+[ \t\u3000]*(?:\n|\Z))"
    return re.compile(rf"\n[ \t\u3000#]*+{short}({_NO_SENTENCE_PUNCT})")


def _contents(lines: list[str]) -> list[str]:
    """Each line found by a :func:`_line_pattern` stripped of trailing spaces too."""
    return list(map(str.rstrip, lines, itertools.repeat(LINE_TRAIL)))


@functools.lru_cache(maxsize=16)
def _all_short_keys_found(keys: frozenset[str], max_chars: int) -> bool:
    """Whether :func:`_line_pattern` lets through every line whose key is one of the short ``keys``."""
    short = (key for key in keys if _is_short(key, max_chars))
    return all(len(key) >= 2 and SENTENCE_PUNCT.search(key) is None for key in short)


def _is_short(content: str, max_chars: int) -> bool:
    """Whether a line's content is short: 1 to ``max_chars`` characters, not opening with a space."""
    return 0 < len(content) <= max_chars and not content[0].isspace()


def _keys(contents: list[str]) -> list[str]:
    """Each line content with its digits turned to 0 (in one pass over all of them)."""
    return _digits_to_zero("\n".join(contents)).split("\n") if contents else []


def _digits_to_zero(text: str) -> str:
    """``text`` with every decimal digit, ASCII or full-width, turned to ``0``.

    >>> _digits_to_zero("第12版 Ａ３")
    '第00版 Ａ0'
    """
    if NONZERO_DIGIT.search(text) is None:  # most furniture-shaped lines: skip the round trip
        return text
    data = text.encode("utf-8", "surrogatepass").translate(ASCII_DIGITS_TO_ZERO)
    return FULLWIDTH_DIGIT_UTF8.sub(b"0", data).decode("utf-8", "surrogatepass")


def _may_be_furniture(line: str) -> bool:
    """Shape test: not a sentence, heading, lead-in, byline or dateline."""
    return (
        len(line) >= 2
        and line[-1] not in ":：——"
        and SENTENCE_PUNCT.search(line) is None
        and LIST_MARKER.match(line) is None
        and KEEP_LINE.search(line) is None
        and not line.startswith(KEEP_LINE_OPENERS)
    )


def _neighbour(text: str, start: int, end: int, forward: bool) -> str:
    """The nearest non-blank line after ``end`` (or before ``start``), stripped."""
    if forward:
        rest = text[end : end + 400].lstrip()
        line_end = rest.find("\n")
        return (rest if line_end < 0 else rest[:line_end]).strip()
    head = text[max(0, start - 400) : start].rstrip()
    return head[head.rfind("\n") + 1 :].strip()


def _recur_like_headers(text: str, lines: list[_Line], cfg: FurnitureConfig) -> bool:
    """Repeats of one short line that look like a running header, not a repeated body block.

    Every repeat must sit between different neighbours (a duplicated block repeats its
    neighbours too), and either its digits change (page numbers, dates) or the repeats are
    at least a page apart.
    """
    before = {_neighbour(text, line.start, line.end, forward=False) for line in lines}
    if len(before) < len(lines):
        return False
    after = {_neighbour(text, line.start, line.end, forward=True) for line in lines}
    if len(after) < len(lines):
        return False
    if len({line.content for line in lines}) > 1:
        return True
    return all(b.start - a.end >= cfg.min_page_chars for a, b in itertools.pairwise(lines))


def remove_recurring_lines(text: str, cfg: FurnitureConfig) -> Cleaned:
    """Remove short lines that recur like running headers/footers.

    Within the document: a short line (digits aside) recurring ``min_repeats`` times between
    different neighbours, with changing digits or a page apart.  Across the corpus: lines the
    collector found in ``recurring_lines``.

    >>> from clean_seeds.fixes.furniture import FurnitureConfig
    >>> pages = [f"Harbour Times {n}\\n" + f"Story {n} goes on. " * 30 + "\\n" for n in (1, 2, 3)]
    >>> remove_recurring_lines("".join(pages), FurnitureConfig()).text.count("Harbour Times")
    0
    """
    # the lines whose key can be a candidate below: the short lines that may be furniture, and
    # the lines of ``recurring_lines`` (all lines, if some of those would not be let through)
    max_chars = cfg.recurring_max_chars
    found = _all_short_keys_found(cfg.recurring_lines, max_chars)
    # (a line break before the first line too: the regex engine jumps from break to break fast)
    lines = list(_line_pattern(max_chars if found else None).finditer("\n" + text))
    if len(lines) < cfg.min_repeats and not cfg.recurring_lines:  # no line can recur: most documents
        return Cleaned(text)
    keys = _keys(_contents([line[1] for line in lines]))
    counts = Counter(keys)
    # the keys seen min_repeats times, picked out in C: most lines are seen once
    frequent = itertools.compress(counts, map(cfg.min_repeats.__le__, counts.values()))
    candidates = {
        key
        for key in itertools.chain(cfg.recurring_lines.intersection(counts), frequent)
        if _is_short(key, max_chars) and (key in cfg.recurring_lines or _may_be_furniture(key))
    }
    if not candidates:
        return Cleaned(text)
    by_key: dict[str, list[_Line]] = {}
    for line, key in zip(lines, keys, strict=True):
        if key in candidates:
            end = min(line.end(), len(text))  # after the line's newline, in ``text``
            by_key.setdefault(key, []).append(_Line(line.start(), end, line[1].rstrip(LINE_TRAIL)))
    spans: list[tuple[int, int, str]] = []
    for key, repeats in by_key.items():
        if key in cfg.recurring_lines or _recur_like_headers(text, repeats, cfg):
            spans.extend((line.start, line.end, "") for line in repeats)
    spans.sort()
    return replace_spans(text, "remove_recurring_lines", spans)


class RecurringLineCollector:
    """Counts, over a corpus, in how many documents each short line (digits aside) appears.

    A line becomes corpus-wide furniture when it appears in ``min_documents`` documents and
    in ``min_document_share`` of all documents, nearly always among a document's top or
    bottom ``edge_lines`` lines.  Titles shared by many documents (``政府工作报告``) look the
    same, so the share is set high; banners are better caught by ``furniture_patterns``.
    Memory is bounded: only short lines are counted, and past ``max_tracked_lines`` keys the
    lines seen in one document only are dropped.
    """

    def __init__(self, cfg: FurnitureConfig) -> None:
        self.cfg = cfg
        self.documents = 0
        # key -> [documents, documents where it is at an edge]
        self.counts: dict[str, list[int]] = {}

    def add(self, text: str) -> None:
        self.take(observe(text, self.cfg))

    def take(self, lines: tuple[tuple[str, bool], ...]) -> None:
        """Count one document's :func:`observe` result."""
        self.documents += 1
        for key, at_edge in lines:
            entry = self.counts.setdefault(key, [0, 0])
            entry[0] += 1
            entry[1] += at_edge
        if len(self.counts) > self.cfg.max_tracked_lines:
            self.counts = {k: v for k, v in self.counts.items() if v[0] > 1}

    def finish(self) -> FurnitureConfig:
        cfg = self.cfg
        keys = frozenset(
            key
            for key, (docs, edges) in self.counts.items()
            if docs >= cfg.min_documents
            and docs >= cfg.min_document_share * self.documents
            and edges >= 0.9 * docs
        )
        return replace(cfg, recurring_lines=keys)


def observe(text: str, cfg: FurnitureConfig) -> tuple[tuple[str, bool], ...]:
    """The distinct short lines of one document that may be furniture (keys, digits as 0),
    each with whether it first appears among the top or bottom ``edge_lines`` of them.

    >>> from clean_seeds.fixes.furniture import FurnitureConfig
    >>> observe("第3版\\n正文很长的一段话。\\n第3版\\n", FurnitureConfig(edge_lines=1))
    (('第0版', True),)
    """
    max_chars = cfg.recurring_max_chars
    keys = [
        key
        for key in _keys(_contents(_line_pattern(max_chars).findall("\n" + text)))
        if _is_short(key, max_chars) and _may_be_furniture(key)
    ]
    edge = cfg.edge_lines
    seen: dict[str, bool] = {}
    for index, key in enumerate(keys):
        if key not in seen:
            seen[key] = index < edge or index >= len(keys) - edge
    return tuple(seen.items())


def collector(cfg: FurnitureConfig) -> RecurringLineCollector:
    """The corpus pass that finds lines recurring across documents (see :func:`pipeline.prepare`)."""
    return RecurringLineCollector(cfg)
