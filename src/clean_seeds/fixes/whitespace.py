"""Stage `whitespace`: (being written)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Cleaned

STAGE = "whitespace"


@dataclass(frozen=True)
class WhitespaceConfig:
    """Switches and knobs of the `whitespace` stage."""

    #: run this stage at all
    enabled: bool = True


RULES: tuple = ()
_ = Cleaned
