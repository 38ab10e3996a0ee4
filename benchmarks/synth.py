"""Synthetic OCR documents with known answers: clean paragraphs from the seeds, and OCR damage.

Ground truth comes from the seeds' own paragraphs (:func:`seed_paragraphs`), put in the
canonical form the cleaner is meant to produce (:func:`canonical_punctuation`: Chinese
punctuation full-width).  Damage functions each take a ``random.Random`` and are
deterministic given it; :func:`render` applies a :class:`Style` (a bundle of damage) to a list
of paragraphs and returns the damaged document text.  :class:`ParagraphMaker` writes new
paragraphs by recombining the seeds' clauses, so large corpora have distinct paragraphs.

This module is benchmark code: it never imports clean_seeds, so the answers it writes do not
depend on the code they grade.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"

# --- canonical form -------------------------------------------------------------------------

#: Han ideographs (basic, extension A, compatibility): what "Chinese context" means here.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Full-width punctuation that also makes a neighbour count as Chinese.
FULL_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】—…·「」『』"
HAN_CHAR = re.compile(f"[{HAN}]")
CHINESE_NEIGHBOUR = re.compile(f"[{HAN}{FULL_PUNCT}]")
ASCII_LETTER = re.compile(r"[A-Za-z]")
# Half-width marks that have a full-width form in Chinese text (GB/T 15834).
HALF_MARK = re.compile(r"[,;:!?]")
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
# A bracket pair with no bracket inside: full-width when its content has a Han character.
BRACKETED = re.compile(r"\(([^()\n]*)\)")
# LaTeX/markdown subscript residue in the seeds (PM_2.5, CO_2): the clean text has no underscore.
SUBSCRIPT = re.compile(r"(?<![A-Za-z])([A-Z]{1,4})_(\d+(?:\.\d+)?)")


def _neighbour(text: str, index: int, step: int) -> str:
    """The nearest non-space character from ``index`` going ``step`` (-1 or 1), or ''."""
    while 0 <= index < len(text):
        if text[index] not in " \t\u3000":
            return text[index]
        index += step
    return ""


def canonical_punctuation(text: str) -> str:
    """Chinese punctuation full-width: the form the seeds' half-width paragraphs should have.

    A half-width ``, ; : ! ?`` becomes full-width when its nearest non-space neighbour on
    either side is Chinese (a Han character or full-width punctuation), or when the paragraph
    is mostly Chinese and the mark does not sit between two digits (``1,000``, ``10:30`` stay).
    Brackets become full-width when their content has a Han character.  This is the
    benchmark's own statement of the answer, deliberately independent of the product's code.

    >>> canonical_punctuation("增长4.1%,居首位;时间10:30(青岛)(BABA.N)")
    '增长4.1%，居首位；时间10:30（青岛）(BABA.N)'
    >>> canonical_punctuation("分别增长26.8%,27.1%")
    '分别增长26.8%，27.1%'
    """
    chinese = len(HAN_CHAR.findall(text)) >= len(ASCII_LETTER.findall(text))

    def full(match: re.Match[str]) -> str:
        mark = match.group()
        before = _neighbour(text, match.start() - 1, -1)
        after = _neighbour(text, match.end(), 1)
        if CHINESE_NEIGHBOUR.match(before) or CHINESE_NEIGHBOUR.match(after):
            return HALF_TO_FULL[mark]
        if chinese and not (before.isdigit() and after.isdigit()) and not before.isalpha():
            return HALF_TO_FULL[mark]
        return mark

    text = HALF_MARK.sub(full, text)
    return BRACKETED.sub(lambda m: f"（{m[1]}）" if HAN_CHAR.search(m[1]) else m.group(), text)


# --- ground truth from the seeds -------------------------------------------------------------

#: Page furniture in the seeds (banners, credits, bylines, captions, jump markers, markdown
#: residue lines): never part of the ground truth.
FURNITURE = re.compile(
    r"客户端|主编|美编|审读|排版|</?[a-z]|^[□■#]|[（(][上下]转|转第.{1,3}版|^第.{1,3}版$|^—\s*\d+\s*—$"
)
#: A line ending in one of these ends a sentence, a label or a lead-in: it is a whole paragraph.
TERMINAL = tuple("。！？；：…—”’）」』!?;:")
#: Longest line that can be a heading; a longer line without a terminal mark was wrapped.
HEADING_MAX = 30


@dataclass(frozen=True, slots=True)
class Para:
    """One ground-truth paragraph: its clean text and kind (``heading``, ``body``, ``english``)."""

    text: str
    kind: str = "body"


def seed_paragraphs(seeds: Path = SEEDS) -> dict[str, list[Para]]:
    """The clean paragraphs of each seed, in order, in canonical form, each once.

    Kept: lines that end a sentence (or label, or lead-in) and do not continue a wrapped
    line, and short unterminated lines standing alone (headings).  Dropped: furniture, lines
    broken by column wraps (all pieces), bare ellipses, repeats of an earlier paragraph.
    """
    out: dict[str, list[Para]] = {}
    for path in sorted(seeds.glob("*.txt")):
        lines = [line.strip(" \t\u3000\ufeff") for line in path.read_text(encoding="utf-8").splitlines()]
        lines = [line for line in lines if line]
        paragraphs = [p for i in range(len(lines)) if (p := _classify(lines, i)) is not None]
        out[path.name] = list({p.text: p for p in reversed(paragraphs)}.values())[::-1]
    return out


def _unterminated_short(line: str) -> bool:
    return len(line) <= HEADING_MAX and not line.endswith(TERMINAL)


def _is_heading(lines: Sequence[str], i: int) -> bool:
    """A short unterminated line standing alone, with no clause marks or open quotes."""
    line = lines[i]
    if not _unterminated_short(line) or re.search("[，,。；;、]", line) or line.count("“") != line.count("”"):
        return False
    neighbours = [lines[j] for j in (i - 1, i + 1) if 0 <= j < len(lines)]
    return not any(_unterminated_short(n) for n in neighbours)


def _classify(lines: Sequence[str], i: int) -> Para | None:
    line = lines[i]
    if FURNITURE.search(line) or len(line.strip("….。")) < 2:
        return None
    if i and not lines[i - 1].endswith(TERMINAL) and not _is_heading(lines, i - 1):
        return None  # continues a wrapped line
    text = canonical_punctuation(SUBSCRIPT.sub(r"\1\2", line))
    if line.endswith(TERMINAL):
        return Para(text, "body")
    return Para(text, "heading") if _is_heading(lines, i) else None


ENGLISH_PARAGRAPHS = (
    Para("Port traffic rebounds as exporters race to beat new tariffs", "heading"),
    Para(
        "QINGDAO, Jan. 29 (Reuters) - Container throughput at Qingdao port rose 8.2% in the first"
        " three months of the year, the port operator said on Monday, as exporters rushed to ship"
        " goods ahead of a new round of tariffs that takes effect in April.",
        "english",
    ),
    Para(
        "The increase was driven by a well-known group of electronics and appliance makers, whose"
        " shipments to Europe and Southeast Asia grew faster than analysts had expected. Officials"
        " warned that the pace was unlikely to last beyond the second quarter.",
        "english",
    ),
    Para(
        '"We are seeing a front-loading effect rather than a long-term recovery," said Wang Lei,'
        ' a senior economist at a state-owned bank in Shanghai. "Once the tariffs bite, volumes'
        " could fall back to last year's levels.\"",
        "english",
    ),
    Para("City sets growth target of about 5.5% for 2024", "heading"),
    Para(
        "The municipal government aims for economic growth of about 5.5% this year, Mayor Zhao"
        " Haozhi told lawmakers on Monday, citing investment in advanced manufacturing, marine"
        " industries and the digital economy as the main drivers of expansion.",
        "english",
    ),
    Para(
        "Fixed-asset investment is expected to grow by more than 5%, while retail sales, which"
        " rose to a record 630 billion yuan last year, should keep pace with household incomes."
        " The budget also sets aside funds for affordable housing and the renovation of older"
        " neighbourhoods.",
        "english",
    ),
    Para(
        "Critics say the targets depend heavily on a recovery in exports, which remain vulnerable"
        " to weaker demand in Europe and to rising costs for small and medium-sized enterprises."
        " Several factory owners said they had postponed hiring until orders stabilise.",
        "english",
    ),
    Para("Air quality improves for third straight year", "heading"),
    Para(
        "Average concentrations of fine particulate matter, or PM2.5, fell to 29 micrograms per"
        " cubic metre last year, the environment bureau said, the lowest level since monitoring"
        " began. The city recorded 285 days of good or excellent air quality.",
        "english",
    ),
    Para(
        "Officials credited the switch from coal to natural gas for heating, stricter controls on"
        " construction dust and a cross-border programme with neighbouring cities. Procter & Gamble"
        " and other manufacturers in the area have also cut emissions at their plants.",
        "english",
    ),
    Para(
        "Environmental groups welcomed the figures but noted that ozone levels had risen during"
        " the summer months, a problem that is harder to tackle because it depends on complex"
        " interactions between vehicle exhaust, industrial solvents and sunlight.",
        "english",
    ),
)


# --- damage ---------------------------------------------------------------------------------

#: A run of ASCII word characters that a column wrap does not split (numbers, Latin words,
#: subscript residue such as PM_2.5).
WORD_OR_CHAR = re.compile(r"[0-9A-Za-z._%]+|.", re.S)


def char_width(char: str) -> int:
    """Display columns of one character: 2 for wide (CJK) characters, else 1."""
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def wrap_columns(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of at most ``width`` display columns (CJK counts 2).

    Breaks between any two CJK characters; an ASCII run breaks only when longer than a line.

    >>> wrap_columns("全市生产总值突破1.1万亿元", 8)
    ['全市生产', '总值突破', '1.1万亿', '元']
    """
    lines: list[str] = []
    line, used = "", 0
    for token in WORD_OR_CHAR.findall(text):
        size = len(token) if token.isascii() else sum(map(char_width, token))
        if used + size > width and line:
            lines.append(line)
            line, used = "", 0
        line += token
        used += size
    if line:
        lines.append(line)
    return lines


def wrap_fast(text: str, width: int) -> list[str]:
    """Like :func:`wrap_columns` for mostly-CJK text, in one regex pass: every character counts
    two columns and an ASCII run counts as one character.

    >>> wrap_fast("全市生产总值突破1.1万亿元", 8)
    ['全市生产', '总值突破', '1.1万亿元']
    """
    return re.findall(rf"(?:[0-9A-Za-z._%]+|.){{1,{max(1, width // 2)}}}", text, re.S)


def wrap_english(text: str, width: int, rng: random.Random, hyphenate: float = 0.5) -> list[str]:
    """Word-wrap English at ``width`` columns; a long word that does not fit is hyphenated
    (``exam-`` / ``ple``) with probability ``hyphenate``; a compound breaks after its hyphen.

    >>> wrap_english("a well-known example", 9, random.Random(0), hyphenate=0.0)
    ['a well-', 'known', 'example']
    """
    words = [w for w in re.split(r"(?<=-)(?=[a-z])| ", text) if w]
    glue = [not w.endswith("-") for w in words]  # a space follows this piece
    lines: list[str] = []
    line = ""
    for word, spaced in zip(words, glue, strict=True):
        room = width - len(line)
        if len(word) <= room:
            line += word
        elif len(word) >= 7 and room >= 4 and word.isalpha() and rng.random() < hyphenate:
            cut = rng.randint(3, min(room - 1, len(word) - 3))
            lines.append(line + word[:cut] + "-")
            line = word[cut:]
        else:
            if line.strip():
                lines.append(line.rstrip())
            line = word
        if spaced:
            line += " "
    if line.strip():
        lines.append(line.rstrip())
    return lines


FULL_TO_HALF = str.maketrans("，；：！？（）", ",;:!?()")


def halfwidth_punctuation(text: str, rng: random.Random, rate: float = 1.0) -> str:
    """Turn full-width ``，；：！？（）`` into ASCII, each with probability ``rate`` (OCR habit).

    >>> halfwidth_punctuation("增长，居首位（青岛）", random.Random(0))
    '增长,居首位(青岛)'
    """
    if rate >= 1.0:
        return text.translate(FULL_TO_HALF)
    return "".join(c.translate(FULL_TO_HALF) if rng.random() < rate else c for c in text)


#: Clean text -> markup residue, by where it goes on a paragraph's lines.
MARKUP_AROUND = (("<p>", "</p>"), ("<div class=\"content\">", "</div>"), ("", "</div"), ("&nbsp;&nbsp;", ""),
                 ("<span style=\"font-size:14px\">", "</span>"), ("", "<br/>"))  # fmt: skip
SUBSCRIPTABLE = re.compile(r"\b(PM|CO|SO|NO|H)(\d+(?:\.\d+)?)")


def markup_residue(lines: list[str], kind: str, rng: random.Random) -> list[str]:
    """Add HTML/markdown residue to one paragraph's lines (never inside a line's text).

    Headings get a markdown ``## `` marker; other paragraphs tags, entities or a broken
    ``</div``; subscripts (``PM2.5``) become ``PM_2.5``; ``&`` becomes ``&amp;``.
    """
    out = [SUBSCRIPTABLE.sub(r"\1_\2", line).replace("&", "&amp;") for line in lines]
    if kind == "heading":
        out[0] = "## " + out[0]
        return out
    before, after = rng.choice(MARKUP_AROUND)
    out[0] = before + out[0]
    out[-1] += after
    if kind == "english" and len(out) > 1:
        out[1] = out[1].replace(" ", "&nbsp;", 1)
    return out


def single_break(text: str, rng: random.Random) -> list[str]:
    """Break one long paragraph once, mid-sentence (as in ``…国际大都市的`` / ``实施意见》…``)."""
    if len(text) < 40 or text.isascii():
        return [text]
    cut = rng.randint(len(text) // 4, 3 * len(text) // 4)
    while cut < len(text) - 1 and not HAN_CHAR.match(text[cut]):
        cut += 1  # land between Han characters, as a page break in running text does
    return [text[:cut], text[cut:]]


WEEKDAYS = "一二三四五六日"


def running_heads(rng: random.Random, english: bool) -> tuple[str, str]:
    """A document's header and footer templates (``{page}`` is the page number)."""
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    if english:
        date = f"{rng.choice(['Monday', 'Tuesday', 'Friday'])}, January {day}, 2024"
        return rng.choice([(f"THE QINGDAO HERALD | {date}", "Page {page}"), ("BUSINESS", "- {page} -")])
    paper = rng.choice(["青岛日报", "青岛晚报", "半岛都市报", "大众日报"])
    header = rng.choice(
        [
            f"{paper} 2023年{month}月{day}日 星期{rng.choice(WEEKDAYS)}",
            f"{paper}·要闻",
            f"{month}月{day}日 {paper}",
        ]
    )
    footer = rng.choice(["第{page}版", "— {page} —", "A{page:02d} 要闻", "{page}"])
    return header, footer


def insert_running_heads(
    lines: list[str], every: int, header: str, footer: str, first_page: int = 1
) -> list[str]:
    """Put a footer and the next page's header after every ``every`` text lines.

    Pages break wherever they fall, also inside a paragraph.  Blank lines are kept as they are.
    """
    out = [header.format(page=first_page)]
    page, count = first_page, 0
    for line in lines:
        out.append(line)
        if line:
            count += 1
            if count % every == 0:
                out += [footer.format(page=page), header.format(page=page + 1)]
                page += 1
    out.append(footer.format(page=page))
    return out


def mojibake(text: str, codec: str) -> str | None:
    """``text``'s UTF-8 bytes read as ``codec`` (``gbk`` or ``latin-1``), if that reads back.

    >>> mojibake("青岛", "gbk")
    '闈掑矝'
    """
    try:
        garbled = text.encode("utf-8").decode(codec)
        if garbled.encode(codec).decode("utf-8") != text:
            return None
    except UnicodeError:
        return None
    return garbled


ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")


def zero_width(text: str, rng: random.Random, count: int) -> str:
    """Insert ``count`` invisible characters (zero-width spaces and joiners, BOM, soft hyphen)."""
    if not text:
        return text
    spots = sorted(rng.randrange(len(text)) for _ in range(count))
    pieces, last = [], 0
    for spot in spots:
        pieces += [text[last:spot], rng.choice(ZERO_WIDTH)]
        last = spot
    return "".join([*pieces, text[last:]])


#: Characters OCR confuses (each maps to look-alikes), for near-duplicate noise.
LOOKALIKES = {
    "己": "已巳", "已": "己", "未": "末", "末": "未", "日": "曰", "曰": "日", "人": "入八", "入": "人",
    "土": "士", "士": "土", "干": "千于", "千": "干", "大": "太犬", "太": "大", "天": "夫", "夫": "天",
    "王": "玉", "木": "本", "本": "木", "刀": "力", "力": "刀", "戊": "戌", "问": "间", "间": "问",
    "设": "没", "没": "设", "仓": "仑", "鸟": "乌", "0": "O", "O": "0", "1": "l", "l": "1", "5": "S",
    "8": "B", "，": ",", "。": "，",
}  # fmt: skip


def ocr_noise(text: str, rng: random.Random, rate: float = 0.02) -> str:
    """Substitute look-alike characters and drop characters at ``rate`` (at least one change).

    >>> ocr_noise("已经完成", random.Random(1)) != "已经完成"
    True
    """
    chars = list(text)
    positions = [i for i, c in enumerate(chars) if c in LOOKALIKES or HAN_CHAR.match(c)]
    changes = max(1, round(rate * len(chars)))
    for i in sorted(rng.sample(positions, min(changes, len(positions))), reverse=True):
        if chars[i] in LOOKALIKES and rng.random() < 0.7:
            chars[i] = rng.choice(LOOKALIKES[chars[i]])
        else:
            del chars[i]
    return "".join(chars)


# --- whole documents ----------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """The damage a document gets when rendered.  Zero / False / '' means none of that kind."""

    #: wrap width in display columns (0: one paragraph per line)
    width: int = 0
    #: a blank line between every two lines (narrow newspaper columns)
    blank_lines: bool = False
    #: a blank line between paragraphs
    paragraph_gap: bool = True
    #: break one long paragraph once (when not wrapping)
    single_breaks: float = 0.0
    #: share of full-width punctuation turned half-width
    halfwidth: float = 0.0
    #: running header and footer every this many text lines
    heads_every: int = 0
    #: share of paragraphs with markup residue
    markup: float = 0.0
    #: lines turned into mojibake, and how (``gbk`` or ``latin-1``)
    mojibake_lines: int = 0
    mojibake_codec: str = "gbk"
    #: invisible characters inserted
    zero_width: int = 0
    #: CRLF line ends
    crlf: bool = False
    #: English hyphenation probability at wraps
    hyphenate: float = 0.6
    #: the file's encoding
    encoding: str = "utf-8"
    #: exact column wraps (slow) rather than the one-regex approximation
    exact: bool = True


def render(paragraphs: Sequence[Para], style: Style, rng: random.Random) -> str:
    """The damaged text of a document whose clean paragraphs are ``paragraphs``."""
    english = sum(p.kind == "english" for p in paragraphs) * 2 > len(paragraphs)
    lines: list[str] = []
    body_lines: list[int] = []
    for number, para in enumerate(paragraphs):
        text = para.text
        if style.halfwidth and para.kind != "english":
            text = halfwidth_punctuation(text, rng, style.halfwidth)
        pieces = _wrap(para, text, style, rng)
        if style.markup and rng.random() < style.markup:
            pieces = markup_residue(pieces, para.kind, rng)
        if number and (style.paragraph_gap or style.blank_lines):
            lines.append("")
        for i, piece in enumerate(pieces):
            if i and style.blank_lines:
                lines.append("")
            if para.kind != "heading":
                body_lines.append(len(lines))
            lines.append(piece)
    for index in rng.sample(body_lines, min(style.mojibake_lines, len(body_lines))):
        lines[index] = mojibake(lines[index], style.mojibake_codec) or lines[index]
    if style.heads_every:
        lines = insert_running_heads(lines, style.heads_every, *running_heads(rng, english))
    text = "\n".join(lines) + "\n"
    if style.zero_width:
        text = zero_width(text, rng, style.zero_width)
    return text.replace("\n", "\r\n") if style.crlf else text


def _wrap(para: Para, text: str, style: Style, rng: random.Random) -> list[str]:
    if para.kind == "heading" or not style.width:
        if style.single_breaks and para.kind == "body" and rng.random() < style.single_breaks:
            return single_break(text, rng)
        return [text]
    if para.kind == "english":
        return wrap_english(text, max(style.width, 30), rng, style.hyphenate)
    return wrap_columns(text, style.width) if style.exact else wrap_fast(text, style.width)


def encode(text: str, encoding: str) -> bytes:
    """The file's bytes; text GB18030 cannot hold (none in practice) falls back to UTF-8."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8")


# --- new paragraphs from the seeds' clauses -----------------------------------------------

#: A clause: text up to and including a clause-ending mark.
CLAUSE = re.compile(r"[^，。；！？：]+[，。；！？：]")
DIGITS = re.compile(r"\d+")


class ParagraphMaker:
    """Writes new, distinct paragraphs by recombining the seeds' clauses (numbers redrawn).

    Two paragraphs made here share a clause now and then but almost never enough to be near
    duplicates, so every duplicate in a corpus is one the generator put there on purpose.
    """

    def __init__(self, paragraphs: Iterable[Para]) -> None:
        body = [p.text for p in paragraphs if p.kind == "body"]
        clauses = {c for text in body for c in CLAUSE.findall(text) if 4 <= len(c) <= 60}
        self.clauses = sorted(c[:-1] for c in clauses)
        self.headings = sorted({p.text for p in paragraphs if p.kind == "heading"})
        self.english = [p.text for p in ENGLISH_PARAGRAPHS if p.kind == "english"]
        self.english_sentences = sorted(
            {s for t in self.english for s in re.split(r"(?<=[.\"]) (?=[A-Z\"])", t)}
        )

    def body(self, rng: random.Random) -> str:
        """A Chinese paragraph of 4-14 clauses, ending with 。."""
        count = rng.randint(4, 14)
        picked = rng.choices(self.clauses, k=count)
        marks = [*rng.choices("，；", weights=(4, 1), k=count - 1), "。"]
        text = "".join(c + m for c, m in zip(picked, marks, strict=True))
        return DIGITS.sub(lambda m: _redraw(m.group(), rng), text)

    def heading(self, rng: random.Random) -> str:
        """A short heading: a clause fragment, sometimes numbered like ``（三）``."""
        clause = self.clauses[rng.randrange(len(self.clauses))]
        start = rng.randrange(max(1, len(clause) - 6))
        text = clause[start : start + rng.randint(6, 16)].strip()
        return rng.choice(["", "", "（一）", "（二）", "二、", "三、"]) + text

    def english_body(self, rng: random.Random) -> str:
        """An English paragraph of 3-5 sentences, numbers redrawn."""
        text = " ".join(rng.sample(self.english_sentences, rng.randint(3, 5)))
        return DIGITS.sub(lambda m: _redraw(m.group(), rng), text)


def _redraw(digits: str, rng: random.Random) -> str:
    """Random digits of the same length (no leading zero unless one digit)."""
    if len(digits) == 1:
        return str(rng.randrange(10))
    return str(rng.randrange(10 ** (len(digits) - 1), 10 ** len(digits)))


def key(text: str) -> str:
    """The letters and digits of ``text`` (Han and Latin, lowercased): what survives cleaning.

    >>> key("增长4.1%，居 首位。Well-known")
    '增长41居首位wellknown'
    """
    return NON_KEY.sub("", text.lower())


def jaccard(a: str, b: str, n: int = 5) -> float:
    """Jaccard similarity of the character ``n``-grams of two texts' keys.

    >>> round(jaccard("青岛市全面推进城市更新", "青岛市全面推进城市更新行动"), 2)
    0.78
    """
    grams = [{k[i : i + n] for i in range(max(1, len(k) - n + 1))} for k in (key(a), key(b))]
    return len(grams[0] & grams[1]) / len(grams[0] | grams[1])


NON_KEY = re.compile(f"[^0-9a-z{HAN}]+")
