"""Paragraph deduplication, the corpus stage (being written)."""
