"""Stage `punctuation`: half-width marks in Chinese text made full-width, nothing else touched."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clean_seeds.fixes import punctuation
from clean_seeds.fixes.punctuation import PunctuationConfig
from clean_seeds.models import Edit

from .conftest import run_stage_rules, seed_texts


def run_stage(text: str, cfg: PunctuationConfig | None = None) -> tuple[str, list[Edit]]:
    return run_stage_rules(punctuation, text, cfg or PunctuationConfig())


CASES = [
    # seed lines: half-width commas, semicolons, colons in Chinese text
    (
        "岁的长河,从不停息;奋斗的征程,永远向前。",
        "岁的长河，从不停息；奋斗的征程，永远向前。",
    ),
    (
        "全市生产总值突破1.1万亿元,同比增长4.1%,分别高于全国、全省1.1和0.1个百分点",
        "全市生产总值突破1.1万亿元，同比增长4.1%，分别高于全国、全省1.1和0.1个百分点",
    ),
    ("各位代表:", "各位代表："),
    ("客户端:青岛观 客户端:观海新闻", "客户端：青岛观 客户端：观海新闻"),
    ("潍柴(青岛)海洋装备制造中心一期竣工", "潍柴（青岛）海洋装备制造中心一期竣工"),
    ("(一)经济向好态势更加稳固。", "（一）经济向好态势更加稳固。"),
    ("中欧班列(齐鲁号)“上合快线”", "中欧班列（齐鲁号）“上合快线”"),
    ("“十强”产业和“四新”经济增加值分别增长9.6%和11.5%;", "“十强”产业和“四新”经济增加值分别增长9.6%和11.5%；"),
    ("市区PM2.5平均浓度29微克/立方米,优良天数", "市区PM2.5平均浓度29微克/立方米，优良天数"),
    ("上“擂台”话“实干”:冲刺姿态", "上“擂台”话“实干”：冲刺姿态"),
    ("抓就不难!”", "抓就不难！”"),
    # ellipses
    ("一号厂房;\n.....\n新春伊始", "一号厂房；\n……\n新春伊始"),
    ("....", "...."),
    ("民俗市集...春节期间", "民俗市集……春节期间"),
    ("还有。。。以及……和…", "还有……以及……和……"),
    ("等等………", "等等……"),
    ("中文...。。。…", "中文……"),
    ("第一章........12", "第一章........12"),
    # numbers stay ASCII
    ("共1,234人,时间10:30,比分3:1", "共1,234人，时间10:30，比分3:1"),
    ("时间10:30!", "时间10:30！"),
    ("增长5%,6%", "增长5%，6%"),
    # full stop at a Chinese line end only
    ("完成任务.\n约翰.史密斯说.”", "完成任务。\n约翰.史密斯说。”"),
    ("版本1.0.\nv2.", "版本1.0.\nv2."),
    # brackets go by their content
    ("阿里巴巴(BABA.N)股价", "阿里巴巴(BABA.N)股价"),
    ("说明(见附件(二))。", "说明（见附件（二））。"),
    ("说明(见(a)项)。", "说明（见(a)项）。"),
    ("（中文)", "（中文）"),
    ("左(未闭合\n右)", "左(未闭合\n右)"),
    # quotes
    ('他说"好的"就走了, "OK"', '他说“好的”就走了， "OK"'),
    ('他说"好的"就走了, "OK"。', "他说“好的”就走了， “OK”。"),
    ('他说"OK"就走了', "他说“OK”就走了"),
    ('奇数"引号"个"', '奇数"引号"个"'),
    # URLs and e-mail addresses are left alone, the marks after them are not
    ("访问https://example.com/a,b?c=1:2,了解更多", "访问https://example.com/a,b?c=1:2，了解更多"),
    ("邮箱:foo.bar@example.com,电话:010-12345678", "邮箱：foo.bar@example.com，电话：010-12345678"),
    ("见www.qingdao.gov.cn/(首页),谢谢", "见www.qingdao.gov.cn/（首页），谢谢"),
    ("见https://zh.wikipedia.org/wiki/A_(B),谢谢", "见https://zh.wikipedia.org/wiki/A_(B)，谢谢"),
    # English stays English, also inside Chinese text
    ('He said: "I think, therefore I am." 然后走了', 'He said: "I think, therefore I am." 然后走了'),
    ("Hello, world! Really? Yes: (fine)...", "Hello, world! Really? Yes: (fine)..."),
    ("Wait... what, 中文", "Wait... what， 中文"),
    # hostile: emoji, astral Han, mixed scripts
    ("emoji😀,中文", "emoji😀，中文"),
    ("𠀀,𠀁", "𠀀，𠀁"),
    ("真的吗?太好了!!", "真的吗？太好了！！"),
    ("한국어, 문장입니다.", "한국어, 문장입니다."),
    ("", ""),
]


@pytest.mark.parametrize(("text_in", "text_out"), CASES)
def test_stage(text_in: str, text_out: str) -> None:
    text, _ = run_stage(text_in)
    assert text == text_out
    assert run_stage(text) == (text, [])


def test_already_clean_text_gets_no_edit() -> None:
    text = seed_texts()["001_4c2c067da8e7a4a7.txt"]
    assert run_stage(text) == (text, [])


@pytest.mark.parametrize("name", sorted(seed_texts()))
def test_seeds_replay_and_are_idempotent(name: str) -> None:
    text, _ = run_stage(seed_texts()[name])
    assert run_stage(text) == (text, [])
    assert not any(mark in text for mark in ",;!?"), "a half-width mark survived in Chinese text"
    assert "，" in text


def test_seed_003_ellipsis_line() -> None:
    text, _ = run_stage(seed_texts()["003_8a0fa821f8c73329.txt"])
    assert "\n……\n" in text
    assert "....." not in text


def test_full_width_is_never_made_ascii() -> None:
    full = "，。；：！？（）“”……"
    text, edits = run_stage("中文" + full + "中文")
    assert (text, edits) == ("中文" + full + "中文", [])


@pytest.mark.parametrize("rule", [rule.__name__ for rule in punctuation.RULES])
def test_a_rule_switched_off_makes_no_edit(rule: str) -> None:
    cfg = PunctuationConfig(**{rule: False})
    _, edits = run_stage('中文, 中文(中文)"中文"中文...中文.', cfg)
    assert edits
    assert rule not in {e.rule for e in edits}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='中文ab1 2\n,.;:!?()（）"“”…。@/_', max_size=40))
def test_any_text_replays_and_is_idempotent(text: str) -> None:
    out, _ = run_stage(text)
    assert run_stage(out) == (out, [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the second colon converts (Chinese after it); the first sees it, full-width, 12 away
        ("中@:11111111111:。", "中@：11111111111：。"),
        # ``。。。`` is Chinese in itself: it used to stay, and make the comma before it full-width
        ('中\n" ,…。。。a"', '中\n" ,……a"'),
    ],
)
def test_what_the_stage_makes_chinese_converts_in_the_same_run(text: str, expected: str) -> None:
    """Found by the idempotence property: each used to convert more on a second run."""
    out, _ = run_stage(text)
    assert out == expected
    assert run_stage(out) == (out, [])
