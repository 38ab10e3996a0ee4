"""Runs the per-document stages in order and stamps what they did.

A stage is a module of :mod:`clean_seeds.fixes` with ``STAGE`` (its name), a config
dataclass (the ``Config`` field of the same name) and ``RULES``, pure functions
``(text, config) -> Cleaned`` applied in order.  Each rule application is one *step*: its
edits carry offsets into the text that step received, so a document's log replays step by step.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from .config import Config
from .edits import is_flag
from .fixes import furniture, linewrap, markup, punctuation, review, unicode, whitespace
from .models import Cleaned, Document, Edit

#: The per-document stages, in the order they run.
STAGES: tuple[ModuleType, ...] = (unicode, markup, furniture, linewrap, punctuation, whitespace, review)


def stamp(edits: Iterable[Edit], text: str, *, stage: str, step: int, doc: str = "") -> list[Edit]:
    """Fill in stage, step, document and 1-based line number (of ``start`` in ``text``)."""
    out = []
    line, pos = 1, 0
    for edit in edits:
        if edit.start < pos:  # flags may come out of order; count again from the top
            line, pos = 1, 0
        line += text.count("\n", pos, edit.start)
        pos = edit.start
        out.append(dataclasses.replace(edit, stage=stage, step=step, line=line, doc=doc))
    return out


def run_stages(text: str, config: Config) -> Cleaned:
    """Run every enabled rule of every enabled per-document stage over ``text``."""
    edits: list[Edit] = []
    step = 0
    for module in STAGES:
        stage_config = getattr(config, module.STAGE)
        if not stage_config.enabled:
            continue
        for rule in module.RULES:
            if not getattr(stage_config, rule.__name__):
                continue
            result = rule(text, stage_config)
            if result.edits:
                edits.extend(stamp(result.edits, text, stage=module.STAGE, step=step))
                text = result.text
            step += 1
    return Cleaned(text, tuple(edits))


def prepare(config: Config, texts: Iterable[str]) -> Config:
    """Fill in the corpus statistics stages ask for, from one pass over the decoded texts.

    A stage module that needs corpus statistics defines ``collector(stage_config)``
    returning an object with ``add(text)`` and ``finish() -> stage_config``.
    """
    collectors = {}
    for module in STAGES:
        stage_config = getattr(config, module.STAGE)
        make = getattr(module, "collector", None)
        if stage_config.enabled and make is not None:
            collectors[module.STAGE] = make(stage_config)
    if not collectors:
        return config
    for text in texts:
        for collector in collectors.values():
            collector.add(text)
    return dataclasses.replace(config, **{name: c.finish() for name, c in collectors.items()})


@dataclass
class Tally:
    """Running counts for the run summary: edits and flags per stage and rule."""

    edits: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    chars_removed: int = 0
    chars_added: int = 0

    def add(self, edits: Iterable[Edit]) -> None:
        for edit in edits:
            key = f"{edit.stage}.{edit.rule}"
            if is_flag(edit):
                self.flags[key] += 1
            else:
                self.edits[key] += 1
                self.chars_removed += len(edit.before)
                self.chars_added += len(edit.after)

    def as_dict(self) -> dict[str, Any]:
        return {
            "edits": dict(sorted(self.edits.items())),
            "flags": dict(sorted(self.flags.items())),
            "chars_removed": self.chars_removed,
            "chars_added": self.chars_added,
        }


def with_doc(edits: Iterable[Edit], doc: str) -> tuple[Edit, ...]:
    """The same edits, stamped with a document id."""
    return tuple(dataclasses.replace(e, doc=doc) for e in edits)


def clean_documents(documents: Iterable[Document], config: Config) -> Iterator[tuple[Document, Cleaned]]:
    """Per-document stages over a stream of documents, one at a time (no corpus stage)."""
    for document in documents:
        result = run_stages(document.text, config)
        yield document, Cleaned(result.text, with_doc(result.edits, document.id))
