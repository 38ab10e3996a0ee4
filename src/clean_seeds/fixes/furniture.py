"""Stage `furniture`: (being written)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Cleaned

STAGE = "furniture"


@dataclass(frozen=True)
class FurnitureConfig:
    """Switches and knobs of the `furniture` stage."""

    #: run this stage at all
    enabled: bool = True


RULES: tuple = ()
_ = Cleaned
