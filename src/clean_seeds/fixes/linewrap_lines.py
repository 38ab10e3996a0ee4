"""The lines of one document as the `linewrap` stage sees them, and their statistics.

:class:`Lines` splits a document into its non-blank lines and measures what the break
decisions of :mod:`clean_seeds.fixes.linewrap` ask about them: each line's display width,
whether it ends a sentence, the lines set off by a list marker, heading, label or ellipsis,
whether blank lines and indents mark paragraphs, and the column a line belongs to.

Everything the decisions ask about every line is computed once, in whole-text or whole-list
passes; the column (the costly part) only for the lines a decision asks about.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from itertools import accumulate, compress
from operator import itemgetter
from statistics import median
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .linewrap import LinewrapConfig

# --- Patterns and character classes --------------------------------------------------------

# A line's text without the spaces at its ends.  Splitting a document at them (the group
# keeps them) gives the spaces (newlines included) before each line, the line, and so on,
# and last the spaces after the last line: see :class:`Lines`.  (The look behind for the
# last non-space, not ``\S(?:[^\n]*\S)?``, makes the split a tenth faster.)
LINE = re.compile(r"(\S[^\n]*(?<=\S))")
# Sentence-final punctuation (CJK and ASCII); a line ending in one (closing quotes after it
# allowed) ends a sentence.
STOPS = frozenset("。！？!?．｡.…")
# Closing quotes and brackets that may follow a sentence end on the same line.
CLOSERS = "”’」』）)》】〕]\"'"
CLOSER_SET = frozenset(CLOSERS)
# Clause punctuation: a line holding none of it looks like a heading, not body text.
CLAUSE_PUNCT = re.compile(r"[，,、；;：:。！？!?．“”《》]")

# Starts of list items, section numbers and set-off lines that always begin a new paragraph:
# ``（一）`` ``(1)`` ``一、`` ``1.`` ``1、`` ``①`` ``⑴`` ``——`` ``■`` ``□`` ``#`` bullets,
# ``第三章``, ``- item``, ``a) item``.  ``1.5亿元`` is no item: the number must not go on.
MARKER_START = re.compile(
    r"[（(][一二三四五六七八九十百零〇\d]{1,4}[)）]"
    r"|[一二三四五六七八九十百]{1,3}[、.．]"
    r"|\d{1,3}[.．、](?![\d.．])"
    r"|[①-⒇⒈-⒛❶-❿➀-➓]"
    r"|——|－－|—(?=[ \t])|[■□●○◆◇▲△▪•※★☆#*>]"
    r"|第[一二三四五六七八九十百零〇\d]{1,4}[章节条部篇编卷]"
    r"|[-–+][ \t]"
    r"|\(?[a-zA-Z][.)][ \t]"
)
# The characters a ``MARKER_START`` can begin with (keep the two in step): a cheap test that
# lets a search skip the lines that begin otherwise.
MARKER_FIRST = r"[（(一二三四五六七八九十百\d①-⒇⒈-⒛❶-❿➀-➓—－■□●○◆◇▲△▪•※★☆#*>第\-–+a-zA-Z]"
# The same at a line start in the lines joined by newlines (see ``Lines``): one pass over
# the text instead of one search per line.
MARKER_LINE = re.compile(r"\n(?=" + MARKER_FIRST + ")(?:" + MARKER_START.pattern + ")")
# A line made only of dots or an ellipsis stands for omitted text: keep it alone.
ELLIPSIS_LINE = re.compile(r"\n[.。…·．]{2,}(?=\n)")
# The characters of such a line: a document where no line begins with one has none.
ELLIPSIS_CHARS = frozenset(".。…·．")
# A line ending in a colon is a label (``市教育局局长姜元韶:``) when it is short.
LABEL_ENDS = frozenset(":：")
# Two CJK words separated by spaces: headlines and decks (``千字为先 勇当龙头``), never
# running text.  One pattern per kind of space, each starting with it (the CJK before it is
# looked behind), so that a search skips fast to the rare spaces.
SPACED_CJK = tuple(
    (space, re.compile(space + r"(?<=[\u4e00-\u9fff“”]" + space + r")[ \t\u3000]*[\u4e00-\u9fff“”—]"))
    for space in (" ", "\t", "\u3000")
)


FIRST, LAST = itemgetter(0), itemgetter(-1)  # a line's first and last character


def _width(text: str) -> float:
    """Display width: CJK (non-ASCII) characters 1, ASCII 1/2."""
    return len(text) - len(text.encode("ascii", "ignore")) / 2


def _is_indented(gap: str) -> bool:
    """The spaces between the last newline of ``gap`` and a line's text indent it."""
    indent = gap[gap.rfind("\n") + 1 :]
    return "\u3000" in indent or len(indent.replace("\r", "")) >= 2


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _line_numbers(joined: str, matches: Iterable[re.Match[str]]) -> Iterator[int]:
    """The line of each match (in order) in ``joined``, the lines joined as in ``Lines``:
    counting the newlines from one match to the next keeps it one pass over the text."""
    line, pos = -1, 0
    for match in matches:
        end = match.start() + 1  # a match on the newline before a line is on that line
        line += joined.count("\n", pos, end)
        pos = end
        yield line


class Lines:
    """A document's non-blank lines, as parallel lists, and the statistics the decisions use.

    Built from ``parts``, a document split at its lines (``LINE.split``): the spaces before
    each line alternating with the line, and last the spaces after the last line.
    Line ``k`` is ``texts[k]`` (the spaces at its ends left out) at ``starts[k]:ends[k]``,
    after the spaces ``gaps[k]``.  Needs at least two lines.
    """

    def __init__(self, parts: list[str], cfg: LinewrapConfig) -> None:
        self.cfg = cfg
        self.gaps, self.texts = parts[0:-1:2], parts[1::2]  # the spaces before each line, its text
        bounds = list(accumulate(map(len, parts)))
        self.starts, self.ends = bounds[0:-1:2], bounds[1::2]
        texts = self.texts
        #: the lines joined by newlines (and one before the first, one after the last): one
        #: text that whole-text passes search, each match then counted to its line
        self.joined = "\n" + "\n".join(texts) + "\n"
        self.widths = [len(s) - len(s.encode("ascii", "ignore")) / 2 for s in texts]  # _width
        self.firsts, self.lasts = list(map(FIRST, texts)), list(map(LAST, texts))
        # (most lines end in neither a stop nor a closer: their last character tells at once)
        self.stop_end = [
            last in STOPS or (last in CLOSERS and s.rstrip(CLOSERS)[-1:] in STOPS)
            for s, last in zip(texts, self.lasts, strict=True)
        ]
        #: widths of the lines that may be in a column: not those ending a sentence (-1.0)
        self.column_widths = [
            -1.0 if stop else width for width, stop in zip(self.widths, self.stop_end, strict=True)
        ]
        self.widest = max(self.widths)
        self.count = len(texts)
        # (the column knobs, read once: :meth:`is_full` asks for them at many lines)
        self._window, self._column_min_lines = cfg.column_window, cfg.column_min_lines
        self._min_column_width, self._max_column_width = cfg.min_column_width, cfg.max_column_width
        self._column_share, self._column_stretch = 1 - cfg.column_tolerance, 1 + cfg.column_tolerance
        self._fill_ratio, self._column_slack = cfg.fill_ratio, cfg.column_slack
        self._measure_gaps()
        self._find_set_off_lines()

    def _measure_gaps(self) -> None:
        """Whether blank lines (``blank_before``) and indents (``indented``) mark paragraphs.

        A document uses few distinct gaps between lines, so each is judged once; the lists
        per line are only built for a document where they decide anything."""
        gaps, cfg = self.gaps, self.cfg
        distinct = set(gaps)
        blank_gaps = {gap for gap in distinct if gap.count("\n") > 1}
        # the breaks between lines: every gap but the spaces before the first line
        blank_breaks = sum(map(gaps.count, blank_gaps)) - (gaps[0] in blank_gaps)
        blank_share = blank_breaks / (len(gaps) - 1)
        #: blank lines mark paragraphs only when some breaks have them and some do not
        self.blank_means_paragraph = 1 - cfg.uniform_blank_share < blank_share < cfg.uniform_blank_share
        self.blank_before: list[bool] = []
        #: typical width of lines followed by a single newline (mixed documents)
        self.wrap_width = 0.0
        if self.blank_means_paragraph:
            self.blank_before = [gap in blank_gaps for gap in gaps]
            self.blank_before[0] = False  # (no break before the first line)
            wrapped = [
                width
                for width, blank, stop in zip(self.widths, self.blank_before[1:], self.stop_end, strict=False)
                if not blank and not stop
            ]
            self.wrap_width = median(wrapped) if wrapped else 0.0
        indents = {gap: not gap.endswith("\n") and _is_indented(gap) for gap in distinct}
        #: an indent marks a paragraph only when some lines have one and some do not
        self.indent_means_paragraph = any(indents.values()) and not all(indents.values())
        self.indented = [indents[gap] for gap in gaps] if self.indent_means_paragraph else []

    def _find_set_off_lines(self) -> None:
        """Fill ``markers`` (line -> end of its list or section marker), ``headings`` and
        ``standalone`` (line -> the reason it starts its own paragraph) in a few whole-text passes."""
        texts, widths, most, joined = self.texts, self.widths, self.cfg.max_heading_width, self.joined
        markers = list(MARKER_LINE.finditer(joined))
        # (a marker match starts at the newline before its line)
        self.markers = {
            k: m.end() - m.start() - 1 for k, m in zip(_line_numbers(joined, markers), markers, strict=True)
        }
        self.headings = {k for k in self.markers if texts[k][0] in "#■□"}
        for space, pattern in SPACED_CJK:
            if space in joined:
                self.headings.update(
                    k for k in _line_numbers(joined, pattern.finditer(joined)) if widths[k] <= most
                )
        self.standalone = dict.fromkeys(self.headings, "heading")
        # (the first and last characters of the lines tell at once that most documents have
        # neither ellipsis lines nor labels)
        if not ELLIPSIS_CHARS.isdisjoint(self.firsts):
            self.standalone.update(
                (k, "ellipsis_line") for k in _line_numbers(joined, ELLIPSIS_LINE.finditer(joined))
            )
        if not LABEL_ENDS.isdisjoint(self.lasts):
            labels = compress(range(self.count), map(LABEL_ENDS.__contains__, self.lasts))
            self.standalone.update((k, "label") for k in labels if widths[k] <= most)
        self.standalone.update(dict.fromkeys(self.markers, "list_or_section_start"))

    def is_short_heading(self, i: int) -> bool:
        """The line after line ``i`` is much shorter and holds no clause punctuation."""
        b = i + 1
        return self.widths[b] < self._fill_ratio * self.widths[i] and not CLAUSE_PUNCT.search(self.texts[b])

    def _column_of(self, candidates: list[float]) -> tuple[float, float, float]:
        """Width, least width and typical width of the widest column among lines of
        ``candidates`` widths (sorted ascending, lines that cannot be in a column negative)."""
        cfg = self.cfg
        for top in range(len(candidates) - 1, -1, -1):
            width = candidates[top]
            if width > cfg.max_column_width:
                continue
            if width < cfg.min_column_width:
                break
            floor = width * (1 - cfg.column_tolerance)
            # the members: the widths from ``floor`` up to this one (sorted, so one bisection)
            members = top + 1 - bisect_left(candidates, floor)
            if members >= cfg.column_min_lines:
                return width, floor, candidates[top - members // 2]
        return 0.0, 0.0, 0.0

    def is_full(self, i: int) -> bool:
        """True when line ``i`` fills the column that the lines around it form.

        The column is the widest group of at least ``column_min_lines`` lines nearby within
        ``column_tolerance`` of each other.  "Nearby" is up to ``column_window`` lines each
        side, up to the first line half again as wide as line ``i`` (and two more characters).
        Lines ending a sentence are left out (a paragraph's last line is as long as it
        happens to be), and so are lines too narrow or too wide to be a column.
        """
        # (one method, not a column method and this one: a third of all breaks ask, and the
        # call with its five results cost a fiftieth of the stage)
        window, widths = self._window, self.widths
        own = widths[i]
        # the column stops at a much wider line: that is another block (a paragraph set wide)
        limit = own * 1.5 + 2
        first = i - window if i > window else 0
        last = i + window + 1
        if last > self.count:
            last = self.count
        # (in most documents no line is that wide, and then no window needs a look)
        if self.widest > limit and max(widths[first:last]) > limit:
            low, high = first, last
            first, last = i, i + 1
            while first > low and widths[first - 1] <= limit:
                first -= 1
            while last < high and widths[last] <= limit:
                last += 1
        candidates = self.column_widths[first:last]
        candidates[i - first] = own
        candidates.sort()
        # its width, the least width of its lines and their typical width; most often the
        # widest line makes the column (the first step of ``_column_of``, done here)
        width = candidates[-1]
        members = 0
        if self._min_column_width <= width <= self._max_column_width:
            floor = width * self._column_share
            members = len(candidates) - bisect_left(candidates, floor)
        if members >= self._column_min_lines:
            typical = candidates[-1 - members // 2]
        else:
            width, floor, typical = self._column_of(candidates)
            if not width:
                return False
        # (the typical width, not the widest: the widest line may hold half-width digits)
        least = self._fill_ratio * typical
        if typical - self._column_slack < least:  # (``min`` of the two, without the call)
            least = typical - self._column_slack
        if not least <= own <= width * self._column_stretch:
            return False
        head = self.firsts[i + 1]
        if head < "\x80" and head.isalnum():  # (``_is_latin``, without the call)
            a, b = self.texts[i], self.texts[i + 1]
            if _is_latin(a.rstrip(CLOSERS + ".!?")[-1:] or " "):
                # ragged right: the next word would not have fitted on this line
                return own + _width(b.split(None, 1)[0]) + 0.5 > width
        # stacked headings or name lists share a width too, but hold no clause punctuation
        # (most lines of running text hold a comma: ``in`` finds one faster than a search)
        column_widths, texts = self.column_widths, self.texts
        for k in range(first, last):
            if k != i and floor <= column_widths[k] <= width:
                text = texts[k]
                if "，" in text or "," in text or CLAUSE_PUNCT.search(text):
                    return True
        return False
