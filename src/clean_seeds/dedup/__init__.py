"""Paragraph deduplication, the corpus stage: exact, near (MinHash LSH) and contained paragraphs."""

from .config import DedupConfig
from .deduplicator import Deduplicator

__all__ = ["DedupConfig", "Deduplicator"]
