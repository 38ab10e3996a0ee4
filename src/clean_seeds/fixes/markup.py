"""Stage `markup`: (being written)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Cleaned

STAGE = "markup"


@dataclass(frozen=True)
class MarkupConfig:
    """Switches and knobs of the `markup` stage."""

    #: run this stage at all
    enabled: bool = True


RULES: tuple = ()
_ = Cleaned
