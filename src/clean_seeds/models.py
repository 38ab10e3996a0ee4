"""The small value types every part of clean_seeds passes around.

An :class:`Edit` is one replacement of ``text[start:end]`` (``before``) by ``after`` in the
text that one rule received.  Edits of kind ``"flag"`` change nothing (``before == after``):
they point a reviewer at a span.  A rule returns :class:`Cleaned`, the new text together
with its edits, so every change is explained where it is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NoReturn

EDIT = "edit"
FLAG = "flag"


class _NoInfo(dict[str, Any]):
    """An empty dict that refuses changes: the ``info`` of every edit built without details.

    One shared object instead of a fresh dict per edit (which was a sixth of an edit's
    construction time).  Read-only so that sharing it is safe: give an edit details by
    assigning a dict.  Hashable only so that a dataclass accepts it as a default.
    """

    __slots__ = ()

    def _read_only(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("an edit's empty default info is shared and read-only: assign a new dict instead")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = _read_only

    def __hash__(self) -> int:  # type: ignore[override]
        return 0

    def __reduce__(self) -> tuple[type[dict[str, Any]], tuple[()]]:
        return dict, ()  # (a copy is an ordinary dict, as every edit's info used to be)


#: The ``info`` of an edit without details.
NO_INFO: dict[str, Any] = _NoInfo()


# Not frozen: a frozen dataclass's __init__ costs four times as much (object.__setattr__ per
# field), and rules make an Edit per changed comma.  Only ``pipeline.stamp`` sets fields, once,
# on a rule's fresh edits; nothing else changes an Edit after it is built.
@dataclass(slots=True)
class Edit:
    """One change (or review flag) made by one rule.

    ``start``/``end`` are offsets into the text the rule received; ``line`` is the 1-based
    line of ``start`` in that text.  ``step`` numbers the rule applications within a
    document (the log replays step by step).  ``doc``, ``stage``, ``step`` and ``line`` are
    stamped by the pipeline: rules never see document ids.  ``info`` carries rule-specific
    details (a flag's reason, a duplicate's similarity and kept twin), logged as is.
    """

    rule: str
    start: int
    end: int
    before: str
    after: str
    kind: str = EDIT
    line: int = 0
    step: int = 0
    stage: str = ""
    doc: str = ""
    info: dict[str, Any] = NO_INFO

    @property
    def delta(self) -> int:
        """How much longer the text got: ``len(after) - len(before)``."""
        return len(self.after) - len(self.before)


# Not frozen either: every rule builds one per document, most often ``Cleaned(text)`` for a
# text it leaves alone, and a frozen dataclass's __init__ costs 2.5 times as much.  Nothing
# changes a Cleaned after it is built.
@dataclass(slots=True)
class Cleaned:
    """A rule's (or a stage's) result: the new text and the edits that made it."""

    text: str
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """One input document.

    ``id`` is its relative path (folder input) or record id (JSONL input).  ``encoding`` is
    the codec its bytes were decoded with, so ``restore`` can encode the text back.
    ``meta`` holds what the reader needs to write the document back (JSONL framing).
    """

    id: str
    text: str
    encoding: str = "utf-8"
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CleanedDocument:
    """A document after cleaning: its id, new text, the edits that made it, and the input."""

    id: str
    text: str
    edits: tuple[Edit, ...]
    source: Document
