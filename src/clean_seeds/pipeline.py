"""Runs the per-document stages in order and stamps what they did.

A stage is a module of :mod:`clean_seeds.fixes` with ``STAGE`` (its name), a config
dataclass (the ``Config`` field of the same name) and ``RULES``, pure functions
``(text, config) -> Cleaned`` applied in order.  Each rule application is one *step*: its
edits carry offsets into the text that step received, so a document's log replays step by step.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter
from types import ModuleType
from typing import Any

from .changelog import RuleRun
from .config import Config
from .dedup import Deduplicator
from .fixes import furniture, linewrap, markup, punctuation, review, unicode, whitespace
from .memo import LastResult
from .models import FLAG, Cleaned, CleanedDocument, Document, Edit

#: The per-document stages, in the order they run.
STAGES: tuple[ModuleType, ...] = (unicode, markup, furniture, linewrap, punctuation, whitespace, review)


def stamp(edits: Iterable[Edit], text: str, *, stage: str, step: int, doc: str = "") -> list[Edit]:
    """Fill in stage, step, document and 1-based line number (of ``start`` in ``text``).

    The edits are a rule's fresh result, so they are stamped in place (building new ones
    would cost as much as the rest of the bookkeeping); the list of them is returned.
    """
    out = list(edits)
    line, pos = 1, 0
    count = text.count
    for edit in out:
        start = edit.start
        if start != pos:  # (edits often follow one another)
            if start < pos:  # flags may come out of order; count again from the top
                line, pos = 1, 0
            line += count("\n", pos, start)
            pos = start
        edit.line = line
        edit.step = step
        edit.stage = stage
        edit.doc = doc
    return out


#: Step number of the corpus stage (dedup): after every per-document rule.
CORPUS_STEP = sum(len(module.RULES) for module in STAGES)


#: A per-document rule: ``(text, stage config) -> Cleaned``.
Rule = Callable[[str, Any], Cleaned]
#: A stage's enabled rules, in order: (step number, rule, the stage's config) for each.
StagePlan = tuple[str, tuple[tuple[int, Rule, Any], ...]]


# (one config per run, remembered by identity: hashing a Config, which holds the corpus
# statistics, would cost more than the lookups save)
@LastResult
def _plan(config: Config) -> tuple[StagePlan, ...]:
    """The enabled stages of ``config``, each with its enabled rules and their step numbers."""
    plan = []
    step = 0
    for module in STAGES:
        stage_config = getattr(config, module.STAGE)
        if stage_config.enabled:
            rules = tuple(
                (step + n, rule, stage_config)
                for n, rule in enumerate(module.RULES)
                if getattr(stage_config, rule.__name__)
            )
            plan.append((module.STAGE, rules))
        step += len(module.RULES)
    return tuple(plan)


def run_stages(text: str, config: Config, timings: dict[str, float] | None = None, doc: str = "") -> Cleaned:
    """Run every enabled rule of every enabled per-document stage over ``text``.

    ``timings``, if given, accumulates seconds spent per stage; ``doc`` is stamped on the edits.
    """
    edits: list[Edit] = []
    for stage, rules in _plan(config):
        started = time.perf_counter() if timings is not None else 0.0
        for step, rule, stage_config in rules:
            result = rule(text, stage_config)
            if result.edits:
                edits += stamp(result.edits, text, stage=stage, step=step, doc=doc)
                text = result.text
        if timings is not None:
            timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started
    return Cleaned(text, tuple(edits))


def collectors(config: Config) -> dict[str, Any]:
    """A fresh corpus-statistics collector for each enabled stage that has one, by stage name.

    A stage module that needs corpus statistics defines a pure ``observe(text, stage_config)``
    (what one document shows, small and picklable, so worker processes can compute it) and
    ``collector(stage_config)``, returning an object whose ``take(observation)`` only counts
    and whose ``finish()`` returns the stage config with the statistics filled in.
    """
    modules = {module.STAGE: module for module in STAGES}
    return {stage: modules[stage].collector(getattr(config, stage)) for stage in collecting(config)}


def collecting(config: Config) -> tuple[str, ...]:
    """The enabled stages that gather corpus statistics."""
    return tuple(
        module.STAGE
        for module in STAGES
        if hasattr(module, "collector") and getattr(config, module.STAGE).enabled
    )


def observe(config: Config, text: str, stages: Iterable[str]) -> dict[str, Any]:
    """Each named stage's observation of one document."""
    return {m.STAGE: m.observe(text, getattr(config, m.STAGE)) for m in STAGES if m.STAGE in stages}


def take(found: dict[str, Any], observations: dict[str, Any]) -> None:
    """Hand one document's observations to the collectors, in document order."""
    for stage, observation in observations.items():
        found[stage].take(observation)


def finish(config: Config, found: dict[str, Any]) -> Config:
    """The config with every collector's statistics filled in."""
    if not found:
        return config
    return dataclasses.replace(config, **{name: c.finish() for name, c in found.items()})


def prepare(config: Config, texts: Iterable[str]) -> Config:
    """Fill in the corpus statistics stages ask for, from one pass over the decoded texts."""
    found = collectors(config)
    if not found:
        return config
    for text in texts:
        take(found, observe(config, text, found))
    return finish(config, found)


_RUN_FIELDS = attrgetter("stage", "rule", "kind")


def _runs(edits: Sequence[Edit]) -> list[RuleRun]:
    """Where each run of edits of one stage, rule and kind starts: ``(stage, rule, kind, index)``."""
    runs = []
    start = 0
    for (stage, rule, kind), run in groupby(edits, _RUN_FIELDS):
        runs.append((stage, rule, kind, start))
        start += sum(1 for _ in run)
    return runs


@dataclass
class Tally:
    """Running counts for the run summary: edits and flags per stage and rule."""

    edits: Counter[str] = field(default_factory=Counter)
    flags: Counter[str] = field(default_factory=Counter)
    chars_removed: int = 0
    chars_added: int = 0

    def add(self, edits: Sequence[Edit], runs: Sequence[RuleRun] | None = None) -> None:
        """Count ``edits``; ``runs``, if given, says where each run of edits of one stage, rule
        and kind starts (as :func:`~clean_seeds.changelog.edits_to_jsonl` finds them): counting
        runs instead of edits saves most of the time (a run has an edit per changed comma)."""
        if not edits:
            return
        if runs is None:
            runs = _runs(edits)
        ends = [start for *_, start in runs[1:]]
        ends.append(len(edits))
        removed = added = 0
        for (stage, rule, kind, start), end in zip(runs, ends, strict=True):
            if kind == FLAG:
                self.flags[f"{stage}.{rule}"] += end - start
                continue
            self.edits[f"{stage}.{rule}"] += end - start
            # (a plain loop: summing map(len, map(attrgetter(...))) took twice as long)
            for edit in edits[start:end]:
                removed += len(edit.before)
                added += len(edit.after)
        self.chars_removed += removed
        self.chars_added += added

    def merge(self, other: Tally) -> None:
        """Add another tally's counts (a worker's, for one document) to this one."""
        self.edits.update(other.edits)
        self.flags.update(other.flags)
        self.chars_removed += other.chars_removed
        self.chars_added += other.chars_added

    def as_dict(self) -> dict[str, Any]:
        return {
            "edits": dict(sorted(self.edits.items())),
            "flags": dict(sorted(self.flags.items())),
            "chars_removed": self.chars_removed,
            "chars_added": self.chars_added,
        }


def clean_text(text: str, config: Config | None = None) -> Cleaned:
    """Clean one text: every per-document stage, then duplicate paragraphs within it.

    >>> clean_text("") == Cleaned("")
    True
    """
    document = Document("text", text)
    (result,) = clean_corpus([document], config)
    return Cleaned(result.text, result.edits)


def clean_corpus(
    documents: Iterable[Document | str], config: Config | None = None
) -> Iterator[CleanedDocument]:
    """Clean a stream of documents, one at a time, in order (memory does not grow with the corpus).

    Plain strings get ids ``"0"``, ``"1"``, ...  Duplicate paragraphs are removed against
    everything earlier in the stream (the first occurrence is kept), when dedup is enabled;
    with ``dedup.keep = "longest"`` the whole stream is read first (two passes, in memory).
    Corpus statistics (repeated headers across documents) need the whole corpus up front:
    call :func:`prepare` on the config first when the documents can be read twice.
    """
    config = config or Config()
    dedup = None
    if config.dedup.enabled:
        dedup = Deduplicator(config.dedup)
    docs = (d if isinstance(d, Document) else Document(str(n), d) for n, d in enumerate(documents))
    two_pass = dedup is not None and config.dedup.keep != "first"
    if two_pass:  # keep="longest" must see every paragraph first: this mode holds the corpus in memory
        pairs = [(document, run_stages(document.text, config, doc=document.id)) for document in docs]
        for document, result in pairs:
            dedup.add(document.id, result.text)  # type: ignore[union-attr]
        dedup.decide()  # type: ignore[union-attr]
    else:
        pairs = ((document, run_stages(document.text, config, doc=document.id)) for document in docs)  # type: ignore[assignment]
    for document, result in pairs:
        text, edits = result.text, list(result.edits)
        if dedup is not None:
            removed = dedup.remove(document.id, text) if two_pass else dedup.process(document.id, text)
            edits += stamp(removed.edits, text, stage="dedup", step=CORPUS_STEP, doc=document.id)
            text = removed.text
        yield CleanedDocument(document.id, text, tuple(edits), document)
