"""Stage `review`: (being written)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Cleaned

STAGE = "review"


@dataclass(frozen=True)
class ReviewConfig:
    """Switches and knobs of the `review` stage."""

    #: run this stage at all
    enabled: bool = True


RULES: tuple = ()
_ = Cleaned
