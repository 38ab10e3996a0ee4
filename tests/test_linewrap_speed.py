"""The shortcuts that make `linewrap` fast agree with the plain computations they replace."""

from __future__ import annotations

import re
from itertools import chain

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clean_seeds.edits import apply_edits, revert_edits
from clean_seeds.fixes.linewrap import (
    JOIN,
    LATIN_END,
    LATIN_PAIR,
    LATIN_WORD,
    LINE,
    SET_OFF_LAST,
    LinewrapConfig,
    _Breaks,
    join_wrapped_lines,
    observe,
)
from clean_seeds.fixes.linewrap_lines import (
    CLOSER_SET,
    CLOSERS,
    ELLIPSIS_LINE,
    MARKER_START,
    SPACED_CJK,
    STOPS,
    Lines,
)

from .conftest import seed_texts

CFG = LinewrapConfig()
SEED_LINES = [text for doc in seed_texts().values() for text in LINE.findall(doc)]
# one search per line, as the stage did before its whole-text passes
SPACED_CJK_ONE = re.compile(r"[ \t\u3000](?<=[\u4e00-\u9fff“”].)[ \t\u3000]*[\u4e00-\u9fff“”—]")
EXAMPLES = [
    "（一）总体要求", "(3)加强领导", "一、指导思想", "十二.附则", "1.坚持问题导向", "12、工作措施",
    "1.5亿元投资", "①完善机制", "⑴ 建立台账", "❶ 第一步", "——记青岛", "－－注释", "— 作者",
    "■ 要闻", "□ 简讯", "● 要点", "#话题", "* item", "> quote", "第三章 总则", "第12条",
    "- item", "– item", "+ plus", "a) item", "(b) item", "B. item", "１.全角数字", "普通正文一行",
    "千字为先 勇当龙头", "拉高标杆\u3000全力冲刺", "“双碳” 目标", "English words here", "",
]  # fmt: skip


def parts_of(texts: list[str]) -> list[str]:
    """A document of these lines split as ``LINE.split`` splits it."""
    return [*chain.from_iterable(("\n", text) for text in texts), ""]


def lines_of(texts: list[str]) -> Lines:
    return Lines(parts_of(texts), CFG)


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
    lines = Lines(parts_of(["甲", "乙"]), cfg)
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
    parts = LINE.split(text)
    blank_before = [gap.count("\n") > 1 for gap in parts[2:-1:2]]
    share = sum(blank_before) / len(blank_before)
    doc = Lines(parts, CFG)
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
    assert _Breaks(parts_of(lines), CFG).evident() == verdicts


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


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="甲 \n\r\t\u3000\xa0\u2028\x0b。a", max_size=40))
def test_line_split_gives_what_the_line_and_gap_pattern_found(text: str) -> None:
    """``LINE.split`` (with its look-behind) cuts a document as ``(\\s*)(\\S(?:[^\\n]*\\S)?)``
    found its lines and the spaces before each, the spaces after the last line left over."""
    pairs = re.findall(r"(\s*)(\S(?:[^\n]*\S)?)", text)
    rest = text[sum(len(gap) + len(line) for gap, line in pairs) :]
    assert LINE.split(text) == [*chain.from_iterable(pairs), rest]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="甲.。…·．:：（一）1", min_size=1, max_size=5), min_size=2, max_size=8))
def test_ellipsis_lines_and_labels_as_found_line_by_line(texts: list[str]) -> None:
    """The first and last characters let most documents skip the ellipsis and label passes."""
    doc = lines_of(texts)
    most = CFG.max_heading_width
    expected = dict.fromkeys(doc.headings, "heading")
    expected.update(
        (k, "ellipsis_line") for k, text in enumerate(texts) if ELLIPSIS_LINE.match(f"\n{text}\n")
    )
    expected.update(
        (k, "label") for k, text in enumerate(texts) if text[-1] in ":：" and doc.widths[k] <= most
    )
    expected.update(dict.fromkeys(doc.markers, "list_or_section_start"))
    assert doc.standalone == expected


LINE_PIECES = st.sampled_from(
    ["在深入实施城市", "更新的同", "务;", "（一）", "“急难", "愁盼”", "1583.9", "亿元", "了", "，", "。", ":",
     "word", "the end.", "——", "…", "题", "a", "X"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(LINE_PIECES, min_size=1, max_size=6).map("".join), min_size=2, max_size=10),
    st.lists(st.sampled_from(["\n", "\n\n", "\n\u3000\u3000"]), min_size=10, max_size=10),
)
def test_decide_gives_the_verdict_of_the_rules_in_their_order(texts: list[str], gaps: list[str]) -> None:
    """``decide`` looks for strong evidence last, where the other rules do not join: the
    verdict is the one of the documented order, strong evidence first."""
    parts = [*chain.from_iterable(zip(gaps, texts, strict=False)), ""]
    doc = _Breaks(parts, CFG)
    para_start = 0
    for i, evident in enumerate(doc.evident()):
        if evident:
            continue
        a, b = texts[i], texts[i + 1]
        in_order = JOIN if doc.strong_join(i, a, b) else doc._weigh(i, a, b, para_start)[0]
        verdict = doc.decide(i, para_start)[0]
        assert verdict == in_order
        if verdict != JOIN:
            para_start = i + 1


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abZ-中 \n.é\u212a\u0130ａ", max_size=60))
def test_observe_finds_the_words_of_the_plain_search(text: str) -> None:
    """The ASCII-only look first and the lower-casing of all words at once change nothing
    (``\u212a``, the Kelvin sign, and ``\u0130`` lower-case to ASCII letters)."""
    plain = (
        tuple(dict.fromkeys(w.lower() for w in LATIN_WORD.findall(text))) if LATIN_PAIR.search(text) else ()
    )
    assert observe(text, CFG) == plain
