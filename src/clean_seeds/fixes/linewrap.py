"""Stage `linewrap`: join lines that the page layout or OCR broke mid-sentence.

OCR'd pages break text at the column edge (``在深入实施城市更新和城市建设的同`` / ``时,青岛…``)
and sometimes once inside an otherwise long line (``…国际大都市的`` / ``实施意见》…``).  This
stage joins such lines and keeps every real paragraph break.

Whether blank lines mean anything is decided per document: when (nearly) every break between
text lines has a blank line, or none has (share of blank-line breaks at least
``uniform_blank_share`` or at most ``1 - uniform_blank_share``), blank lines carry no
information and each break is judged by its content alone.  Otherwise (some breaks blank,
some not) a blank line is a paragraph break and a single newline is a wrap unless the line
is short or ends a sentence.

Each break between a line ``A`` and the next line ``B`` is judged in this order:

1. keep: ``B`` starts a list item or section (``（一）``, ``一、``, ``1.``, ``①``, ``——``, ``■``,
   ``□``, ``#``, bullets), is a label (short and ends in ``:``), an ellipsis line or a heading
   (short, with a space between CJK words: ``拉高标杆 全力冲刺``); ``A`` is a heading, caption
   or byline;
2. join on strong evidence: ``B`` starts with a closing bracket, quote or clause punctuation,
   ``A`` ends with an opening bracket or quote, a comma or ``、``, or one of ``non_final_chars``
   (``的``…); a number broken before its digits or unit (``1583.9`` / ``亿元``); ``B`` begins
   with a one-character fragment (``务;…``); an English line continuing in lower case;
3. keep: ``A`` ends a sentence (``。！？`` and closing quotes after them), ends in ``——``,
   ``……`` or a colon; ``B`` is indented while ``A`` is not;
4. join: ``A`` is a full line of a column, i.e. at least ``column_min_lines`` lines nearby
   (``column_window`` each side) have about its width (``column_tolerance``) and ``A`` fills
   ``fill_ratio`` of it; in English the first word of ``B`` would not have fitted on ``A``;
5. join: ``A`` belongs to body text (a line of at least ``min_body_width`` holding a sentence
   end) that stops without punctuation, or whose last clause is an enumeration (``、``);
6. otherwise keep; a long line that stops without punctuation is flagged
   ``undecided_line_break`` for review instead of guessed.

Widths count CJK characters as 1 and ASCII as 1/2, so digits and Latin letters do not make a
column line look long.  Joins replace just the break (newlines, blank lines, and spaces at the
line ends) with ``""`` or, between two Latin words, ``" "``.  An English word hyphenated at a line
end (``exam-`` / ``ple``) is the rule :func:`dehyphenate`.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from itertools import accumulate, chain
from statistics import median

from ..edits import flag, replace_spans
from ..models import Cleaned, Edit

STAGE = "linewrap"

# --- Patterns and character classes --------------------------------------------------------

# A line's text without the spaces at its ends, and the spaces (newlines included) before it.
LINE = re.compile(r"(\s*)(\S(?:[^\n]*\S)?)")
# Sentence-final punctuation (CJK and ASCII); a line ending in one (closing quotes after it
# allowed) ends a sentence.
STOPS = frozenset("。！？!?．｡.…")
# Closing quotes and brackets that may follow a sentence end on the same line.
CLOSERS = "”’」』）)》】〕]\"'"
# Clause punctuation: a line holding none of it looks like a heading, not body text.
CLAUSE_PUNCT = re.compile(r"[，,、；;：:。！？!?．“”《》]")
# A sentence end inside a line (not at its end): the line belongs to running text.  In
# English a full stop counts when a space follows (``13.7%`` and ``No.5`` do not).
INNER_STOP = re.compile(r"[。！？](?=.)|[.!?][\"')\]]*[ \t]+\S")
# The last clause of a line: what follows its last clause punctuation.
LAST_CLAUSE = re.compile(r"[^，,；;：:。！？!?]*$")

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
# The same at a line start in the lines joined by newlines (see ``_Document``): one pass
# over the text instead of one search per line.
MARKER_LINE = re.compile(r"\n(?:" + MARKER_START.pattern + ")")
# A line made only of dots or an ellipsis stands for omitted text: keep it alone.
ELLIPSIS_LINE = re.compile(r"\n[.。…·．]{2,}(?=\n)")
# Two CJK words separated by spaces: headlines and decks (``千字为先 勇当龙头``), never
# running text.  It starts at the space (the CJK before it is looked behind) so that a search
# skips fast to the rare spaces.
SPACED_CJK = re.compile(r"[ \t\u3000](?<=[\u4e00-\u9fff“”].)[ \t\u3000]*[\u4e00-\u9fff“”—]")
# ``B`` opens with a character that cannot begin a paragraph: it continues ``A``.
CONTINUATION_START = frozenset("，,、；;：:。！？）)》」』】〕”’%‰")
# ``A`` ends with a character after which the sentence must go on.
OPEN_END = frozenset("（(《「『【〔“‘，,、")
# ``B`` opens with a one-character fragment and a clause or sentence mark (``务;创新办学…``);
# two characters would catch paragraphs opening ``今年,…``.
FRAGMENT_START = re.compile(r"[\u4e00-\u9fff][，,、；;。！？!?]")
FRAGMENT_MARKS = "，,、；;。！？!?"
# The same with up to two characters: evidence only together with a full column line.
FRAGMENT2_START = re.compile(r"[\u4e00-\u9fff]{1,2}[，,、；;。！？!?]")
# A number broken across lines: ``A`` ends in a digit (and maybe a decimal point) ...
NUMBER_END = re.compile(r"\d[.．]?$")
# ... and ``B`` goes on with digits or a unit / measure word.
NUMBER_GOES_ON = re.compile(r"[\d亿万千百元角个%‰年月日号时分秒岁倍名项家座条台件户人次吨米升克公里平]")
# Latin continuation: ``A`` ends in a letter, digit or comma (and ``B`` starts in lower case).
LATIN_END = re.compile(r"[A-Za-z0-9,;]$")
# CJK characters (and full-width forms), which join without a space.
CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
# Opening/closing pairs checked for a quote or title left open at a line end.
PAIRS = (("“", "”"), ("《", "》"), ("（", "）"), ("(", ")"), ("「", "」"), ("『", "』"))

# A word hyphenated at a line end: letters, ``-``, the break (blank lines allowed), then a
# lower-case word.  ``--`` and a dash after a space (``foo -``) are not hyphenation.
HYPHEN_BREAK = re.compile(r"(?<![A-Za-z-])([A-Za-z]+)-[ \t]*\n(?:[ \t]*\n)*[ \t]*([a-z]+)")
# Two Latin letters in a row: a text without them has no English words to count.
LATIN_PAIR = re.compile(r"[A-Za-z]{2}")
# Latin words, and hyphenated compounds, as counted for :func:`dehyphenate`.
LATIN_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")

#: Prefixes that keep their hyphen when a compound is split at a line end (``well-`` /
#: ``known`` -> ``well-known``) unless the document or corpus has the closed-up word.
HYPHEN_PREFIXES = (
    "all", "anti", "co", "cross", "ex", "half", "high", "inter", "low", "long", "multi", "non",
    "post", "pre", "pro", "quasi", "re", "self", "semi", "short", "so", "sub", "super", "ultra",
    "un", "well", "wide", "world", "state", "full", "open", "one", "two", "three", "four",
    "five", "first", "second", "third", "large", "small", "middle", "mid", "year", "old",
)  # fmt: skip


@dataclass(frozen=True)
class LinewrapConfig:
    """Switches and knobs of the `linewrap` stage."""

    #: run this stage at all
    enabled: bool = True
    #: remove the hyphen of an English word split at a line end (``exam-``/``ple`` -> ``example``)
    dehyphenate: bool = True
    #: join lines broken mid-sentence; flag breaks it cannot decide
    join_wrapped_lines: bool = True
    #: blank lines carry no information when at least this share of breaks has one (or at most 1 - it)
    uniform_blank_share: float = 0.9
    #: lines looked at on each side of a line to find the column it belongs to
    column_window: int = 4
    #: a column needs at least this many lines of about the same width nearby (the line included)
    column_min_lines: int = 3
    #: lines within this share of a line's width count as the same column
    column_tolerance: float = 0.15
    #: a line filling at least this share of its column's width is a wrapped (full) line
    fill_ratio: float = 0.75
    #: a line at most this many characters short of its column is full, whatever fill_ratio says
    #: (a paragraph's first line is indented by two characters)
    column_slack: float = 3.0
    #: narrowest column width (CJK characters; ASCII counts 1/2): narrower lines are lists or verse
    min_column_width: float = 8.0
    #: widest column (same units): longer lines are paragraphs, however alike their widths
    max_column_width: float = 60.0
    #: narrowest line (same units) taken as body text when it holds a sentence end
    min_body_width: float = 20.0
    #: widest label (``市教育局局长姜元韶:``) or heading kept on its own line
    max_heading_width: float = 30.0
    #: CJK characters a clause does not end on (particles, conjunctions, prepositions)
    non_final_chars: str = "的把被从让"
    #: prefixes that keep their hyphen (``well-known``) unless the closed-up word is seen
    hyphen_prefixes: tuple[str, ...] = HYPHEN_PREFIXES
    #: most distinct words the corpus word list for :func:`dehyphenate` holds
    max_corpus_words: int = 200_000
    #: sorted words and hyphenated compounds seen in the corpus (lower case), filled by the pipeline
    corpus_words: tuple[str, ...] = field(default=(), metadata={"internal": True})

    def __post_init__(self) -> None:
        if not 0.5 < self.uniform_blank_share <= 1.0:
            raise ValueError(
                f"linewrap.uniform_blank_share must be in (0.5, 1], got {self.uniform_blank_share}"
            )
        if not 0.0 < self.fill_ratio <= 1.0 or not 0.0 <= self.column_tolerance < 1.0:
            raise ValueError(
                "linewrap.fill_ratio must be in (0, 1] and column_tolerance in [0, 1), got "
                f"{self.fill_ratio} and {self.column_tolerance}"
            )
        if self.column_window < 1 or self.column_min_lines < 2:
            raise ValueError(
                "linewrap.column_window must be >= 1 and column_min_lines >= 2, got "
                f"{self.column_window} and {self.column_min_lines}"
            )


# --- Lines -----------------------------------------------------------------------------------


def _width(text: str) -> float:
    """Display width: CJK (non-ASCII) characters 1, ASCII 1/2."""
    return len(text) - len(text.encode("ascii", "ignore")) / 2


def _is_indented(gap: str) -> bool:
    """The spaces between the last newline of ``gap`` and a line's text indent it."""
    indent = gap[gap.rfind("\n") + 1 :]
    return "\u3000" in indent or len(indent.replace("\r", "")) >= 2


# --- Deciding one break ----------------------------------------------------------------------

JOIN, KEEP, UNDECIDED = "join", "keep", "undecided"


class _Document:
    """A document's non-blank lines, as parallel lists, and the statistics the decisions use.

    Line ``k`` is ``texts[k]`` (the spaces at its ends left out) at ``starts[k]:ends[k]``.
    """

    def __init__(self, pairs: list[tuple[str, str]], cfg: LinewrapConfig) -> None:
        self.cfg = cfg
        gaps, self.texts = zip(*pairs, strict=True)  # the spaces before each line, its text
        bounds = list(accumulate(map(len, chain.from_iterable(pairs))))
        self.starts, self.ends = bounds[0::2], bounds[1::2]
        self.widths = [len(s) - len(s.encode("ascii", "ignore")) / 2 for s in self.texts]  # _width
        self.stop_end = [s.rstrip(CLOSERS)[-1:] in STOPS for s in self.texts]
        #: widths of the lines that may be in a column: not those ending a sentence (-1.0)
        self.column_widths = [
            -1.0 if stop else width for width, stop in zip(self.widths, self.stop_end, strict=True)
        ]
        self._columns: dict[tuple[float, ...], tuple[float, float, float]] = {}
        self.blank_before = [False, *(gap.count("\n") > 1 for gap in gaps[1:])]
        self.indented = [not gap.endswith("\n") and _is_indented(gap) for gap in gaps]
        self.indent_means_paragraph = not all(self.indented)
        blank_share = sum(self.blank_before) / (len(pairs) - 1)
        #: blank lines mark paragraphs only when some breaks have them and some do not
        self.blank_means_paragraph = 1 - cfg.uniform_blank_share < blank_share < cfg.uniform_blank_share
        #: typical width of lines followed by a single newline (mixed documents)
        self.wrap_width = 0.0
        if self.blank_means_paragraph:
            wrapped = [
                width
                for width, blank, stop in zip(self.widths, self.blank_before[1:], self.stop_end, strict=False)
                if not blank and not stop
            ]
            self.wrap_width = median(wrapped) if wrapped else 0.0
        self._find_set_off_lines()

    def _find_set_off_lines(self) -> None:
        """Fill ``markers`` (line -> end of its list or section marker), ``headings`` and
        ``standalone`` (line -> the reason it starts its own paragraph) in a few whole-text passes."""
        texts, widths, most = self.texts, self.widths, self.cfg.max_heading_width
        joined = "\n" + "\n".join(texts) + "\n"
        seps = [0, *accumulate(len(text) + 1 for text in texts)]  # where the newline before each line is

        def line_of(match: re.Match[str]) -> int:
            return bisect.bisect_right(seps, match.start()) - 1

        self.markers = {(k := line_of(m)): m.end() - seps[k] - 1 for m in MARKER_LINE.finditer(joined)}
        self.headings = {k for k in self.markers if texts[k][0] in "#■□"}
        self.headings.update(k for m in SPACED_CJK.finditer(joined) if widths[k := line_of(m)] <= most)
        self.standalone = dict.fromkeys(self.headings, "heading")
        self.standalone.update((line_of(m), "ellipsis_line") for m in ELLIPSIS_LINE.finditer(joined))
        self.standalone.update(
            (k, "label") for k, text in enumerate(texts) if text[-1] in ":：" and widths[k] <= most
        )
        self.standalone.update(dict.fromkeys(self.markers, "list_or_section_start"))

    def column(self, i: int) -> tuple[int, int, float, float, float]:
        """The lines ``first:last`` around line ``i`` and the column they form: its width, the
        least width of its lines and their typical width (``width`` is 0.0 when there is none).

        The column is the widest group of at least ``column_min_lines`` lines nearby within
        ``column_tolerance`` of each other.  "Nearby" is up to ``column_window`` lines each
        side, up to the first line half again as wide as line ``i`` (and two more characters).
        Lines ending a sentence are left out (a paragraph's last line is as long as it
        happens to be), and so are lines too narrow or too wide to be a column.
        """
        window, widths = self.cfg.column_window, self.widths
        # the column stops at a much wider line: that is another block (a paragraph set wide)
        limit = widths[i] * 1.5 + 2
        first, last = max(0, i - window), min(len(widths), i + window + 1)
        if max(widths[first:last]) > limit:
            first, last = i, i + 1
            while first > max(0, i - window) and widths[first - 1] <= limit:
                first -= 1
            while last < min(len(widths), i + window + 1) and widths[last] <= limit:
                last += 1
        candidates = self.column_widths[first:last]
        candidates[i - first] = widths[i]
        candidates.sort(reverse=True)
        key = tuple(candidates)
        if key not in self._columns:
            self._columns[key] = self._column_of(candidates)
        return (first, last, *self._columns[key])

    def _column_of(self, candidates: list[float]) -> tuple[float, float, float]:
        """Width, least width and typical width of the widest column among lines of
        ``candidates`` widths (widest first, lines that cannot be in a column negative)."""
        cfg = self.cfg
        for top, width in enumerate(candidates):
            if width > cfg.max_column_width:
                continue
            if width < cfg.min_column_width:
                break
            floor = width * (1 - cfg.column_tolerance)
            members = [w for w in candidates[top:] if w >= floor]
            if len(members) >= cfg.column_min_lines:
                return width, floor, members[len(members) // 2]
        return 0.0, 0.0, 0.0

    def is_full(self, i: int) -> bool:
        """True when line ``i`` fills the column that the lines around it form."""
        first, last, width, floor, typical = self.column(i)
        if not width:
            return False
        cfg, widths, a, b = self.cfg, self.widths, self.texts[i], self.texts[i + 1]
        # (the typical width, not the widest: the widest line may hold half-width digits)
        low = min(cfg.fill_ratio * typical, typical - cfg.column_slack)
        if not low <= widths[i] <= width * (1 + cfg.column_tolerance):
            return False
        if _is_latin(b[0]) and _is_latin(a.rstrip(CLOSERS + ".!?")[-1:] or " "):
            # ragged right: the next word would not have fitted on this line
            return widths[i] + _width(b.split(None, 1)[0]) + 0.5 > width
        # stacked headings or name lists share a width too, but hold no clause punctuation
        column_widths = self.column_widths
        return any(
            floor <= column_widths[k] <= width and CLAUSE_PUNCT.search(self.texts[k])
            for k in range(first, last)
            if k != i
        )

    def strong_join(self, i: int) -> str:
        """The evidence that line ``i`` and the next are one sentence, or ``""``."""
        a, b = self.texts[i], self.texts[i + 1]
        tail, head = a[-1], b[0]
        if head in CONTINUATION_START:
            return "continuation_punctuation"
        if tail in OPEN_END:
            return "open_end"
        if tail in self.cfg.non_final_chars:
            return "non_final_char"
        if (tail.isdecimal() or tail in ".．") and NUMBER_END.search(a[-3:]) and NUMBER_GOES_ON.match(head):
            return "broken_number"
        stop_end = self.stop_end[i]
        if (
            b[1:2] in FRAGMENT_MARKS
            and _is_han(tail)
            and not stop_end
            and self.widths[i] >= self.cfg.min_column_width
            and FRAGMENT_START.match(b)
        ):
            return "word_fragment"
        if "a" <= head <= "z" and LATIN_END.search(tail):
            return "lower_case_continuation"
        if not stop_end and _left_open(a, b):
            return "open_quote"
        return ""

    def decide(self, i: int, para_width: float, para_inner_stop: bool) -> tuple[str, str]:
        """Join, keep or undecided for the break after line ``i``, with a reason code; the
        paragraph ending at line ``i`` is ``para_width`` wide and may hold a sentence end."""
        cfg, a, a_width, a_stop = self.cfg, self.texts[i], self.widths[i], self.stop_end[i]
        if reason := self.standalone.get(i + 1):
            # a paragraph's last line ending in a colon looks like a label: the column tells
            if reason == "label" and not a_stop and self.is_full(i):
                return JOIN, "column_line"
            return KEEP, reason
        if i in self.headings:
            return KEEP, "heading"
        if (
            a[-1] in "。！？"
            and self.texts[i + 1][0] not in CONTINUATION_START
            and a[-1] not in cfg.non_final_chars
        ):
            return KEEP, "sentence_end"  # a shortcut: no rule below but ``sentence_end`` takes it
        if reason := self.strong_join(i):
            return JOIN, reason
        if (marker_end := self.markers.get(i)) and not CLAUSE_PUNCT.search(a, marker_end):
            # a numbered heading, unless a full column line goes on with a word fragment
            if FRAGMENT2_START.match(self.texts[i + 1]) and self.is_full(i):
                return JOIN, "column_line"
            return KEEP, "numbered_heading"
        tail = a.rstrip(CLOSERS)
        if not tail:
            return KEEP, "sentence_end"
        if a_stop and not (_latin_sentence(tail) and self._latin_full(i)):
            return KEEP, "sentence_end"
        if tail.endswith(("——", "…", ":", "：", "-", "－")):
            return KEEP, "set_off_end"
        if self.indent_means_paragraph and self.indented[i + 1] and not self.indented[i]:
            return KEEP, "indented_start"
        if self.blank_means_paragraph:
            if self.blank_before[i + 1]:
                return KEEP, "blank_line"
            if self.wrap_width and a_width >= cfg.fill_ratio * self.wrap_width:
                return JOIN, "wrapped_line"
        if self.is_short_heading(i):
            return KEEP, "short_heading"
        if self.is_full(i):
            return JOIN, "column_line"
        if a_stop or not tail[-1].isalnum():
            return KEEP, "clause_end"
        return self._body_break(i, para_width, para_inner_stop)

    def is_short_heading(self, i: int) -> bool:
        """The line after line ``i`` is much shorter and holds no clause punctuation."""
        b = i + 1
        return self.widths[b] < self.cfg.fill_ratio * self.widths[i] and not CLAUSE_PUNCT.search(
            self.texts[b]
        )

    def _latin_full(self, i: int) -> bool:
        """An English sentence end on a full line: the paragraph may still go on."""
        if not _is_latin(self.texts[i + 1][0]) or self.is_short_heading(i):
            return False
        if self.blank_means_paragraph and not self.blank_before[i + 1] and self.wrap_width:
            return self.widths[i] >= self.cfg.fill_ratio * self.wrap_width
        return self.is_full(i)

    def _body_break(self, i: int, para_width: float, para_inner_stop: bool) -> tuple[str, str]:
        """Line ``i`` stops without punctuation outside a column: body text cut, or a heading."""
        cfg, a, b = self.cfg, self.texts[i], self.texts[i + 1]
        if para_width < cfg.min_body_width:
            return KEEP, "short_line"
        if self.widths[i + 1] <= cfg.max_heading_width and not CLAUSE_PUNCT.search(b):
            return KEEP, "heading"
        if para_inner_stop:
            return JOIN, "cut_sentence"
        a_punct = CLAUSE_PUNCT.search(a) is not None
        if a_punct and "、" in LAST_CLAUSE.search(a).group():  # type: ignore[union-attr]
            return JOIN, "open_enumeration"
        if a_punct:
            return UNDECIDED, "undecided_line_break"
        return KEEP, "heading"


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def _latin_sentence(tail: str) -> bool:
    """``tail`` (closing quotes removed) ends an English sentence: ``word.``."""
    return len(tail) > 1 and tail[-1] in ".!?" and _is_latin(tail[-2])


def _left_open(a: str, b: str) -> bool:
    """A quote or title opened in ``A`` closes in ``B`` before anything opens again."""
    for opening, closing in PAIRS:
        if closing in b and a.count(opening) > a.count(closing):
            close_at = b.find(closing)
            open_at = b.find(opening)
            if close_at != -1 and (open_at == -1 or close_at < open_at):
                return True
    return False


def _joiner(a: str, b: str) -> str:
    """``" "`` between two Latin words or numbers, ``""`` when CJK is on either side."""
    tail, head = a[-1], b[0]
    if not (tail.isascii() and head.isascii()):
        return ""
    if tail.isalpha() and head.isalpha():
        return " "
    context = a[-8:] + b[:8]
    return "" if CJK.search(context) else " "


def join_wrapped_lines(text: str, cfg: LinewrapConfig) -> Cleaned:
    """Join lines broken mid-sentence; keep paragraph breaks; flag breaks it cannot decide.

    >>> column = "在深入实施城市更新和城市建设的同\\n\\n时,青岛紧紧扭住城市建设管理领域的突\\n\\n"
    >>> column += "出问题,聚焦群众“急难愁盼”,以全国文明\\n\\n典范城市创建为契机,着力解决“堵”的问\\n\\n"
    >>> column += "题。\\n\\n坚持发展第一要务\\n\\n"
    >>> print(join_wrapped_lines(column, LinewrapConfig()).text)
    在深入实施城市更新和城市建设的同时,青岛紧紧扭住城市建设管理领域的突出问题,聚焦群众“急难愁盼”,以全国文明典范城市创建为契机,着力解决“堵”的问题。
    <BLANKLINE>
    坚持发展第一要务
    <BLANKLINE>
    <BLANKLINE>
    """
    if "\n" not in text.strip():
        return Cleaned(text)
    pairs = LINE.findall(text)
    if len(pairs) < 2:
        return Cleaned(text)
    doc = _Document(pairs, cfg)
    texts, widths, starts, ends = doc.texts, doc.widths, doc.starts, doc.ends
    spans: list[tuple[int, int, str]] = []
    flags: list[Edit] = []
    # the paragraph (lines joined so far) ending at line i: its width, and whether it holds a sentence end
    para_width, para_inner_stop = widths[0], INNER_STOP.search(texts[0]) is not None
    decide = doc.decide
    for i in range(len(texts) - 1):
        verdict, reason = decide(i, para_width, para_inner_stop)
        if verdict == JOIN:
            spans.append((ends[i], starts[i + 1], _joiner(texts[i], texts[i + 1])))
            para_width += widths[i + 1]
            para_inner_stop = (
                para_inner_stop or doc.stop_end[i] or INNER_STOP.search(texts[i + 1]) is not None
            )
            continue
        if verdict == UNDECIDED:
            tail, head = texts[i][-12:], texts[i + 1][:12]
            flags.append(
                flag("join_wrapped_lines", text, ends[i], starts[i + 1], reason, tail=tail, head=head)
            )
        para_width, para_inner_stop = widths[i + 1], INNER_STOP.search(texts[i + 1]) is not None
    result = replace_spans(text, "join_wrapped_lines", spans)
    return Cleaned(result.text, result.edits + tuple(flags))


# --- Hyphenation -----------------------------------------------------------------------------


def _known(word: str, doc_words: Counter[str], corpus: tuple[str, ...]) -> int:
    """How often ``word`` (lower case) occurs in the document, or 1 if only the corpus has it."""
    if doc_words[word]:
        return doc_words[word]
    at = bisect.bisect_left(corpus, word)
    return int(at < len(corpus) and corpus[at] == word)


def dehyphenate(text: str, cfg: LinewrapConfig) -> Cleaned:
    """Rejoin an English word split with a hyphen at a line end.

    The hyphen goes (``exam-``/``ple`` -> ``example``) unless the hyphenated compound is seen
    more often than the closed-up word in the document (or, failing that, the corpus), or,
    when neither is seen, the first part is one of ``hyphen_prefixes`` (``well-known``) or
    the hyphen ends a capitalised or one-letter part (``X-ray``).  No dictionary is used.

    >>> dehyphenate("a good exam-\\nple of a well-\\nknown trick", LinewrapConfig()).text
    'a good example of a well-known trick'
    """
    if "-" not in text or "\n" not in text:
        return Cleaned(text)
    matches = list(HYPHEN_BREAK.finditer(text))
    if not matches:
        return Cleaned(text)
    doc_words = Counter(w.lower() for w in LATIN_WORD.findall(text))
    spans = []
    for match in matches:
        first, second = match.group(1), match.group(2)
        closed = _known((first + second).lower(), doc_words, cfg.corpus_words)
        compound = _known(f"{first}-{second}".lower(), doc_words, cfg.corpus_words)
        if compound or closed:
            keep = compound > closed
        else:
            keep = first.lower() in cfg.hyphen_prefixes or len(first) == 1 or first[0].isupper()
        hyphen = match.end(1)
        if keep:
            spans.append((hyphen + 1, match.start(2), ""))
        else:
            spans.append((hyphen, match.start(2), ""))
    return replace_spans(text, "dehyphenate", spans)


class WordCollector:
    """Counts Latin words and hyphenated compounds over the corpus for :func:`dehyphenate`."""

    def __init__(self, cfg: LinewrapConfig) -> None:
        self.cfg = cfg
        self.words: set[str] = set()

    def add(self, text: str) -> None:
        self.take(observe(text, self.cfg))

    def take(self, words: tuple[str, ...]) -> None:
        """Remember one document's :func:`observe` words, up to ``max_corpus_words`` in all."""
        room = self.cfg.max_corpus_words - len(self.words)
        for word in words:
            if room <= 0:
                return
            if word not in self.words:
                self.words.add(word)
                room -= 1

    def finish(self) -> LinewrapConfig:
        return replace(self.cfg, corpus_words=tuple(sorted(self.words)))


def observe(text: str, cfg: LinewrapConfig) -> tuple[str, ...]:
    """The Latin words of one document, lower-cased, in order of first appearance.

    >>> observe("Well-known words, WELL known", LinewrapConfig())
    ('well-known', 'words', 'well', 'known')
    """
    if not cfg.dehyphenate or not LATIN_PAIR.search(text):
        return ()
    return tuple(dict.fromkeys(word.lower() for word in LATIN_WORD.findall(text)))


def collector(cfg: LinewrapConfig) -> WordCollector:
    """The corpus statistics this stage uses: the English words seen anywhere."""
    return WordCollector(cfg)


RULES = (dehyphenate, join_wrapped_lines)
