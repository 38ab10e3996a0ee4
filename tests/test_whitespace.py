"""Stage `whitespace`: regular spaces and blank lines, single spaces between words kept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clean_seeds.fixes import whitespace
from clean_seeds.fixes.whitespace import WhitespaceConfig
from clean_seeds.models import Edit

from .conftest import assert_stage_case, run_stage_rules, seed_texts


def run_stage(text: str, cfg: WhitespaceConfig | None = None) -> tuple[str, list[Edit]]:
    return run_stage_rules(whitespace, text, cfg or WhitespaceConfig())


CASES = [
    # seeds: leading blank lines, several blank lines, a space-only line, no final newline
    (
        "\n\n\n\n岁的长河，从不停息。\n\n站在新旧交替的时间节点上",
        "岁的长河，从不停息。\n\n站在新旧交替的时间节点上\n",
    ),
    ("项目。\n \n上合示范区", "项目。\n\n上合示范区\n"),
    ("段一\n\n\n\n段二\n\n\n", "段一\n\n段二\n"),
    # single spaces between Chinese words are meaningful: kept; runs collapse
    ("牢记嘱托走在前 勇担使命开新局\n", None),
    ("□青岛日报/观海新闻记者 刘兰星 杨光\n", None),
    ("拉高标杆  全力冲刺\n", "拉高标杆 全力冲刺\n"),
    ("刘兰星\u3000杨光\n", "刘兰星 杨光\n"),
    ("名称\t\t数量\n", "名称 数量\n"),
    ("two  spaces   here\n", "two spaces here\n"),
    # indentation and trailing whitespace
    ("\u3000\u3000段落开头。\n    English indent.\t \n", "段落开头。\nEnglish indent.\n"),
    ("正文。 \u00a0\n", "正文。\n"),
    # spaces at full-width punctuation
    ("青岛 ， 中国 。", "青岛，中国。\n"),
    ("他说 “走” and “go” 。", "他说“走” and “go”。\n"),
    ("（ 下转封二 ）", "（下转封二）\n"),
    ("《 青岛日报 》报道", "《青岛日报》报道\n"),
    # hostile: emoji, URLs, mixed scripts, nothing but whitespace
    ("😀  🎉 https://x.com/a,b  ok\n", "😀 🎉 https://x.com/a,b ok\n"),
    ("   \n\n\t\n", ""),
    ("\n", ""),
    ("", None),
    ("x", "x\n"),
    ("已经干净的一行。\n\n第二段。\n", None),
]


@pytest.mark.parametrize(("text_in", "text_out"), CASES)
def test_stage(text_in: str, text_out: str | None) -> None:
    assert_stage_case(whitespace, WhitespaceConfig(), text_in, text_out)


@pytest.mark.parametrize("name", sorted(seed_texts()))
def test_seeds_replay_and_are_idempotent(name: str) -> None:
    text, _ = run_stage(seed_texts()[name])
    assert run_stage(text) == (text, [])
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
    assert not text.startswith("\n")
    assert "\n\n\n" not in text
    assert " \n" not in text


def test_seed_001_keeps_its_heading_spaces() -> None:
    text, _ = run_stage(seed_texts()["001_4c2c067da8e7a4a7.txt"])
    assert text.startswith("牢记嘱托走在前 勇担使命开新局\n")
    assert "记者 刘成龙 薛华飞 刘佳旋" in text


@pytest.mark.parametrize("rule", [rule.__name__ for rule in whitespace.RULES])
def test_a_rule_switched_off_makes_no_edit(rule: str) -> None:
    text = "\n\n\u3000\u3000甲  乙 ， 丙 \n\n\n\n丁"
    _, edits = run_stage(text)
    assert rule in {e.rule for e in edits}
    _, edits = run_stage(text, WhitespaceConfig(**{rule: False}))
    assert rule not in {e.rule for e in edits}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="中a \t\u3000\u00a0\n，。“”（）x", max_size=40))
def test_any_text_replays_and_is_idempotent(text: str) -> None:
    out, _ = run_stage(text)
    assert run_stage(out) == (out, [])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\u3000\xa0\u2002\u205f\x0b\n中a，", min_size=1, max_size=30))
def test_trailing_pre_check_finds_what_trailing_finds(text: str) -> None:
    found = whitespace.BREAK_AFTER_SPACE.search(text) or whitespace.H_CHAR.match(text, len(text) - 1)
    assert bool(found) == bool(whitespace.TRAILING.search(text))


@pytest.mark.parametrize("text", ["", "a", "a\n", "a\n\n", "\n", "\n\n\n", "a\nb\n\n"])
def test_ensure_final_newline_leaves_alone_only_what_is_final(text: str) -> None:
    result = whitespace.ensure_final_newline(text, WhitespaceConfig())
    expected = text.rstrip("\n") + "\n" if text.strip("\n") else ""
    assert result.text == expected
    assert bool(result.edits) == (text != expected)
