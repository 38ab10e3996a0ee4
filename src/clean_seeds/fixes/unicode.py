"""Stage `unicode`: (being written)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Cleaned

STAGE = "unicode"


@dataclass(frozen=True)
class UnicodeConfig:
    """Switches and knobs of the `unicode` stage."""

    #: run this stage at all
    enabled: bool = True


RULES: tuple = ()
_ = Cleaned
