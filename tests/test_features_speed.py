"""The fast paths of dedup features give the values their plain definitions give: signatures equal
datasketch's MinHash (also across slices and on unique hashes), per-paragraph unique shingles equal
``sorted(set(...))``, exact keys equal xxh3-128 of the folded text, and a batch of documents gets
the features each document gets alone."""

from __future__ import annotations

import random

import numpy as np
import pytest
import xxhash
from datasketch import MinHash

from clean_seeds.dedup import DedupConfig
from clean_seeds.dedup.features import _unique_per_paragraph, features, features_many
from clean_seeds.dedup.index import row_widths
from clean_seeds.dedup.minhash import SCHEME, Signer
from clean_seeds.dedup.shingles import (
    ShingleBatch,
    Shingler,
    exact_keys,
    fold,
    shingle_hash,
    shingles,
)
from tests.conftest import seed_texts

ALPHABET = list("上合示范区开行中欧班列的一是了 ,.，。　ＡＢab1９\t\u3000İΣ𠀀😀\udc80")
CONFIGS = [
    DedupConfig(),
    DedupConfig(num_perm=128, bands=16, rows=8),
    DedupConfig(num_perm=3, bands=3, rows=1, shingle_size=1, word_shingle_size=1, min_chars=1),
    DedupConfig(shingle_size=9, fingerprint_bits=0),
]


def random_paragraph(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.choice([0, 1, 4, 30, 120, 700])))


def random_text(rng: random.Random) -> str:
    return "\n".join(random_paragraph(rng) for _ in range(rng.randrange(6)))


@pytest.mark.parametrize("num_perm", [3, 64, 128])
def test_signatures_equal_datasketch_across_slices(num_perm: int) -> None:
    rng = random.Random(num_perm)
    paragraphs = [random_paragraph(rng) for _ in range(40)]
    batch = Shingler(5, 3).hash_batch(paragraphs)
    signer = Signer(num_perm, 11)
    signer.slice = 50  # several slices per batch, and paragraphs longer than a slice
    signatures = signer.sign(batch)
    assert signatures.dtype == np.uint32
    assert signatures.shape == (len(paragraphs), num_perm)
    for paragraph, signature in zip(paragraphs, signatures, strict=True):
        expected = MinHash(num_perm=num_perm, seed=11, hashfunc=shingle_hash, scheme=SCHEME)
        expected.update_batch(shingles(paragraph, 5, 3))
        assert np.array_equal(expected.hashvalues, signature)
    unique, bounds = _unique_per_paragraph(batch.hashes, batch.offsets)
    assert np.array_equal(Signer(num_perm, 11).sign(ShingleBatch(unique, bounds)), signatures)


def test_unique_per_paragraph_is_sorted_set() -> None:
    rng = random.Random(3)
    lengths = [0, 1, 2, 7, 8, 9, 15, 16, 17, 100, 113, 0, 2000, 5, 0]
    lengths += [rng.randrange(300) for _ in range(200)]
    rows = [
        [rng.randrange(1 << 32) if rng.random() < 0.7 else rng.randrange(20) for _ in range(n)]
        for n in lengths
    ]
    rows[4] = [0xFFFFFFFF] * 8  # the largest hash, repeated
    hashes = np.array([h for row in rows for h in row], dtype=np.uint32)
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    values, bounds = _unique_per_paragraph(hashes, offsets)
    assert values.dtype == np.uint32
    assert bounds.dtype == np.int64
    assert [values[bounds[i] : bounds[i + 1]].tolist() for i in range(len(rows))] == [
        sorted(set(r)) for r in rows
    ]
    same_length = np.arange(3000 * 70, dtype=np.uint32) % 50  # one width, several matrices
    values, bounds = _unique_per_paragraph(same_length, np.arange(0, 3000 * 70 + 1, 70))
    assert values.tolist() == list(range(50)) * 3000
    assert bounds.tolist() == list(range(0, 3000 * 50 + 1, 50))
    empty = _unique_per_paragraph(np.zeros(0, np.uint32), np.zeros(4, np.int64))
    assert empty[0].tolist() == []
    assert empty[1].tolist() == [0, 0, 0, 0]


def test_row_widths_pad_by_less_than_a_quarter() -> None:
    counts = np.arange(5000)
    widths = row_widths(counts)
    assert (widths >= counts).all()
    assert (widths[8:] < counts[8:] * 1.25).all()
    assert len(np.unique(widths[1000:2000])) <= 5


def test_exact_keys_are_xxh3_of_folded_text_without_whitespace() -> None:
    rng = random.Random(5)
    paragraphs = [random_paragraph(rng) for _ in range(60)] + ["A  b，c", "ΟΔΟΣ Σ", "İx", ""]
    lo, hi, lengths = exact_keys(paragraphs)
    assert lo.dtype == hi.dtype == np.uint64
    for paragraph, low, high, length in zip(paragraphs, lo, hi, lengths, strict=True):
        folded = "".join(fold(paragraph).split())
        assert (int(high) << 64) | int(low) == xxhash.xxh3_128_intdigest(
            folded.encode("utf-32-le", "surrogatepass")
        )
        assert length == len(folded)


@pytest.mark.parametrize("cfg", CONFIGS)
def test_batch_features_equal_one_document_at_a_time(cfg: DedupConfig) -> None:
    rng = random.Random(cfg.num_perm)
    texts = [*seed_texts().values(), "", "\n\n", *(random_text(rng) for _ in range(30))]
    for together, text in zip(features_many(texts, cfg), texts, strict=True):
        alone = features(text, cfg)
        for name in together.__dataclass_fields__:
            a, b = getattr(together, name), getattr(alone, name)
            if isinstance(a, np.ndarray):
                assert a.dtype == b.dtype, name
                assert np.array_equal(a, b), name
            else:
                assert a == b, name
