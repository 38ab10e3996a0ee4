"""The shortcuts that make `furniture` fast agree with the plain computations they replace."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clean_seeds.fixes import furniture, furniture_recurring
from clean_seeds.fixes.furniture import FurnitureConfig

from .conftest import seed_texts

# the pre-check of the default jump patterns as one pattern, before it was split per first character
JUMP_HINT_ONE = re.compile(
    r"[转接Cc](?:(?<=[转接])至?[ \t]*(?:第|[0-9０-９A-Z一二三四五六七八九十百]|封)|(?<=[Cc])(?i:ont))"
)

# pieces of lines that sit on both sides of every test in `_line_pattern` and `_may_be_furniture`
FRAGMENTS = [
    "第3版", "第１２版", "— 12 —", "Page 3", "青岛日报 聚焦", "客户端:青岛观", "主编 赵波", "（下转封二）",
    "转第5版", "接至 3", "Cont", "cont’d", "□", "■", "记者", "本报讯", "新华社", "电", "文/", "图：",
    "一、", "(一)", "1.", "第一章", "，", "。", "；", "！", "？", "、", ",", ";", ":", "：", "—", "中", "报",
    "a", "Z", "1", "９", " ", "  ", "\t", "\u3000", "#", "## ", "\r", "\xa0", "\u2028", "𠀀", "\n",
]  # fmt: skip
LINES = st.lists(st.sampled_from(FRAGMENTS), max_size=4).map("".join)
TEXTS = st.lists(LINES, max_size=12).map("\n".join)


def observe_reference(text: str, cfg: FurnitureConfig) -> tuple[tuple[str, bool], ...]:
    """`observe` as first written: every line stripped, keyed and tested in Python."""
    contents = [
        line.lstrip(furniture_recurring.LINE_LEAD).rstrip(furniture_recurring.LINE_TRAIL)
        for line in text.split("\n")
    ]
    keys = [
        key
        for key in map(furniture_recurring._digits_to_zero, contents)
        if furniture_recurring._is_short(key, cfg.recurring_max_chars)
        and furniture_recurring._may_be_furniture(key)
    ]
    seen: dict[str, bool] = {}
    for index, key in enumerate(keys):
        seen.setdefault(key, index < cfg.edge_lines or index >= len(keys) - cfg.edge_lines)
    return tuple(seen.items())


@pytest.mark.parametrize(
    ("text_in", "text_out"),
    [
        ("第12版 Ａ３", "第00版 Ａ0"),
        ("０１２３４５６７８９", "0000000000"),
        ("，：～＜１＞", "，：～＜0＞"),  # full-width punctuation shares the digits' first two bytes
        ("\ud800３\udfff 9", "\ud8000\udfff 0"),  # lone surrogates pass through
        ("٣ ¹ ½", "٣ ¹ ½"),  # other scripts' digits are left alone
        ("", ""),
    ],
)
def test_digits_to_zero(text_in: str, text_out: str) -> None:
    assert furniture_recurring._digits_to_zero(text_in) == text_out


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_jump_hints_find_what_one_pattern_finds(text: str) -> None:
    assert any(hint.search(text) for hint in furniture.JUMP_HINTS) == bool(JUMP_HINT_ONE.search(text))


@pytest.mark.parametrize("max_chars", [0, 1, 2, 5, 40])
def test_observe_matches_reference_on_seeds(max_chars: int) -> None:
    cfg = FurnitureConfig(recurring_max_chars=max_chars, edge_lines=2)
    for text in seed_texts().values():
        assert furniture.observe(text, cfg) == observe_reference(text, cfg)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.sampled_from([1, 2, 3, 8, 40]))
def test_observe_matches_reference(text: str, max_chars: int) -> None:
    cfg = FurnitureConfig(recurring_max_chars=max_chars, edge_lines=1)
    assert furniture.observe(text, cfg) == observe_reference(text, cfg)


@settings(max_examples=300, deadline=None)
@given(TEXTS, LINES, st.integers(2, 4), st.sampled_from([2, 5, 40]))
def test_recurring_lines_same_through_the_line_filter(
    body: str, repeated: str, times: int, max_chars: int
) -> None:
    """Only the lines `_line_pattern` lets through are read; reading every line gives the same."""
    text = (f"\n{repeated}\n{body}" * times).replace("1", "7", 1)
    cfg = FurnitureConfig(recurring_max_chars=max_chars, min_repeats=2, min_page_chars=0)
    # a recurring key the filter would drop (a sentence) sends every line through the slow path
    sentence = frozenset({"是。"})
    assert not furniture_recurring._all_short_keys_found(sentence, max_chars)
    every_line = dataclasses.replace(cfg, recurring_lines=sentence)
    assert furniture.remove_recurring_lines(text, cfg) == furniture.remove_recurring_lines(text, every_line)


@pytest.mark.parametrize(
    ("keys", "found"),
    [
        (frozenset(), True),
        (frozenset({"青岛日报 聚焦", "第0版"}), True),
        (frozenset({"x"}), False),  # one character: the filter wants two
        (frozenset({"你好，世界"}), False),  # a clause mark
        (frozenset({"中,文"}), False),  # an ASCII comma beside CJK
        (frozenset({"a, b"}), True),
        (frozenset({"x" * 41}), True),  # not short: never a candidate
    ],
)
def test_all_short_keys_found(keys: frozenset[str], found: bool) -> None:
    assert furniture_recurring._all_short_keys_found(keys, 40) is found


def test_corpus_keys_go_through_the_line_filter() -> None:
    """Keys the collector finds are always let through, so the fast path is the one taken."""
    cfg = FurnitureConfig(min_documents=2, min_document_share=0.5)
    collect = furniture.collector(cfg)
    for n in range(4):
        collect.add(f"青岛日报 {n}版\n正文第{n}段。\n第{n}版\n")
    keys = collect.finish().recurring_lines
    assert keys == {"青岛日报 0版", "第0版"}
    assert furniture_recurring._all_short_keys_found(keys, cfg.recurring_max_chars)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_jump_hinted_is_any_hint_search(text: str) -> None:
    assert furniture._jump_hinted(text) == any(hint.search(text) for hint in furniture.JUMP_HINTS)


def test_every_jump_hint_opens_with_a_literal_character() -> None:
    """``_jump_hinted`` looks for each hint's first character with ``in`` before its regex."""
    assert all(hint.pattern[0] not in "[(.\\^$|?*+{" for hint in furniture.JUMP_HINTS)


# the sentence and keep-line tests as first written, before they opened with one character class
SENTENCE_PUNCT_BRANCHES = re.compile(r"[，。；！？、]|[\u4e00-\u9fff][,;]|[,;][\u4e00-\u9fff]")
KEEP_LINE_BRANCHES = re.compile(r"记者|通讯员|本报讯|^[□■]|电$|新华社|[文图][/／:：]")


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from([*FRAGMENTS, "通讯员", "图/", "文:", "鿿", "丁", "\u4dff", "\ua000"]), max_size=6
    )
)
def test_sentence_and_keep_line_tests_find_what_the_branches_find(pieces: list[str]) -> None:
    line = "".join(pieces)
    assert (furniture_recurring.SENTENCE_PUNCT.search(line) is None) == (
        SENTENCE_PUNCT_BRANCHES.search(line) is None
    )
    keep = furniture_recurring.KEEP_LINE.search(line) or line.startswith(
        furniture_recurring.KEEP_LINE_OPENERS
    )
    assert bool(keep) == (KEEP_LINE_BRANCHES.search(line) is not None)


# pieces of furniture lines and body text, for the line and marker patterns
FURNITURE_LINES = [
    "客户端:青岛观", "主编 赵波 美编 李飞", "第3版", "A3版", "— 12 —", "Page 3", "青岛日报 聚焦",
    "大众日报·要闻", "10月4日 大众日报", "星期四", "（下转封二）", "(上接第一版)", "转第5版",
    "Continued on page 3", "cont'd from p. 4",
]  # fmt: skip
FURNITURE_PIECES = [
    *FURNITURE_LINES,
    "\n", "\n", " ", "\t", "\u3000", "## ", "#", "正文", "。", "!", "”", "报", "abc", "1", "，", "(", "】",
]  # fmt: skip


def plain_patterns(cfg: FurnitureConfig) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The next-line and inline-marker patterns as first written: each alternative as it is."""
    jump = "|".join(f"(?:{p})" for p in cfg.jump_patterns) or "(?!)"
    bracketed = rf"{furniture.OPEN}[ \t]*(?:{jump})[ \t]*{furniture.CLOSE}"
    alternatives = "|".join([*(f"(?:{p})" for p in cfg.furniture_patterns), jump, bracketed])
    line = rf"[ \t\u3000]*(?:##{{0,5}}[ \t]+|)(?:{alternatives})[ \t\u3000]*(?=\n|\Z)"
    inline = rf"{bracketed}|(?<=[。！？!?.”])(?:{jump})(?=[ \t]*$)"
    return re.compile(rf"\n{line}", re.M), re.compile(inline, re.M)


def spans(pattern: re.Pattern[str], text: str, group: int | str = 0) -> list[tuple[int, int]]:
    """The span of each match, or of its ``group`` where that took part."""
    return [m.span(group) if m.group(group) is not None else m.span() for m in pattern.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FURNITURE_PIECES), max_size=30).map("".join))
def test_line_and_marker_patterns_find_what_the_plain_ones_find(text: str) -> None:
    for cfg in (FurnitureConfig(), FurnitureConfig(furniture_patterns=("foo.*",), jump_patterns=("转第",))):
        fast = furniture._patterns(cfg)
        next_line, inline_jump = plain_patterns(cfg)
        assert spans(fast.next_line, text) == spans(next_line, text)
        assert spans(fast.inline_jump, text, "bare") == spans(inline_jump, text)


@pytest.mark.parametrize("line", FURNITURE_LINES)
def test_default_patterns_open_with_their_openers(line: str) -> None:
    for pattern, openers in furniture.OPENERS.items():
        if re.match(pattern, line):
            assert re.match(f"[{openers}]", line)
