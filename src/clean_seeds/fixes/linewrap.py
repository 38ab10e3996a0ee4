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
from itertools import islice

from ..edits import flag, replace_spans
from ..models import Cleaned, Edit
from .linewrap_lines import CLAUSE_PUNCT, CLOSER_SET, CLOSERS, LINE, Lines, _is_latin
from .linewrap_lines import _width as _width  # (re-exported: tests measure widths with it)

STAGE = "linewrap"
RULE = "join_wrapped_lines"  # (the rule name its edits are logged under)

# --- Patterns and character classes --------------------------------------------------------

# (those describing single lines are in :mod:`.linewrap_lines`)
# A sentence end inside a line (not at its end): the line belongs to running text.  In
# English a full stop counts when a space follows (``13.7%`` and ``No.5`` do not).
INNER_STOP = re.compile(r"[。！？](?=.)|[.!?][\"')\]]*[ \t]+\S")
# The last clause of a line: what follows its last clause punctuation.
LAST_CLAUSE = re.compile(r"[^，,；;：:。！？!?]*$")

# ``A`` ends with one of these (closing quotes removed): what follows is set off.
SET_OFF_ENDS = ("——", "…", ":", "：", "-", "－")
SET_OFF_LAST = frozenset(end[-1] for end in SET_OFF_ENDS)  # (a quick test before ``endswith``)
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
# Any opening character of ``PAIRS``: most lines hold none, and then nothing is left open.
OPENING = re.compile("[" + "".join(opening for opening, _ in PAIRS) + "]")

# A word hyphenated at a line end: letters, ``-``, the break (blank lines allowed), then a
# lower-case word.  ``--`` and a dash after a space (``foo -``) are not hyphenation.
HYPHEN_BREAK = re.compile(r"(?<![A-Za-z-])([A-Za-z]+)-[ \t]*\n(?:[ \t]*\n)*[ \t]*([a-z]+)")
# A hyphen at a line end: a quick test (it starts with the hyphen, so a search skips fast to
# the rare hyphens) before the slower ``HYPHEN_BREAK`` looks at the words around it.
HYPHEN_AT_BREAK = re.compile(r"-[ \t]*\n")
# Two Latin letters in a row: a text without them has no English words to count.  (Written
# out, not ``[A-Za-z]{2}``, and below ``XX*`` for ``X+``: a pattern that opens with a plain
# character class lets the regex engine skip the other characters fast, twice as fast here.)
LATIN_PAIR = re.compile(r"[A-Za-z][A-Za-z]")
# The same in a text's ASCII characters (``str.encode("ascii", "ignore")``).
ASCII_LATIN_PAIR = re.compile(rb"[A-Za-z][A-Za-z]")
# Latin words, and hyphenated compounds, as counted for :func:`dehyphenate`.
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z]*(?:-[A-Za-z]+)*")

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


# --- Deciding each break ---------------------------------------------------------------------

JOIN, KEEP, UNDECIDED = "join", "keep", "undecided"
# the verdicts :meth:`_Breaks.evident` gives most often, built once
SENTENCE_END = (KEEP, "sentence_end")
CONTINUATION = (JOIN, "continuation_punctuation")
OPEN = (JOIN, "open_end")
NON_FINAL = (JOIN, "non_final_char")
COLUMN_LINE = (JOIN, "column_line")
WRAPPED_LINE = (JOIN, "wrapped_line")


class _Breaks(Lines):
    """The breaks between a document's lines: break ``i`` is the one after line ``i``."""

    def __init__(self, parts: list[str], cfg: LinewrapConfig) -> None:
        super().__init__(parts, cfg)
        # the paragraph last measured by ``_paragraph``: first line, lines measured, width, sentence end
        self._para = (0, 0, 0.0, False)

    def evident(self) -> list[tuple[str, str] | None]:
        """The verdicts (with reasons) of rule 1, the sentence-end shortcut and the first joins
        of rule 2 for every break at once, ``None`` for the breaks they leave to :meth:`decide`.

        These need no more than a set-off line or the two characters at the break, so whole-list
        passes decide them: most breaks never reach the slower rules.
        """
        non_final = self.cfg.non_final_chars
        verdicts = [
            SENTENCE_END  # a shortcut: no rule below but ``sentence_end`` takes it
            if tail in "。！？" and head not in CONTINUATION_START and tail not in non_final
            else CONTINUATION
            if head in CONTINUATION_START
            else OPEN
            if tail in OPEN_END
            else NON_FINAL
            if tail in non_final
            else None
            for tail, head in zip(self.lasts, islice(self.firsts, 1, None), strict=False)
        ]
        last_break = len(verdicts) - 1
        # set-off lines come first: the headings, then (overriding them) the lines after a break
        for i in self.headings:
            if i <= last_break:
                verdicts[i] = (KEEP, "heading")
        for k, reason in self.standalone.items():
            if k:
                verdicts[k - 1] = self._label_break(k - 1) if reason == "label" else (KEEP, reason)
        return verdicts

    def _label_break(self, i: int) -> tuple[str, str]:
        """A paragraph's last line ending in a colon looks like a label: the column tells."""
        if not self.stop_end[i] and self.is_full(i):
            return COLUMN_LINE
        return KEEP, "label"

    def decide(self, i: int, para_start: int) -> tuple[str, str]:
        """Join, keep or undecided for break ``i`` when :meth:`evident` has not decided it, with
        a reason code; the paragraph it ends starts at line ``para_start`` (the lines in between
        are joined)."""
        a, b = self.texts[i], self.texts[i + 1]
        verdict = self._weigh(i, a, b, para_start)
        # Strong evidence comes first, but it only ever joins: it is looked for only where the
        # rules after it do not join (a column line mostly does: they spare it most breaks).
        # The reason given is then theirs, the verdict the same.
        if verdict[0] != JOIN and (reason := self.strong_join(i, a, b)):
            return JOIN, reason
        return verdict

    def _weigh(self, i: int, a: str, b: str, para_start: int) -> tuple[str, str]:
        """The verdict of the rules after the strong evidence (see :meth:`decide`)."""
        if (marker_end := self.markers.get(i)) and not CLAUSE_PUNCT.search(a, marker_end):
            # a numbered heading, unless a full column line goes on with a word fragment
            if FRAGMENT2_START.match(b) and self.is_full(i):
                return COLUMN_LINE
            return KEEP, "numbered_heading"
        last, a_stop = self.lasts[i], self.stop_end[i]
        if not "\u4e00" <= last <= "\u9fff":  # (a CJK word ends no sentence, sets nothing off)
            # (most lines end in no closer: then there is nothing to strip)
            tail = a.rstrip(CLOSERS) if last in CLOSER_SET else a
            if not tail:
                return SENTENCE_END
            if a_stop and not (_latin_sentence(tail) and self._latin_full(i)):
                return SENTENCE_END
            last = tail[-1]
            if last in SET_OFF_LAST and tail.endswith(SET_OFF_ENDS):
                return KEEP, "set_off_end"
        if self.indent_means_paragraph and self.indented[i + 1] and not self.indented[i]:
            return KEEP, "indented_start"
        if self.blank_means_paragraph:
            if self.blank_before[i + 1]:
                return KEEP, "blank_line"
            if self.wrap_width and self.widths[i] >= self.cfg.fill_ratio * self.wrap_width:
                return WRAPPED_LINE
        if self.is_short_heading(i):
            return KEEP, "short_heading"
        if self.is_full(i):
            return COLUMN_LINE
        if a_stop or not last.isalnum():
            return KEEP, "clause_end"
        return self._body_break(i, para_start)

    def strong_join(self, i: int, a: str, b: str) -> str:
        """The rest of the evidence (after :meth:`evident`) that line ``i`` (``a``) and the next
        (``b``) are one sentence, or ``""``."""
        tail, head = self.lasts[i], self.firsts[i + 1]
        # (most lines end in a CJK word, U+4E00..U+9FFF: no number, sentence end or English
        # word ends there)
        if not "\u4e00" <= tail <= "\u9fff":
            if (
                (tail.isdecimal() or tail in ".．")
                and NUMBER_END.search(a[-3:])
                and NUMBER_GOES_ON.match(head)
            ):
                return "broken_number"
            if "a" <= head <= "z" and LATIN_END.search(tail):
                return "lower_case_continuation"
            if self.stop_end[i]:
                return ""  # (the fragment and open quote below need a line that does not end a sentence)
        if (
            b[1:2] in FRAGMENT_MARKS
            and _is_han(tail)
            and self.widths[i] >= self.cfg.min_column_width
            and FRAGMENT_START.match(b)
        ):
            return "word_fragment"
        # (most lines open nothing: one search spares the look at each pair)
        if OPENING.search(a) and _left_open(a, b):
            return "open_quote"
        return ""

    def _latin_full(self, i: int) -> bool:
        """An English sentence end on a full line: the paragraph may still go on."""
        if not _is_latin(self.texts[i + 1][0]) or self.is_short_heading(i):
            return False
        if self.blank_means_paragraph and not self.blank_before[i + 1] and self.wrap_width:
            return self.widths[i] >= self.cfg.fill_ratio * self.wrap_width
        return self.is_full(i)

    def _body_break(self, i: int, para_start: int) -> tuple[str, str]:
        """Line ``i`` stops without punctuation outside a column: body text cut, or a heading."""
        cfg, a, b = self.cfg, self.texts[i], self.texts[i + 1]
        para_width, para_inner_stop = self._paragraph(para_start, i)
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

    def _paragraph(self, start: int, i: int) -> tuple[float, bool]:
        """Width of the paragraph made of lines ``start`` to ``i``, and whether it holds a
        sentence end.  Only a few breaks ask, so it is measured then, going on from the last
        measure of the same paragraph (a long one may be asked about at many breaks)."""
        first, done, width, inner_stop = self._para
        if first != start:
            done, width, inner_stop = start, 0.0, False
        for k in range(done, i + 1):
            width += self.widths[k]
            inner_stop = (
                inner_stop
                or (k > start and self.stop_end[k - 1])
                or INNER_STOP.search(self.texts[k]) is not None
            )
        self._para = (start, i + 1, width, inner_stop)
        return width, inner_stop


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
    if "\n" not in text:
        return Cleaned(text)
    parts = LINE.split(text)
    if len(parts) < 5:  # (fewer than two lines)
        return Cleaned(text)
    doc = _Breaks(parts, cfg)
    texts, starts, ends, lasts, firsts = doc.texts, doc.starts, doc.ends, doc.lasts, doc.firsts
    # ``parts`` becomes the output: the spaces of each joined break are replaced by the joiner
    edits: list[Edit] = []
    flags: list[Edit] = []
    para_start = 0  # the first line of the paragraph that the next break ends
    decide = doc.decide
    for i, evident in enumerate(doc.evident()):
        verdict, reason = evident or decide(i, para_start)
        if verdict == JOIN:
            # (most joins are between CJK characters: no need to look closer)
            ascii_ends = lasts[i] < "\x80" and firsts[i + 1] < "\x80"
            joiner = _joiner(texts[i], texts[i + 1]) if ascii_ends else ""
            gap = 2 * i + 2  # (the spaces before line i + 1 in ``parts``)
            # (a break holds a newline, so the joiner always changes the text)
            edits.append(Edit(RULE, ends[i], starts[i + 1], parts[gap], joiner))
            parts[gap] = joiner
            continue
        if verdict == UNDECIDED:
            tail, head = texts[i][-12:], texts[i + 1][:12]
            flags.append(flag(RULE, text, ends[i], starts[i + 1], reason, tail=tail, head=head))
        para_start = i + 1
    if edits:
        text = "".join(parts)
    return Cleaned(text, (*edits, *flags))


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
    if "-" not in text or not HYPHEN_AT_BREAK.search(text):
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
    # (most documents have no English word: the ASCII characters alone show that at a
    # quarter of the cost of a search of the text; dropping the others can only make
    # letters adjacent, so a pair found there is checked in the words themselves)
    if not cfg.dehyphenate or not ASCII_LATIN_PAIR.search(text.encode("ascii", "ignore")):
        return ()
    # (a pair of letters is always inside one word, and the space keeps words apart)
    words = " ".join(LATIN_WORD.findall(text))
    if not LATIN_PAIR.search(words):
        return ()
    return tuple(dict.fromkeys(words.lower().split()))


def collector(cfg: LinewrapConfig) -> WordCollector:
    """The corpus statistics this stage uses: the English words seen anywhere."""
    return WordCollector(cfg)


RULES = (dehyphenate, join_wrapped_lines)
