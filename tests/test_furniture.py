"""The `furniture` stage: page furniture goes, body text stays, every edit replays."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clean_seeds.edits import apply_edits, revert_edits
from clean_seeds.fixes import furniture
from clean_seeds.fixes.furniture import FurnitureConfig
from clean_seeds.models import Cleaned, Edit

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
CFG = FurnitureConfig()


def run(text: str, cfg: FurnitureConfig = CFG) -> Cleaned:
    """All enabled rules in order, checking that each step replays and reverts."""
    edits: list[Edit] = []
    for rule in furniture.RULES:
        if not getattr(cfg, rule.__name__):
            continue
        result = rule(text, cfg)
        assert apply_edits(text, result.edits) == result.text
        assert revert_edits(result.text, result.edits) == text
        assert all(e.rule == rule.__name__ for e in result.edits)
        edits.extend(result.edits)
        text = result.text
    return Cleaned(text, tuple(edits))


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text_in", "text_out"),
    [
        # app banners, alone or several on a line (seeds 003/004)
        ("客户端:青岛观 客户端:观海新闻\n\n正文。\n", "\n正文。\n"),
        ("客户端:青岛观\n\n\n\n客户端：观海新闻\n正文。", "\n\n\n正文。"),
        # running heads: paper name + section / date / page; with or without heading marks
        ("## 青岛日报 聚焦\n\n正文。", "\n正文。"),
        ("青岛日报 聚焦\n正文。", "正文。"),
        ("青岛日报 2023年1月5日 星期四 第3版\n正文。", "正文。"),
        ("大众日报·要闻\n正文。", "正文。"),
        ("人民日报 | 理论\n正文。", "正文。"),
        ("10月4日 大众日报\n正文。", "正文。"),
        ("2024年1月5日 青岛日报 第3版\n正文。", "正文。"),
        # editor credits: two or more role-name pairs
        ("主编 赵波 美编 李飞 审读 姜胜保 排版 韩婷\n正文。", "正文。"),
        ("责任编辑：张三 校对：李四\n正文。", "正文。"),
        # continuation markers, alone on a line
        ("正文。\n\n（下转封二）\n", "正文。\n\n"),
        ("(上接第一版)\n正文。", "正文。"),
        ("（紧接第一版）\n正文。\n转第5版\n下转第3版", "正文。\n"),
        # continuation markers inside a line: only the marker goes
        ("…全力冲刺。（下转第2版）\n下一段。", "…全力冲刺。\n下一段。"),
        ("（上接第一版）正文继续。", "正文继续。"),
        ("全力冲刺。下转第3版\n", "全力冲刺。\n"),
        ("The council met on Monday. (Continued on page 3)\nNext.", "The council met on Monday.\nNext."),
        ("Continued from Page A1\nThe budget passed.", "The budget passed."),
        ("全力冲刺。（转至第5版）\n下一段。", "全力冲刺。\n下一段。"),
        ("The council met. (CONTINUED ON PAGE 3)\nNext.", "The council met.\nNext."),
        # page numbers
        ("第3版\n— 12 —\n- 12 -\nA3版\nPage 3\nPage 3 of 12\n正文。", "正文。"),
        # photo captions: marker removed, set off as a paragraph (seed 003)
        (
            "\n\n■青岛市虚拟现实产业园项目加速推进施工。\n\n正文。",
            "\n\n青岛市虚拟现实产业园项目加速推进施工。\n\n正文。",
        ),
        ("上文。\n■工人在生产线上忙碌。\n下文。", "上文。\n\n工人在生产线上忙碌。\n\n下文。"),
        ("施工正忙。■工人在忙碌。项目进展顺利。", "施工正忙。\n\n工人在忙碌。\n\n项目进展顺利。"),
        ("正文 ■ 图为工地", "正文\n\n图为工地"),
    ],
)
def test_furniture_removed(text_in: str, text_out: str) -> None:
    assert run(text_in).text == text_out


@pytest.mark.parametrize(
    "text",
    [
        # bylines and datelines stay
        "□青岛日报/观海新闻记者 王凯\n本报讯\n新华社北京1月5日电\n",
        "■本报记者 王凯\n",
        # one role only, or role words running together, are not credits
        "记者 王凯\n编辑 张三\n摄影 王五 李四\n设计创新 制图标准\n",
        # a paper name inside a sentence, or without the space, is not a running head
        "人民日报评论员\n据青岛日报报道,全市经济稳中向好。\n",
        "10月4日大众日报刊发评论。\n青岛日报·观海新闻记者 王凯报道。\n",
        # a jump word inside a sentence is not a marker
        "正文下转第3版的说法不对\n他转第5版看了看。\n",
        # English prose with page words
        "See page 3 for details.\nThe page 12 story ran long.\n",
        # headings and lead-ins
        "一、2023年工作回顾\n各位代表:\n",
        "",
        "\n\n\n",
    ],
)
def test_body_text_stays(text: str) -> None:
    assert run(text).edits == ()


def test_drop_captions_is_opt_in() -> None:
    cfg = dataclasses.replace(CFG, drop_captions=True)
    text = "上文。\n■工人在生产线上忙碌。\n下文。施工。■图为工地。接着写。"
    assert run(text, cfg).text == "上文。\n下文。施工。接着写。"


def test_seed_003_furniture() -> None:
    result = run(seed("003"))
    removed = [e.before for e in result.edits if e.rule != "separate_captions"]
    assert removed == [
        "客户端:青岛观 客户端:观海新闻\n",
        "## 青岛日报 聚焦\n",
        "主编 赵波 美编 李飞 审读 姜胜保 排版 韩婷\n",
    ]
    assert "■" not in result.text
    assert "\n\n青岛市虚拟现实产业园整机和光学模组项目加速推进施工。\n\n" in result.text


def test_seed_004_furniture() -> None:
    removed = [e.before for e in run(seed("004")).edits]
    assert removed == [
        "客户端:青岛观\n",
        "客户端:观海新闻\n",
        "青岛日报 聚焦\n",
        "主编 赵波 美编 李飞 审读 李斌 排版 韩婷\n",
    ]


def test_seed_001_jump_marker() -> None:
    assert [e.before for e in run(seed("001")).edits] == ["（下转封二）\n"]


@pytest.mark.parametrize("prefix", ["000", "002"])
def test_seeds_without_furniture_keep_every_line(prefix: str) -> None:
    """Seed 000 repeats a whole block of body lines (dedup's job); seed 002 is clean prose."""
    assert run(seed(prefix)).edits == ()


def test_running_header_with_page_numbers() -> None:
    pages = [f"滨海晚报 第{n}期\n" + f"第{n}页正文，内容不同。" * 30 + "\n" for n in range(1, 5)]
    result = run("".join(pages))
    assert [e.before for e in result.edits] == [f"滨海晚报 第{n}期\n" for n in range(1, 5)]
    assert result.text.count("内容不同") == 120


def test_identical_header_needs_page_distance() -> None:
    pages = [f"Harbour Times\nStory {n} goes on. " * 1 + f"More of story {n}. " * 40 + "\n" for n in range(3)]
    assert len(run("".join(pages)).edits) == 3
    close = [f"Harbour Times\nStory {n}.\n" for n in range(3)]
    assert run("".join(close)).edits == ()


def test_repeated_body_block_stays() -> None:
    block = "一年来看深化改革开放\n截至11月底城镇新增就业36万人。" + "更多内容。" * 100 + "\n"
    assert run(block * 4).edits == ()


def test_collector_finds_lines_recurring_across_documents() -> None:
    cfg = dataclasses.replace(CFG, min_documents=3)
    docs = [f"东港商报 2023年{n}月{n}日\n第{n}篇正文，讲了一件事。\n" for n in range(1, 5)]
    docs.append("各位代表:\n正文一句。\n")
    collect = furniture.collector(cfg)
    for doc in docs:
        collect.add(doc)
    found = collect.finish()
    assert found.recurring_lines == frozenset({"东港商报 0000年0月0日"})
    assert run(docs[0], found).text == "第1篇正文，讲了一件事。\n"
    assert run(docs[-1], found).edits == ()


def test_collector_keeps_titles_shared_by_a_minority() -> None:
    cfg = dataclasses.replace(CFG, min_documents=3)
    collect = furniture.collector(cfg)
    for n in range(3):
        collect.add(f"{2020 + n}年政府工作报告\n第{n}份报告的正文。\n")
    for n in range(4):
        collect.add(f"另一篇文章{chr(0x4E00 + n)}\n正文。\n")
    assert collect.finish().recurring_lines == frozenset()


def test_collector_memory_is_bounded() -> None:
    cfg = dataclasses.replace(CFG, max_tracked_lines=50)
    collect = furniture.collector(cfg)
    for n in range(200):
        collect.add(f"标题行{chr(0x4E00 + n)}甲\n常见页眉 东港\n")
    assert len(collect.counts) <= 51


def test_config_validates_patterns() -> None:
    with pytest.raises(ValueError, match=r"furniture_patterns: invalid regex"):
        FurnitureConfig(furniture_patterns=("(",))


@pytest.mark.parametrize(
    "text",
    [
        "\ud800孤立代理\n（下转第\n■\n■■\n■。\n",
        "（下转第2版）" * 50,
        "■" * 300 + "\n" + "x" * 10_000,
        "\r\n客户端:青岛观\r\n正文\r\n",
        "第3版",
    ],
)
def test_hostile_input_replays(text: str) -> None:
    result = run(text)
    assert run(result.text).edits == ()


FRAGMENTS = [
    "正文。",
    "■图为工地。",
    "（下转第2版）",
    "客户端:青岛观",
    "第3版",
    "\n",
    "\n\n",
    " ",
    "主编 赵波 美编 李飞",
]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30))
def test_replays_and_is_idempotent(parts: list[str]) -> None:
    text = "".join(parts)
    result = run(text)
    assert run(result.text).edits == ()
    assert result.text.count("正文。") == text.count("正文。")
    assert result.text.count("图为工地。") == text.count("图为工地。")
