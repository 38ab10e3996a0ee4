"""Corpus statistics for the `review` stage: what the doubled-character and name-variant rules
need to know about the whole corpus, gathered before cleaning in bounded memory.

:func:`observe` takes what one document shows (its CJK character runs, doubled characters and
the names before name anchors); :class:`ReviewCollector` counts those exactly for the few
candidate forms, and CJK character bigrams and trigrams in a count-min sketch
(:class:`NgramSketch`, fixed memory), then fills the config's ``doubled_forms`` and
``name_variants``.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .review import ReviewConfig


_CJK = "\u3400-\u4dbf\u4e00-\u9fff"

# A CJK character written twice; the characters around it give the single form's context.
DOUBLED = re.compile(rf"([{_CJK}])\1")

# Four CJK characters: the form around a doubled character that is counted.
CJK4 = re.compile(f"[{_CJK}]{{4}}")


@functools.lru_cache(maxsize=16)
def _name_pattern(anchors: tuple[str, ...]) -> re.Pattern[str]:
    """Two CJK characters before an anchor; an opening bracket takes two more as context."""
    brackets = "".join(re.escape(a) for a in anchors if a in "(（")
    words = "|".join(re.escape(a) for a in anchors if a not in "(（")
    context = "|".join(p for p in (f"[{brackets}][{_CJK}]{{1,2}}" if brackets else "", words) if p)
    return re.compile(rf"([{_CJK}]{{2}})(?=({context}))")


@functools.lru_cache(maxsize=16)
def _anchor_start(anchors: tuple[str, ...]) -> re.Pattern[str]:
    """The characters a name anchor starts with: the only places a name can end."""
    return re.compile(f"[{re.escape(''.join(sorted({a[0] for a in anchors})))}]")


def names_before_anchors(text: str, anchors: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """The (name, context) pairs ``_name_pattern(anchors).finditer(text)`` finds, found from the
    anchors: far fewer places to try than every character.

    >>> names_before_anchors("潍柴(青岛)和雅柴(青岛)", ("(",))
    (('潍柴', '(青岛'), ('雅柴', '(青岛'))
    """
    return _names_at(text, anchors, (m.start() for m in _anchor_start(anchors).finditer(text, 2)))


def _names_at(text: str, anchors: tuple[str, ...], starts: Iterable[int]) -> tuple[tuple[str, str], ...]:
    """The (name, context) pairs before the anchor starts at ``starts`` (ascending, from 2 on),
    as ``_name_pattern(anchors).finditer(text)`` finds them."""
    pattern = _name_pattern(anchors)
    names = []
    end = 0  # where the last match's name ended: finditer goes on from there
    for at in starts:
        if at - 2 >= end and (m := pattern.match(text, at - 2)):
            names.append((m.group(1), m.group(2)))
            end = at
    return tuple(names)


_MASK = (1 << 64) - 1
_P0, _P1 = 0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F  # odd multipliers mixing a trigram's characters
_ROW_SEEDS = (0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9)


def _cjk_code_table() -> np.ndarray:
    """Each UTF-16 code unit to itself if it is a CJK character (the ranges of _CJK), else to 0."""
    units = np.arange(1 << 16, dtype=np.uint16)
    cjk = ((units >= 0x3400) & (units <= 0x4DBF)) | ((units >= 0x4E00) & (units <= 0x9FFF))
    return np.where(cjk, units, np.uint16(0))


_CJK_CODES = _cjk_code_table()

#: :func:`_unit_flags` bits
_CJK_FLAG, _ANCHOR_FLAG = np.uint8(1), np.uint8(2)


@functools.lru_cache(maxsize=16)
def _unit_flags(anchors: tuple[str, ...]) -> np.ndarray:
    """Each UTF-16 code unit to _CJK_FLAG if it is a CJK character, plus _ANCHOR_FLAG if a name
    anchor starts with it (an anchor starting beyond U+FFFF needs none: texts holding such
    characters take the slow path in :func:`observe`)."""
    flags = (_CJK_CODES != 0).astype(np.uint8)
    for anchor in anchors:
        if ord(anchor[0]) < len(flags):
            flags[ord(anchor[0])] |= _ANCHOR_FLAG
    return flags


# The sketch hashes its pending cjk_runs in batches of about this many bytes (two a character):
# bounded memory, yet few batches, since each costs a pass over the table.
_BATCH_BYTES = 1 << 22
#: code units hashed at a time
_HASH_BLOCK = 1 << 16
#: one count, in the sketch table's type
_ONE = np.uint32(1)


def cjk_runs(text: str) -> bytes:
    """The CJK characters of ``text`` as uint16 codes, each run of them followed by one 0: all
    :class:`NgramSketch` needs of a text, and smaller than it (bytes pickle fastest).

    >>> np.frombuffer(cjk_runs("中文 ok 字"), dtype=np.uint16).tolist()
    [20013, 25991, 0, 23383, 0]
    """
    if len(text) < 3:  # too short to count, as the sketch has always had it
        return b""
    # the "\0" ends the last run; surrogate halves (characters beyond U+FFFF) are not CJK here
    units = np.frombuffer((text + "\0").encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    return _runs(_CJK_CODES[units])


def _runs(codes: np.ndarray) -> bytes:
    """:func:`cjk_runs` from a text's code units with those not CJK set to 0 (a 0 last)."""
    keep = codes != 0
    keep[1:] |= keep[:-1]  # a CJK character or the first character after a run (numpy reads first)
    return codes[keep].tobytes()


def doubled_starts(text: str) -> list[int]:
    """Where ``DOUBLED.finditer(text)`` finds a doubled CJK character, found with numpy: the
    regex scan cost more than the rest of the statistics.

    >>> doubled_starts("谐谐谐谐谐 ok 字字")
    [0, 2, 9]
    """
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    if len(units) != len(text):  # characters beyond U+FFFF take two units: offsets differ
        return [m.start() for m in DOUBLED.finditer(text)]
    codes = _CJK_CODES[units]
    return _first_of_runs(np.flatnonzero((codes[:-1] == codes[1:]) & (codes[:-1] != 0)).tolist())


def _ngram_hashes(runs: np.ndarray) -> np.ndarray:
    """The hashes of the CJK bigrams and trigrams in :func:`cjk_runs` output (one or more, joined).

    Block by block: the temporaries stay small (fresh memory costs page faults), and their
    order does not matter to the sketch.
    """
    parts = [np.zeros(0, dtype=np.uint64)]
    for lo in range(0, len(runs) - 1, _HASH_BLOCK):
        block = runs[lo : lo + _HASH_BLOCK + 2]  # bigrams and trigrams starting in the block
        cjk = block != 0
        pairs = cjk[:-1] & cjk[1:]
        wide = block.astype(np.uint64)
        bigrams = wide[:-1] * np.uint64(_P0) + wide[1:] * np.uint64(_P1)  # a trigram ending in 0
        trigrams = bigrams[:-1] + wide[2:]
        starts = min(_HASH_BLOCK, len(bigrams))
        parts += [bigrams[:starts][pairs[:starts]], trigrams[:starts][(pairs[:-1] & pairs[1:])[:starts]]]
    return np.concatenate(parts)


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
        self._counting: threading.Thread | None = None
        self._failed: BaseException | None = None  # what stopped the counting thread

    def add(self, text: str) -> None:
        """Count the CJK n-grams of ``text``."""
        self.add_runs(cjk_runs(text))

    def add_runs(self, runs: bytes) -> None:
        """Count the n-grams of one text's :func:`cjk_runs` (a batch at a time, counted in the
        background: see :meth:`_count_later`)."""
        if runs:
            self._pending.append(runs)
            self._pending_size += len(runs)
            if self._pending_size >= _BATCH_BYTES:
                self._count_later()

    def flush(self) -> None:
        """Count everything added so far; the table and total are then complete."""
        self._count_later()
        self._wait()

    def _count_later(self) -> None:
        """Count the pending batch in a thread while the caller goes on taking documents.

        numpy lets go of the interpreter lock for most of the work, so in a run's first pass
        the main process (which takes every worker's observations in turn, and was the slowest
        part of that pass) goes on meanwhile.  One batch at a time: memory stays bounded, and
        the counts are the same in any order (sums, wrapping like uint32).
        """
        self._wait()
        if not self._pending:
            return
        runs = np.frombuffer(b"".join(self._pending), dtype=np.uint16)
        self._pending, self._pending_size = [], 0
        self._counting = threading.Thread(target=self._count, args=(runs,), name="clean-seeds-sketch")
        self._counting.start()

    def _wait(self) -> None:
        """Wait for the batch being counted; its error, if any, is raised here."""
        if self._counting is not None:
            self._counting.join()
            self._counting = None
        if self._failed is not None:
            failed, self._failed = self._failed, None
            raise failed

    def _count(self, runs: np.ndarray) -> None:
        try:
            self._count_now(runs)
        except BaseException as err:  # (MemoryError, say: raised in the caller's thread)
            self._failed = err

    def _count_now(self, runs: np.ndarray) -> None:
        hashes = _ngram_hashes(runs)
        self.total += len(hashes)
        index = np.empty(len(hashes), dtype=np.intp)
        unsigned = index.view(np.uint64)
        for row, seed in enumerate(_ROW_SEEDS):
            np.right_shift(np.multiply(hashes, np.uint64(seed), out=unsigned), self.shift, out=unsigned)
            # (``add.at`` in the table's own type takes numpy's fast path, and allocates nothing:
            # a ``bincount`` of the row is a fresh, zeroed array as large as the row each time)
            np.add.at(self.table[row], index, _ONE)  # wraps like uint32

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

    One UTF-16 encoding and one table look-up serve all three statistics (the same as
    :func:`cjk_runs`, :func:`doubled_starts` and :func:`names_before_anchors`): numpy's cost
    here is mostly per call, so sharing the arrays costs less than three separate passes.

    >>> from clean_seeds.fixes.review import ReviewConfig
    >>> observe("潍柴(青岛)和谐谐发展", ReviewConfig()).doubled
    (('谐谐', '和谐谐发'),)
    """
    # the "\0" ends the last run of cjk_runs; it is not CJK, so it starts no doubled pair
    units = np.frombuffer((text + "\0").encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    if len(units) != len(text) + 1:  # characters beyond U+FFFF take two units: offsets differ
        doubled = _doubled_forms(text, doubled_starts(text))
        return Observation(len(text), cjk_runs(text), doubled, names_before_anchors(text, cfg.name_anchors))
    flags = _unit_flags(cfg.name_anchors).take(units)
    cjk = (flags & _CJK_FLAG).view(np.bool_)
    runs = _runs(units * cjk) if len(text) >= 3 else b""  # (too short to count, as in cjk_runs)
    pairs = np.flatnonzero((units[:-1] == units[1:]) & cjk[:-1]).tolist()
    # a name's two characters are CJK: only the anchors after two CJK characters can match
    anchors = np.flatnonzero((flags[2:-1] >= _ANCHOR_FLAG) & cjk[1:-2] & cjk[:-3]).tolist()
    names = _names_at(text, cfg.name_anchors, (at + 2 for at in anchors))
    return Observation(len(text), runs, _doubled_forms(text, _first_of_runs(pairs)), names)


def _first_of_runs(pairs: list[int]) -> list[int]:
    """The starts ``DOUBLED.finditer`` takes of the doubled pairs at ``pairs``: it goes on after
    a match, so of 谐谐谐 only the first two match."""
    starts, end = [], 0
    for at in pairs:
        if at >= end:
            starts.append(at)
            end = at + 2
    return starts


def _doubled_forms(text: str, starts: list[int]) -> tuple[tuple[str, str], ...]:
    """Each doubled character at ``starts`` with the ``aXXb`` form around it, or ``""``."""
    doubled = []
    for start in starts:
        form = text[start - 1 : start + 3] if start > 0 else ""
        doubled.append((text[start : start + 2], form if len(form) == 4 and CJK4.fullmatch(form) else ""))
    return tuple(doubled)


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
