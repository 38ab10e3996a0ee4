"""The unicode stage: each rule on Chinese, English and hostile input; replay, idempotence, seeds."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from clean_seeds.edits import apply_edits, revert_edits
from clean_seeds.fixes import unicode
from clean_seeds.fixes.unicode import UnicodeConfig
from clean_seeds.models import Cleaned
from tests.conftest import seed_texts

CFG = UnicodeConfig()
Rule = Callable[[str, UnicodeConfig], Cleaned]

#: real Chinese prose with the punctuation, quotes, dashes and symbols ftfy's defaults would change
CHINESE_PROSE = (
    "“十四五”时期，我国经济实力、科技实力、综合国力跃上新台阶；国内生产总值（GDP）超过110万亿元！\n"
    "他说：“这是真的吗？”——当然。温度25°C，误差±3，面积3×4米，马克·吐温……\n"
    "《关于聚力打造“六个城市”的实施意见》第（一）条、第二条。\u3000\u3000段首空格保留。\n"
    "繁體中文：這是一個測試，請參閱「附件」。\n"
)

ENGLISH_PROSE = "The café’s menu — “naïve” résumé, 5 × 3 = 15, 20°C. Ærø and Zürich.\n"


def run_stage(text: str, cfg: UnicodeConfig = CFG) -> tuple[str, list[tuple[str, str, str]]]:
    """Run every rule in order, checking that each rule's edits replay and revert."""
    edits = []
    for rule in unicode.RULES:
        result = rule(text, cfg)
        assert apply_edits(text, result.edits) == result.text
        assert revert_edits(result.text, result.edits) == text
        edits += [(rule.__name__, e.before, e.after) for e in result.edits]
        text = result.text
    return text, edits


CASES: list[tuple[Rule, str, str]] = [
    # normalize_line_endings
    (unicode.normalize_line_endings, "甲\r\n乙\r丙\n丁", "甲\n乙\n丙\n丁"),
    (unicode.normalize_line_endings, "a\r\r\nb\n\rc", "a\n\nb\n\nc"),
    (unicode.normalize_line_endings, "page one\x0cpage two\u2028x\u2029y", "page one\npage two\nx\ny"),
    (unicode.normalize_line_endings, "Ä\x85x", "Ä\x85x"),  # NEL is left to fix_mojibake
    # replace_undecodable
    (unicode.replace_undecodable, "坏\udcff字节\udce4\udcb8", "坏\ufffd字节\ufffd"),
    (unicode.replace_undecodable, "ok \ud83d alone", "ok \ufffd alone"),
    # fix_mojibake
    (unicode.fix_mojibake, "donâ€™t panic â€” itâ€™s fine", "don’t panic — it’s fine"),
    (unicode.fix_mojibake, "The cafÃ© in ZÃ¼rich", "The café in Zürich"),
    (unicode.fix_mojibake, "标题ä¸­æ–‡", "标题中文"),
    (unicode.fix_mojibake, "他说 donâ€™t 走", "他说 don’t 走"),
    (unicode.fix_mojibake, "Â£100 and \x93quoted\x94", "£100 and “quoted”"),
    (unicode.fix_mojibake, ENGLISH_PROSE, ENGLISH_PROSE),
    (unicode.fix_mojibake, "Füße und Öl, naïve", "Füße und Öl, naïve"),
    # fix_gbk_round_trip
    (unicode.fix_gbk_round_trip, "ÖÐÎÄÄÚÈÝ", "中文内容"),
    # a lone hanzi between ASCII is too little evidence to repair
    (unicode.fix_gbk_round_trip, "2022Äê ÎÒÃÇµÄÄ¿±ê", "2022Äê 我们的目标"),
    (unicode.fix_gbk_round_trip, "ËµÃ÷£º²âÊÔ", "说明：测试"),
    (unicode.fix_gbk_round_trip, "测试文件".encode().decode("gb18030"), "测试文件"),
    (unicode.fix_gbk_round_trip, "中文内容，测试了".encode().decode("gb18030"), "中文内容，测试了"),
    (unicode.fix_gbk_round_trip, "我們的測試文件".encode("big5").decode("latin-1"), "我們的測試文件"),
    (unicode.fix_gbk_round_trip, "正常：" + "测试文件".encode().decode("gb18030"), "正常：测试文件"),
    (unicode.fix_gbk_round_trip, "铿锵有力，踔厉奋发", "铿锵有力，踔厉奋发"),
    (unicode.fix_gbk_round_trip, "Füße, Ærø, ÀÉÈ", "Füße, Ærø, ÀÉÈ"),
    # remove_bom
    (unicode.remove_bom, "\ufeff中文内容,带BOM。\n中间\ufeff也有", "中文内容,带BOM。\n中间也有"),
    # remove_control_chars
    (unicode.remove_control_chars, "控制\x07字符\x1b[0m和\x00NUL", "控制字符和NUL"),
    (unicode.remove_control_chars, "tab\tkept\nand CR\r too\x7f\x9f", "tab\tkept\nand CR\r too"),
    # remove_zero_width
    (unicode.remove_zero_width, "零\u200b宽\u200d字符\u2060和\u200e方向", "零宽字符和方向"),
    (unicode.remove_zero_width, "zero\u200bwidth\u200cjoin\u200d", "zerowidthjoin"),
    (
        unicode.remove_zero_width,
        "家庭👨\u200d👩\u200d👧，❤\ufe0f\u200d🔥",
        "家庭👨\u200d👩\u200d👧，❤\ufe0f\u200d🔥",
    ),
    (unicode.remove_zero_width, "می\u200cخواهم", "می\u200cخواهم"),
    # remove_soft_hyphens
    (unicode.remove_soft_hyphens, "inter\xadnational co\xad\noperation", "international co\noperation"),
    # fullwidth_to_ascii
    (unicode.fullwidth_to_ascii, "１９９８年ＰＭ２．５浓度，下降了。", "1998年PM2.5浓度，下降了。"),
    (unicode.fullwidth_to_ascii, "ＡＢＣ公司（ＸＹＺ）：３．", "ABC公司（XYZ）：3．"),
    (unicode.fullwidth_to_ascii, "增长2．5％，第１．２节", "增长2.5％，第1.2节"),
    (unicode.fullwidth_to_ascii, "，。；：（）！？“”　", "，。；：（）！？“”　"),
]


@pytest.mark.parametrize(("rule", "text_in", "text_out"), CASES)
def test_rule(rule: Rule, text_in: str, text_out: str) -> None:
    result = rule(text_in, CFG)
    assert result.text == text_out
    assert bool(result.edits) == (text_in != text_out)
    assert apply_edits(text_in, result.edits) == text_out
    assert revert_edits(text_out, result.edits) == text_in
    assert not rule(text_out, CFG).edits  # idempotent


@pytest.mark.parametrize(("rule", "text_in", "text_out"), CASES)
def test_stage_is_idempotent(rule: Rule, text_in: str, text_out: str) -> None:
    once, _ = run_stage(text_in)
    assert run_stage(once)[1] == []


def test_edits_are_minimal_spans() -> None:
    result = unicode.fix_mojibake("第一句。\nIt donâ€™t work, itâ€™s sad\n第三句", CFG)
    assert [(e.start, e.before, e.after) for e in result.edits] == [(11, "â€™", "’"), (24, "â€™", "’")]


@pytest.mark.parametrize("name", sorted(seed_texts()))
def test_seeds_pass_untouched(name: str) -> None:
    assert run_stage(seed_texts()[name])[1] == []


@pytest.mark.parametrize("text", [CHINESE_PROSE, ENGLISH_PROSE, CHINESE_PROSE.replace("“", "‘")])
def test_correct_text_passes_untouched(text: str) -> None:
    assert run_stage(text) == (text, [])


def test_hostile_document() -> None:
    text = (
        "\ufeff标题ÖÐÎÄ\r\n第二行：donâ€™t\u200b stop\r"
        "１９９８年\x07，ＰＭ２．５\r\n" + "测试文件".encode().decode("gb18030") + "\udcff"
    )
    out, edits = run_stage(text)
    assert out == "标题中文\n第二行：don’t stop\n1998年，PM2.5\n测试文件\ufffd"
    assert {rule for rule, _, _ in edits} == {rule.__name__ for rule in unicode.RULES} - {
        "remove_soft_hyphens"
    }


def test_rules_are_switched_by_config() -> None:
    cfg = dataclasses.replace(CFG, normalize_line_endings=False)
    assert cfg.normalize_line_endings is False
    assert [rule.__name__ for rule in unicode.RULES] == [
        f.name for f in dataclasses.fields(UnicodeConfig) if f.type == "bool" and f.name != "enabled"
    ]


def test_bad_round_trip_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="'gb18030>nonsense' is not 'encode>decode'"):
        UnicodeConfig(round_trips=("gb18030>nonsense",))
