"""Stage `markup`: HTML, Markdown and LaTeX residue removed, the text it wrapped kept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clean_seeds.fixes import markup
from clean_seeds.fixes.markup import MarkupConfig
from clean_seeds.models import Edit

from .conftest import assert_stage_case, run_stage_rules, seed_texts


def run_stage(text: str, cfg: MarkupConfig | None = None) -> tuple[str, list[Edit]]:
    return run_stage_rules(markup, text, cfg or MarkupConfig())


CASES = [
    # seed residue: a closing tag cut at the end of the text, heading marks, subscripts
    ("一年来,看深化改革开放,制度拉满、坚定不移——\n\n</div", "一年来,看深化改革开放,制度拉满、坚定不移——\n\n"),
    ("## 青岛日报 聚焦\n\n主编 赵波", "青岛日报 聚焦\n\n主编 赵波"),
    ("## 力争“开门红”：各区市“起步即冲刺”\n\n□青岛日报", "力争“开门红”：各区市“起步即冲刺”\n\n□青岛日报"),
    ("市区PM_2.5平均浓度29微克/立方米。", "市区PM2.5平均浓度29微克/立方米。"),
    # tags
    ("<p>第一段</p><p>第二段<br/>下一行</p>", "第一段\n第二段\n下一行"),
    ('<div class="content" id=\'main\'>正文</div>\n<span style="x">尾</span>', "正文\n尾"),
    ("<P>大写标签</P>", "大写标签"),
    ("<table><tr><td>名称</td><td>数量</td></tr></table>", "名称 数量"),
    ("<!-- 注释 -->正文<script>var a = 1 < 2;</script>结束<style>p{}</style>", "正文结束"),
    ('<a href="http://x.com/?a=1&b=2">链接</a>', "链接"),
    ('<p\nclass="x">跨行的标签</p>', "跨行的标签"),
    ("<b>bold</b> and <i>it</i>", "bold and it"),
    ("CO<sub>2</sub>排放", "CO2排放"),
    # broken fragments at line edges
    ("正文结束。</div\ndiv>下一页", "正文结束。\n下一页"),
    ('结尾<div class="x', "结尾"),
    ("/p>开头", "开头"),
    # entities
    ("A&amp;B&nbsp;C &lt;中&gt; &#12290;&#x4e2d;", "A&B C <中> 。中"),
    ("&amp;lt;p&amp;gt;双重转义", "双重转义"),
    ("AT&T &copy &unknown; &#xZZ; R&D", None),
    ("&#12288;全角空格", " 全角空格"),
    # markdown
    ("# 标题 #\n正文", "标题\n正文"),
    ("段落。\n\n## 小标题\n正文。", "段落。\n\n小标题\n\n正文。"),
    ("#话题# 不是标题\n####### 七个也不是", None),
    ("这是**重点**内容, __强调__", "这是重点内容, 强调"),
    ("**bold** text", "bold text"),
    # sub/superscripts
    ("CO_2和H_2SO_4, PM_{10}, m^{2}, 10^{6}", "CO2和H2SO4, PM10, m^2, 10^6"),
    # left alone: comparisons, code, names, addresses
    ("a < b, x<a and b>y, a<b>c, <T>, List<String>, <<人民日报>>", None),
    ("若x<a且y>b,则x>y", None),
    ("snake_case_name, user_1, x_1, max_2, MAX_SIZE_2, ID_2023, __init__, *斜体*, 2**10**3", None),
    ("m^2 10^6 NO_x", None),
    ("联系 a_b@c.com 或 http://x.com/CO_2/**x**/__y__", None),
    ("😀 <emoji> & 表情 # 不是标题", None),
    ("", None),
]


@pytest.mark.parametrize(("text_in", "text_out"), CASES)
def test_stage(text_in: str, text_out: str | None) -> None:
    assert_stage_case(markup, MarkupConfig(), text_in, text_out)


@pytest.mark.parametrize("name", sorted(seed_texts()))
def test_seeds_replay_and_are_idempotent(name: str) -> None:
    text, _ = run_stage(seed_texts()[name])
    assert run_stage(text) == (text, [])
    for residue in ("</div", "## ", "PM_"):
        assert residue not in text


def test_seed_003_headings_keep_their_text() -> None:
    text, edits = run_stage(seed_texts()["003_8a0fa821f8c73329.txt"])
    assert [e.rule for e in edits] == ["strip_markdown_headings"] * 6
    assert "\n\n力争取得新突破\n\n" in text


@pytest.mark.parametrize("rule", [rule.__name__ for rule in markup.RULES])
def test_a_rule_switched_off_makes_no_edit(rule: str) -> None:
    text = "&amp;<p>甲</p>乙</div\n## 标题\n**重点** CO_2"
    _, edits = run_stage(text)
    assert rule in {e.rule for e in edits}
    _, edits = run_stage(text, MarkupConfig(**{rule: False}))
    assert rule not in {e.rule for e in edits}


def test_tag_lists_are_configurable() -> None:
    cfg = MarkupConfig(html_inline_tags=("span", "custom"))
    assert run_stage("<custom>甲</custom><b>乙</b>", cfg)[0] == "甲<b>乙</b>"


FRAGMENTS = [
    "<p>", "</p>", "<div", "div>", "</div", "<b>", "</b>", "<br/>", "<td>", '<a href="x">', "<!--", "-->",
    "<script>", "</script>", "&amp;", "&lt;", "&gt;", "&nbsp;", "&#12290;", "&", ";", "#", "## ", "**", "__",
    "CO", "_2", "_{2.5}", "^{2}", "中文", "ab", "1", " ", "\n", "\n\n", "<", ">", "/", "=", '"',
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(FRAGMENTS), max_size=20).map("".join)
    | st.text(alphabet="中a1 \n<>/&#;_*^{}", max_size=30)
)
def test_any_text_replays_and_is_idempotent(text: str) -> None:
    out, _ = run_stage(text)
    assert run_stage(out) == (out, [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # removing a tag joins an unclosed comment to a ">" (entity decoded first)
        ("<!--<!--<b>&gt;", ""),
        ("正文<!--注--<b>&gt;尾", "正文尾"),
        # heading marks between a head and a tail fragment: the line is only markup
        ("div></b>## <div", ""),
        # removing one tail fragment makes the next one end the line
        ("**<div ## <div", "** ##"),
        # overlapping emphasis pairs: the second is whole once the first went
        ("**重点__强调**__", "重点强调"),
    ],
)
def test_markup_joined_by_a_removal_goes_in_the_same_run(text: str, expected: str) -> None:
    """Found by the idempotence property: each used to leave markup for a second run."""
    out, edits = run_stage(text)
    assert out == expected
    assert edits
    assert run_stage(out) == (out, [])
