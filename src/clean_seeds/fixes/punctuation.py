"""Stage `punctuation`: half-width punctuation in Chinese text made full-width (GB/T 15834).

OCR and careless typing leave ASCII ``, ; : ! ? ( ) "`` and ``...`` in Chinese sentences.  This
stage turns them into ``，；：！？（）“”……`` where the context is Chinese, and leaves them alone
everywhere else: numbers (``1,234`` ``10:30`` ``4.1%`` ``1.1万亿元``), URLs and e-mail
addresses, English sentences, tickers (``(BABA.N)``), ``PM2.5``.

*Chinese context* is defined once, in :func:`is_chinese_context`: the nearest character on
either side of the mark, looking past spaces, quotes, dashes, ellipses, numbers and other
ASCII marks (up to :data:`CONTEXT_WINDOW` characters, never across a line break), is a CJK
character or CJK punctuation.  Brackets and quotes go by their content instead: a pair on one line whose
content contains Chinese.  Nothing here ever turns full-width punctuation into ASCII, and
text without any CJK character is returned untouched (ASCII text at once, other text after
one regex search).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import repeat

from ..edits import replace_spans, substitute
from ..models import Cleaned, Edit

STAGE = "punctuation"

# --- Character classes ---------------------------------------------------------------------
# Han ideographs (CJK unified, extension A and B-G, compatibility) and kana: the characters
# whose presence makes a context Chinese (kana: Japanese uses full-width punctuation too).
# Hangul is left out on purpose: Korean is written with ASCII punctuation.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# CJK symbols and punctuation (、。〈〉《》「」【】…) and full-width forms (，：（）０-９ etc.).
CJK_PUNCT = "\u3001-\u303f\uff01-\uff60\uffe0-\uffe6"
# What a context scan looks past: spaces, quotes, dashes, ellipses, middle dots, numbers
# (``时间10:30!``, ``增长4.1%,``) and the ASCII marks this stage converts (so ``好!!``
# converts both marks); all of these are used in both scripts, so they decide nothing.
TRANSPARENT = " \t\u00a0\u3000\"'\u201c\u201d\u2018\u2019\u2026\u2014\u00b7,;:!?0123456789.%"

#: How far (characters) a context scan looks past transparent characters.
CONTEXT_WINDOW = 12

# One CJK character anywhere: the pre-check of every rule (see `has_cjk`).
HAS_CJK = re.compile(f"[{CJK}]")
# A character that makes its neighbour's context Chinese.
CHINESE_CHAR = re.compile(f"[{CJK}{CJK_PUNCT}]")

# URLs (scheme or ``www.``) and e-mail addresses, ASCII only so a URL never swallows the
# Chinese text after it; trailing sentence punctuation is left outside (as linkifiers do), so
# ``见https://x.cn/a,b,了解`` protects ``https://x.cn/a,b`` but not the last comma.
URL_OR_EMAIL = re.compile(
    r"(?:(?:https?|ftp)://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+(?<![.,;:!?'()\]])"
    r"|[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
)

# What every URL or e-mail address contains: `protected_spans` searches only around these.
URL_ANCHOR = re.compile(r"://|www\.|@")
#: How far (characters) before its anchor a URL or e-mail address may start (a scheme, an
#: e-mail local part: at most 64 by RFC 5321), and how far after it it may end.
URL_LOOKBACK = 64
URL_WINDOW = 2048

# The ASCII marks converted by `fullwidth_punctuation` and the brackets, and their full-width forms.
FULL_WIDTH = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}
HALF_MARKS = ",;:!?"
# Each mark of HALF_MARKS right after or right before a Chinese character (NEAR_MARK), which
# converts at once, and with neither (FAR_MARK), which gets the full context scan.  One pattern
# per mark: the regex engine finds a literal first character ten times faster than a character
# class (``[,;:!?]``).
_CHINESE = f"[{CJK}{CJK_PUNCT}]"
NEAR_MARK = {mark: re.compile(f"{re.escape(mark)}(?:(?<={_CHINESE}.)|(?={_CHINESE}))") for mark in HALF_MARKS}
FAR_MARK = {mark: re.compile(f"{re.escape(mark)}(?<!{_CHINESE}.)(?!{_CHINESE})") for mark in HALF_MARKS}
# Marks that sit between digits in numbers (``1,234``, ``10:30``): kept there.
NUMBER_MARKS = ",:"

# ASCII brackets, which send their line to `fullwidth_brackets` (one pattern per bracket: the
# regex engine finds a literal ten times faster than a class, ``[()]``, in a long text);
# brackets of either width, which it pairs with a stack within that line.
ASCII_BRACKETS = (re.compile(r"\("), re.compile(r"\)"))
ANY_BRACKET = re.compile(r"[()（）]")

# An ASCII double quote, which sends its line to `fullwidth_quotes`; a pair of them on a line.
DOUBLE_QUOTE = re.compile('"')
QUOTED = re.compile(r'"([^"\n]*)"')

# An ellipsis in any of its OCR forms: three or more of the same ASCII or full-width dot or
# 。, or any run of … (the standard ``……`` is rewritten to itself, which logs nothing);
# adjacent forms make one ellipsis (``...。。。``).  It
# starts with a character class so the regex engine can skip ahead fast.
ELLIPSIS = re.compile(
    r"[.．。…](?:(?<=…)…*|(?<=\.)\.{2,}|(?<=．)．{2,}|(?<=。)。{2,})(?:…+|\.{3,}|．{3,}|。{3,})*"
)
# A table-of-contents leader (``第一章........12``): a long dot run then a page number.
TOC_LEADER = re.compile(r"\.{6,}[ \t]*\d+[ \t]*$", re.MULTILINE)

# An ASCII full stop ending a Chinese sentence: right after a CJK character and at the end
# of its line (a closing quote or bracket may follow).  ``.`` between Chinese characters is
# left alone: it is also a name separator (``约翰.史密斯``).
CHINESE_FULL_STOP = re.compile(f"\\.(?<=[{CJK}]\\.)(?=[”’）」』]?[ \\t]*(?:\\n|\\Z))")


@dataclass(frozen=True)
class PunctuationConfig:
    """Switches and knobs of the `punctuation` stage."""

    #: run this stage at all
    enabled: bool = True
    #: ``...`` ``。。。`` ``…`` ``......`` in Chinese context (or alone on a line) become ``……``
    unify_ellipsis: bool = True
    #: ``(`` ``)`` pairs on one line whose content contains Chinese become ``（）``
    fullwidth_brackets: bool = True
    #: ``"`` pairs on a line with an even number of them become ``“”`` when the content contains
    #: Chinese or Chinese stands on both sides of the pair
    fullwidth_quotes: bool = True
    #: an ASCII ``.`` after a CJK character at the end of a line becomes ``。``
    fullwidth_full_stop: bool = True
    #: ``, ; : ! ?`` in Chinese context become ``，；：！？`` (not between digits, not in URLs)
    fullwidth_punctuation: bool = True


def has_cjk(text: str) -> bool:
    """True if ``text`` holds a CJK character (ASCII text answers at once, without a scan)."""
    return not text.isascii() and HAS_CJK.search(text) is not None


def protected_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of URLs and e-mail addresses, in order.

    >>> protected_spans("见https://x.cn/a,b,了解")
    [(1, 17)]
    """
    # (one-character searches first: in a text of wide characters they are several times faster)
    if not (":" in text and "://" in text) and not ("w" in text and "www." in text) and "@" not in text:
        return []
    spans: list[tuple[int, int]] = []
    for anchor in URL_ANCHOR.finditer(text):
        pos = anchor.start()
        if spans and pos < spans[-1][1]:
            continue
        # Only a window around each anchor is searched: a whole-text search would try the
        # e-mail branch at every letter of an English text.
        lo = max(spans[-1][1] if spans else 0, pos - URL_LOOKBACK)
        for m in URL_OR_EMAIL.finditer(text, lo, pos + URL_WINDOW):
            if m.end() > pos:
                spans.append(m.span())
                break
    return spans


def is_protected(spans: list[tuple[int, int]], pos: int) -> bool:
    """True if ``pos`` falls inside one of the sorted, disjoint ``spans``."""
    if not spans:
        return False
    i = bisect.bisect_left(spans, (pos + 1, 0)) - 1  # the last span starting at or before pos
    return i >= 0 and pos < spans[i][1]


def _neighbour(text: str, pos: int, step: int) -> str:
    """The first non-transparent character from ``pos`` going ``step`` (-1 or +1), or ``""``."""
    end = pos + step * CONTEXT_WINDOW
    while pos != end and 0 <= pos < len(text):
        char = text[pos]
        if char == "\n":
            return ""
        if char not in TRANSPARENT:
            return char
        pos += step
    return ""


def is_chinese_context(text: str, start: int, end: int) -> bool:
    """True if the nearest non-transparent neighbour of ``text[start:end]`` on either side is
    a CJK character or CJK punctuation (looking at most :data:`CONTEXT_WINDOW` characters,
    never across a line break).

    >>> is_chinese_context("增长6.4%, 集成", 8, 9), is_chinese_context("Hello, world", 5, 6)
    (True, False)
    """
    before = _neighbour(text, start - 1, -1)
    if before and CHINESE_CHAR.match(before):
        return True
    after = _neighbour(text, end, 1)
    return bool(after) and CHINESE_CHAR.match(after) is not None


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    """``(start, end)`` of the line holding ``pos``, without its line break."""
    end = text.find("\n", pos)
    return text.rfind("\n", 0, pos) + 1, len(text) if end < 0 else end


def _lines_with(text: str, *patterns: re.Pattern[str]) -> list[tuple[int, int]]:
    """The bounds of each line holding a match of one of ``patterns``, in order, each once."""
    lines: set[tuple[int, int]] = set()
    for pattern in patterns:
        line_end = 0  # of the line found last
        for m in pattern.finditer(text):
            if m.start() >= line_end:
                line_start, line_end = _line_bounds(text, m.start())
                lines.add((line_start, line_end))
    return sorted(lines)


def unify_ellipsis(text: str, cfg: PunctuationConfig) -> Cleaned:
    """Ellipses in Chinese context, standing alone on a line, or written ``。。。``, become ``……``.

    >>> unify_ellipsis("等等...还有。。。以及…", PunctuationConfig()).text
    '等等……还有……以及……'
    >>> unify_ellipsis("Wait... what", PunctuationConfig()).text
    'Wait... what'
    """
    # (one-character searches first: in a text of wide characters they are several times faster)
    other_forms = ("." in text and "..." in text) or ("．" in text and "．．．" in text) or "。。。" in text
    if not other_forms and ("…" not in text or _only_standard_ellipses(text)):
        return Cleaned(text)
    if not has_cjk(text):
        return Cleaned(text)
    protected = protected_spans(text)
    spans = []
    for m in ELLIPSIS.finditer(text):
        start, end = m.span()
        if is_protected(protected, start) or TOC_LEADER.match(text, start):
            continue
        # (``。。。`` is Chinese in itself: judged by its context, it would change once a mark
        # beside it, made full-width because of it, turned the context Chinese)
        if "。" in m.group() or is_chinese_context(text, start, end) or _alone_on_line(text, start, end):
            spans.append((start, end, "……"))
    return replace_spans(text, "unify_ellipsis", spans)


def _only_standard_ellipses(text: str) -> bool:
    """True if every ``…`` of ``text`` stands in a ``……`` of exactly two, which is rewritten to itself.

    (Without the other forms, an ELLIPSIS match is a run of ``…``: a text of such pairs only
    needs no context scans.)
    """
    return "………" not in text and text.count("…") == 2 * text.count("……")


def _alone_on_line(text: str, start: int, end: int) -> bool:
    """True if ``text[start:end]`` is all its line holds, spaces aside."""
    line_start, line_end = _line_bounds(text, start)
    return not text[line_start:start].strip() and not text[end:line_end].strip()


def fullwidth_brackets(text: str, cfg: PunctuationConfig) -> Cleaned:
    """ASCII brackets of a pair whose content contains Chinese become ``（）``.

    Pairs are matched on one line, nested pairs too; a pair with one full-width bracket
    already gets the other made full-width.  Unpaired brackets stay as they are.

    >>> fullwidth_brackets("潍柴(青岛)海洋, 阿里(BABA.N)", PunctuationConfig()).text
    '潍柴（青岛）海洋, 阿里(BABA.N)'
    """
    if ("(" not in text and ")" not in text) or not has_cjk(text):
        return Cleaned(text)
    protected = protected_spans(text)
    positions = []
    for line_start, line_end in _lines_with(text, *ASCII_BRACKETS):
        for open_at, close_at in _bracket_pairs(text, line_start, line_end):
            if is_protected(protected, open_at) or is_protected(protected, close_at):
                continue
            both_ascii = text[open_at] == "(" and text[close_at] == ")"
            if both_ascii and not HAS_CJK.search(text, open_at + 1, close_at):
                continue
            positions += [open_at, close_at]
    # (a full-width bracket of a pair stays as it is)
    spans = [(pos, pos + 1, FULL_WIDTH[text[pos]]) for pos in sorted(positions) if text[pos] in "()"]
    return replace_spans(text, "fullwidth_brackets", spans)


def _bracket_pairs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``(open, close)`` offsets of matching brackets (either width) in ``text[start:end]``."""
    pairs = []
    stack: list[int] = []
    for m in ANY_BRACKET.finditer(text, start, end):
        if m.group() in "(（":
            stack.append(m.start())
        elif stack:
            pairs.append((stack.pop(), m.start()))
    return pairs


def fullwidth_quotes(text: str, cfg: PunctuationConfig) -> Cleaned:
    """ASCII ``"`` pairs become ``“”`` when their content contains Chinese or Chinese stands on
    both sides of the pair; only on lines with an even number of ``"``, paired left to right.

    >>> fullwidth_quotes('他说"好的"就走了, "OK"', PunctuationConfig()).text
    '他说“好的”就走了, "OK"'
    """
    if '"' not in text or not has_cjk(text):
        return Cleaned(text)
    protected = protected_spans(text)
    spans = []
    for line_start, line_end in _lines_with(text, DOUBLE_QUOTE):
        if text.count('"', line_start, line_end) % 2:
            continue
        for m in QUOTED.finditer(text, line_start, line_end):
            start, end = m.span()
            if is_protected(protected, start):
                continue
            if HAS_CJK.search(m.group(1)) or _between_chinese(text, start, end):
                spans += [(start, start + 1, "“"), (end - 1, end, "”")]
    return replace_spans(text, "fullwidth_quotes", spans)


def _between_chinese(text: str, start: int, end: int) -> bool:
    """True if the nearest non-transparent neighbours on *both* sides are Chinese."""
    before = _neighbour(text, start - 1, -1)
    after = _neighbour(text, end, 1)
    return all(char and CHINESE_CHAR.match(char) for char in (before, after))


def fullwidth_full_stop(text: str, cfg: PunctuationConfig) -> Cleaned:
    """An ASCII ``.`` right after a CJK character at the end of a line becomes ``。``.

    >>> fullwidth_full_stop("完成任务.\\n约翰.史密斯", PunctuationConfig()).text
    '完成任务。\\n约翰.史密斯'
    """
    if "." not in text or not has_cjk(text):
        return Cleaned(text)
    return substitute(CHINESE_FULL_STOP, "。", text, "fullwidth_full_stop")


def fullwidth_punctuation(text: str, cfg: PunctuationConfig) -> Cleaned:
    """``, ; : ! ?`` in Chinese context (see :func:`is_chinese_context`) become full-width.

    Kept: a ``,`` or ``:`` between two digits (``1,234``, ``10:30``), marks inside URLs and
    e-mail addresses, and marks whose context is not Chinese (English sentences).

    >>> fullwidth_punctuation("2022年,增长4.1%, 共1,234人,时间10:30!", PunctuationConfig()).text
    '2022年，增长4.1%， 共1,234人，时间10:30！'
    >>> fullwidth_punctuation("Hello, world: fine!", PunctuationConfig()).text
    'Hello, world: fine!'
    """
    if not has_cjk(text):
        return Cleaned(text)
    marks = [mark for mark in HALF_MARKS if mark in text]
    changed: list[int] = []  # offsets of the marks that convert
    far: list[int] = []  # marks with no Chinese right next to them
    for mark in marks:
        near = [m.start() for m in NEAR_MARK[mark].finditer(text)]
        changed += near
        if len(near) < text.count(mark):
            far += [m.start() for m in FAR_MARK[mark].finditer(text)]
    kept = False  # whether some mark stays ASCII
    if far:  # look further, and mind numbers and URLs (a mark next to Chinese is in none:
        # URLs and e-mail addresses are ASCII, and never start or end with a mark)
        protected = protected_spans(text)
        free = [pos for pos in far if not is_protected(protected, pos)]
        chinese = [pos for pos in free if _far_mark_is_chinese(text, pos)]
        changed += chinese
        if changed and len(chinese) < len(free):
            changed.sort()
            chinese += _turned_chinese(text, changed, sorted(set(free) - set(chinese)))
        kept = len(chinese) < len(far)
    if not changed:
        return Cleaned(text)
    changed.sort()
    return _fullwidth_marks(text, marks, changed, kept)


def _turned_chinese(text: str, changed: list[int], kept: list[int]) -> list[int]:
    """The marks at ``kept`` whose context turns Chinese once the marks at ``changed`` (sorted;
    extended here) are full-width, and so on until none turns.

    An ASCII mark is transparent to the context scan, a full-width one Chinese: without this a
    second run would convert what the first made Chinese (``中@:11111111111:。``).
    """
    turned: list[int] = []
    while kept and (now := [pos for pos in kept if _chinese_once_changed(text, changed, pos)]):
        turned += now
        kept = [pos for pos in kept if pos not in now]
        for pos in now:
            bisect.insort(changed, pos)
    return turned


def _chinese_once_changed(text: str, changed: list[int], pos: int) -> bool:
    """:func:`_far_mark_is_chinese` for the mark at ``pos`` with the marks at ``changed``
    full-width, judged on the stretch its context scan can reach."""
    lo, hi = max(0, pos - CONTEXT_WINDOW), min(len(text), pos + CONTEXT_WINDOW + 1)
    first, last = bisect.bisect_left(changed, lo), bisect.bisect_left(changed, hi)
    if first == last:  # none within reach: the verdict stands
        return False
    stretch = list(text[lo:hi])
    for at in changed[first:last]:
        stretch[at - lo] = FULL_WIDTH[text[at]]
    return _far_mark_is_chinese("".join(stretch), pos - lo)


def _fullwidth_marks(text: str, marks: list[str], changed: list[int], kept: bool) -> Cleaned:
    """``text`` with the ``marks`` at the sorted offsets ``changed`` made full-width; ``kept``
    says whether some of its ``marks`` stay ASCII.

    The result :func:`replace_spans` would give, built here at half its cost: a Chinese text
    has an edit on nearly every comma, and most often every mark converts, so that
    ``str.replace`` builds the text and the edits are made without a Python loop.
    """
    ends = [pos + 1 for pos in changed]
    befores = list(map(text.__getitem__, changed))
    afters = list(map(FULL_WIDTH.__getitem__, befores))
    if kept:
        return replace_spans(text, "fullwidth_punctuation", zip(changed, ends, afters, strict=True))
    for mark in marks:
        text = text.replace(mark, FULL_WIDTH[mark])
    return Cleaned(text, tuple(map(Edit, repeat("fullwidth_punctuation"), changed, ends, befores, afters)))


def _far_mark_is_chinese(text: str, pos: int) -> bool:
    """True for a mark with no Chinese right next to it whose context is still Chinese."""
    return not _between_digits(text, pos) and is_chinese_context(text, pos, pos + 1)


def _between_digits(text: str, pos: int) -> bool:
    """True for a ``,`` or ``:`` with an ASCII digit right before and right after it."""
    return (
        text[pos] in NUMBER_MARKS
        and 0 < pos < len(text) - 1
        and text[pos - 1] in "0123456789"
        and text[pos + 1] in "0123456789"
    )


# The order makes the stage idempotent: each rule's context must be final when it runs.
# Brackets first (context scans stop at a full-width bracket, not at an ASCII one); ellipses
# before marks and quotes (``。。。`` is Chinese, ``……`` transparent); quotes after marks (an
# ASCII mark is transparent, a full-width one Chinese); the full stop after quotes (``中."``
# becomes ``中.”``, a sentence end).
RULES = (fullwidth_brackets, unify_ellipsis, fullwidth_punctuation, fullwidth_quotes, fullwidth_full_stop)
