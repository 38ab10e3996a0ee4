"""Stage `review`: flags for a human editor, never text changes.

Some faults a careful editor would fix are too uncertain for a tool: a doubled character
(``路数打打法`` where the corpus says ``数打法``), a name one character off its usual form
(``雅柴(青岛)`` beside many ``潍柴(青岛)``), a headline fragment stranded in the body
(``绘出现代化国际 ——写在青岛两会``), a document that starts or ends mid-sentence.  Each rule
returns review flags (:func:`edits.flag`) and the text unchanged.

Doubled characters and name variants are judged by corpus statistics gathered by
:func:`collector`: exact counts of the few candidate forms, and a count-min sketch of CJK
character bigrams and trigrams (fixed memory) for how often the single form occurs.  Without a corpus
pass those two rules flag nothing.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np

from ..edits import flag
from ..models import Cleaned, Edit

STAGE = "review"

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"

# A CJK character written twice; the characters around it give the single form's context.
DOUBLED = re.compile(rf"([{_CJK}])\1")

# Four CJK characters: the form around a doubled character that is counted.
CJK4 = re.compile(f"[{_CJK}]{{4}}")

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
def _name_pattern(anchors: tuple[str, ...]) -> re.Pattern[str]:
    """Two CJK characters before an anchor; an opening bracket takes two more as context."""
    brackets = "".join(re.escape(a) for a in anchors if a in "(（")
    words = "|".join(re.escape(a) for a in anchors if a not in "(（")
    context = "|".join(p for p in (f"[{brackets}][{_CJK}]{{1,2}}" if brackets else "", words) if p)
    return re.compile(rf"([{_CJK}]{{2}})(?=({context}))")


@functools.lru_cache(maxsize=16)
def _doubled_pattern(forms: frozenset[str]) -> re.Pattern[str]:
    """DOUBLED restricted to the characters doubled in ``forms``: the same matches, found fast."""
    return re.compile(rf"([{re.escape(''.join(sorted({form[1] for form in forms})))}])\1")


@functools.lru_cache(maxsize=16)
def _first_chars(names: frozenset[tuple[str, str, str]]) -> re.Pattern[str]:
    """Any first character of a variant name: where a name pattern match may be worth trying."""
    return re.compile(f"[{re.escape(''.join(sorted({name[0] for name, _, _ in names})))}]")


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
    for first in _first_chars(cfg.name_variants).finditer(text):
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
    if "——" not in text:
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


# --- Corpus statistics ----------------------------------------------------------------------

_MASK = (1 << 64) - 1
_P0, _P1 = 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F  # odd multipliers mixing a trigram's characters
_ROW_SEEDS = (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9)


def _cjk_code_table() -> np.ndarray:
    """Each UTF-16 code unit to itself if it is a CJK character (the ranges of _CJK), else to 0."""
    units = np.arange(1 << 16, dtype=np.uint16)
    cjk = ((units >= 0x3400) & (units <= 0x4DBF)) | ((units >= 0x4E00) & (units <= 0x9FFF))
    return np.where(cjk, units, np.uint16(0))


_CJK_CODES = _cjk_code_table()

# The sketch hashes its pending cjk_runs in batches of about this many bytes (two a character):
# bounded memory, yet few batches, since each costs a pass over the table.
_BATCH_BYTES = 1 << 22


def cjk_runs(text: str) -> bytes:
    """The CJK characters of ``text`` as uint16 codes, each run of them followed by one 0: all
    :class:`NgramSketch` needs of a text, and smaller than it (bytes pickle fastest).

    >>> np.frombuffer(cjk_runs("中文 ok 字"), dtype=np.uint16).tolist()
    [20013, 25991, 0, 23383, 0]
    """
    if len(text) < 3:  # too short to count, as the sketch has always had it
        return b""
    # the "\0" ends the last run; surrogate halves (characters beyond U+FFFF) are not CJK here
    codes = _CJK_CODES[np.frombuffer((text + "\0").encode("utf-16-le", "surrogatepass"), dtype=np.uint16)]
    cjk = codes != 0
    cjk[1:] |= cjk[:-1]  # a CJK character or the first character after a run (numpy reads first)
    return codes[cjk].tobytes()


def _ngram_hashes(runs: np.ndarray) -> np.ndarray:
    """The hashes of the CJK bigrams and trigrams in :func:`cjk_runs` output (one or more, joined)."""
    cjk = runs != 0
    pairs = cjk[:-1] & cjk[1:]
    wide = runs.astype(np.uint64)
    bigrams = wide[:-1] * np.uint64(_P0) + wide[1:] * np.uint64(_P1)  # a trigram ending in 0
    trigrams = bigrams[:-1] + wide[2:]
    return np.concatenate((bigrams[pairs], trigrams[pairs[:-1] & pairs[1:]]))


class NgramSketch:
    """Count-min sketch of CJK character bigrams and trigrams, filled with numpy in batches.

    Estimates use count-mean-min (each row's count minus its expected collisions, median over
    rows), so they are nearly unbiased; ``noise`` is the typical error of one estimate.
    """

    def __init__(self, width_bits: int) -> None:
        self.width = 1 << width_bits
        self.shift = np.uint64(64 - width_bits)
        self.table = np.zeros((len(_ROW_SEEDS), self.width), dtype=np.uint32)
        self.total = 0
        self._pending: list[bytes] = []
        self._pending_size = 0

    def add(self, text: str) -> None:
        """Count the CJK n-grams of ``text``."""
        self.add_runs(cjk_runs(text))

    def add_runs(self, runs: bytes) -> None:
        """Count the n-grams of one text's :func:`cjk_runs`."""
        if runs:
            self._pending.append(runs)
            self._pending_size += len(runs)
            if self._pending_size >= _BATCH_BYTES:
                self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        hashes = _ngram_hashes(np.frombuffer(b"".join(self._pending), dtype=np.uint16))
        self._pending, self._pending_size = [], 0
        self.total += len(hashes)
        index = np.empty(len(hashes), dtype=np.intp)  # bincount's own type: no conversion
        unsigned = index.view(np.uint64)
        for row, seed in enumerate(_ROW_SEEDS):
            np.right_shift(np.multiply(hashes, np.uint64(seed), out=unsigned), self.shift, out=unsigned)
            counts = np.bincount(index, minlength=self.width)
            np.add(self.table[row], counts, out=self.table[row], casting="unsafe")  # wraps like uint32

    def count(self, ngram: str) -> float:
        """Estimated occurrences of a two- or three-character string."""
        a, b, c = (ord(ch) for ch in ngram[:3].ljust(3, "\0"))
        key = (a * _P0 + b * _P1 + c) & _MASK
        shift = int(self.shift)
        values = [
            int(self.table[row, ((key * seed) & _MASK) >> shift]) for row, seed in enumerate(_ROW_SEEDS)
        ]
        estimates = sorted(v - (self.total - v) / (self.width - 1) for v in values)
        middle = (estimates[1] + estimates[2]) / 2
        return max(0.0, min(middle, *values))

    @property
    def noise(self) -> float:
        return math.sqrt(self.total / self.width)


@dataclass(frozen=True)
class Observation:
    """What one document shows the review statistics: its length and :func:`cjk_runs` (for
    the n-gram sketch), its doubled characters (``XX`` with the ``aXXb`` form around them, or
    ``""``) and the (name, context) pairs before its name anchors."""

    chars: int
    cjk_runs: bytes
    doubled: tuple[tuple[str, str], ...]
    names: tuple[tuple[str, str], ...]


def observe(text: str, cfg: ReviewConfig) -> Observation:
    """The review statistics of one document, for :class:`ReviewCollector` (pure).

    >>> observe("潍柴(青岛)和谐谐发展", ReviewConfig()).doubled
    (('谐谐', '和谐谐发'),)
    """
    doubled = []
    for m in DOUBLED.finditer(text):
        form = text[m.start() - 1 : m.end() + 1] if m.start() > 0 else ""
        doubled.append((m.group(), form if len(form) == 4 and CJK4.fullmatch(form) else ""))
    names = tuple((m.group(1), m.group(2)) for m in _name_pattern(cfg.name_anchors).finditer(text))
    return Observation(len(text), cjk_runs(text), tuple(doubled), names)


class ReviewCollector:
    """Gathers the corpus statistics the review rules need, in bounded memory."""

    def __init__(self, cfg: ReviewConfig) -> None:
        self.cfg = cfg
        self.sketch = NgramSketch(cfg.sketch_width_bits)
        self.sketched_chars = 0
        self.doubled_pairs: Counter[str] = Counter()  # "XX" -> occurrences
        self.doubled_forms: Counter[str] = Counter()  # "aXXb" -> occurrences
        self.names: Counter[tuple[str, str]] = Counter()  # (name, context) -> occurrences

    def add(self, text: str) -> None:
        self.take(observe(text, self.cfg))

    def take(self, seen: Observation) -> None:
        """Count one document's :func:`observe` result (the n-gram sketch takes the first
        ``sketch_max_chars`` characters of the corpus)."""
        if self.sketched_chars < self.cfg.sketch_max_chars:
            self.sketch.add_runs(seen.cjk_runs)
            self.sketched_chars += seen.chars
        for pair, form in seen.doubled:
            self.doubled_pairs[pair] += 1
            if form:
                self._count(self.doubled_forms, form)
        for name in seen.names:
            self._count(self.names, name)

    def _count(self, counter: Counter, key: object) -> None:
        if key in counter or len(counter) < self.cfg.max_tracked_forms:
            counter[key] += 1

    def finish(self) -> ReviewConfig:
        self.sketch.flush()
        return replace(self.cfg, doubled_forms=self._typo_forms(), name_variants=self._name_variants())

    def _typo_forms(self) -> frozenset[str]:
        cfg = self.cfg
        threshold = cfg.min_single_count - 0.5 + 3 * self.sketch.noise
        return frozenset(
            form
            for form in self.doubled_forms
            if form[1] not in cfg.common_reduplications
            and self.doubled_pairs[form[1:3]] <= cfg.max_doubled_count
            and self.sketch.count(form[0] + form[2:]) >= threshold
        )

    def _name_variants(self) -> frozenset[tuple[str, str, str]]:
        """Pairs of names differing in one character, one rare and one frequent, same context."""
        cfg = self.cfg
        groups: dict[tuple[str, str, int], list[str]] = {}
        for name, context in self.names:
            for position in range(len(name)):
                wildcard = name[:position] + "?" + name[position + 1 :]
                groups.setdefault((wildcard, context, position), []).append(name)
        variants = set()
        rare_limit = cfg.max_variant_count + 0.5 + 3 * self.sketch.noise
        for (_wildcard, context, _position), names in groups.items():
            if len(names) < 2:
                continue
            for rare in names:
                rare_count = self.names[rare, context]
                if self.sketch.count(rare) > rare_limit:
                    continue
                for usual in names:
                    usual_count = self.names[usual, context]
                    if usual_count >= cfg.min_name_count and usual_count >= cfg.name_ratio * rare_count:
                        variants.add((rare, context, usual))
        return frozenset(variants)


def collector(cfg: ReviewConfig) -> ReviewCollector:
    """The corpus pass for doubled characters and name variants (see :func:`pipeline.prepare`)."""
    return ReviewCollector(cfg)
