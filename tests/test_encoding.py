"""Decoding bytes: codec detection, the restore invariant, binary detection."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clean_seeds import encoding
from clean_seeds.encoding import decode_bytes, looks_binary, plausibility
from tests.conftest import seed_texts

CHINESE = "国内生产总值增长5.2%，这是一个测试文件。“两会”期间，我们讨论了很多问题。\n" * 3
TRADITIONAL = "這是一個繁體中文的文件，使用大五碼編碼。我們討論了很多問題。\n" * 3


@pytest.mark.parametrize(
    ("raw", "encoding", "text"),
    [
        (CHINESE.encode(), "utf-8", CHINESE),
        (codecs.BOM_UTF8 + CHINESE.encode(), "utf-8", "\ufeff" + CHINESE),
        (CHINESE.encode("utf-16"), "utf-16-le", "\ufeff" + CHINESE),
        (codecs.BOM_UTF16_BE + CHINESE.encode("utf-16-be"), "utf-16-be", "\ufeff" + CHINESE),
        ("plain ASCII in UTF-16\n".encode("utf-16-le"), "utf-16-le", "plain ASCII in UTF-16\n"),
        (CHINESE.encode("gbk"), "gb18030", CHINESE),
        (CHINESE.encode("gb18030"), "gb18030", CHINESE),
        (TRADITIONAL.encode("big5"), "big5", TRADITIONAL),
        (
            "The café’s menu — don’t miss it.\n".encode("cp1252"),
            "cp1252",
            "The café’s menu — don’t miss it.\n",
        ),
        (b"", "utf-8", ""),
    ],
)
def test_detects_encoding(raw: bytes, encoding: str, text: str) -> None:
    decoded = decode_bytes(raw)
    assert (decoded.encoding, decoded.text, decoded.undecodable) == (encoding, text, 0)
    assert decoded.text.encode(decoded.encoding, "surrogateescape") == raw


@pytest.mark.parametrize(
    ("raw", "encoding", "undecodable"),
    [
        (CHINESE.encode() * 3 + b"\xff", "utf-8", 1),  # damaged UTF-8 stays UTF-8
        (CHINESE.encode("gbk") + b"\xd6", "gb18030", 1),  # GBK cut mid-character
        (bytes(range(128, 256)) * 4, "utf-8", 512),  # nothing fits
    ],
)
def test_undecodable_bytes_are_counted(raw: bytes, encoding: str, undecodable: int) -> None:
    decoded = decode_bytes(raw)
    assert (decoded.encoding, decoded.undecodable) == (encoding, undecodable)
    assert decoded.text.encode(decoded.encoding, "surrogateescape") == raw


@pytest.mark.parametrize("name", sorted(seed_texts()))
@pytest.mark.parametrize("codec", ["utf-8", "gb18030", "utf-16"])
def test_seeds_decode_in_any_encoding(name: str, codec: str) -> None:
    text = seed_texts()[name]
    decoded = decode_bytes(text.encode(codec))
    assert decoded.text.lstrip("\ufeff") == text
    assert not looks_binary(text.encode(codec))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_restore(raw: bytes) -> None:
    decoded = decode_bytes(raw)
    assert decoded.text.encode(decoded.encoding, "surrogateescape") == raw


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80), st.sampled_from(["utf-8", "gb18030", "big5", "utf-16", "cp1252"]))
def test_encoded_text_restores(text: str, codec: str) -> None:
    try:
        raw = text.encode(codec)
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogatepass")
    decoded = decode_bytes(raw)
    assert decoded.text.encode(decoded.encoding, "surrogateescape") == raw


@pytest.mark.parametrize(
    ("raw", "binary"),
    [
        (b"%PDF-1.7\n%\xe2\xe3", True),
        (b"\x89PNG\r\n\x1a\n\x00\x00", True),
        (b"PK\x03\x04zip", True),
        (b"text\x00with NUL", True),
        (bytes(range(32)) * 20, True),
        ("中文\n".encode("utf-16"), False),
        ("ASCII\n".encode("utf-16-le"), False),
        (CHINESE.encode(), False),
        (b"tab\tform\x0cfeed\x1b[0m\r\n", False),
    ],
)
def test_looks_binary(raw: bytes, binary: bool) -> None:
    assert looks_binary(raw) is binary


@pytest.mark.parametrize(
    ("text", "low"),
    [
        (CHINESE, False),
        (TRADITIONAL, False),
        ("plain ASCII", False),
        (CHINESE.encode().decode("gb18030", "replace"), True),
        (CHINESE.encode("gbk").decode("latin-1"), True),
        (TRADITIONAL.encode("big5").decode("gb18030", "replace"), True),
    ],
)
def test_plausibility(text: str, low: bool) -> None:
    assert (plausibility(text) < 0.6) is low


def test_lossless_gb18030_with_rarer_characters_and_mojibake_lines_is_not_skipped() -> None:
    # Technical vocabulary and a line of UTF-8-read-as-GBK mojibake pull plausibility under the
    # usual bar; a complete, reversible GB18030 decode is still the right reading.
    mojibake = "城市更新和城市建设三年攻坚行动加快推进".encode().decode("gbk", "replace")
    text = "钙钛矿、工业母机、集成电路领域的攻关项目。\n" + mojibake * 2 + "\n近岸海域水质优良面积达到99%。\n"
    assert 0.4 < plausibility(text) < 0.8
    raw = text.encode("gb18030")
    decoded = decode_bytes(raw)
    assert decoded.encoding == "gb18030"
    assert decoded.undecodable == 0
    assert decoded.text.encode(decoded.encoding, "surrogateescape") == raw


PLAUSIBILITY_PIECES = [
    "中文",
    "，",
    "娴嬭瘯",
    "ÖÐ",
    "a",
    " ",
    "\n",
    "𠀀",
    "\udc80",
    "\ud800",
    "龘",
    "\uffff",
    "ｚ",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PLAUSIBILITY_PIECES), max_size=300).map("".join))
def test_plausibility_counted_with_the_table_is_that_of_the_runs(text: str) -> None:
    """Long texts are counted by code unit: the same share as the regex runs, surrogates and
    characters beyond U+FFFF included."""
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    runs = sum(map(len, encoding.COMMON_RUN.findall(text)))
    assert plausibility(text) == (runs / non_ascii if non_ascii else 1.0)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([b"", b"\x00", b"a\x00" * 40, b"\x00a" * 40]))
def test_utf16_guess_is_unchanged_by_the_nul_shortcut(raw: bytes, pattern: bytes) -> None:
    sample = pattern + raw
    head = sample[:4096]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    expected = None
    if odd > 0.4 * len(head) / 2 and even == 0:
        expected = "utf-16-le"
    elif even > 0.4 * len(head) / 2 and odd == 0:
        expected = "utf-16-be"
    assert encoding._utf16_without_bom(sample) == expected
