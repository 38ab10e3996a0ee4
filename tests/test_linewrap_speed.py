"""The shortcuts that make `linewrap` fast agree with the plain computations they replace."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clean_seeds.edits import apply_edits, revert_edits
from clean_seeds.fixes.linewrap import (
    LATIN_END,
    LATIN_PAIR,
    LATIN_WORD,
    LINE,
    SET_OFF_LAST,
    LinewrapConfig,
    _Breaks,
    join_wrapped_lines,
)
from clean_seeds.fixes.linewrap_lines import CLOSER_SET, CLOSERS, MARKER_START, SPACED_CJK, STOPS, Lines

from .conftest import seed_texts

CFG = LinewrapConfig()
SEED_LINES = [text for doc in seed_texts().values() for _, text in LINE.findall(doc)]
# one search per line, as the stage did before its whole-text passes
SPACED_CJK_ONE = re.compile(r"[ \t\u3000](?<=[\u4e00-\u9fff“”].)[ \t\u3000]*[\u4e00-\u9fff“”—]")
EXAMPLES = [
    "（一）总体要求", "(3)加强领导", "一、指导思想", "十二.附则", "1.坚持问题导向", "12、工作措施",
    "1.5亿元投资", "①完善机制", "⑴ 建立台账", "❶ 第一步", "——记青岛", "－－注释", "— 作者",
    "■ 要闻", "□ 简讯", "● 要点", "#话题", "* item", "> quote", "第三章 总则", "第12条",
    "- item", "– item", "+ plus", "a) item", "(b) item", "B. item", "１.全角数字", "普通正文一行",
    "千字为先 勇当龙头", "拉高标杆\u3000全力冲刺", "“双碳” 目标", "English words here", "",
]  # fmt: skip


def lines_of(texts: list[str]) -> Lines:
    return Lines([("\n", text) for text in texts], CFG)


def test_marker_line_finds_what_marker_start_matches() -> None:
    texts = [text for text in SEED_LINES + EXAMPLES if text]
    found = lines_of(texts).markers
    assert set(found) == {k for k, text in enumerate(texts) if MARKER_START.match(text)}
    for k, end in found.items():
        assert end == MARKER_START.match(texts[k]).end()  # type: ignore[union-attr]


STOP_EXAMPLES = [
    "问题。", "问题。”", "问题。”）", "问题”。", "问题", "问题，", "“问题”", "”", "。", "）。)", "end.",
    "end.\"", "No.5", "why?'", "问题…", "问题……」", "a)", "问题！』", "问题．", "问题｡", "问题？】", "x",
]  # fmt: skip


@pytest.mark.parametrize("text", STOP_EXAMPLES)
def test_stop_end_is_the_last_character_before_closers(text: str) -> None:
    doc = lines_of([text, "甲"])
    assert doc.stop_end[0] == (text.rstrip(CLOSERS)[-1:] in STOPS)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.text(alphabet="。！？!?．.…”’」』）)》】〕]\"'甲a，", min_size=1, max_size=6),
        min_size=2,
        max_size=6,
    )
)
def test_stop_end_matches_the_plain_rstrip(texts: list[str]) -> None:
    doc = lines_of(texts)
    assert doc.stop_end == [text.rstrip(CLOSERS)[-1:] in STOPS for text in texts]


@pytest.mark.parametrize("text", [t for t in EXAMPLES if t])
def test_spaced_cjk_patterns_find_what_one_pattern_finds(text: str) -> None:
    ours = any(pattern.search(text) for _, pattern in SPACED_CJK)
    assert ours == bool(SPACED_CJK_ONE.search(text))


def column_reference(candidates: list[float], cfg: LinewrapConfig) -> tuple[float, float, float]:
    """The column as first written: widest first, the members listed."""
    ordered = sorted(candidates, reverse=True)
    for top, width in enumerate(ordered):
        if width > cfg.max_column_width:
            continue
        if width < cfg.min_column_width:
            break
        floor = width * (1 - cfg.column_tolerance)
        members = [w for w in ordered[top:] if w >= floor]
        if len(members) >= cfg.column_min_lines:
            return width, floor, members[len(members) // 2]
    return 0.0, 0.0, 0.0


WIDTHS = st.sampled_from([-1.0, 1.0, 6.5, 8.0, 10.0, 11.5, 12.0, 16.0, 17.0, 17.5, 18.0, 59.5, 60.0, 70.0])


@settings(max_examples=300, deadline=None)
@given(st.lists(WIDTHS, min_size=1, max_size=9), st.sampled_from([2, 3, 5]), st.sampled_from([0.0, 0.15]))
def test_column_of_matches_the_reference(candidates: list[float], min_lines: int, tolerance: float) -> None:
    cfg = LinewrapConfig(column_min_lines=min_lines, column_tolerance=tolerance)
    lines = Lines([("\n", "甲"), ("\n", "乙")], cfg)
    assert lines._column_of(sorted(candidates)) == column_reference(candidates, cfg)


@pytest.mark.parametrize(
    "text",
    [
        "甲\n乙\n\n丙\n丁\n\n戊\n",  # some breaks blank, some not
        "\n\n甲\n\n乙\n\n丙\n",  # blank lines before the first line are no break
        "甲\n乙\n丙\n丁\n",
        "甲\n \n乙\r\n\r\n丙\n  丁\n",
    ],
)
def test_blank_breaks_counted_per_break(text: str) -> None:
    pairs = LINE.findall(text)
    blank_before = [gap.count("\n") > 1 for gap, _ in pairs[1:]]
    share = sum(blank_before) / len(blank_before)
    doc = Lines(pairs, CFG)
    mixed = 1 - CFG.uniform_blank_share < share < CFG.uniform_blank_share
    assert doc.blank_means_paragraph == mixed
    if mixed:
        assert doc.blank_before == [False, *blank_before]


@pytest.mark.parametrize(
    ("lines", "verdicts"),
    [
        (["在深入实施城市更新的同", "时,青岛紧紧扭住"], [None]),
        (["管理领域的突出问题。", "下一段"], [("keep", "sentence_end")]),
        (["城市建设的突", "，出问题"], [("join", "continuation_punctuation")]),
        (["详见（", "附件）"], [("join", "open_end")]),
        (["深入实施城市更新的", "工作"], [("join", "non_final_char")]),
        (["问题。", "（一）总体要求"], [("keep", "list_or_section_start")]),
        (["■ 要闻", "，正文"], [("keep", "heading")]),
    ],
)
def test_evident_decides_only_the_first_rules(lines: list[str], verdicts: list[object]) -> None:
    assert _Breaks([("\n", text) for text in lines], CFG).evident() == verdicts


def test_a_cjk_word_end_needs_none_of_the_skipped_checks() -> None:
    """``decide`` and ``strong_join`` skip the number, sentence-end, closer, set-off and
    Latin checks for a line ending in U+4E00..U+9FFF: no such character can take them."""
    cjk = [chr(code) for code in range(0x4E00, 0xA000)]
    special = STOPS | CLOSER_SET | SET_OFF_LAST | set(".．")
    assert all(char.isalnum() and not char.isdecimal() and char not in special for char in cjk)
    assert not any(LATIN_END.search(char) for char in cjk)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="甲乙的，。:“”（）a b-1\n\r\t\u3000", max_size=60))
def test_joins_built_from_the_lines_replay_and_revert(text: str) -> None:
    """The output is assembled from the lines and what goes between them, not by splicing
    the input: its edits must still replay and revert (spaces at either end included)."""
    result = join_wrapped_lines(text, CFG)
    assert apply_edits(text, result.edits) == result.text
    assert revert_edits(result.text, result.edits) == text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abZ-中文 \n.é", max_size=60))
def test_latin_patterns_written_for_speed_match_as_the_plain_forms(text: str) -> None:
    """``[A-Za-z][A-Za-z]`` and ``XX*`` find what ``[A-Za-z]{2}`` and ``X+`` find."""
    assert bool(LATIN_PAIR.search(text)) == bool(re.search(r"[A-Za-z]{2}", text))
    assert LATIN_WORD.findall(text) == re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", text)
