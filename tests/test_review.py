"""Terminal review: loading and filtering a change log, placing edits in their text, rendering.

The change logs are made by running the real runner on small synthetic inputs, with a few
fixed stand-in rules and a stand-in exact/near paragraph dedup, so the expected edits do not
move when the real stages improve.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from types import SimpleNamespace

import pytest

import clean_seeds.dedup
from clean_seeds import pipeline, runner
from clean_seeds.config import Config
from clean_seeds.edits import flag, replace_spans, substitute
from clean_seeds.errors import ChangeLogError
from clean_seeds.models import Cleaned, Edit
from clean_seeds.review import load_review, render_terminal, trace, visible

TAG = re.compile(r"</?b>|<br>")  # markup the stand-in markup rule strips
DASH = re.compile(r"--")  # ASCII dashes the stand-in punctuation rule turns into an em dash
SUSPICIOUS = re.compile(r"\?\?\?+")  # OCR gaps the stand-in review rule flags


def strip_tags(text: str, cfg: object) -> Cleaned:
    return substitute(TAG, "", text, "strip_tags")


def em_dash(text: str, cfg: object) -> Cleaned:
    return substitute(DASH, "—", text, "em_dash")


def ocr_gap(text: str, cfg: object) -> Cleaned:
    return Cleaned(
        text, tuple(flag("ocr_gap", text, m.start(), m.end(), "ocr_gap") for m in SUSPICIOUS.finditer(text))
    )


@dataclass(frozen=True)
class StandInConfig:
    enabled: bool = True
    strip_tags: bool = True
    em_dash: bool = True
    ocr_gap: bool = True


STAND_IN_STAGES = (
    SimpleNamespace(STAGE="markup", RULES=(strip_tags,)),
    SimpleNamespace(STAGE="punctuation", RULES=(em_dash,)),
    SimpleNamespace(STAGE="review", RULES=(ocr_gap,)),
)


class StandInDedup:
    """Paragraphs seen before are removed: identical ones as exact, same-but-digits as near."""

    def __init__(self, cfg: object) -> None:
        self.seen: dict[str, tuple[str, str, int, str]] = {}  # key -> (doc, paragraph, line, cluster)
        self.removed = 0

    def process_many(self, documents: list[tuple[str, str, object]]) -> list[Cleaned]:
        return [self.process(doc, text) for doc, text, _ in documents]

    def process(self, doc: str, text: str) -> Cleaned:
        spans, pos = [], 0
        infos = []
        for match in re.finditer(r"[^\n]+(?:\n[^\n]+)*", text):
            paragraph, pos = match.group(), match.start()
            key = re.sub(r"\d", "#", paragraph)
            line = text.count("\n", 0, pos) + 1
            if key not in self.seen:
                self.seen[key] = (doc, paragraph, line, f"c{len(self.seen)}")
                continue
            kept_doc, kept, kept_line, cluster = self.seen[key]
            end = min(len(text), match.end() + 2) if text.startswith("\n\n", match.end()) else match.end()
            spans.append((pos, end, ""))
            similarity = 1.0 if kept == paragraph else 0.85
            infos.append({"similarity": similarity, "kept_doc": kept_doc, "kept_line": kept_line})
            infos[-1]["cluster"] = cluster
        result = replace_spans(text, "placeholder", spans)
        edits = tuple(
            replace(e, rule="exact_duplicate" if info["similarity"] == 1.0 else "near_duplicate", info=info)
            for e, info in zip(result.edits, infos, strict=True)
        )
        self.removed += len(edits)
        return Cleaned(result.text, edits)

    def stats(self) -> dict[str, int]:
        return {"paragraphs_removed": self.removed}


DOCS = {
    "a.txt": "第一段<b>重要</b>内容--结束。\n\n共同的段落，出现两次。\n\n第2段有编号。\n",
    "b.txt": "English <br>line -- with dash.\n\n共同的段落，出现两次。\n\n第3段有编号。\n\n缺字???的行。\n",
    "sub/c.txt": "没有任何改动的文件。\n",
}


def make_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, docs: dict[str, str] | None = None) -> Path:
    """Run the runner with the stand-in stages and dedup on ``docs``; returns OUTPUT."""
    source = tmp_path / "input"
    for name, text in (docs or DOCS).items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(pipeline, "STAGES", STAND_IN_STAGES)
    monkeypatch.setattr(runner, "Deduplicator", StandInDedup, raising=False)
    monkeypatch.setattr(clean_seeds.dedup, "Deduplicator", StandInDedup, raising=False)
    config = Config(markup=StandInConfig(), punctuation=StandInConfig(), review=StandInConfig())  # type: ignore[arg-type]
    output = tmp_path / "output"
    runner.run(runner.RunOptions(source, output, config))
    return output


@pytest.fixture
def output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_output(tmp_path, monkeypatch)


def plain(output: Path, **filters: object) -> str:
    return "\n".join(render_terminal(load_review(output, **filters), color=False))  # type: ignore[arg-type]


def test_summary_counts_match_the_run(output: Path) -> None:
    review = load_review(output)
    summary = json.loads((output / ".clean_seeds/summary.json").read_text(encoding="utf-8"))
    stats = review.stats
    assert dict(stats.edits) == summary["edits"]
    assert dict(stats.flags) == summary["flags"]
    assert sum(stats.removed.values()) == summary["chars_removed"]
    assert sum(stats.added.values()) == summary["chars_added"]
    assert (stats.documents, stats.touched, stats.duplicates) == (3, 2, 2)
    assert stats.keys == [
        "markup.strip_tags",
        "punctuation.em_dash",
        "review.ocr_gap",
        "dedup.exact_duplicate",
        "dedup.near_duplicate",
    ]


def test_summary_table_comes_first(output: Path) -> None:
    lines = plain(output).splitlines()
    assert lines[0] == f"Review of {output}"
    table = lines[: lines.index("── a.txt  (3 edits)")]
    assert table[1:8] == [
        "documents            3",
        "documents touched    2",
        "edits                7",
        "duplicates removed   2",
        "flags raised         1",
        "characters removed  37",
        "characters added     2",
    ]
    assert "stage        rule             edits  flags  chars removed  chars added" in table
    assert "markup       strip_tags           3      0             11            0" in table


@pytest.mark.parametrize(
    "expected",
    [
        "── a.txt  (3 edits)",
        "  line    1  markup.strip_tags  …第一段[-<b>-]重要</b>内容--结束…",
        "  line    1  markup.strip_tags  …第一段<b>重要[-</b>-]内容--结束。…",
        "  line    1  punctuation.em_dash  …第一段重要内容[----]{+—+}结束。…",
        "── b.txt  (4 edits, 1 flag)",
        "  line    1  markup.strip_tags  …English [-<br>-]line -- with…",
        "  line    7  review.ocr_gap  flag: ocr_gap",
        "      …缺字[!???!]的行。…",
        "  line    3  dedup.exact_duplicate  duplicate removed (similarity 1.00), kept in a.txt line 3",
        "      removed: [-共同的段落，出现两次。-]",
        "      kept:    {+共同的段落，出现两次。+}",
        "  line    5  dedup.near_duplicate  duplicate removed (similarity 0.85), kept in a.txt line 5",
        "      removed: [-第3段有编号。-]",
        "      kept:    {+第2段有编号。+}",
    ],
)
def test_edits_in_context_without_colour(output: Path, expected: str) -> None:
    assert expected in plain(output).splitlines()


def test_colour_marks_removed_red_struck_and_added_green(output: Path) -> None:
    text = "\n".join(render_terminal(load_review(output, rule="em_dash"), color=True))
    assert "\x1b[31;9m--\x1b[0m\x1b[32m—\x1b[0m" in text
    assert "[-" not in text


def test_no_escape_codes_without_colour(output: Path) -> None:
    assert "\x1b" not in plain(output)


@pytest.mark.parametrize(
    ("filters", "shown", "hidden"),
    [
        ({"rule": "em_dash"}, ["punctuation.em_dash"], ["markup.strip_tags", "dedup."]),
        ({"rule": "markup.strip_tags"}, ["markup.strip_tags"], ["em_dash", "ocr_gap"]),
        ({"stage": "dedup"}, ["dedup.exact_duplicate", "dedup.near_duplicate"], ["strip_tags"]),
        ({"flags_only": True}, ["review.ocr_gap"], ["strip_tags", "dedup."]),
        ({"doc_glob": "b*"}, ["── b.txt"], ["── a.txt"]),
    ],
)
def test_filters(output: Path, filters: dict[str, object], shown: list[str], hidden: list[str]) -> None:
    text = plain(output, **filters)
    listing = text[text.index("──") :]
    assert all(item in listing for item in shown)
    assert not any(item in listing for item in hidden)


def test_filter_matching_nothing_says_so(output: Path) -> None:
    assert plain(output, rule="no_such_rule").splitlines()[-1] == "no edits match the filters"


def test_limit_caps_the_listing_not_the_counts(output: Path) -> None:
    review = load_review(output, limit=2)
    assert sum(len(d.shown) for d in review.documents) == 2
    assert review.matched == 8
    assert plain(output, limit=2).splitlines()[-1] == "… 6 more not shown (limit 2)"


def test_hostile_text_cannot_drive_the_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = make_output(tmp_path, monkeypatch, {"x.txt": "a<b>\x1b[2J\x1b]0;owned\x07\u202e--b\n"})
    text = "\n".join(render_terminal(load_review(output), color=True))
    assert "\x1b[2J" not in text
    assert "\x07" not in text
    assert "\u202e" not in text
    assert "\\u001b[2J" in text


def test_dry_run_lists_edits_without_context(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = make_output(tmp_path, monkeypatch)
    summary_path = output / ".clean_seeds/summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    summary_path.write_text(json.dumps({**summary, "dry_run": True}), encoding="utf-8")
    assert "  line    1  punctuation.em_dash  …[----]{+—+}…" in plain(output, rule="em_dash").splitlines()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda log: log.unlink(), "change log not found"),
        (
            lambda log: log.write_text("{not json\n", encoding="utf-8"),
            "changes.jsonl:1: not a change-log entry",
        ),
        (lambda log: log.write_bytes(b"\xff\xfe\n"), "change log is not UTF-8"),
        (lambda log: log.write_text('{"doc": "a.txt"}\n', encoding="utf-8"), "not a change-log entry"),
        (
            lambda log: log.write_text(log.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8"),
            "change log and manifest disagree",
        ),
    ],
)
def test_missing_or_corrupt_log_is_a_clear_error(output: Path, damage: object, message: str) -> None:
    damage(output / ".clean_seeds/changes.jsonl")  # type: ignore[operator]
    with pytest.raises(ChangeLogError, match=re.escape(message)):
        load_review(output)


def test_not_an_output_folder(tmp_path: Path) -> None:
    with pytest.raises(ChangeLogError, match="not an output of clean-seeds run"):
        load_review(tmp_path)


def test_edited_output_is_a_clear_error(output: Path) -> None:
    (output / "a.txt").write_text("changed by hand\n", encoding="utf-8")
    review = load_review(output)
    with pytest.raises(ChangeLogError, match="does not match the output"):
        list(render_terminal(review, color=False))


def edit(rule: str, start: int, end: int, before: str, after: str, step: int, kind: str = "edit") -> Edit:
    return Edit(rule, start, end, before, after, kind=kind, step=step)


@pytest.mark.parametrize(
    ("original", "edits", "cleaned_pieces", "original_pieces"),
    [
        ("ab", [], [("ab", ())], [("ab", ())]),
        (
            "a<b>c",
            [edit("tag", 1, 4, "<b>", "", 0)],
            [("a", ()), ("", (0,)), ("c", ())],
            [("a", ()), ("<b>", (0,)), ("c", ())],
        ),
        (
            "ac",
            [edit("ins", 1, 1, "", "b", 0)],
            [("a", ()), ("b", (0,)), ("c", ())],
            [("a", ()), ("", (0,)), ("c", ())],
        ),
        # a later rule rewrites what an earlier one wrote: the piece keeps both tags
        (
            "a--c",
            [edit("dash", 1, 3, "--", "-", 0), edit("dash2", 1, 2, "-", "—", 1)],
            [("a", ()), ("—", (0, 1)), ("c", ())],
            [("a", ()), ("--", (0, 1)), ("c", ())],
        ),
        # a flag on text a later rule changes
        (
            "x??y",
            [edit("gap", 1, 3, "??", "??", 0, kind="flag"), edit("drop", 1, 3, "??", "", 1)],
            [("x", ()), ("", (0, 1)), ("y", ())],
            [("x", ()), ("??", (0, 1)), ("y", ())],
        ),
        # an empty flag at the very end
        (
            "ab",
            [edit("end", 2, 2, "", "", 0, kind="flag")],
            [("ab", ()), ("", (0,))],
            [("ab", ()), ("", (0,))],
        ),
    ],
)
def test_trace_places_edits(
    original: str, edits: list[Edit], cleaned_pieces: list, original_pieces: list
) -> None:
    placed = trace(original, edits)
    assert placed.cleaned == cleaned_pieces
    assert placed.original == original_pieces


def test_trace_lines_and_context() -> None:
    original = "line one\nline <b>two</b> here\n"
    edits = [
        edit("tag", 14, 17, "<b>", "", 0),
        edit("tag", 20, 24, "</b>", "", 0),
        edit("join", 8, 9, "\n", " ", 1),
    ]
    placed = trace(original, edits, context=5)
    assert placed.original_lines == [2, 2, 1]
    assert placed.cleaned_lines == [1, 1, 1]
    assert placed.contexts[0] == ("line ", "two</")
    assert "".join(text for text, _ in placed.cleaned) == "line one line two here\n"


def test_trace_rejects_an_edit_that_does_not_match() -> None:
    with pytest.raises(ChangeLogError, match="does not match"):
        trace("abc", [edit("x", 5, 6, "z", "", 0)])


@pytest.mark.parametrize(
    ("text_in", "text_out"),
    [
        ("plain 中文，", "plain 中文，"),
        ("a\nb\tc\r", "a⏎b⇥c␍"),
        ("\x1b[31m", "\\u001b[31m"),
        ("\u202eevil", "\\u202eevil"),
        ("bad\udcffbyte", "bad\\udcffbyte"),
        ("x" * 200, "x" * 106 + " …[40 more]… " + "x" * 53),
    ],
)
def test_visible(text_in: str, text_out: str) -> None:
    assert visible(text_in) == text_out
