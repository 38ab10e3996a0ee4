"""The HTML report without a browser: embedded data, escaping, self-containment, bad input."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

from clean_seeds.errors import ChangeLogError
from clean_seeds.report import embed_json, render_report, report_data, write_report
from clean_seeds.review import load_review
from tests.test_review import make_output


@pytest.fixture
def output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return make_output(tmp_path, monkeypatch)


def embedded(page: str) -> dict:
    block = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', page, re.S)
    assert block is not None
    return json.loads(block.group(1))


@pytest.mark.parametrize(
    "hostile",
    ["</script><script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<!--", "a\u2028b", "&amp;"],
)
def test_embedded_json_cannot_break_out_of_its_script(hostile: str) -> None:
    text = embed_json({"t": hostile})
    assert not set("<>&\u2028") & set(text)
    assert json.loads(text) == {"t": hostile}


def test_lone_surrogates_are_escaped() -> None:
    assert embed_json(["bad\udcffbyte"]) == '["bad\\udcffbyte"]'


def test_report_data_places_every_edit(output: Path) -> None:
    data = report_data(load_review(output))
    assert [d["id"] for d in data["docs"]] == ["a.txt", "b.txt", "sub/c.txt"]
    assert data["keys"][:3] == ["markup.strip_tags", "punctuation.em_dash", "review.ocr_gap"]
    a = data["docs"][0]
    assert "".join(p if isinstance(p, str) else p[0] for p in a["cleaned"]) == (output / "a.txt").read_text()
    assert "".join(p if isinstance(p, str) else p[0] for p in a["original"]) == (
        "第一段<b>重要</b>内容--结束。\n\n共同的段落，出现两次。\n\n第2段有编号。\n"
    )
    first_tag = next(p for p in a["original"] if not isinstance(p, str))
    assert first_tag == ["<b>", [0]]
    assert data["edits"][0][:7] == [0, 0, 0, 1, 1, "<b>", ""]
    assert data["docs"][2]["count"] == 0
    assert "cleaned" not in data["docs"][2]


def test_duplicate_clusters_borderline_first(output: Path) -> None:
    clusters = report_data(load_review(output))["clusters"]
    assert [(c["min"], c["doc"], c["line"], c["text"]) for c in clusters] == [
        (0.85, "a.txt", 5, "第2段有编号。"),
        (1.0, "a.txt", 3, "共同的段落，出现两次。"),
    ]


def test_flags_carry_their_context(output: Path) -> None:
    rows = report_data(load_review(output))["edits"]
    (flag,) = [row for row in rows if row[2] == 1]
    assert flag[5] == "???"
    assert flag[7] == {"reason": "ocr_gap", "context": ["缺字", "的行。"]}


def test_page_is_self_contained_and_only_its_script_may_run(output: Path, tmp_path: Path) -> None:
    page_path = tmp_path / "r.html"
    write_report(output, page_path)
    page = page_path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<link" not in page
    assert embedded(page)["stats"]["edits"] == 7
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in page
    assert "default-src 'none'" in page


def test_hostile_document_names_are_escaped_in_the_chart_and_title(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = make_output(tmp_path, monkeypatch, {"<script>x.txt": "a<b>b\n"})
    page = render_report(load_review(output))
    assert "<script>x" not in page
    assert embedded(page)["docs"][0]["id"] == "<script>x.txt"


def test_missing_change_log_is_a_clear_error(output: Path, tmp_path: Path) -> None:
    (output / ".clean_seeds/changes.jsonl").unlink()
    with pytest.raises(ChangeLogError, match="change log not found"):
        write_report(output, tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()
