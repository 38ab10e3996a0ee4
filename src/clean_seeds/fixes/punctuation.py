"""Stage `punctuation`: (being written)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Cleaned

STAGE = "punctuation"


@dataclass(frozen=True)
class PunctuationConfig:
    """Switches and knobs of the `punctuation` stage."""

    #: run this stage at all
    enabled: bool = True


RULES: tuple = ()
_ = Cleaned
