"""The linewrap stage: wrapped lines joined, paragraph breaks kept, hyphenation undone."""

from __future__ import annotations

import dataclasses
import textwrap
import time
from typing import Any

import pytest

from clean_seeds.edits import apply_edits, is_flag, revert_edits
from clean_seeds.fixes.linewrap import RULES as LINEWRAP_RULES
from clean_seeds.fixes.linewrap import (
    LinewrapConfig,
    collector,
    dehyphenate,
    join_wrapped_lines,
)
from clean_seeds.fixes.linewrap import _width as display_width
from clean_seeds.models import Cleaned, Edit

from .conftest import seed_texts

CFG = LinewrapConfig()
SEEDS = seed_texts()


def seed(prefix: str) -> str:
    return next(text for name, text in SEEDS.items() if name.startswith(prefix))


def seed_lines(prefix: str, first: int, last: int) -> str:
    """Lines ``first``..``last`` (1-based, inclusive) of a seed, as they are in the file."""
    return "\n".join(seed(prefix).split("\n")[first - 1 : last]) + "\n"


def run(text: str, cfg: LinewrapConfig = CFG) -> Cleaned:
    """Every enabled rule of the stage in order (as the pipeline runs them), checking that
    each step replays and reverts."""
    edits: list[Edit] = []
    for rule in LINEWRAP_RULES:
        if not getattr(cfg, rule.__name__):
            continue
        result = rule(text, cfg)
        assert apply_edits(text, result.edits) == result.text
        assert revert_edits(result.text, result.edits) == text
        edits.extend(result.edits)
        text = result.text
    return Cleaned(text, tuple(edits))


def changes(result: Cleaned) -> list[Edit]:
    return [e for e in result.edits if not is_flag(e)]


def flags(result: Cleaned) -> list[Edit]:
    return [e for e in result.edits if is_flag(e)]


# --- Seeds -----------------------------------------------------------------------------------

COLUMN_000 = (
    "在深入实施城市更新和城市建设的同时,青岛紧紧扭住城市建设管理领域的突出问题,聚焦群众“急难愁盼”,"
    "以全国文明典范城市创建为契机,着力解决“堵”的问题,持续整治“乱”的现象,扎实做好“美”的文章,"
    "精细化、精致化做好城市管理各项工作。\n\n"
    "截至目前,“全市一个停车场”平台已经接入50.5万个停车泊位,完成了48所学校和6家医院周边的交通拥堵"
    "治理工作;以空力动力拆除存量违建860万平方米,为历年之最,240万余处占路经营、乱贴乱画等影响市容"
    "秩序的问题得到及时处置。\n"
)


@pytest.mark.parametrize(
    ("text_in", "text_out"),
    [
        # 000: a narrow column with a blank line after every line joins into paragraphs
        (seed_lines("000", 51, 73), COLUMN_000),
        # 001: one break inside an otherwise long line (a title left open: ``《…的`` / ``实施意见》``)
        (
            "工作中，青岛把打造“六个城市”作为新路径，研究制定《关于聚力打造“六个城市”加快建设新时代社会主义现代化国际大都市的\n\n"
            "实施意见》及“六个城市”各自《五年规划》《三年行动方案》，进一步压实工作责任。\n",
            "工作中，青岛把打造“六个城市”作为新路径，研究制定《关于聚力打造“六个城市”加快建设新时代社会主义现代化国际大都市的"
            "实施意见》及“六个城市”各自《五年规划》《三年行动方案》，进一步压实工作责任。\n",
        ),
        # 001: body text (a sentence end inside the line) stopping mid-phrase
        (seed_lines("001", 35, 37), seed_lines("001", 35, 35).rstrip("\n") + seed_lines("001", 37, 37)),
        # 004: a one-character fragment opens the next line (``任`` / ``务;``)
        (seed_lines("004", 51, 53), seed_lines("004", 51, 51).rstrip("\n") + seed_lines("004", 53, 53)),
        # 000: the last clause is an enumeration still open (``对山东、对青岛`` / ``工作的…``)
        (seed_lines("000", 37, 39), seed_lines("000", 37, 37).rstrip("\n") + seed_lines("000", 39, 39)),
        # labels ending in a colon stay on their own line, and so does what follows them
        (seed_lines("004", 121, 133), seed_lines("004", 121, 133)),
        (seed_lines("002", 1, 6), seed_lines("002", 1, 6)),
        # headings stay apart
        (seed_lines("001", 25, 33), seed_lines("001", 25, 33)),
        (seed_lines("004", 85, 91), seed_lines("004", 85, 91)),
        (seed_lines("004", 25, 29), seed_lines("004", 25, 29)),
        (seed_lines("003", 1, 45), seed_lines("003", 1, 45)),
        # list items ending in ``;`` and an ellipsis line stay apart
        (seed_lines("001", 39, 51), seed_lines("001", 39, 51)),
    ],
)
def test_seed_breaks(text_in: str, text_out: str) -> None:
    assert run(text_in).text == text_out


@pytest.mark.parametrize(
    "joined",
    [
        "年度投资1583.9亿元。",
        "——聚力攻坚破题,城市更新建设让市民群众出行更加顺心。",
        "——聚力攻坚破题,城市更新建设让市民群众居住更加暖心。",
        "在各区市、各单位领导班子中开展“当龙头、作表率、开新局”大讨论",
        "大力发展战略性新兴产业、高技术产业投资分别增长13.7%",
        "“走出去”招商80余次",
        "京东方最大移动显示模组",
    ],
)
def test_seed_000_joins(joined: str) -> None:
    assert joined in run(seed("000")).text


def test_seed_000_column_block_becomes_paragraphs_ending_in_a_full_stop() -> None:
    out = run(seed_lines("000", 99, 170)).text
    paragraphs = [p for p in out.split("\n") if p]
    assert all(p.endswith("。") for p in paragraphs), paragraphs
    assert len(paragraphs) == 5


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_seeds_replay_revert_and_are_idempotent(name: str) -> None:
    first = run(SEEDS[name])
    again = run(first.text)
    assert changes(again) == []
    assert [(f.before, f.info) for f in flags(again)] == [(f.before, f.info) for f in flags(first)]


def test_seed_002_keeps_one_paragraph_per_line() -> None:
    assert changes(run(seed("002"))) == []


def test_undecided_breaks_are_flagged_and_kept() -> None:
    # a deck line with commas and no end punctuation, then a paragraph: cannot tell
    result = run(seed_lines("001", 29, 31))
    assert result.text == seed_lines("001", 29, 31)
    (flagged,) = flags(result)
    assert flagged.rule == "join_wrapped_lines"
    assert flagged.info["reason"] == "undecided_line_break"
    assert flagged.before == "\n\n"


# --- Synthetic Chinese columns --------------------------------------------------------------

SENTENCE_ENDS = tuple("。！？!?：:—…”;；")


def long_paragraphs() -> list[str]:
    """Running-text paragraphs (one line each, ending in ``。``) from seeds 001-003."""
    out = []
    for name, text in SEEDS.items():
        if name[:3] in ("001", "002", "003"):
            out += [
                line.strip()
                for line in text.split("\n")
                if len(line.strip()) >= 60 and line.strip().endswith("。") and line.strip()[0] not in "#■□"
            ]
    return out


def wrap_column(paragraph: str, width: int, indent: int = 0) -> list[str]:
    """Break a paragraph into lines of ``width`` (CJK 1, ASCII 1/2), the first ``indent``
    narrower; a line never ends on sentence punctuation mid-paragraph (it takes one more
    character, as hanging punctuation does)."""
    lines, start, target = [], 0, width - indent
    while start < len(paragraph):
        end = start + 1
        while end < len(paragraph) and display_width(paragraph[start : end + 1]) <= target:
            end += 1
        while end < len(paragraph) and paragraph[start:end].endswith(SENTENCE_ENDS):
            end += 1
        lines.append(paragraph[start:end])
        start, target = end, width
    return lines


BETWEEN = (
    "坚持发展第一要务",
    "(一)大力推进新型工业化",
    "市教育局局长姜元韶:",
    "千字为先 勇当龙头",
    "一、2023年工作回顾",
)
PARAGRAPHS = long_paragraphs()


@pytest.mark.parametrize("width", [12, 18, 25, 40])
@pytest.mark.parametrize("separator", ["\n", "\n\n"])
@pytest.mark.parametrize("indent", [0, 2])
def test_wrapped_chinese_paragraphs_come_back(width: int, separator: str, indent: int) -> None:
    assert len(PARAGRAPHS) > 30
    for first in range(0, len(PARAGRAPHS), 3):
        group = PARAGRAPHS[first : first + 3]
        headings = [BETWEEN[(first + k) % len(BETWEEN)] for k in range(len(group))]
        wrapped = [
            line for h, p in zip(headings, group, strict=True) for line in [h, *wrap_column(p, width, indent)]
        ]
        text_in = separator.join(wrapped) + "\n"
        want = separator.join(x for h, p in zip(headings, group, strict=True) for x in (h, p)) + "\n"
        result = run(text_in)
        assert result.text == want
        assert changes(run(result.text)) == []


# --- English ---------------------------------------------------------------------------------

ENGLISH = (
    "The city council met on Tuesday to discuss the budget. Members argued about the cost of the new "
    "bridge, which has grown every year since the project began. A well-known engineer told them the "
    "design was sound. Nobody expected the vote to be close, but it was decided by a single ballot.",
    "In other news, the library will extend its opening hours. Visitors can now borrow books until nine "
    "in the evening on weekdays. The change follows a survey of residents, most of whom asked for later "
    "hours, and an example set by the neighbouring towns.",
)


@pytest.mark.parametrize("width", [40, 60, 72])
@pytest.mark.parametrize("separator", ["\n", "\n\n"])
def test_wrapped_english_paragraphs_come_back(width: int, separator: str) -> None:
    lines = [*textwrap.wrap(ENGLISH[0], width), "Local News", *textwrap.wrap(ENGLISH[1], width)]
    want = separator.join([ENGLISH[0], "Local News", ENGLISH[1]])
    assert run(separator.join(lines)).text == want


def test_english_hyphenation_at_line_ends_comes_back() -> None:
    text_in = (
        "The council discussed an exam-\nple of good practice. A well-\nknown engineer and a "
        "self-\nemployed builder spoke. The bud-\nget was approved after a long de-\nbate.\n"
    )
    want = (
        "The council discussed an example of good practice. A well-known engineer and a "
        "self-employed builder spoke. The budget was approved after a long debate.\n"
    )
    assert run(text_in).text == want


@pytest.mark.parametrize(
    ("text_in", "text_out"),
    [
        ("an exam-\nple", "an example"),
        ("a well-\nknown fact", "a well-known fact"),
        ("non-\nprofit", "non-profit"),
        # the compound is written with a hyphen elsewhere in the document
        ("a check-in desk; the check-\nin closes", "a check-in desk; the check-in closes"),
        # the closed-up word is seen elsewhere: the prefix list does not win
        ("to cooperate and co-\noperate", "to cooperate and cooperate"),
        ("an X-\nray", "an X-ray"),
        ("para-\n\ngraph", "paragraph"),
        # not hyphenation: a dash after a space, a double hyphen, upper case after the break
        ("well -\nknown", "well -\nknown"),
        ("word--\nnext", "word--\nnext"),
        ("Smith-\nJones", "Smith-\nJones"),
    ],
)
def test_dehyphenate(text_in: str, text_out: str) -> None:
    result = dehyphenate(text_in, CFG)
    assert result.text == text_out
    assert revert_edits(result.text, result.edits) == text_in


def test_dehyphenate_uses_corpus_words() -> None:
    words = collector(CFG)
    words.add("A truly state-of-the-art cooperation. Workers are cooperating.")
    cfg = words.finish()
    assert "cooperating" in cfg.corpus_words
    assert dehyphenate("co-\noperating", cfg).text == "cooperating"
    assert dehyphenate("co-\noperating", CFG).text == "co-operating"


# --- Edits, switches, hostile input ----------------------------------------------------------


def test_joins_replace_only_the_break() -> None:
    text_in = "He said the budget was large, \n\n  and growing.\n"
    result = join_wrapped_lines(text_in, CFG)
    (edit,) = result.edits
    assert (edit.before, edit.after) == (" \n\n  ", " ")
    assert result.text == "He said the budget was large, and growing.\n"


def test_rules_switch_off_in_config() -> None:
    assert LinewrapConfig().join_wrapped_lines
    assert LinewrapConfig().dehyphenate
    cfg = dataclasses.replace(CFG, dehyphenate=False)
    # without dehyphenation the hyphen break is left alone, never joined with a space
    assert run("an exam-\nple of it\n", cfg).text == "an exam-\nple of it\n"


@pytest.mark.parametrize(
    ("field", "value"),
    [("uniform_blank_share", 0.3), ("fill_ratio", 0.0), ("column_tolerance", 1.5), ("column_min_lines", 1)],
)
def test_config_rejects_bad_values(field: str, value: float) -> None:
    knobs: dict[str, Any] = {field: value}
    with pytest.raises(ValueError, match=field):
        LinewrapConfig(**knobs)


@pytest.mark.parametrize("text_in", ["", "\n", "\n\n\n", "   \n \u3000\n", "一行", "一行\n", "\n\n一行\n\n"])
def test_degenerate_input_is_left_alone(text_in: str) -> None:
    assert run(text_in) == Cleaned(text_in)


def test_a_50_mb_line_is_fast() -> None:
    text_in = "青岛经济运行稳中向好," * 5_000_000  # 50 M characters, no newline
    started = time.perf_counter()
    assert run(text_in).text is text_in
    assert time.perf_counter() - started < 2.0


def test_long_documents_take_linear_time() -> None:
    column = seed_lines("000", 99, 170)

    def seconds(copies: int) -> float:
        text_in = column * copies
        started = time.perf_counter()
        run(text_in)
        return time.perf_counter() - started

    small, large = seconds(20), seconds(160)
    # 8x the text: allow generous noise on a shared machine, but not quadratic growth
    assert large < 8 * small * 3 + 0.5
