"""Config of the dedup stage."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DedupConfig:
    """Switches and knobs of paragraph deduplication."""

    #: run deduplication at all
    enabled: bool = True
