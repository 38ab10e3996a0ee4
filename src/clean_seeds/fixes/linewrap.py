"""Stage `linewrap`: (being written)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Cleaned

STAGE = "linewrap"


@dataclass(frozen=True)
class LinewrapConfig:
    """Switches and knobs of the `linewrap` stage."""

    #: run this stage at all
    enabled: bool = True


RULES: tuple = ()
_ = Cleaned
