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
from statistics import median

from ..edits import flag, replace_spans
from ..models import Cleaned, Edit

STAGE = "linewrap"

# --- Patterns and character classes --------------------------------------------------------

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
# A line made only of dots or an ellipsis stands for omitted text: keep it alone.
ELLIPSIS_LINE = re.compile(r"[.。…·．]{2,}")
# Two CJK words separated by spaces: headlines and decks (``千字为先 勇当龙头``), never
# running text.
SPACED_CJK = re.compile(r"[\u4e00-\u9fff“”][ \t\u3000]+[\u4e00-\u9fff“”—]")
# ``B`` opens with a character that cannot begin a paragraph: it continues ``A``.
CONTINUATION_START = frozenset("，,、；;：:。！？）)》」』】〕”’%‰")
# ``A`` ends with a character after which the sentence must go on.
OPEN_END = frozenset("（(《「『【〔“‘，,、")
# ``B`` opens with a one-character fragment and a clause or sentence mark (``务;创新办学…``);
# two characters would catch paragraphs opening ``今年,…``.
FRAGMENT_START = re.compile(r"[\u4e00-\u9fff][，,、；;。！？!?]")
# The same with up to two characters: evidence only together with a full column line.
FRAGMENT2_START = re.compile(r"[\u4e00-\u9fff]{1,2}[，,、；;。！？!?]")
# A number broken across lines: ``A`` ends in a digit (and maybe a decimal point) ...
NUMBER_END = re.compile(r"\d[.．]?$")
# ... and ``B`` goes on with digits or a unit / measure word.
NUMBER_GOES_ON = re.compile(r"[\d亿万千百元角个%‰年月日号时分秒岁倍名项家座条台件户人次吨米升克公里平]")
# Latin continuation: ``A`` ends in a letter, digit or comma, ``B`` starts in lower case.
LATIN_END = re.compile(r"[A-Za-z0-9,;]$")
LATIN_LOWER_START = re.compile(r"[a-z]")
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


@dataclass(slots=True)
class _Line:
    """One non-blank line: content offsets (spaces at the ends excluded) and features."""

    start: int
    end: int
    text: str
    width: float
    indented: bool
    blank_before: bool
    stop_end: bool
    inner_stop: bool
    punct: bool


def _width(text: str) -> float:
    """Display width: CJK (non-ASCII) characters 1, ASCII 1/2."""
    if text.isascii():
        return len(text) / 2
    return len(text) - len(text.encode("ascii", "ignore")) / 2


def _ends_sentence(text: str) -> bool:
    """True when ``text`` ends in sentence-final punctuation, closing quotes after it allowed."""
    core = text.rstrip(CLOSERS)
    return bool(core) and core[-1] in STOPS


def _lines(text: str) -> list[_Line]:
    """The non-blank lines of ``text`` with their features."""
    out: list[_Line] = []
    pos = 0
    blank = False
    for raw in text.split("\n"):
        content = raw.strip()
        if content:
            lead = len(raw) - len(raw.lstrip())
            start = pos + lead
            indent = raw[:lead]
            out.append(
                _Line(
                    start=start,
                    end=start + len(content),
                    text=content,
                    width=_width(content),
                    indented="\u3000" in indent or len(indent.replace("\r", "")) >= 2,
                    blank_before=blank,
                    stop_end=_ends_sentence(content),
                    inner_stop=INNER_STOP.search(content) is not None,
                    punct=CLAUSE_PUNCT.search(content) is not None,
                )
            )
            blank = False
        elif out:
            blank = True
        pos += len(raw) + 1
    return out


# --- Deciding one break ----------------------------------------------------------------------

JOIN, KEEP, UNDECIDED = "join", "keep", "undecided"


@dataclass(slots=True)
class _Paragraph:
    """The logical line ending at ``A``: what the lines joined so far add up to."""

    width: float
    inner_stop: bool


class _Document:
    """A document's lines and the statistics the decisions use."""

    def __init__(self, lines: list[_Line], cfg: LinewrapConfig) -> None:
        self.lines = lines
        self.cfg = cfg
        breaks = lines[1:]
        blank_share = sum(b.blank_before for b in breaks) / len(breaks)
        #: blank lines mark paragraphs only when some breaks have them and some do not
        self.blank_means_paragraph = 1 - cfg.uniform_blank_share < blank_share < cfg.uniform_blank_share
        wrapped = [
            a.width for a, b in zip(lines, breaks, strict=False) if not b.blank_before and not a.stop_end
        ]
        #: typical width of lines followed by a single newline (mixed documents)
        self.wrap_width = median(wrapped) if self.blank_means_paragraph and wrapped else 0.0
        self.indent_means_paragraph = not all(line.indented for line in lines)

    def column(self, i: int) -> list[_Line]:
        """The lines of the column around line ``i``: the widest group of at least
        ``column_min_lines`` lines nearby within ``column_tolerance`` of each other, or ``[]``.

        "Nearby" is up to ``column_window`` lines each side, up to the first line half again
        as wide as line ``i`` (and two more characters).

        Lines ending a sentence are left out (a paragraph's last line is as long as it
        happens to be), and so are lines too narrow or too wide to be a column.
        """
        cfg, lines = self.cfg, self.lines
        # the column stops at a much wider line: that is another block (a paragraph set wide)
        limit = lines[i].width * 1.5 + 2
        first, last = i, i + 1
        while first > max(0, i - cfg.column_window) and lines[first - 1].width <= limit:
            first -= 1
        while last < min(len(lines), i + cfg.column_window + 1) and lines[last].width <= limit:
            last += 1
        candidates = sorted(
            (line for line in lines[first:last] if not line.stop_end or line is lines[i]),
            key=lambda line: -line.width,
        )
        for top, line in enumerate(candidates):
            if line.width > cfg.max_column_width:
                continue
            if line.width < cfg.min_column_width or len(candidates) - top < cfg.column_min_lines:
                break
            floor = line.width * (1 - cfg.column_tolerance)
            members = [m for m in candidates[top:] if m.width >= floor]
            if len(members) >= cfg.column_min_lines:
                return members
        return []

    def is_full(self, i: int, b: _Line) -> bool:
        """True when line ``i`` fills the column that the lines around it form."""
        a = self.lines[i]
        members = self.column(i)
        if not members:
            return False
        width = members[0].width
        typical = members[len(members) // 2].width  # the widest line may hold half-width digits
        low = min(self.cfg.fill_ratio * typical, typical - self.cfg.column_slack)
        if not low <= a.width <= width * (1 + self.cfg.column_tolerance):
            return False
        if _is_latin(a.text.rstrip(CLOSERS + ".!?")[-1:] or " ") and _is_latin(b.text[0]):
            # ragged right: the next word would not have fitted on this line
            return a.width + _width(b.text.split(None, 1)[0]) + 0.5 > width
        # stacked headings or name lists share a width too, but hold no clause punctuation
        return any(line.punct for line in members if line is not a)

    def is_heading(self, line: _Line) -> bool:
        """Headlines and decks set with spaces, and markup headings."""
        text = line.text
        if text[0] in "#■□":
            return True
        return line.width <= self.cfg.max_heading_width and SPACED_CJK.search(text) is not None

    def standalone(self, b: _Line) -> str:
        """The reason ``B`` must start its own paragraph, or ``""``."""
        text = b.text
        if MARKER_START.match(text):
            return "list_or_section_start"
        if text[-1] in ":：" and b.width <= self.cfg.max_heading_width:
            return "label"
        if ELLIPSIS_LINE.fullmatch(text):
            return "ellipsis_line"
        if self.is_heading(b):
            return "heading"
        return ""

    def strong_join(self, a: _Line, b: _Line) -> str:
        """The evidence that ``A`` and ``B`` are one sentence, or ``""``."""
        tail, head = a.text[-1], b.text[0]
        if head in CONTINUATION_START:
            return "continuation_punctuation"
        if tail in OPEN_END:
            return "open_end"
        if tail in self.cfg.non_final_chars:
            return "non_final_char"
        if NUMBER_END.search(a.text[-3:]) and NUMBER_GOES_ON.match(head):
            return "broken_number"
        if (
            _is_han(tail)
            and not a.stop_end
            and a.width >= self.cfg.min_column_width
            and FRAGMENT_START.match(b.text)
        ):
            return "word_fragment"
        if LATIN_END.search(tail) and LATIN_LOWER_START.match(head):
            return "lower_case_continuation"
        if not a.stop_end and _left_open(a.text, b.text):
            return "open_quote"
        return ""

    def decide(self, i: int, para: _Paragraph) -> tuple[str, str]:
        """Join, keep or undecided for the break after line ``i``, with a reason code."""
        a, b = self.lines[i], self.lines[i + 1]
        if reason := self.standalone(b):
            # a paragraph's last line ending in a colon looks like a label: the column tells
            if reason == "label" and not a.stop_end and self.is_full(i, b):
                return JOIN, "column_line"
            return KEEP, reason
        if self.is_heading(a):
            return KEEP, "heading"
        if reason := self.strong_join(a, b):
            return JOIN, reason
        if (marker := MARKER_START.match(a.text)) and not CLAUSE_PUNCT.search(a.text, marker.end()):
            # a numbered heading, unless a full column line goes on with a word fragment
            if FRAGMENT2_START.match(b.text) and self.is_full(i, b):
                return JOIN, "column_line"
            return KEEP, "numbered_heading"
        tail = a.text.rstrip(CLOSERS)
        if not tail:
            return KEEP, "sentence_end"
        if a.stop_end and not (_latin_sentence(tail) and self._latin_full(i, b)):
            return KEEP, "sentence_end"
        if tail.endswith(("——", "…", ":", "：", "-", "－")):
            return KEEP, "set_off_end"
        if self.indent_means_paragraph and b.indented and not a.indented:
            return KEEP, "indented_start"
        if self.blank_means_paragraph:
            if b.blank_before:
                return KEEP, "blank_line"
            if self.wrap_width and a.width >= self.cfg.fill_ratio * self.wrap_width:
                return JOIN, "wrapped_line"
        if not b.punct and b.width < self.cfg.fill_ratio * a.width:
            return KEEP, "short_heading"
        if self.is_full(i, b):
            return JOIN, "column_line"
        if a.stop_end or not tail[-1].isalnum():
            return KEEP, "clause_end"
        return self._body_break(a, b, para)

    def _latin_full(self, i: int, b: _Line) -> bool:
        """An English sentence end on a full line: the paragraph may still go on."""
        if not _is_latin(b.text[0]) or (not b.punct and b.width < self.cfg.fill_ratio * self.lines[i].width):
            return False
        if self.blank_means_paragraph and not b.blank_before and self.wrap_width:
            return self.lines[i].width >= self.cfg.fill_ratio * self.wrap_width
        return self.is_full(i, b)

    def _body_break(self, a: _Line, b: _Line, para: _Paragraph) -> tuple[str, str]:
        """``A`` stops without punctuation outside a column: body text cut, or a heading."""
        cfg = self.cfg
        if para.width < cfg.min_body_width:
            return KEEP, "short_line"
        if not b.punct and b.width <= cfg.max_heading_width:
            return KEEP, "heading"
        if para.inner_stop:
            return JOIN, "cut_sentence"
        if a.punct and "、" in LAST_CLAUSE.search(a.text).group():  # type: ignore[union-attr]
            return JOIN, "open_enumeration"
        if a.punct:
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
        if a.count(opening) > a.count(closing):
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
    lines = _lines(text)
    if len(lines) < 2:
        return Cleaned(text)
    doc = _Document(lines, cfg)
    spans: list[tuple[int, int, str]] = []
    flags: list[Edit] = []
    para = _Paragraph(lines[0].width, lines[0].inner_stop)
    for i in range(len(lines) - 1):
        a, b = lines[i], lines[i + 1]
        verdict, reason = doc.decide(i, para)
        if verdict == JOIN:
            spans.append((a.end, b.start, _joiner(a.text, b.text)))
            para = _Paragraph(para.width + b.width, para.inner_stop or a.stop_end or b.inner_stop)
            continue
        if verdict == UNDECIDED:
            flags.append(
                flag("join_wrapped_lines", text, a.end, b.start, reason, tail=a.text[-12:], head=b.text[:12])
            )
        para = _Paragraph(b.width, b.inner_stop)
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
        if not self.cfg.dehyphenate or not LATIN_PAIR.search(text):
            return
        room = self.cfg.max_corpus_words - len(self.words)
        for word in LATIN_WORD.findall(text):
            if room <= 0:
                return
            lowered = word.lower()
            if lowered not in self.words:
                self.words.add(lowered)
                room -= 1

    def finish(self) -> LinewrapConfig:
        return replace(self.cfg, corpus_words=tuple(sorted(self.words)))


def collector(cfg: LinewrapConfig) -> WordCollector:
    """The corpus statistics this stage uses: the English words seen anywhere."""
    return WordCollector(cfg)


RULES = (dehyphenate, join_wrapped_lines)
