"""Stage `furniture`: page furniture that is not part of the text.

Newspaper and report pages carry lines that belong to the page, not to the article: app
banners (``客户端:青岛观``), editor credits (``主编 赵波 美编 李飞``), continuation markers
(``（下转封二）``), page numbers (``— 12 —``), running heads (``青岛日报 聚焦``) and photo
captions (``■…施工。``) standing in the running text.  Rules here remove such lines by
pattern, find running headers/footers by repetition (:mod:`.furniture_recurring`), and set
captions off as paragraphs.

Running heads: a paper name (``…日报``, ``…晚报``) followed on the same line only by a short
section name, a date, a weekday or a page number (``青岛日报 聚焦``, ``## 青岛日报 聚焦``,
``青岛日报 2023年1月5日 星期四 第3版``) is taken to be page furniture and removed; the same
words without the space (``青岛日报评论员``) or inside a sentence stay.

Bylines and datelines (``□青岛日报/观海新闻记者 王凯``, ``本报讯``, ``新华社北京1月5日电``) are
never furniture; neither are body lines that repeat (the dedup stage owns those).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from ..edits import replace_spans
from ..models import Cleaned
from .furniture_recurring import collector as collector
from .furniture_recurring import observe as observe
from .furniture_recurring import remove_recurring_lines

STAGE = "furniture"

# --- Default patterns (regex strings; a config may replace them) --------------------------
# Each furniture pattern must match a whole line (leading ``#`` heading marks and spaces aside).
# They are tried at the start of every line, so each opens with something the regex engine
# fails on fast in body text: a literal, or a lookahead for the characters a match can open with.


def _first_chars(words: str) -> str:
    """The first characters of the ``|``-separated words, as a character class body."""
    return "".join(sorted({word[0] for word in words.split("|")}))


def _one_of(words: str) -> str:
    """A regex for any of the ``|``-separated words, opening with a test of their first characters."""
    return f"(?=[{_first_chars(words)}])(?:{words})"


# App and social-media banners of a paper: ``客户端:青岛观 客户端:观海新闻``.  One or more;
# the first is written out, so a line that does not open with an app name never enters a repeat.
_APP_NAMES = "客户端|官方微信|微信公众号|公众号|官方微博|视频号|抖音号|APP|App"
_APP = f"(?:{_APP_NAMES})"
_BANNER_ITEM = rf"{_APP}[ \t]*[:：][ \t]*[^\s:：，。；！？,;!?]{{1,20}}[ \t\u3000]*"
BANNER = rf"{_BANNER_ITEM}(?:{_BANNER_ITEM})*"

# Editor credits, two or more role-name pairs: ``主编 赵波 美编 李飞 审读 姜胜保 排版 韩婷``.
# A role must be followed by a space or colon, so running words (``设计创新``) never match.
_ROLES = (
    "执行主编|副主编|主编|总编辑|总编|责任编辑|本版编辑|本版责编|责编|图片编辑|美术编辑|编辑"
    "|美编|审读|审校|校对|校审|排版|组版|版式|摄影|视觉|设计|制图|统筹|策划|监制"
)
_ROLE = _one_of(_ROLES)
_NAME = r"[\u4e00-\u9fff·]{2,5}"
_PAIR = rf"{_ROLE}(?:[ \t\u3000]*[:：][ \t\u3000]*|[ \t\u3000]+){_NAME}(?:[、，,][ \t]*{_NAME})*"
CREDITS = rf"{_PAIR}(?:[ \t\u3000]+{_PAIR})+"

# Page numbers: ``第3版``, ``A3版``, ``— 12 —``, ``- 12 -``, ``Page 3``, ``Page 3 of 12``.
_PAGE_NUMBER_OPENERS = r"第A-Z—–\-－─Pp"
PAGE_NUMBER = (
    rf"(?=[{_PAGE_NUMBER_OPENERS}])"
    r"(?:第[ \t]*[0-9０-９一二三四五六七八九十百]{1,4}[ \t]*版"
    r"|[A-Z][ \t]?[0-9]{1,2}[ \t]*版"
    r"|[—–\-－─]{1,2}[ \t]*[0-9０-９]{1,4}[ \t]*[—–\-－─]{1,2}"
    r"|(?i:page)[ \t]+[0-9]{1,4}(?:[ \t]+(?i:of)[ \t]+[0-9]{1,4})?)"
)

# Running heads: a paper name, then only section / date / weekday / page tokens.  Every paper
# name has 报 among its first 3 to 11 characters: the lookahead tests that first.
_PAPER = (
    r"(?=[\u4e00-\u9fff]{3,10}报)"
    r"[\u4e00-\u9fff]{2,8}(?:日报|晚报|早报|晨报|时报|商报|周报|导报|都市报|青年报|法制报)"
)
_HEAD_TOKEN = (
    r"(?:[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日|星期[一二三四五六日天]|第?[A-Z]?[0-9]{1,3}版"
    r"|[\u4e00-\u9fff]{2,6})"
)
# Between the parts of a running head: spaces, or a bar or middle dot (``大众日报·要闻``).
_HEAD_SEP = r"(?:[ \t\u3000]*[|｜·•][ \t\u3000]*|[ \t\u3000]+)"
_HEAD_DATE = r"(?:[0-9]{4}年)?[0-9]{1,2}月[0-9]{1,2}日"
# Paper name first (``青岛日报 聚焦``, ``大众日报·要闻``), or a date first (``10月4日 大众日报``).
RUNNING_HEAD = (
    rf"{_PAPER}(?:{_HEAD_SEP}{_HEAD_TOKEN}){{1,4}}"
    rf"|(?=[0-9]){_HEAD_DATE}{_HEAD_SEP}{_PAPER}(?:{_HEAD_SEP}{_HEAD_TOKEN}){{0,3}}"
)

# Continuation ("jump") markers: ``（下转封二）``, ``(上接第一版)``, ``转第5版``, ``（紧接第一版）``,
# ``(Continued on page 3)``.  Bracketed ones are removed wherever they stand; bare ones only
# at the end of a line or alone on it.
_PAGE_REF = (
    r"(?:第?[ \t]*[0-9０-９一二三四五六七八九十百]{1,3}[ \t]*[版页面]"
    r"|[A-Z][0-9]{1,2}[ \t]*版?|封[一二三四底])"
)
_JUMP_CJK = rf"(?:紧接|上接|下转|转至|转|接)[ \t]*{_PAGE_REF}"
_JUMP_EN = r"(?i:(?:continued|cont[’']?d\.?)[ \t]+(?:on|from)[ \t]+(?:page|p\.)[ \t]*[A-Z]?[0-9]{1,3})"
JUMP = rf"(?:{_JUMP_CJK}|{_JUMP_EN})"
# A cheap pre-check for the default jump patterns: a jump word before a page reference.  One
# pattern per first character: the regex engine finds a literal first character ten times
# faster than a character class (``[转接Cc]``).
_HINT_PAGE = r"至?[ \t]*(?:第|[0-9０-９A-Z一二三四五六七八九十百]|封)"
JUMP_HINTS = tuple(map(re.compile, (f"转{_HINT_PAGE}", f"接{_HINT_PAGE}", "C(?i:ont)", "c(?i:ont)")))

OPEN, CLOSE = r"[（(〔【\[]", r"[）)〕】\]]"

#: the characters each default pattern's match opens with (none matches the empty string), as
#: character class bodies: `_line_alternative` tests them first
OPENERS = {
    BANNER: _first_chars(_APP_NAMES),
    CREDITS: _first_chars(_ROLES),
    PAGE_NUMBER: _PAGE_NUMBER_OPENERS,
    RUNNING_HEAD: r"\u4e00-\u9fff0-9",
    JUMP: "紧上下转接Cc",
}
#: the default furniture and jump patterns: compiled at import (see `_patterns` below), so a
#: config holding them needs no check
_DEFAULT_PATTERNS = frozenset(OPENERS)

# The end of a caption: its first sentence-final mark.
CAPTION_END = re.compile(r"[。！？!?]")

# Text after a caption marker that is a byline or photo credit, not a caption.
CAPTION_BYLINE = re.compile(r"[ \t]*(?:本报|记者|通讯员|特约|[文图][ \t]*[/／:：])")


@dataclass(frozen=True)
class FurnitureConfig:
    """Switches and knobs of the `furniture` stage."""

    #: run this stage at all
    enabled: bool = True
    #: remove whole lines that match a furniture or jump pattern
    remove_furniture_lines: bool = True
    #: remove continuation markers that stand inside a body line
    remove_jump_markers: bool = True
    #: remove short lines that recur like running headers/footers (in a document or a corpus)
    remove_recurring_lines: bool = True
    #: drop photo captions entirely (opt-in; runs before ``separate_captions``)
    drop_captions: bool = False
    #: set photo captions off as their own paragraph, marker removed
    separate_captions: bool = True
    #: regexes, each matching a whole furniture line (banners, credits, page numbers, running heads);
    #: a leading ``(?=[...])`` only lets the search skip lines quickly, it matches nothing itself
    furniture_patterns: tuple[str, ...] = (BANNER, CREDITS, PAGE_NUMBER, RUNNING_HEAD)
    #: regexes of continuation markers; bracketed forms are also removed inside lines
    jump_patterns: tuple[str, ...] = (JUMP,)
    #: characters that open a photo caption
    caption_markers: str = "■"
    #: a caption longer than this many characters is left in place
    caption_max_chars: int = 120
    #: lines longer than this (stripped) are never recurring furniture
    recurring_max_chars: int = 40
    #: a line must recur this many times in one document to be a running header/footer
    min_repeats: int = 3
    #: identical repeats without changing digits must be at least this many characters apart
    min_page_chars: int = 400
    #: a line must recur in this many documents to be corpus-wide furniture
    min_documents: int = 5
    #: and in this share of all documents (titles shared by fewer documents stay)
    min_document_share: float = 0.5
    #: lines counted as a document's top or bottom for corpus statistics
    edge_lines: int = 5
    #: at most this many distinct lines are tracked by the collector (rare ones are pruned)
    max_tracked_lines: int = 200_000
    #: normalized keys of lines that recur across documents (filled by the collector)
    recurring_lines: frozenset[str] = field(default=frozenset(), metadata={"internal": True})

    def __post_init__(self) -> None:
        for name in ("furniture_patterns", "jump_patterns"):
            for pattern in getattr(self, name):
                if pattern in _DEFAULT_PATTERNS:  # known good (checking costs ~12 ms at start-up)
                    continue
                try:
                    re.compile(pattern)
                except re.error as err:
                    raise ValueError(f"furniture.{name}: invalid regex {pattern!r} ({err})") from None
        if self.min_repeats < 2:
            raise ValueError(f"furniture.min_repeats must be >= 2, got {self.min_repeats}")


class _Patterns(NamedTuple):
    first_line: re.Pattern[str]
    next_line: re.Pattern[str]
    inline_jump: re.Pattern[str]


@functools.lru_cache(maxsize=16)
def _compile(furniture: tuple[str, ...], jumps: tuple[str, ...]) -> _Patterns:
    """The stage's patterns for one config, compiled once."""
    jump = "|".join(f"(?:{p})" for p in jumps) or "(?!)"
    bracketed = rf"{OPEN}[ \t]*(?:{jump})[ \t]*{CLOSE}"
    openers = [*(OPENERS.get(p) for p in furniture), OPENERS[JUMP] if jumps == (JUMP,) else None, OPEN[1:-1]]
    alternatives = "|".join(map(_line_alternative, [*furniture, jump, bracketed], openers))
    # a whole furniture line up to its newline; optional markdown heading marks (``#{1,6}``
    # written so that the engine fails at once on a line that does not open with ``#``)
    line = rf"[ \t\u3000]*(?:##{{0,5}}[ \t]+|)(?:{alternatives})"
    return _Patterns(
        first_line=re.compile(line, re.M),
        # the other lines, found from the line break before them: the regex engine jumps from
        # line break to line break, where a leading ``^`` would be tried at every character
        next_line=re.compile(rf"\n{line}", re.M),
        # a bracketed marker anywhere, or a bare one (group ``bare``) ending a sentence that ends a line
        inline_jump=re.compile(rf"{bracketed}|{_sentence_end(jumps)}(?P<bare>{jump})(?=[ \t]*$)", re.M),
    )


def _sentence_end(jumps: tuple[str, ...]) -> str:
    """What must stand before a bare jump marker: a sentence's final mark.

    The default marker never ends with such a mark, so that, matched, the mark cannot belong
    to the marker before: the regex engine then skips ahead to the marks (a class) instead of
    testing a lookbehind at every character (4 times slower).
    """
    marks = "[。！？!?.”]"
    return marks if jumps == (JUMP,) else f"(?<={marks})"


def _line_alternative(pattern: str, openers: str | None) -> str:
    """``pattern`` and the spaces after it up to the end of the line, as one alternative of a
    furniture line.

    With the ``openers`` of its matches (a class body), the alternative opens with them as a
    character class: the regex engine skips such an alternative at the cost of one test, where
    one opening with a lookahead costs it several times more, at every line.  The pattern is
    then tested from its first character by a lookahead inside a lookbehind, and the rest of
    the line consumed (no furniture pattern matches a line break).
    """
    whole = rf"(?:{pattern})[ \t\u3000]*(?=\n|\Z)"
    return rf"[{openers}](?<=(?={whole}).)[^\n]*" if openers else whole


def _patterns(cfg: FurnitureConfig) -> _Patterns:
    return _compile(cfg.furniture_patterns, cfg.jump_patterns)


# The default config's patterns are compiled at import, not during the first document (~20 ms).
_patterns(FurnitureConfig())


def remove_furniture_lines(text: str, cfg: FurnitureConfig) -> Cleaned:
    """Remove whole lines that are only furniture: banners, credits, page numbers, jump markers.

    >>> remove_furniture_lines("客户端:青岛观\\n正文。\\n（下转封二）\\n", FurnitureConfig()).text
    '正文。\\n'
    """
    patterns = _patterns(cfg)
    first = patterns.first_line.match(text)
    starts_ends = [(0, first.end())] if first else []
    starts_ends += [(m.start() + 1, m.end()) for m in patterns.next_line.finditer(text)]
    spans = [(start, min(end + 1, len(text)), "") for start, end in starts_ends]  # with the newline
    return replace_spans(text, "remove_furniture_lines", spans)


def remove_jump_markers(text: str, cfg: FurnitureConfig) -> Cleaned:
    """Remove a continuation marker that stands inside a body line.

    >>> remove_jump_markers("全力冲刺。（下转第2版）\\n下一段", FurnitureConfig()).text
    '全力冲刺。\\n下一段'
    """
    if cfg.jump_patterns == (JUMP,) and not _jump_hinted(text):
        return Cleaned(text)
    spans = []
    for m in _patterns(cfg).inline_jump.finditer(text):
        start = m.start("bare") if m.group("bare") is not None else m.start()
        while start > 0 and text[start - 1] in " \t\u3000":  # the spaces that set it off
            start -= 1
        line_end = text.find("\n", m.end())
        rest = text[m.end() : len(text) if line_end < 0 else line_end]
        alone = (start == 0 or text[start - 1] == "\n") and not rest.strip()
        if not alone:  # a marker alone on its line goes with the line (remove_furniture_lines)
            spans.append((start, m.end(), ""))
    return replace_spans(text, "remove_jump_markers", spans)


def _jump_hinted(text: str) -> bool:
    """Whether one of JUMP_HINTS matches in ``text``.

    Each opens with a literal character, looked for first with ``in``: a one-character search
    is several times faster than the regex engine's, and most texts lack some of them.
    """
    return any(hint.pattern[0] in text and hint.search(text) for hint in JUMP_HINTS)


class _Caption(NamedTuple):
    marker: int  # offset of the marker
    start: int  # offset of the caption text (after marker and spaces)
    end: int  # offset after the caption's last character
    line_start: int
    line_end: int  # offset of the newline ending the caption's line (or len(text))


@functools.lru_cache(maxsize=16)
def _marker_pattern(markers: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(markers)}]") if markers else re.compile("(?!)")


def _captions(text: str, cfg: FurnitureConfig) -> Iterator[_Caption]:
    """Captions in order, never overlapping; a marker followed by another marker opens none."""
    previous_end = 0
    for found in _marker_pattern(cfg.caption_markers).finditer(text):
        marker = found.start()
        if marker < previous_end:
            continue
        line_start = text.rfind("\n", 0, marker) + 1
        line_end = text.find("\n", marker)
        line_end = len(text) if line_end < 0 else line_end
        start = marker + 1
        while start < line_end and text[start] in " \t\u3000":
            start += 1
        stop = CAPTION_END.search(text, start, line_end)
        end = stop.end() if stop else len(text[:line_end].rstrip())
        if (
            start < end <= start + cfg.caption_max_chars
            and text[start] not in cfg.caption_markers
            and not CAPTION_BYLINE.match(text, start)
        ):
            previous_end = end
            yield _Caption(marker, start, end, line_start, line_end)


def _blank_before(text: str, line_start: int) -> bool:
    """Whether the line starting at ``line_start`` opens the text or follows a blank line."""
    if line_start == 0:
        return True
    previous = text.rfind("\n", 0, line_start - 1) + 1
    return not text[previous : line_start - 1].strip()


def _blank_after(text: str, line_end: int) -> bool:
    """Whether the line ending at ``line_end`` closes the text or precedes a blank line."""
    if line_end + 1 >= len(text):
        return True
    following = text.find("\n", line_end + 1)
    return not text[line_end + 1 : len(text) if following < 0 else following].strip()


def drop_captions(text: str, cfg: FurnitureConfig) -> Cleaned:
    """Remove photo captions (opt-in): a whole caption line with its newline, else the caption.

    >>> drop_captions("正文。\\n■工人在生产线上忙碌。\\n下文", FurnitureConfig()).text
    '正文。\\n下文'
    """
    if not any(map(text.__contains__, cfg.caption_markers)):
        return Cleaned(text)
    spans = []
    for cap in _captions(text, cfg):
        whole_line = (
            not text[cap.line_start : cap.marker].strip() and not text[cap.end : cap.line_end].strip()
        )
        if whole_line:
            spans.append((cap.line_start, min(cap.line_end + 1, len(text)), ""))
        else:
            spans.append((cap.marker, cap.end, ""))
    return replace_spans(text, "drop_captions", spans)


def separate_captions(text: str, cfg: FurnitureConfig) -> Cleaned:
    """Set a photo caption off as its own paragraph (blank lines around it), marker removed.

    >>> separate_captions("施工正忙。■工人在忙碌。项目进展顺利。", FurnitureConfig()).text
    '施工正忙。\\n\\n工人在忙碌。\\n\\n项目进展顺利。'
    >>> separate_captions("\\n■金能化学二期项目正在紧张施工。\\n\\n正文", FurnitureConfig()).text
    '\\n金能化学二期项目正在紧张施工。\\n\\n正文'
    """
    if not any(map(text.__contains__, cfg.caption_markers)):  # (no Python loop: most texts have none)
        return Cleaned(text)
    spans: list[tuple[int, int, str]] = []
    for cap in _captions(text, cfg):
        if text[cap.line_start : cap.marker].strip():  # inside a line: break before it
            lead = len(text[cap.line_start : cap.marker]) - len(text[cap.line_start : cap.marker].rstrip())
            if spans and spans[-1][1] > cap.marker - lead:  # the last caption's break reaches here
                spans[-1] = (spans[-1][0], cap.start, "\n\n")
            else:
                spans.append((cap.marker - lead, cap.start, "\n\n"))
        else:
            spans.append((cap.marker, cap.start, "" if _blank_before(text, cap.line_start) else "\n"))
        tail = text[cap.end : cap.line_end]
        if tail.strip():  # body text follows on the same line: break after it
            spaces = len(tail) - len(tail.lstrip(" \t\u3000"))
            spans.append((cap.end, cap.end + spaces, "\n\n"))
        elif not _blank_after(text, cap.line_end):
            spans.append((cap.line_end, cap.line_end, "\n"))
    return replace_spans(text, "separate_captions", spans)


# Captions are set off and inline markers removed first, so that furniture they stood
# beside (``■图为工地。客户端:青岛观``) is a whole line when the line rules run.
RULES = (
    drop_captions,
    separate_captions,
    remove_jump_markers,
    remove_furniture_lines,
    remove_recurring_lines,
)
