"""Config of the dedup stage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class DedupConfig:
    """Switches and knobs of paragraph deduplication.

    The defaults (64 permutations in 16 bands of 4 rows) find a pair at Jaccard 0.8 with
    probability 1 - (1 - 0.8**4)**16 = 0.9998 and at 0.75 with 0.998; every candidate is then
    verified by its true Jaccard similarity, so LSH collisions never remove text.
    """

    #: run deduplication at all
    enabled: bool = True
    #: remove paragraphs equal to an earlier one (after removing whitespace and folding width and case)
    exact_duplicate: bool = True
    #: remove paragraphs whose shingle Jaccard similarity to a kept one is >= ``threshold``
    near_duplicate: bool = True
    #: flag paragraphs mostly contained in a longer kept paragraph (abridged copies)
    contained_paragraph: bool = True
    #: also remove the contained paragraphs that ``contained_paragraph`` flags
    remove_contained: bool = False
    #: which paragraph of a duplicate group stays: the first in corpus order, or the longest
    keep: Literal["first", "longest"] = "first"
    #: Jaccard similarity (of shingle sets) at or above which a paragraph is a near duplicate
    threshold: float = 0.8
    #: share of a paragraph's shingles found in a longer one at or above which it is contained
    containment_threshold: float = 0.8
    #: paragraphs shorter than this (non-space characters) are never near duplicates; their
    #: exact repeats go only when they stutter or belong to a repeated block of lines
    min_chars: int = 30
    #: shingle length in tokens for mostly CJK paragraphs (character n-grams)
    shingle_size: int = 5
    #: shingle length in tokens for mostly Latin paragraphs (word n-grams)
    word_shingle_size: int = 3
    #: MinHash permutations; must equal ``bands * rows``
    num_perm: int = 64
    #: LSH bands
    bands: int = 16
    #: LSH rows per band
    rows: int = 4
    #: seed of the MinHash permutations (datasketch ``MinHash(seed=...)``)
    seed: int = 1
    #: one shingle in 2**fingerprint_bits is indexed to find containing paragraphs
    fingerprint_bits: int = 3
    #: paragraphs decided per vectorized batch
    batch_size: int = 4096

    def __post_init__(self) -> None:
        if self.bands * self.rows != self.num_perm:
            raise ValueError(
                f"dedup: bands * rows must equal num_perm, got {self.bands} * {self.rows} != {self.num_perm};"
                " "
                "set num_perm = bands * rows"
            )
        for name in ("threshold", "containment_threshold"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"dedup: {name} must be in (0, 1], got {value}")
        for name in ("min_chars", "shingle_size", "word_shingle_size", "num_perm", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"dedup: {name} must be at least 1, got {getattr(self, name)}")
        if not 0 <= self.fingerprint_bits <= 16:
            raise ValueError(f"dedup: fingerprint_bits must be in 0..16, got {self.fingerprint_bits}")
