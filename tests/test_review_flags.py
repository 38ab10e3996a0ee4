"""The `review` stage: flags only, from corpus statistics and text shape; text never changes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from clean_seeds.edits import is_flag
from clean_seeds.fixes import review
from clean_seeds.fixes.review import NgramSketch, ReviewConfig
from clean_seeds.models import Edit

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
CFG = ReviewConfig()


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def prepared(texts: list[str], cfg: ReviewConfig = CFG) -> ReviewConfig:
    collect = review.collector(cfg)
    for text in texts:
        collect.add(text)
    return collect.finish()


def flags(text: str, cfg: ReviewConfig) -> list[Edit]:
    """Every rule's flags, checking that no rule changes the text."""
    out: list[Edit] = []
    for rule in review.RULES:
        result = rule(text, cfg)
        assert result.text == text
        assert all(is_flag(e) and e.rule == rule.__name__ for e in result.edits)
        assert all(text[e.start : e.end] == e.before == e.after for e in result.edits)
        out.extend(result.edits)
    return out


@pytest.fixture(scope="module")
def seeds_cfg() -> ReviewConfig:
    return prepared([seed(p) for p in ("000", "001", "002", "003", "004")])


def test_seed_flags(seeds_cfg: ReviewConfig) -> None:
    found = {p: [(e.rule, e.before) for e in flags(seed(p), seeds_cfg)] for p in ("000", "001", "002", "003")}
    assert found == {
        "000": [
            ("stranded_headline", "绘出现代化国际 ——写在青岛两会\n\n召开之际"),
            ("truncated_document", "岁的长河,从不停息;奋斗的征程,永远向前"),
        ],
        "001": [],
        "002": [],
        "003": [],
    }
    doubled = [e for e in flags(seed("004"), seeds_cfg) if e.rule == "doubled_character"]
    assert [(e.before, e.info["single"]) for e in doubled] == [("打打", "数打法")]


def test_seed_name_variants_need_a_recurring_form(seeds_cfg: ReviewConfig) -> None:
    """潍柴 and 雅柴 occur once each in the seeds: statistics cannot tell which is right."""
    assert seeds_cfg.name_variants == frozenset()


@pytest.mark.parametrize("rule", [review.doubled_character, review.name_variant, review.stranded_headline])
def test_seed_002_paragraphs_get_no_flags(rule: object, seeds_cfg: ReviewConfig) -> None:
    for paragraph in seed("002").split("\n"):
        assert rule(paragraph, seeds_cfg).edits == (), paragraph  # type: ignore[operator]


def test_name_variant_against_a_frequent_form() -> None:
    corpus = [f"第{n}篇：潍柴(青岛)海洋装备制造中心一期竣工。海尔集团发布新品。" for n in range(5)]
    corpus.append("西海岸新区雅柴(青岛)智慧重工智造中心项目。海信集团发布新品。")
    corpus += ["海信集团在青岛。海信电视销量好。海信空调。"] * 2
    cfg = prepared(corpus)
    found = [(e.before, e.info["usual"]) for e in flags(corpus[5], cfg) if e.rule == "name_variant"]
    assert found == [("雅柴", "潍柴")]  # 海信 recurs elsewhere in the corpus, so it is a name of its own
    assert flags(corpus[0], cfg) == []


@pytest.mark.parametrize(
    ("corpus", "text", "expected"),
    [
        # the single form is known, the doubled pair is rare: flagged
        (["创新路数打法。", "路数打法很多。"], "市教育局创新路数打打法，跑出加速度。", ["打打"]),
        # common reduplication is never flagged
        (["我们常来这里。"], "我们常常来这里。", []),
        # a doubled pair the corpus uses often is intended
        (["市教育局长说。"] + ["市教育局局长说。"] * 3, "市教育局局长说。", []),
        # no single form in the corpus: nothing to go on
        (["无关的句子。"], "在全国争先先进。", []),
    ],
)
def test_doubled_character(corpus: list[str], text: str, expected: list[str]) -> None:
    cfg = prepared([*corpus, text])
    assert [e.before for e in flags(text, cfg) if e.rule == "doubled_character"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # stranded inside body text (seed 000), split over lines or joined by linewrap
        ("正文。截至目前,27个\n\n绘出现代化国际 ——写在青岛两会\n\n召开之际\n\n新启动项目。", 1),
        ("截至目前,27个绘出现代化国际 ——写在青岛两会召开之际新启动城中村改造。", 1),
        # a subtitle under its title, at the top or further down a page, is in place
        ("牢记嘱托走在前\n\n——写在市委十三届二次全体会议召开之际\n\n正文。", 0),
        ("正文一段。\n" * 10 + "新的标题\n——写在大会召开之际\n正文。", 0),
        # a dash that opens no subtitle
        ("一年来,看新动能转换,进度加快、突破焕新——\n\n正文。", 0),
    ],
)
def test_stranded_headline(text: str, expected: int) -> None:
    assert len(review.stranded_headline(text, CFG).edits) == expected


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        ("岁的长河,从不停息。", ["starts_mid_sentence"]),
        ("，从不停息。", ["starts_mid_sentence"]),
        ("的时候，我们来了。", ["starts_mid_sentence"]),
        ("and then the council voted.", ["starts_mid_sentence"]),
        ("标题\n\n看城市更新建设,如火如荼、势如破竹——", ["ends_mid_sentence"]),
        ("标题\n\n争取全年上市及过会企业再增长并且还要继续", ["ends_mid_sentence"]),
        ("标题\n\n正文写到这里，", ["ends_mid_sentence"]),
        # complete texts, signatures and short closing lines are fine
        ("新的一年，我们继续奋斗。", []),
        ("岁月如歌，我们前行。", []),
        ("报告正文。\n\n青岛市人民政府\n2024年1月29日", []),
        ("The council voted on Monday.", []),
        ("", []),
        ("\n\n  \n", []),
    ],
)
def test_truncated_document(text: str, reasons: list[str]) -> None:
    assert [e.info["reason"] for e in review.truncated_document(text, CFG).edits] == reasons


@pytest.mark.parametrize(
    "text",
    ["", "\ud800\udfff孤立", "——", "——写在", "■■■", "打打" * 1000, "a" * 5000, "\n" * 100, "（）" * 50],
)
def test_hostile_input(text: str, seeds_cfg: ReviewConfig) -> None:
    flags(text, seeds_cfg)
    prepared([text])


def test_sketch_counts() -> None:
    sketch = NgramSketch(16)
    sketch.add("数打法" * 50 + "新打法")
    sketch.flush()
    assert sketch.count("数打法") == pytest.approx(50, abs=1)
    assert sketch.count("新打法") == pytest.approx(1, abs=0.5)
    assert sketch.count("打法") == pytest.approx(51, abs=1)
    assert sketch.count("无此词") == pytest.approx(0, abs=0.5)


def test_sketch_sample_is_capped() -> None:
    cfg = dataclasses.replace(CFG, sketch_max_chars=10)
    collect = review.collector(cfg)
    collect.add("数打法" * 10)
    collect.add("新打法" * 10)
    collect.finish()
    assert collect.sketch.count("新打法") == 0


def test_config_is_validated() -> None:
    with pytest.raises(ValueError, match="sketch_width_bits"):
        ReviewConfig(sketch_width_bits=40)
