"""The review statistics pass: observations carry CJK codes rather than the text, and the sketch
they fill is the one counting each text's n-grams one at a time would give."""

from __future__ import annotations

import functools
import pickle
import random
import re
from collections import Counter

import numpy as np
import pytest

from clean_seeds.fixes import review, review_stats
from clean_seeds.fixes.review import NgramSketch, ReviewConfig
from tests.conftest import seed_texts

MASK = (1 << 64) - 1
CJK_CHAR = re.compile(f"[{review_stats._CJK}]")
TEXTS = (
    *seed_texts().values(),
    "数打法" * 50 + "新打法",
    "中文",  # too short: never counted
    "中文字",
    "\ud800\udfff孤立字",
    "𠀀中文字𠀀",  # outside the BMP: not CJK for the sketch
    "䷀中文䷁字",  # hexagrams sit between the CJK ranges
    "㐀䶿一鿿ꀀ",  # the ends of the ranges
    "English only, no CJK at all.",
)


@functools.cache
def reference_table(texts: tuple[str, ...], width_bits: int) -> np.ndarray:
    """The sketch table counted one n-gram at a time, as the sketch defines it."""
    counts: Counter[tuple[int, int]] = Counter()
    for text in texts:
        if len(text) < 3:
            continue
        for n in (2, 3):
            for i in range(len(text) - n + 1):
                gram = text[i : i + n]
                if all(CJK_CHAR.match(ch) for ch in gram):
                    a, b, c = (ord(ch) for ch in gram.ljust(3, "\0"))
                    key = (a * review_stats._P0 + b * review_stats._P1 + c) & MASK
                    for row, seed in enumerate(review_stats._ROW_SEEDS):
                        counts[row, ((key * seed) & MASK) >> (64 - width_bits)] += 1
    table = np.zeros((len(review_stats._ROW_SEEDS), 1 << width_bits), dtype=np.uint32)
    for (row, column), count in counts.items():
        table[row, column] = count
    return table


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("中文 ok 字", "中文\0字\0"),
        ("中文字", "中文字\0"),
        ("中文", ""),
        ("abc", ""),
        ("", ""),
        ("a中b", "中\0"),
        ("\ud800\udfff孤立", "孤立\0"),
        ("𠀀中文", "中文\0"),
        ("䷀中文", "中文\0"),
        ("㐀䶿一鿿ꀀ", "㐀䶿一鿿\0"),
    ],
)
def test_cjk_runs(text: str, codes: str) -> None:
    assert np.frombuffer(review.cjk_runs(text), dtype=np.uint16).tolist() == [ord(c) for c in codes]


@pytest.mark.parametrize(("batch_bytes", "hash_block"), [(2, 1), (1000, 3), (1 << 22, 7), (1 << 22, 1 << 16)])
def test_sketch_matches_one_at_a_time_count(
    monkeypatch: pytest.MonkeyPatch, batch_bytes: int, hash_block: int
) -> None:
    monkeypatch.setattr(review_stats, "_BATCH_BYTES", batch_bytes)
    monkeypatch.setattr(review_stats, "_HASH_BLOCK", hash_block)
    sketch = NgramSketch(12)
    for text in TEXTS:
        sketch.add(text)
    sketch.flush()
    expected = reference_table(TEXTS, 12)
    assert np.array_equal(sketch.table, expected)
    assert sketch.total == expected[0].sum()


def test_sketch_counting_error_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches are counted in a background thread; what stops one is raised by the next
    call that waits for it, not lost with the thread."""

    def failing(runs: np.ndarray) -> np.ndarray:
        raise MemoryError("no room for the hashes")

    monkeypatch.setattr(review_stats, "_BATCH_BYTES", 2)
    monkeypatch.setattr(review_stats, "_ngram_hashes", failing)
    sketch = NgramSketch(12)
    sketch.add(TEXTS[0])  # a full batch: counting starts
    with pytest.raises(MemoryError, match="no room"):
        sketch.flush()
    sketch.flush()  # reported once; nothing pending


def test_collector_caps_the_sketch_in_corpus_order() -> None:
    """The document that reaches ``sketch_max_chars`` still counts in full; later ones do not."""
    collect = review.collector(ReviewConfig(sketch_max_chars=10, sketch_width_bits=12))
    for text in ("数打法" * 3, "新打法" * 3, "老打法" * 3):
        collect.take(review.observe(text, collect.cfg))
    collect.finish()
    assert collect.sketched_chars == 18
    assert collect.sketch.count("新打法") == pytest.approx(3, abs=0.5)
    assert collect.sketch.count("老打法") == 0


def test_observation_is_smaller_than_the_text() -> None:
    text = seed_texts()[next(iter(seed_texts()))]
    assert len(pickle.dumps(review.observe(text, ReviewConfig()))) < len(text.encode("utf-8"))


NAME_ALPHABET = "集团公司股份控(（中国青岛潍柴雅a )）\n"


@pytest.mark.parametrize("anchors", [ReviewConfig().name_anchors, ("(",), ("集团", "集"), ("公司",), ("a(",)])
def test_names_found_from_the_anchors_are_those_of_a_full_scan(anchors: tuple[str, ...]) -> None:
    """Adjacent anchors, anchors inside names and brackets inside contexts: the same pairs as
    ``finditer`` over every character, which takes a name's two characters before going on."""
    rng = random.Random(7)
    texts = [
        *seed_texts().values(),
        *("".join(rng.choices(NAME_ALPHABET, k=rng.randint(0, 40))) for _ in range(3000)),
    ]
    pattern = review_stats._name_pattern(anchors)
    found = 0
    for text in texts:
        expected = tuple((m.group(1), m.group(2)) for m in pattern.finditer(text))
        assert review_stats.names_before_anchors(text, anchors) == expected, text
        found += len(expected)
    assert found > 20  # the texts do exercise the anchors


def test_doubled_characters_found_with_numpy_are_those_of_the_regex() -> None:
    """Runs of three and more, characters beyond U+FFFF (two UTF-16 units) and lone surrogates."""
    rng = random.Random(11)
    alphabet = ["谐", "谐", "和", "a", " ", "\n", "𠀀", "\udc80", "\ud800", "㐀", "鿿", "䶿", "一"]
    texts = [
        *seed_texts().values(),
        *("".join(rng.choices(alphabet, k=rng.randint(0, 14))) for _ in range(5000)),
    ]
    found = 0
    for text in texts:
        expected = [m.start() for m in review_stats.DOUBLED.finditer(text)]
        assert review_stats.doubled_starts(text) == expected, repr(text)
        found += len(expected)
    assert found > 1000


def test_name_variants_found_from_their_names_are_those_of_every_first_character() -> None:
    """Overlapping names (雅柴 in 雅雅柴), names inside contexts and runs of matches: the flags
    are those of trying the name pattern at every first character of a variant."""
    variants = frozenset(
        {
            ("雅柴", "(青岛", "潍柴"),
            ("柴雅", "集团", "柴油"),
            ("雅雅", "公司", "亚亚"),
            ("潍坊", "(中国", "维坊"),
        }
    )
    cfg = ReviewConfig(name_variants=variants)
    usual = review._variant_map(variants)
    pattern = review_stats._name_pattern(cfg.name_anchors)
    first_chars = re.compile(f"[{''.join(sorted({name[0] for name, _, _ in variants}))}]")

    def every_first_character(text: str) -> list[tuple[int, int, str]]:
        found = []
        for first in first_chars.finditer(text):
            m = pattern.match(text, first.start())
            if m and (m.group(1), m.group(2)) in usual and review._found_by_scan(pattern, text, m.start()):
                found.append((m.start(), m.end(), usual[m.group(1), m.group(2)]))
        return found

    rng = random.Random(5)
    tokens = ["雅柴", "(青岛", "柴雅", "集团", "雅雅", "公司", "潍坊", "(中国", "雅", "柴", "潍", " ", "（"]
    texts = ["".join(rng.choices(tokens, k=rng.randint(0, 12))) for _ in range(4000)]
    flagged = 0
    for text in texts:
        got = [(e.start, e.end, e.info["usual"]) for e in review.name_variant(text, cfg).edits]
        assert got == every_first_character(text), text
        flagged += len(got)
    assert flagged > 500


def doubled_form(text: str, start: int) -> str:
    """The four CJK characters around the doubled one at ``start``, or ``""``."""
    form = text[start - 1 : start + 3] if start > 0 else ""
    return form if len(form) == 4 and review_stats.CJK4.fullmatch(form) else ""


@pytest.mark.parametrize(
    "anchors", [ReviewConfig().name_anchors, ("(",), ("集团", "集"), ("a(",), ("\U00020000x", "(")]
)
def test_observation_is_that_of_the_separate_scans(anchors: tuple[str, ...]) -> None:
    """`observe` shares one encoding among the statistics: the same as each function alone,
    for characters beyond U+FFFF (the slow path), lone surrogates and text ends too."""
    rng = random.Random(13)
    alphabet = [*NAME_ALPHABET, "谐", "谐", "和", "𠀀", "\udc80", "\ud800", "㐀", "鿿", "䶿", "一", "\0"]
    texts = [
        *seed_texts().values(),
        *("".join(rng.choices(alphabet, k=rng.randint(0, 30))) for _ in range(3000)),
    ]
    cfg = ReviewConfig(name_anchors=anchors)
    for text in texts:
        seen = review_stats.observe(text, cfg)
        doubled = tuple((text[s : s + 2], doubled_form(text, s)) for s in review_stats.doubled_starts(text))
        assert seen.chars == len(text)
        assert seen.cjk_runs == review_stats.cjk_runs(text), repr(text)
        assert seen.doubled == doubled, repr(text)
        assert seen.names == review_stats.names_before_anchors(text, anchors), repr(text)
