"""Stage `markup`: HTML, Markdown and LaTeX residue left in the text by scrapers and converters.

Removes the markup and keeps the words it wrapped: HTML entities are decoded
(``&amp;`` -> ``&``), known HTML tags and tag fragments cut at a line edge (``</div``) are
removed (block tags between words leave a line break), Markdown heading marks and ``**bold**``
are dropped, and sub/superscript markup is simplified (``PM_{2.5}`` -> ``PM2.5``).

What is deliberately left alone, because it is also ordinary text: ``<`` and ``>`` in
comparisons (``a < b``, ``x<a and b>y``: tags must be known HTML names with well-formed
attributes), snake_case names and ``x_1`` (only a chemistry/unit-like token, starting with a
capital, loses its ``_`` before a short number: ``CO_2`` ``H_2O`` ``PM_2.5``), superscript
carets (``m^2`` ``10^6`` keep their meaning only with the caret), URLs and e-mail addresses,
entities without their ``;``, Markdown list and quote markers (``- ``, ``1. ``, ``> `` are
content as often as markup in OCR'd text), and single ``*emphasis*`` (multiplication).
"""

from __future__ import annotations

import bisect
import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..edits import diff_spans, disjoint_spans, replace_spans
from ..memo import LastResult
from ..models import Cleaned
from .punctuation import HAS_CJK, is_protected, protected_spans

STAGE = "markup"

# Horizontal space around markup at a line edge: OCR'd Chinese indents with ``U+3000``.
SP = r"[ \t\u3000]"
# A line with its line break: what a removal that took several rounds is logged in.
LINE = re.compile(r"[^\n]*\n|[^\n]+")

# --- Patterns --------------------------------------------------------------------------------
# A well-formed character reference: named (``&nbsp;``), decimal (``&#12290;``) or hex
# (``&#x4e2d;``), possibly escaped again (``&amp;lt;``), always with its ``;``: ``AT&T`` and
# ``&nbsp`` without ``;`` are left alone.
ENTITY = re.compile(r"&(?:amp;)*(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")

# One tag attribute: ``name``, ``name="v"``, ``name='v'`` or ``name=v`` (values on one line).
_ATTR_VALUE = r"""\s*=\s*(?:"[^"<>\n]*"|'[^'<>\n]*'|[^\s"'<>=`]+)"""
_ATTR_BARE = r"[A-Za-z_:][-\w:.]*"
# An attribute list, which must hold at least one ``name=value`` so that ``x<a and b>y``
# (a comparison) is not taken for an ``<a>`` tag with attributes ``and`` and ``b``.
_ATTRS = rf"(?:(?:\s+{_ATTR_BARE})*\s+{_ATTR_BARE}{_ATTR_VALUE}(?:\s+{_ATTR_BARE}(?:{_ATTR_VALUE})?)*)"

# Markdown ATX heading marks at the start of a line (``## 标题 ##``), indentation allowed;
# CommonMark allows 1-6 ``#`` followed by a space, so ``#话题#`` (a hashtag) is not a heading.
HEADING_MARK = re.compile(rf"{SP}*#{{1,6}}{SP}+")
MD_HEADING = re.compile(rf"^(?:{SP}*#{{1,6}}{SP}+)+(\S[^\n]*?)(?:{SP}+#+)?{SP}*$", re.MULTILINE)

# ``**strong**``: not glued to a letter or digit outside (``2**10**3`` is arithmetic), no
# space just inside, on one line.  ``__strong__`` the same, but see `strip_markdown_emphasis`.
# (Each pattern starts with its literal, and looks behind it afterwards, so the regex engine
# can skip ahead to candidates fast.)
MD_STRONG = re.compile(
    r"\*\*(?<![A-Za-z0-9*\\]..)(?=[^\s*])([^*<>\n]{1,300}?)(?<=[^\s*])\*\*(?![A-Za-z0-9*])"
)
MD_UNDERSCORE_STRONG = re.compile(
    r"__(?<![A-Za-z0-9_\\]..)(?=[^\s_])([^_<>\n]{1,300}?)(?<=[^\s_])__(?![A-Za-z0-9_])"
)

# Subscript markup on a chemistry- or unit-like token (a capital, then capitals or single
# lower-case letters: ``CO``, ``PM``, ``H``, ``SO``, ``Ca``): ``CO_2``, ``PM_2.5``,
# ``PM_{2.5}``, ``H_2O``.  The token may not follow a letter or ``_`` (``max_2``, ``MAX_SIZE_2``
# are names), the number is short (``ID_2023`` is a name) and nothing name-like follows.
# SUBSCRIPT finds the ``_`` and its number; SUBSCRIPT_BASE then checks the token before it.
SUBSCRIPT = re.compile(r"_(?:(\d{1,3}(?:\.\d{1,2})?)|\{([0-9A-Za-z.+\-]{1,8})\})(?![a-z0-9_]|\.\d)")
SUBSCRIPT_BASE = re.compile(r"(?<![A-Za-z_\\])(?:[A-Z][a-z]?){1,4}\Z")
#: How far back (characters) the token before a subscript ``_`` may start.
SUBSCRIPT_BASE_WINDOW = 8
# Braces around a superscript (``10^{6}`` -> ``10^6``); the caret itself carries meaning.
SUPERSCRIPT_BRACES = re.compile(r"(?<=[A-Za-z0-9)}])\^\{([0-9A-Za-z.+\-]{1,8})\}")

# An unclosed tag-like ``<x`` just before a tag run: removing the run would glue the two into
# a new tag (``<<b>div>`` -> ``<div>``), so such a run is left alone.
OPEN_TAG_BEFORE = re.compile(r"<(?:[/A-Za-z][^<>\n]*)?\Z")
#: How far back (characters) an unclosed ``<x`` before a tag run is looked for.
OPEN_TAG_WINDOW = 64

# Single-letter tag names that also read as variables (``a<b>c``): stripped only when a
# closing tag of the same name exists or when they do not sit between letters or digits.
AMBIGUOUS_TAG = re.compile(r"<([A-Za-z])>")
ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@dataclass(frozen=True)
class MarkupConfig:
    """Switches and knobs of the `markup` stage."""

    #: run this stage at all
    enabled: bool = True
    #: ``&amp;`` ``&lt;`` ``&#12290;`` ``&#x4e2d;`` decoded (``html.unescape``); spaces such as
    #: ``&nbsp;`` ``&#12288;`` become a plain space; entities without ``;`` are left alone
    unescape_html_entities: bool = True
    #: known HTML tags and comments removed, keeping the text they wrap; see the tag lists
    strip_html_tags: bool = True
    #: tag fragments cut at a line edge (``</div`` at a line end, ``div>`` at a line start)
    strip_broken_tags: bool = True
    #: Markdown heading marks removed (``## 标题`` -> ``标题``); the heading stays on its own line
    strip_markdown_headings: bool = True
    #: ``**重点**`` -> ``重点``; ``__x__`` only when the text inside contains CJK
    strip_markdown_emphasis: bool = True
    #: ``CO_2`` ``PM_{2.5}`` -> ``CO2`` ``PM2.5``; ``10^{6}`` -> ``10^6``
    strip_script_markup: bool = True
    #: tags that end a line: a run of them between words is replaced by a line break
    html_block_tags: tuple[str, ...] = (
        "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "div", "dl",
        "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "head", "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section",
        "table", "tbody", "tfoot", "thead", "title", "tr", "ul",
    )  # fmt: skip
    #: tags that separate cells: a run of them between words is replaced by a space
    html_cell_tags: tuple[str, ...] = ("td", "th")
    #: tags removed without a trace (their text stays)
    html_inline_tags: tuple[str, ...] = (
        "a", "abbr", "b", "big", "button", "center", "cite", "code", "del", "em", "font", "i",
        "iframe", "img", "input", "ins", "label", "link", "mark", "meta", "noscript", "option",
        "q", "s", "select", "small", "source", "span", "strike", "strong", "sub", "sup",
        "textarea", "tt", "u", "video", "wbr",
    )  # fmt: skip
    #: elements removed together with their content (code, not text)
    html_code_tags: tuple[str, ...] = ("script", "style")


def _names(tags: tuple[str, ...]) -> str:
    """An alternation of tag names, longest first so ``h1`` never stops at ``h``."""
    return "|".join(sorted((re.escape(t) for t in tags), key=len, reverse=True))


class _TagPatterns:
    """The tag regexes for one set of configured tag names (built once per config)."""

    def __init__(
        self, block: tuple[str, ...], cell: tuple[str, ...], inline: tuple[str, ...], code: tuple[str, ...]
    ):
        known = _names(block + cell + inline + code)
        # One tag, or an HTML comment, or a code element with its content.
        unit = (
            r"<!--.*?-->"
            rf"|<(?:{_names(code)})(?=[\s>])[^<>]*>.*?</(?:{_names(code)})\s*>"
            rf"|</?(?:{known})(?=[\s/>]){_ATTRS}?[ \t]*/?>"
        )
        # A run of tags on one line, replaced as a whole (``</p><p>`` is one break, not two).
        self.run = re.compile(rf"(?:{unit})(?:[ \t]*(?:{unit}))*", re.IGNORECASE | re.DOTALL)
        self.tag_name = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")
        self.block = frozenset(t.lower() for t in block)
        self.cell = frozenset(t.lower() for t in cell)
        # Fragments cut at a line edge: ``</div`` or ``<div class="x"`` ending a line, ``div>``
        # or ``/p>`` starting one.  Single-letter names only with their ``/`` (``a <b`` is text).
        long_names = _names(tuple(t for t in block + cell + inline + code if len(t) > 1))
        # (A run of fragments goes at once: ``<div<div`` or ``div>div>``.  A heading's closing
        # ``#`` after a tail fragment (group 1) stays, for `strip_markdown_headings`.  The first
        # fragment opens with the class of its first character, so the regex engine skips
        # ahead to candidates fast; the lookbehinds then tell ``<`` from spaces before it.)
        fragment = rf"(?:/(?:{known})|(?:{long_names}))"
        tail = rf"{fragment}(?:\s[^<>\n]*=[^<>\n]*)?"
        self.broken_tail = re.compile(
            rf"[ \t\u3000<](?:(?<=<)|(?<=[ \t\u3000]){SP}*<){tail}(?:{SP}*<{tail})*((?:{SP}+#+)?){SP}*$",
            re.IGNORECASE | re.MULTILINE,
        )
        # Heading marks among head fragments stay, for `strip_markdown_headings`.
        self.broken_head = re.compile(
            rf"^(?:{HEADING_MARK.pattern}|{SP}*{fragment}{SP}*/?>)+", re.IGNORECASE | re.MULTILINE
        )


@functools.lru_cache(maxsize=8)
def _compile_tag_patterns(cfg: MarkupConfig) -> _TagPatterns:
    return _TagPatterns(cfg.html_block_tags, cfg.html_cell_tags, cfg.html_inline_tags, cfg.html_code_tags)


#: The patterns of the config seen last: a run uses one config, and hashing it (its tag lists)
#: for the cache above costs a microsecond per document.
_tag_patterns = LastResult(_compile_tag_patterns)


# The default config's patterns are compiled at import, not during the first document (~7 ms).
_tag_patterns(MarkupConfig())


def unescape_html_entities(text: str, cfg: MarkupConfig) -> Cleaned:
    """Decode well-formed HTML entities; an entity that decodes to a space becomes ``" "``.

    >>> unescape_html_entities("A&amp;B&nbsp;&lt;p&gt;&#12290;&#x4e2d;", MarkupConfig()).text
    'A&B <p>。中'
    >>> unescape_html_entities("&amp;lt; AT&T &copy &unknown;", MarkupConfig()).text
    '< AT&T &copy &unknown;'
    """
    if "&" not in text:
        return Cleaned(text)
    spans = []
    for m in ENTITY.finditer(text):
        decoded = m.group()
        while ENTITY.fullmatch(decoded) and (again := html.unescape(decoded)) != decoded:
            decoded = again
        if decoded.isspace():
            decoded = " "
        spans.append((m.start(), m.end(), decoded))
    return replace_spans(text, "unescape_html_entities", spans)


def strip_html_tags(text: str, cfg: MarkupConfig) -> Cleaned:
    """Remove known HTML tags, comments and ``<script>``/``<style>`` elements.

    A run of tags between words on one line becomes a line break if it holds a block tag
    (``<p>``, ``<br>``, ``</div>``), a space if it holds a cell tag (``<td>``), else nothing;
    at a line edge it simply goes.  Single-letter tags between letters or digits (``a<b>c``)
    are kept unless the text also has their closing tag.

    >>> strip_html_tags("<p>第一段</p><p>第二段<br/>下一行</p>", MarkupConfig()).text
    '第一段\\n第二段\\n下一行'
    >>> strip_html_tags('<div class="x">点<b>这里</b></div>', MarkupConfig()).text
    '点这里'
    >>> strip_html_tags("a < b, x<a and b>y, a<b>c, <T>, List<String>", MarkupConfig()).text
    'a < b, x<a and b>y, a<b>c, <T>, List<String>'
    """
    if "<" not in text:
        return Cleaned(text)
    return _until_stable(_strip_html_tags_once, text, cfg, "strip_html_tags")


def _until_stable(
    once: Callable[[str, MarkupConfig], Cleaned], text: str, cfg: MarkupConfig, rule: str
) -> Cleaned:
    """``once`` over ``text``, and again over its result until that changes nothing.

    Removing markup can join what was around it into new markup (``<<b>b>``, an unclosed
    ``<!--`` meeting a ``>``, ``<div ## <div``): without the repeats a second run would find
    it.  The rare result of several rounds is logged as the lines that differ.
    """
    first = once(text, cfg)
    final = first.text
    while final is not text and (again := once(final, cfg)).edits:
        final = again.text
    if final is first.text:
        return first
    return replace_spans(text, rule, diff_spans(text, final, LINE))


def _strip_html_tags_once(text: str, cfg: MarkupConfig) -> Cleaned:
    patterns = _tag_patterns(cfg)
    spans = []
    for m in patterns.run.finditer(text):
        start, end = m.span()
        before = text[start - 1] if start else "\n"
        after = text[end] if end < len(text) else "\n"
        if _looks_like_comparison(text, m.group(), before, after):
            continue
        if OPEN_TAG_BEFORE.search(text, max(0, start - OPEN_TAG_WINDOW), start):
            continue
        spans.append((start, end, _tag_run_replacement(patterns, m.group(), before, after)))
    return replace_spans(text, "strip_html_tags", spans)


def _tag_run_replacement(patterns: _TagPatterns, run: str, before: str, after: str) -> str:
    """What a run of tags leaves behind, given the characters around it."""
    if before in "\n\r" or after in "\n\r":
        return ""
    names = {name.lower() for _slash, name in patterns.tag_name.findall(run)}
    if names & patterns.block:
        return "\n"
    if names & patterns.cell and not before.isspace() and not after.isspace():
        return " "
    return ""


def _looks_like_comparison(text: str, run: str, before: str, after: str) -> bool:
    """True for a lone ``<x>`` between letters or digits whose ``</x>`` the text lacks."""
    m = AMBIGUOUS_TAG.fullmatch(run)
    if m is None or before not in ASCII_ALNUM or after not in ASCII_ALNUM:
        return False
    return re.search(f"</{m.group(1)}\\s*>", text, re.IGNORECASE) is None


def strip_broken_tags(text: str, cfg: MarkupConfig) -> Cleaned:
    """Remove tag fragments cut at a line edge: ``</div`` ending a line, ``div>`` starting one.

    >>> strip_broken_tags("正文结束。</div\\ndiv>下一页 <span", MarkupConfig()).text
    '正文结束。\\n下一页'
    """
    if "<" not in text and ">" not in text:
        return Cleaned(text)
    return _until_stable(_strip_broken_tags_once, text, cfg, "strip_broken_tags")


def _strip_broken_tags_once(text: str, cfg: MarkupConfig) -> Cleaned:
    patterns = _tag_patterns(cfg)
    heads = []
    if ">" in text:
        for m in patterns.broken_head.finditer(text):
            marks = "".join(HEADING_MARK.findall(m.group()))
            if marks != m.group():  # heading marks alone are no fragment
                heads.append((m.start(), m.end(), marks))
    tails = (
        [(m.start(), m.end(), m.group(1)) for m in patterns.broken_tail.finditer(text)] if "<" in text else []
    )
    return replace_spans(text, "strip_broken_tags", _lines_of_fragments(heads, tails))


def _lines_of_fragments(
    heads: list[tuple[int, int, str]], tails: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """Head and tail fragment spans in order; where a head's heading marks run into a tail
    (``div>## <div``), the line holds nothing but markup and goes whole (but for a closing
    ``#`` the tail keeps).  Keeping the head's marks there would leave the tail for the next
    run to find once the heading rule took the marks (``## <div`` -> ``<div``)."""
    spans = disjoint_spans(heads)
    for tail in tails:
        index = bisect.bisect(spans, (tail[0], tail[0], "")) - 1
        if index >= 0 and spans[index][0] < tail[0] < spans[index][1]:
            spans[index] = (spans[index][0], tail[1], tail[2])
        elif index < 0 or spans[index][1] <= tail[0]:
            spans.insert(index + 1, tail)
    return spans


def strip_markdown_headings(text: str, cfg: MarkupConfig) -> Cleaned:
    """Remove ATX heading marks (``## 标题 ##`` -> ``标题``); the heading keeps its own line.

    In text whose paragraphs are separated by blank lines, a heading touching a text line
    gets a blank line in between, so later stages cannot merge it into a paragraph.

    >>> strip_markdown_headings("## 力争取得新突破\\n\\n正文。\\n# 标题 #\\n正文", MarkupConfig()).text
    '力争取得新突破\\n\\n正文。\\n\\n标题\\n\\n正文'
    """
    if "#" not in text:
        return Cleaned(text)
    blank_line_paragraphs = "\n\n" in text
    spans = []
    for m in MD_HEADING.finditer(text):
        start, end = m.span()
        heading = m.group(1)
        if blank_line_paragraphs:
            if start >= 2 and text[start - 2] != "\n":
                heading = "\n" + heading
            if end + 1 < len(text) and text[end + 1] != "\n":
                heading += "\n"
        spans.append((start, end, heading))
    return replace_spans(text, "strip_markdown_headings", spans)


def strip_markdown_emphasis(text: str, cfg: MarkupConfig) -> Cleaned:
    """``**重点**`` -> ``重点``; ``__重点__`` too, but only with CJK inside (``__init__`` is a name).

    >>> strip_markdown_emphasis("这是**重点**, __强调__, __init__, 2**10**3", MarkupConfig()).text
    '这是重点, 强调, __init__, 2**10**3'
    """
    # (a one-character search first: in a text of wide characters it is several times faster)
    if not ("*" in text and "**" in text) and not ("_" in text and "__" in text):
        return Cleaned(text)
    # (``**重点__强调**__``: the pairs overlap, and the one dropped is whole once the other went)
    return _until_stable(_strip_markdown_emphasis_once, text, cfg, "strip_markdown_emphasis")


def _strip_markdown_emphasis_once(text: str, cfg: MarkupConfig) -> Cleaned:
    protected = protected_spans(text)
    spans = []
    for pattern, needs_cjk in ((MD_STRONG, False), (MD_UNDERSCORE_STRONG, True)):
        for m in pattern.finditer(text):
            if is_protected(protected, m.start()) or (needs_cjk and not HAS_CJK.search(m.group(1))):
                continue
            spans.append((m.start(), m.end(), m.group(1)))
    return replace_spans(text, "strip_markdown_emphasis", disjoint_spans(spans))


def strip_script_markup(text: str, cfg: MarkupConfig) -> Cleaned:
    """``CO_2`` ``H_2O`` ``PM_2.5`` ``PM_{2.5}`` lose their subscript mark; ``10^{6}`` -> ``10^6``.

    >>> strip_script_markup("PM_2.5, CO_2, H_2SO_4, PM_{10}, m^{2}, max_2, x_1, ID_2023", MarkupConfig()).text
    'PM2.5, CO2, H2SO4, PM10, m^2, max_2, x_1, ID_2023'
    """
    if "_" not in text and not ("^" in text and "^{" in text):  # (see strip_markdown_emphasis)
        return Cleaned(text)
    protected = protected_spans(text)
    spans = []
    for m in SUBSCRIPT.finditer(text):
        base = SUBSCRIPT_BASE.search(text, max(0, m.start() - SUBSCRIPT_BASE_WINDOW), m.start())
        if base is not None and not is_protected(protected, base.start()):
            spans.append((base.start(), m.end(), base.group() + (m.group(1) or m.group(2))))
    spans += [
        (m.start(), m.end(), "^" + m.group(1))
        for m in SUPERSCRIPT_BRACES.finditer(text)
        if not is_protected(protected, m.start())
    ]
    return replace_spans(text, "strip_script_markup", disjoint_spans(spans))


# Each rule may expose residue for a later one, never for an earlier one: entities may
# decode to tags, removing tags may expose ``**bold**`` or a heading mark (``<p>## 标题``),
# removing emphasis may expose a heading mark.
RULES = (
    unescape_html_entities,
    strip_html_tags,
    strip_broken_tags,
    strip_markdown_emphasis,
    strip_markdown_headings,
    strip_script_markup,
)
