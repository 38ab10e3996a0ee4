"""The vectorized shingle hashes equal the reference (:func:`shingles` + :func:`shingle_hash`) on
hostile and realistic text, on the table-lookup path and on the ``str.lower()`` path alike."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clean_seeds.dedup.shingles import (
    FOLD,
    WIDTH_FOLD,
    Shingler,
    _bmp_units,
    exact_keys,
    folded_code_points,
    shingle_hash,
    shingles,
)

CJK = "上合示范区开行中欧班列累计突破一千列"
LATIN = "The quick brown fox jumps over the lazy dog"


def reference(paragraphs: list[str], sizes: tuple[int, int] = (5, 3)) -> list[list[int]]:
    return [[shingle_hash(s) for s in shingles(p, *sizes)] for p in paragraphs]


def vectorized(
    paragraphs: list[str], sizes: tuple[int, int] = (5, 3), shingler: Shingler | None = None
) -> list[list[int]]:
    batch = (shingler or Shingler(*sizes)).hash_batch(paragraphs)
    assert batch.hashes.dtype == np.uint32
    assert batch.offsets.dtype == np.int64
    if paragraphs:  # an empty batch has offsets [0, 0], as it always had
        assert len(batch.offsets) == len(paragraphs) + 1
    return [batch.of(i).tolist() for i in range(len(paragraphs))]


HOSTILE = [
    "",
    "，。！？……——",  # no tokens
    "İstanbul İİ Kİ",  # lower() makes two code points of İ
    "ΟΔΟΣ ΣΟΦΙΑ ΑΣ. Σ",  # Σ lowers to final ς at a word end, σ elsewhere
    "ΣΑΣ",
    "ＦＵＬＬ　ｗｉｄｔｈ　１２３，ＡＢＣ",  # full-width letters, ideographic spaces
    "中　文　间　隔",
    "𠀀𠀁𠀂𠀃𠀄𠀅 𪚥",  # supplementary ideographs: one token each
    "😀 emoji 😀 between 😀",  # astral symbols separate tokens
    "𐐀𐐁 Deseret",  # astral letters with a lowercase mapping, still separators
    "a" * 3000 + " " + "b" * 10,  # a very long word
    "Straße ǅemal ﬀ ⓐⒶ Ⅻ",
    "GDP增长6.8%，CPI上涨2.1个百分点",  # mixed Latin and CJK
    "Ａ股市场 and Ｈ股 markets 今天",
    "\ud800\udc00 lone surrogates \udfff",
    "\uffff\uff5e\uff01\u1fff\u2000\x00",
    "一",  # shorter than the shingle size
    "一二",
    "一二三四",
    "one",
    "one two",
    "12",
    CJK,
    LATIN,
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("sizes", [(5, 3), (3, 5), (1, 1), (2, 4)])
def test_one_paragraph_equals_reference(text: str, sizes: tuple[int, int]) -> None:
    assert vectorized([text], sizes) == reference([text], sizes)


@pytest.mark.parametrize("sizes", [(5, 3), (4, 2)])
def test_hostile_batch_equals_reference(sizes: tuple[int, int]) -> None:
    assert vectorized(HOSTILE, sizes) == reference(HOSTILE, sizes)


@pytest.mark.parametrize("special", ["İ", "Σ", "𠀀", "😀"])
def test_lower_path_gives_the_same_hashes(special: str) -> None:
    """One paragraph that needs str.lower() (or UTF-32) switches the batch to the slow path; the
    other paragraphs' hashes must not change."""
    plain = [CJK, LATIN, "ＡＢＣ　ｄｅｆ ΟΔΟς", "", "GDP增长6.8%"]
    assert _bmp_units(plain) is not None
    assert _bmp_units([*plain, special]) is None
    assert vectorized([*plain, special])[:-1] == vectorized(plain)


def test_empty_batch() -> None:
    batch = Shingler(5, 3).hash_batch([])
    assert batch.hashes.tolist() == []


@pytest.mark.parametrize("paragraphs", [["一二三四五六\n七八"], ["ab\n", "cd"], ["\n"]])
def test_line_break_inside_a_paragraph_is_an_error(paragraphs: list[str]) -> None:
    with pytest.raises(ValueError, match="line break"):
        Shingler(5, 3).hash_batch(paragraphs)


def test_scratch_reuse_across_batch_sizes() -> None:
    """Buffers reused between calls (larger, smaller, other dtype) never leak into results."""
    shingler = Shingler(5, 3)
    big = [f"{CJK}{i}号 {LATIN}" for i in range(300)]
    small = [CJK[:3], "İ " + LATIN, "中"]
    for paragraphs in (big, small, big[:7], small, big):
        assert vectorized(paragraphs, shingler=shingler) == vectorized(paragraphs)
    assert vectorized(big, shingler=pickle.loads(pickle.dumps(shingler))) == reference(big)


def test_fold_table_is_lower_then_width_and_idempotent() -> None:
    codes = [c for c in range(0x10000) if c != 0x130]
    expected = [ord(chr(c).lower().translate(WIDTH_FOLD)) for c in codes]
    assert FOLD[codes].tolist() == expected
    assert (FOLD[FOLD] == FOLD).all()


@pytest.mark.parametrize("paragraphs", [HOSTILE, [CJK, LATIN, "ＡＢＣ　x"], [""], []])
def test_folded_code_points_and_exact_keys(paragraphs: list[str]) -> None:
    folded = ("\n".join(paragraphs).lower() + "\n").translate(WIDTH_FOLD)
    cps = folded_code_points(paragraphs)
    assert cps.dtype == np.uint32
    assert cps.tolist() == [ord(c) for c in folded]
    lo, hi, lengths = exact_keys(paragraphs)
    assert len(lo) == len(hi) == len(lengths) == len(paragraphs)


# characters that stress folding, classes and token boundaries
ALPHABET = st.sampled_from(list("aZé9 ,.-\tİıΣσςΩßǅ\u0307Ａｚ１，\u3000中国ア한𠀀😀𐐀"))
PARAGRAPH = st.lists(ALPHABET | st.characters(exclude_characters="\n"), max_size=40).map("".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(PARAGRAPH, max_size=8), st.sampled_from([(5, 3), (2, 3), (1, 4)]))
def test_random_batches_equal_reference(paragraphs: list[str], sizes: tuple[int, int]) -> None:
    assert vectorized(paragraphs, sizes) == reference(paragraphs, sizes)
