"""The unicode stage's shortcuts: the same results as the general paths they skip."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clean_seeds.edits import apply_edits, replace_spans, revert_edits, substitute
from clean_seeds.encoding import code_points
from clean_seeds.fixes import unicode
from clean_seeds.fixes.unicode import UnicodeConfig
from clean_seeds.models import Cleaned

CFG = UnicodeConfig()


@pytest.mark.parametrize(
    "text",
    [
        "第一行\r\n第二行\r\n",
        "\r\n",
        "\r\n\r\n",
        "一\r\n二\r\n\r\n三",
        "Windows line\r\nlast line without break",
        "mixed\r\nlone CR\rend",  # not CRLF only: the general path
        "CR before CRLF\r\r\nend",
        "form feed\x0cand CRLF\r\n",
        "no break at all",
    ],
)
def test_crlf_shortcut_matches_general_path(text: str) -> None:
    result = unicode.normalize_line_endings(text, CFG)
    spans = [(m.start(), m.end(), "\n") for m in unicode.LINE_BREAK.finditer(text)]
    assert result == replace_spans(text, "normalize_line_endings", spans)
    assert apply_edits(text, result.edits) == result.text
    assert revert_edits(result.text, result.edits) == text


#: characters around the round-trip hints: uncommon hanzi, Latin-1 letters, common hanzi, ASCII
HINT_ALPHABET = "崂铿锵涓枃ÖÐÎÄé·中文的，。 a\n"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=HINT_ALPHABET + "\U00020000\udce4\u3000\xa0", max_size=40))
def test_hints_at_the_positions_match_the_table_scan(text: str) -> None:
    positions = unicode._positions(text, unicode._rare_round_trip_chars(text), most=1000)
    assert positions is not None
    assert unicode._hints_at(text, positions) == unicode._hints(code_points(text))


@pytest.mark.parametrize(
    ("text", "starts", "ends"),
    [
        ("崂山很美，崂山很高。", [], []),
        ("铿锵有力", [0], [2]),
        ("铿，，锵", [0], [4]),  # three apart
        ("铿，，，锵", [], []),  # four apart
        ("铿, 锵", [], []),  # ASCII between
        ("ÖÐ", [0], [2]),
        ("Ö中Ð", [], []),
        ("中文", [], []),
        ("崂" + "中文字，" * 20 + "崂", [], []),
        ("崂中文，" * 100, [], []),  # more occurrences than `_positions` lists: the table scan
        ("崂中文，" * 100 + "崂锵", [400], [402]),
    ],
)
def test_hints(text: str, starts: list[int], ends: list[int]) -> None:
    assert unicode._hints(code_points(text)) == (starts, ends)
    positions = unicode._positions(text, unicode._rare_round_trip_chars(text))
    if positions is not None:
        assert unicode._hints_at(text, positions) == (starts, ends)


def test_hint_within() -> None:
    starts, ends = unicode._hints(code_points("铿锵 ÖÐ 铿，，锵"))
    assert unicode._hint_within(starts, ends, 0, 2)
    assert not unicode._hint_within(starts, ends, 1, 4)  # ÖÐ reaches past the end
    assert unicode._hint_within(starts, ends, 1, 5)
    assert unicode._hint_within(starts, ends, 6, 10)
    assert not unicode._hint_within(starts, ends, 6, 9)


def test_gbk_round_trip_still_repairs_behind_the_pre_check() -> None:
    text = "崂山。" + "正文，" * 30 + "标题：ÖÐÎÄ 和 娴嬭瘯鏂囦欢"
    assert unicode.fix_gbk_round_trip(text, CFG).text.endswith("标题：中文 和 测试文件")


#: line breaks, BOMs, soft hyphens and lone surrogates among other rare and common characters
REMOVAL_ALPHABET = "\r\n\x0b\x0c\u2028\u2029\ufeff\xad\udce4\ud83d中ÖÐa\x85崂"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=REMOVAL_ALPHABET, max_size=40))
def test_rare_chars_known_after_a_removal_are_those_a_scan_finds(text: str) -> None:
    for rule in (unicode.normalize_line_endings, unicode.remove_bom, unicode.remove_soft_hyphens):
        result = rule(text, CFG)
        scanned = "".join(sorted(set(unicode.RARE_CHAR.findall(result.text))))
        assert unicode._rare_chars(result.text) == scanned


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=REMOVAL_ALPHABET, max_size=40))
def test_undecodable_found_through_the_rare_characters(text: str) -> None:
    try:
        text.encode("utf-16-le")  # strict UTF-16 rejects exactly the lone surrogates
    except UnicodeEncodeError:
        expected = substitute(unicode.SURROGATE_RUN, "\ufffd", text, "replace_undecodable")
    else:
        expected = Cleaned(text)
    assert unicode.replace_undecodable(text, CFG) == expected
