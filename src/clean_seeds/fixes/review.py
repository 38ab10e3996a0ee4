"""Stage `review`: flags for a human editor, never text changes.

Some faults a careful editor would fix are too uncertain for a tool: a doubled character
(``路数打打法`` where the corpus says ``数打法``), a name one character off its usual form
(``雅柴(青岛)`` beside many ``潍柴(青岛)``), a headline fragment stranded in the body
(``绘出现代化国际 ——写在青岛两会``), a document that starts or ends mid-sentence.  Each rule
returns review flags (:func:`edits.flag`) and the text unchanged.

Doubled characters and name variants are judged by corpus statistics gathered by
:func:`collector` (:mod:`.review_stats`): exact counts of the few candidate forms, and a
count-min sketch of CJK character bigrams and trigrams (fixed memory) for how often the single
form occurs.  Without a corpus pass those two rules flag nothing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ..edits import flag
from ..models import Cleaned, Edit
from .review_stats import NgramSketch as NgramSketch
from .review_stats import _name_pattern
from .review_stats import cjk_runs as cjk_runs
from .review_stats import collector as collector
from .review_stats import observe as observe

STAGE = "review"

# Closing or clause punctuation: a text that starts with one starts mid-sentence.
NON_INITIAL_PUNCT = "，。、；：！？）》」』”’,.;:!?)]}…"

# Marks a text may end with; ``——`` and ``，`` are not among them (they lead on).
FINAL_PUNCT = "。！？!?…」』”’\"')）》】].;；"

# Marks that say the sentence goes on: a text ending with one is cut off.
CONTINUING_PUNCT = "，、：:,—–（(“‘《"

# End of a subtitle phrase (``——写在…之际``).
SUBTITLE_END = re.compile(r"之际|之时|前夕|周年")

# Where a subtitle without an ending word stops.
SUBTITLE_STOP = re.compile(r"[，。；！？\n]")

# Clause punctuation or a line break: where a stranded fragment begins.
FRAGMENT_BOUNDARY = re.compile(r"[，。；！？、,;:：\n][^，。；！？、,;:：\n]*\Z")


@dataclass(frozen=True)
class ReviewConfig:
    """Switches and knobs of the `review` stage."""

    #: run this stage at all
    enabled: bool = True
    #: flag a doubled CJK character whose single form the corpus knows
    doubled_character: bool = True
    #: flag a name one character off a form that recurs in the same context
    name_variant: bool = True
    #: flag a subtitle (``——写在…之际``) that stands inside body text
    stranded_headline: bool = True
    #: flag a document that starts or ends mid-sentence
    truncated_document: bool = True
    #: characters whose doubling is ordinary reduplication (常常, 天天), never flagged
    common_reduplications: str = "常天人看渐慢刚往纷处事年层步个家户时默久多大小好轻悄偷统匆恰仅稍"
    #: a doubled pair ``XX`` seen more often than this in the corpus is taken as intended
    max_doubled_count: int = 2
    #: the single form ``aXb`` must be seen at least this often (above sketch noise)
    min_single_count: int = 1
    #: words (or opening brackets) that follow company and place names: ``潍柴(青岛)``, ``…集团``
    name_anchors: tuple[str, ...] = ("(", "（", "集团", "公司", "股份", "控股")
    #: the usual form of a name must occur at least this often in the same context
    min_name_count: int = 3
    #: and at least this many times as often as the variant there
    name_ratio: float = 3.0
    #: the variant may occur at most this often in the whole corpus (any context)
    max_variant_count: int = 2
    #: words after ``——`` that open a subtitle
    subtitle_openers: tuple[str, ...] = ("写在", "写于", "献给", "纪念")
    #: a subtitle in the first this many non-blank lines belongs to the title
    head_lines: int = 3
    #: characters that never start a sentence (a text starting with one is cut off)
    non_initial_chars: str = "的了着们吗呢吧么"
    #: measure words that follow a number: a text starting ``岁的`` lost its number
    unit_chars: str = "岁个万亿元米吨倍届名位项件次条"
    #: a last line this long without final punctuation is cut off (shorter ones may be signatures)
    min_truncated_end_chars: int = 15
    #: the trigram sketch has 2**bits counters per row (4 rows of uint32)
    sketch_width_bits: int = 21
    #: only this many characters of the corpus feed the sketch
    sketch_max_chars: int = 50_000_000
    #: at most this many distinct candidate forms are tracked
    max_tracked_forms: int = 100_000
    #: doubled forms ``aXXb`` judged to be typos (filled by the collector)
    doubled_forms: frozenset[str] = field(default=frozenset(), metadata={"internal": True})
    #: ``(variant, context, usual)`` name triples (filled by the collector)
    name_variants: frozenset[tuple[str, str, str]] = field(default=frozenset(), metadata={"internal": True})

    def __post_init__(self) -> None:
        if not 10 <= self.sketch_width_bits <= 26:
            raise ValueError(f"review.sketch_width_bits must be in 10..26, got {self.sketch_width_bits}")
        if not self.name_anchors:
            raise ValueError("review.name_anchors must not be empty; disable name_variant instead")


@functools.lru_cache(maxsize=16)
def _doubled_pattern(forms: frozenset[str]) -> re.Pattern[str]:
    """DOUBLED restricted to the characters doubled in ``forms``: the same matches, found fast."""
    return re.compile(rf"([{re.escape(''.join(sorted({form[1] for form in forms})))}])\1")


@functools.lru_cache(maxsize=16)
def _variant_names(names: frozenset[tuple[str, str, str]]) -> re.Pattern[str]:
    """Where a variant name starts: its first character, followed by the rest (a lookahead, so
    overlapping names are all found).  The engine skips to the first characters in C; trying
    the name pattern at each of them cost more and more as a corpus had more variants."""
    variants = sorted({name for name, _, _ in names})
    return re.compile("|".join(f"{re.escape(name[0])}(?={re.escape(name[1:])})" for name in variants))


@functools.lru_cache(maxsize=16)
def _variant_map(variants: frozenset[tuple[str, str, str]]) -> dict[tuple[str, str], str]:
    # Sorted, so that a name with two usual forms maps to the same one whatever the set order
    # (which depends on the process's hash seed): output must be byte-identical across runs.
    return {(name, context): usual for name, context, usual in sorted(variants, reverse=True)}


def doubled_character(text: str, cfg: ReviewConfig) -> Cleaned:
    """Flag ``XX`` where the corpus knows the single form ``aXb`` and ``XX`` is rare.

    >>> cfg = ReviewConfig(doubled_forms=frozenset({"数打打法"}))
    >>> [e.before for e in doubled_character("创新路数打打法，跑出", cfg).edits]
    ['打打']
    """
    if not cfg.doubled_forms:
        return Cleaned(text)
    flags = []
    for m in _doubled_pattern(cfg.doubled_forms).finditer(text):
        start, end = m.span()
        form = text[start - 1 : end + 1] if start > 0 else ""
        if form in cfg.doubled_forms:
            single = form[0] + form[2:]
            flags.append(flag("doubled_character", text, start, end, "doubled_character", single=single))
    return Cleaned(text, tuple(flags))


def name_variant(text: str, cfg: ReviewConfig) -> Cleaned:
    """Flag a name one character off a form the corpus uses often in the same context.

    >>> cfg = ReviewConfig(name_variants=frozenset({("雅柴", "(青岛", "潍柴")}))
    >>> [e.info["usual"] for e in name_variant("新区雅柴(青岛)智慧重工", cfg).edits]
    ['潍柴']
    """
    if not cfg.name_variants:
        return Cleaned(text)
    variants = _variant_map(cfg.name_variants)
    pattern = _name_pattern(cfg.name_anchors)
    flags = []
    for first in _variant_names(cfg.name_variants).finditer(text):
        m = pattern.match(text, first.start())
        if m is None:
            continue
        usual = variants.get((m.group(1), m.group(2)))
        if usual is not None and _found_by_scan(pattern, text, m.start()):
            flags.append(flag("name_variant", text, m.start(), m.end(), "name_variant", usual=usual))
    return Cleaned(text, tuple(flags))


def _found_by_scan(pattern: re.Pattern[str], text: str, pos: int) -> bool:
    """Whether ``pattern.finditer(text)`` reports the match at ``pos`` (each match takes two
    characters, so of a run of matches at consecutive positions it reports every other one)."""
    run_start = pos
    while run_start > 0 and pattern.match(text, run_start - 1):
        run_start -= 1
    return (pos - run_start) % 2 == 0


def _in_head(text: str, line_start: int, cfg: ReviewConfig) -> bool:
    """Whether the line at ``line_start`` is among the first ``head_lines`` non-blank lines."""
    return sum(1 for line in text[:line_start].split("\n") if line.strip()) < cfg.head_lines


def _after_title(text: str, line_start: int) -> bool:
    """Whether the previous non-blank line is short and unpunctuated, like a title."""
    previous = text[:line_start].rstrip().rsplit("\n", 1)[-1].strip()
    return 0 < len(previous) <= 40 and previous[-1] not in FINAL_PUNCT + CONTINUING_PUNCT


@functools.lru_cache(maxsize=16)
def _subtitle_pattern(openers: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"——[ \t]*(?:{'|'.join(map(re.escape, openers))})" if openers else "(?!)")


def stranded_headline(text: str, cfg: ReviewConfig) -> Cleaned:
    """Flag a subtitle (``——写在…之际``) standing inside body text, with the fragment before it.

    A subtitle opening a line right under a title, or in the document's head, is in place.

    >>> text = "截至目前,27个绘出现代化国际 ——写在青岛两会召开之际新启动城中村改造。"
    >>> [e.before for e in stranded_headline(text, ReviewConfig()).edits]
    ['27个绘出现代化国际 ——写在青岛两会召开之际']
    >>> stranded_headline("标题\\n——写在大会召开之际\\n正文。", ReviewConfig()).edits
    ()
    """
    if "—" not in text or "——" not in text:  # (the one-character search is the faster)
        return Cleaned(text)
    flags = []
    for m in _subtitle_pattern(cfg.subtitle_openers).finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        lead = text[line_start : m.start()]
        if not lead.strip() and (_in_head(text, line_start, cfg) or _after_title(text, line_start)):
            continue
        fragment = FRAGMENT_BOUNDARY.search(lead[-20:])
        start = m.start() - len(lead[-20:]) + (fragment.start() + 1 if fragment else 0)
        start += len(text[start : m.start()]) - len(text[start : m.start()].lstrip())
        tail = SUBTITLE_END.search(text, m.end(), m.end() + 40)
        end = tail.end() if tail else m.end() + len(SUBTITLE_STOP.split(text[m.end() :], maxsplit=1)[0])
        flags.append(flag("stranded_headline", text, start, end, "subtitle_in_body"))
    return Cleaned(text, tuple(flags))


def _cut_at_start(head: str, cfg: ReviewConfig) -> bool:
    first = head[0]
    return (
        first in NON_INITIAL_PUNCT
        or first in cfg.non_initial_chars
        or (first in cfg.unit_chars and head[1:2] in ("的", "地", "，", ","))
        or ("a" <= first <= "z")
    )


def _cut_at_end(last_line: str, cfg: ReviewConfig) -> bool:
    last = last_line[-1]
    if last in CONTINUING_PUNCT:
        return True
    return last not in FINAL_PUNCT and len(last_line) >= cfg.min_truncated_end_chars


def truncated_document(text: str, cfg: ReviewConfig) -> Cleaned:
    """Flag a document that starts or ends mid-sentence (its first / last line).

    >>> flags = truncated_document("岁的长河,从不停息。\\n看新动能转换——", ReviewConfig()).edits
    >>> [e.info["reason"] for e in flags]
    ['starts_mid_sentence', 'ends_mid_sentence']
    >>> truncated_document("标题\\n正文完整。", ReviewConfig()).edits
    ()
    """
    stripped = text.strip()
    if not stripped:
        return Cleaned(text)
    flags: list[Edit] = []
    start = len(text) - len(text.lstrip())
    if _cut_at_start(stripped[:2], cfg):
        first_end = text.find("\n", start)
        end = len(text) if first_end < 0 else first_end
        flags.append(flag("truncated_document", text, start, min(end, start + 20), "starts_mid_sentence"))
    end = len(text.rstrip())
    last_start = text.rfind("\n", 0, end) + 1
    last_line = text[last_start:end].strip()
    if _cut_at_end(last_line, cfg):
        flags.append(flag("truncated_document", text, max(last_start, end - 20), end, "ends_mid_sentence"))
    return Cleaned(text, tuple(flags))


RULES = (doubled_character, name_variant, stranded_headline, truncated_document)
