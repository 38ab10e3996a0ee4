"""Edits replay forwards and backwards; the change log reads back what was written."""

from __future__ import annotations

import json
import pickle
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clean_seeds.changelog import (
    RuleRun,
    edit_from_json,
    edit_to_json,
    edits_to_jsonl,
    edits_to_jsonl_bytes,
    read_edits,
    replay,
    unreplay,
)
from clean_seeds.config import Config
from clean_seeds.edits import apply_edits, replace_spans, revert_edits, substitute
from clean_seeds.errors import ChangeLogError
from clean_seeds.models import NO_INFO, Edit
from clean_seeds.pipeline import Tally, run_stages, stamp

from .conftest import seed_texts


@given(st.text(), st.lists(st.tuples(st.integers(0, 50), st.integers(0, 5), st.text(max_size=3))))
def test_replace_spans_replays_and_reverts(text: str, raw_spans: list[tuple[int, int, str]]) -> None:
    spans, pos = [], 0
    for offset, length, after in raw_spans:
        start = min(pos + offset, len(text))
        end = min(start + length, len(text))
        spans.append((start, end, after))
        pos = end
    result = replace_spans(text, "rule", spans)
    assert apply_edits(text, result.edits) == result.text
    assert revert_edits(result.text, result.edits) == text


def test_substitute_records_only_real_changes() -> None:
    result = substitute(re.compile(r"a+"), lambda m: "a", "aa b a aaa", "squeeze")
    assert result.text == "a b a a"
    assert [(e.start, e.end, e.before) for e in result.edits] == [(0, 2, "aa"), (7, 10, "aaa")]


def test_overlapping_spans_are_a_bug() -> None:
    with pytest.raises(ValueError, match="overlaps"):
        replace_spans("abcdef", "rule", [(0, 3, "x"), (2, 4, "y")])


def test_stamp_counts_lines() -> None:
    text = "a\nb\nc"
    edits = [Edit("r", 0, 1, "a", "A"), Edit("r", 4, 5, "c", "C")]
    assert [e.line for e in stamp(edits, text, stage="s", step=2)] == [1, 3]


@pytest.mark.parametrize(
    "edit",
    [
        Edit("strip_html_tags", 3, 9, "</div>", "", line=2, step=4, stage="markup", doc="a/b.txt"),
        Edit("near_duplicate", 0, 5, "重复段落\n", "", stage="dedup", doc="x", info={"similarity": 0.9}),
        Edit("replace_undecodable", 0, 1, "\udcff", "\ufffd", stage="unicode", doc="bad"),
    ],
)
def test_edit_json_round_trip(edit: Edit) -> None:
    line = edit_to_json(edit)
    line.encode("utf-8")
    assert edit_from_json(line) == edit


def test_log_file_round_trip_and_corrupt_log(tmp_path: Path) -> None:
    edits = [Edit("r", 0, 1, "a", "b", doc="d", step=1), Edit("r", 2, 3, "c", "", doc="d", step=1)]
    path = tmp_path / "changes.jsonl"
    path.write_bytes(edits_to_jsonl(edits).encode("utf-8"))  # as the runner writes it
    assert list(read_edits(path)) == edits
    path.write_text(path.read_text() + "{not json\n")
    with pytest.raises(ChangeLogError, match=r"changes.jsonl:3: not a change-log entry"):
        list(read_edits(path))
    with pytest.raises(ChangeLogError, match="not found"):
        list(read_edits(tmp_path / "missing.jsonl"))


@pytest.mark.parametrize("name", sorted(seed_texts()))
def test_every_stage_replays_and_reverts_on_the_seeds(name: str) -> None:
    text = seed_texts()[name]
    result = run_stages(text, Config())
    assert replay(text, list(result.edits)) == result.text
    assert unreplay(result.text, list(result.edits)) == text
    second = run_stages(result.text, Config())
    assert second.text == result.text
    assert [e for e in second.edits if e.kind == "edit"] == []


HOSTILE_STRINGS = ["", "\n", '"', "\\", "\x00\x1f", "中文，“引号”", "\u2028\u3000", "😀", "\udcff", "a\tb"]


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_a_documents_log_lines_are_the_single_edit_lines(value: str) -> None:
    edits = [
        Edit("rule", 0, 1, value, "", doc=value or "d", stage="s", step=3, line=2),
        Edit("flag_rule", 2, 2, "", value, kind="flag", doc="d", info={"reason": value, "n": [1, 2.5]}),
        Edit("plain", 4, 5, "x", "y", doc="d"),
    ]
    block = edits_to_jsonl(edits)
    assert block == "".join(edit_to_json(edit) + "\n" for edit in edits)
    assert [edit_from_json(line) for line in block.split("\n")[:-1]] == edits  # not splitlines: U+2028


def test_tally_counts_edits_flags_and_characters() -> None:
    from clean_seeds.pipeline import Tally

    tally = Tally()
    tally.add([Edit("r", 0, 3, "abc", "x", stage="s"), Edit("r", 4, 4, "", "yz", stage="s")])
    other = Tally()
    other.add([Edit("f", 0, 2, "ab", "ab", kind="flag", stage="s")])
    tally.merge(other)
    assert tally.as_dict() == {
        "edits": {"s.r": 2},
        "flags": {"s.f": 1},
        "chars_removed": 3,
        "chars_added": 3,
    }


def test_tally_of_the_change_logs_runs_counts_as_the_edits_do() -> None:
    """Counting the runs ``edits_to_jsonl`` finds gives the counts of the edits themselves,
    with flags, surrogates (the ASCII fallback) and rules interleaved."""
    from clean_seeds.pipeline import Tally

    edits = [
        Edit("r", 0, 3, "abc", "x", stage="s", step=1),
        Edit("r", 4, 4, "", "y\udcff", stage="s", step=1),
        Edit("f", 0, 2, "ab", "ab", kind="flag", stage="s", step=2),
        Edit("r", 5, 6, "c", "", stage="s", step=1),
        Edit("q", 5, 6, "c", "dd", stage="t", step=3),
    ]
    for some in ([], edits[:1], edits[2:3], edits):
        runs: list[RuleRun] = []
        block = edits_to_jsonl(some, runs)
        assert block == edits_to_jsonl(some)
        counted, plain = Tally(), Tally()
        counted.add(some, runs)
        plain.add(some)
        assert counted.as_dict() == plain.as_dict()
    assert runs == [
        ("s", "r", "edit", 0),
        ("s", "f", "flag", 2),
        ("s", "r", "edit", 3),
        ("t", "q", "edit", 4),
    ]


#: Edits as rules and dedup make them: few distinct fields, so runs of equal ones are common.
_WORDS = st.sampled_from(["", "r", "s", "\n", ",", "，", '"', "\\", "\x00", "\u2028", "😀", "\udcff"])
_EDITS = st.lists(
    st.builds(
        Edit,
        rule=_WORDS,
        start=st.integers(0, 9),
        end=st.integers(0, 9),
        before=_WORDS | st.text(max_size=4),
        after=_WORDS | st.text(max_size=4),
        kind=st.sampled_from(["edit", "flag"]),
        line=st.integers(0, 3),
        step=st.integers(0, 2),
        stage=_WORDS,
        doc=_WORDS,
        info=st.just(NO_INFO) | st.dictionaries(_WORDS, _WORDS | st.integers() | st.floats(), max_size=2),
    ),
    max_size=8,
)


def _json_dumps_line(edit: Edit) -> str:
    """The plain definition of a log line that ``_lines`` formats by hand."""
    fields = ["doc", "step", "stage", "rule", "kind", "start", "end", "line", "before", "after"]
    record = {name: getattr(edit, name) for name in fields}
    if edit.info:
        record["info"] = edit.info
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record)  # lone surrogates: ASCII escapes
    return line


@given(_EDITS)
def test_log_lines_and_runs_are_their_plain_definitions(edits: list[Edit]) -> None:
    runs: list[RuleRun] = []
    block = edits_to_jsonl(edits, runs)
    assert block == "".join(_json_dumps_line(edit) + "\n" for edit in edits)
    assert edits_to_jsonl_bytes(edits) == block.encode("utf-8")
    fields = [(e.doc, e.step, e.stage, e.rule, e.kind) for e in edits]
    starts = [i for i, f in enumerate(fields) if i == 0 or f != fields[i - 1]]
    assert runs == [(edits[i].stage, edits[i].rule, edits[i].kind, i) for i in starts]


@given(_EDITS)
def test_tally_with_or_without_runs_counts_edit_by_edit(edits: list[Edit]) -> None:
    runs: list[RuleRun] = []
    edits_to_jsonl(edits, runs)
    changes = [e for e in edits if e.kind != "flag"]
    expected = {
        "edits": dict(sorted(Counter(f"{e.stage}.{e.rule}" for e in changes).items())),
        "flags": dict(sorted(Counter(f"{e.stage}.{e.rule}" for e in edits if e.kind == "flag").items())),
        "chars_removed": sum(len(e.before) for e in changes),
        "chars_added": sum(len(e.after) for e in changes),
    }
    for given_runs in (runs, None):
        tally = Tally()
        tally.add(edits, given_runs)
        assert tally.as_dict() == expected


def test_edits_without_details_share_one_read_only_empty_info() -> None:
    edit, other = Edit("r", 0, 1, "a", "b"), Edit("q", 0, 0, "", "")
    assert edit.info is other.info is NO_INFO
    assert edit == Edit("r", 0, 1, "a", "b", info={})
    assert repr(edit).endswith("info={})")
    for change in (lambda i: i.update(a=1), lambda i: i.setdefault("a"), lambda i: i.__setitem__("a", 1)):
        with pytest.raises(TypeError, match="read-only"):
            change(edit.info)
    assert NO_INFO == {}
    copied = pickle.loads(pickle.dumps(edit))
    assert copied == edit
    assert type(copied.info) is dict  # a copy's info may be changed
