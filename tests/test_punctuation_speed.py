"""The shortcuts that make `punctuation` fast agree with the plain computations they replace."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clean_seeds.edits import replace_spans
from clean_seeds.fixes import punctuation
from clean_seeds.fixes.punctuation import CJK, CJK_PUNCT, PunctuationConfig
from clean_seeds.models import Cleaned

from .conftest import seed_texts

CFG = PunctuationConfig()
# the marks as one pattern, before it was split per mark
HALF_MARK_ONE = re.compile(f"[,;:!?](?:(?<=[{CJK}{CJK_PUNCT}].)|(?=[{CJK}{CJK_PUNCT}])|(?P<far>))")

# pieces of URLs, e-mail addresses, numbers and Chinese and English text, marks on every side
FRAGMENTS = [
    "http://", "https://", "www.", "@", ".", "/", ":", ",", ";", "!", "?", "a", "x.cn", "中", "文", "，",
    "。", "（", "）", "(", ")", "1", "2", " ", "'", "]", "%", "-", "\n", "…", '"', "é", "한", "𠀀",
]  # fmt: skip
TEXTS = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)


def fullwidth_punctuation_reference(text: str) -> Cleaned:
    """`fullwidth_punctuation` as first written: one pass over all marks, each checked for URLs."""
    if not punctuation.has_cjk(text):
        return Cleaned(text)
    protected = punctuation.protected_spans(text)
    spans = [
        (m.start(), m.end(), punctuation.FULL_WIDTH[m.group()])
        for m in HALF_MARK_ONE.finditer(text)
        if (m.lastgroup is None or punctuation._far_mark_is_chinese(text, m.start()))
        and not punctuation.is_protected(protected, m.start())
    ]
    return replace_spans(text, "fullwidth_punctuation", spans)


def lines_with_reference(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    return sorted({punctuation._line_bounds(text, m.start()) for m in pattern.finditer(text)})


@pytest.mark.parametrize(
    "text",
    [
        "见https://x.cn/a,b,了解",  # the last comma is outside the URL
        "网址www.a.cn/?q=1,2;3:4!5?中文",
        "邮箱a,b@x.cn,联系",
        "时间10:30,地点:青岛!",
        "Hello, world! 中文: 好?",
        "他说:“好!”, 然后走了;",
        *seed_texts().values(),
    ],
)
def test_fullwidth_punctuation_matches_reference(text: str) -> None:
    assert punctuation.fullwidth_punctuation(text, CFG) == fullwidth_punctuation_reference(text)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_fullwidth_punctuation_matches_reference_on_hostile_text(text: str) -> None:
    assert punctuation.fullwidth_punctuation(text, CFG) == fullwidth_punctuation_reference(text)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_lines_with_brackets(text: str) -> None:
    found = punctuation._lines_with(text, *punctuation.ASCII_BRACKETS)
    assert found == lines_with_reference(text, re.compile(r"[()]"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="…中a.。．\n", max_size=30))
def test_standard_ellipses_alone_are_rewritten_to_themselves(text: str) -> None:
    other_forms = any(form in text for form in ("...", "。。。", "．．．"))
    if not other_forms and punctuation._only_standard_ellipses(text):
        assert all(m.group() == "……" for m in punctuation.ELLIPSIS.finditer(text))
        assert punctuation.unify_ellipsis(text, CFG) == Cleaned(text)
