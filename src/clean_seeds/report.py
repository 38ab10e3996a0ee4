"""The HTML review report: one self-contained file (inline CSS, JS and SVG; no network).

The run's edits are embedded as JSON in a ``<script type="application/json">`` block (with
``<``, ``>`` and ``&`` escaped, so no document text can close the block) and rendered by the
page's script with text-only DOM writes, one page of a document at a time: reports with
100k edits stay responsive.  A Content-Security-Policy lets only the page's own script run.

Stable hooks for tests and people: the URL hash holds the state
(``#doc=a.txt&view=original&line=51&rule=markup.strip_html_tags&stage=markup&kind=flags``);
elements carry ``id``\\s (``stat-edits``, ``doc-list``, ``doc-text``, ``edit-list``,
``dup-list``, ``flag-list``, ...) and ``data-rule``/``data-doc``/``data-e`` attributes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from .io import write_text
from .models import FLAG
from .review import DEDUP_STAGE, Piece, Review, kept_twin, load_review, rule_key, trace

#: Characters of document text (original and cleaned views together) embedded at most; documents
#: past the budget list their edits without the text, so a huge corpus still gives a usable report.
TEXT_BUDGET = 40_000_000

#: Characters that must not appear raw inside an inline ``<script>`` block (or that JSON allows
#: but JavaScript source did not, U+2028/9), and lone surrogates (undecodable input bytes),
#: which cannot be written as UTF-8: all become JSON ``\\uXXXX`` escapes.
_SCRIPT_UNSAFE = re.compile("[<>&\u2028\u2029\ud800-\udfff]")


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def write_report(output: Path, html_path: Path) -> None:
    """Write the HTML report of the run in ``output`` to ``html_path``.

    Raises :class:`~clean_seeds.errors.ChangeLogError` when the change log is missing,
    corrupt, or does not match the output.
    """
    review = load_review(output)
    write_text(html_path, render_report(review))


def render_report(review: Review) -> str:
    """The report page of a (normally unfiltered) review, as one HTML string."""
    data = report_data(review)
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    title = f"clean-seeds report: {review.summary.get('input', review.output)}"
    return _PAGE.format(
        title=html.escape(title),
        csp=f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{digest}'",
        css=_asset("report.css"),
        chart=chart_svg(data["keys"], data["counts"]),
        data=embed_json(data),
        script=script,
    )


def embed_json(value: object) -> str:
    """JSON that is safe inside an HTML ``<script>`` element, whatever strings it holds.

    >>> embed_json({"t": "</script><img onerror=x>"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cimg onerror=x\\\\u003e"}'
    """
    text = json.dumps(
        value, ensure_ascii=False, separators=(",", ":") if not isinstance(value, dict) else None
    )
    return _SCRIPT_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def report_data(review: Review) -> dict[str, Any]:
    """Everything the page shows, as plain JSON-able data.

    ``edits`` rows are ``[doc, key, kind, original_line, cleaned_line, before, after, info]``
    (``doc`` and ``key`` index ``docs`` and ``keys``; ``kind`` 0 edit, 1 flag; ``info`` or 0).
    A document's ``original``/``cleaned`` pieces are strings (unchanged text) or
    ``[text, [edit, ...]]`` (text made or flagged by those edits; empty text marks a removal).
    """
    keys = review.stats.keys
    key_index = {key: i for i, key in enumerate(keys)}
    rows: list[list[Any]] = []
    docs: list[dict[str, Any]] = []
    cleaned_texts: dict[str, str] = {}
    budget = TEXT_BUDGET
    for doc, entry in review.manifest.items():
        edits = review.edits.get(doc, ())
        item: dict[str, Any] = {"id": doc, "first": len(rows), "count": len(edits), "path": entry.get("path")}
        texts = review.texts(doc) if edits and budget > 0 else None
        if texts is not None:
            budget -= len(texts[0]) + len(texts[1])
            cleaned_texts[doc] = texts[1]
            placed = trace(texts[0], edits)
            item["original"] = _pieces(placed.original, len(rows))
            item["cleaned"] = _pieces(placed.cleaned, len(rows))
        for i, edit in enumerate(edits):
            lines = (
                (placed.original_lines[i], placed.cleaned_lines[i]) if texts is not None else (edit.line, 0)
            )
            info: Any = edit.info or 0
            if edit.kind == FLAG and texts is not None:
                info = {**edit.info, "context": list(placed.contexts[i])}
            rows.append([len(docs), key_index[rule_key(edit)], int(edit.kind == FLAG), *lines])
            rows[-1] += [edit.before, edit.after, info]
        docs.append(item)
    return {
        "meta": _meta(review),
        "stats": _stats(review),
        "keys": keys,
        "counts": [review.stats.edits[key] + review.stats.flags[key] for key in keys],
        "docs": docs,
        "edits": rows,
        "clusters": _clusters(review, rows, docs, cleaned_texts),
    }


def _pieces(pieces: list[Piece], base: int) -> list[Any]:
    return [text if not tags else [text, [base + tag for tag in tags]] for text, tags in pieces]


def _meta(review: Review) -> dict[str, Any]:
    summary = review.summary
    log = review.output / ".clean_seeds" / "changes.jsonl"
    fingerprint = hashlib.sha256(log.read_bytes()).hexdigest()[:16]
    return {
        "input": summary.get("input"),
        "output": str(review.output),
        "config": summary.get("config"),
        "version": summary.get("clean_seeds"),
        "dry_run": bool(summary.get("dry_run")),
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "fingerprint": fingerprint,
    }


def _stats(review: Review) -> dict[str, int]:
    stats = review.stats
    return {
        "documents": stats.documents,
        "touched": stats.touched,
        "edits": sum(stats.edits.values()),
        "duplicates": stats.duplicates,
        "flags": sum(stats.flags.values()),
        "chars-removed": sum(stats.removed.values()),
        "chars-added": sum(stats.added.values()),
    }


def _clusters(
    review: Review, rows: list[list[Any]], docs: list[dict[str, Any]], cleaned_texts: dict[str, str]
) -> list[dict[str, Any]]:
    """Removed duplicates grouped with their kept twin, the most doubtful cluster first."""
    clusters: dict[str, dict[str, Any]] = {}
    for item in docs:
        for i, edit in enumerate(review.edits.get(item["id"], ())):
            if edit.stage != DEDUP_STAGE or edit.kind == FLAG:
                continue
            kept_doc = str(edit.info.get("kept_doc", ""))
            if kept_doc not in cleaned_texts and kept_doc in review.manifest:
                texts = review.texts(kept_doc)
                if texts is not None:
                    cleaned_texts[kept_doc] = texts[1]
            twin = kept_twin(edit, review, cleaned_texts.get(kept_doc))
            cluster = clusters.setdefault(
                twin.cluster,
                {"id": twin.cluster, "doc": twin.doc, "line": twin.line, "text": twin.text, "copies": []},
            )
            similarity = 1.0 if twin.similarity is None else twin.similarity
            cluster["copies"].append([item["first"] + i, similarity])
    for cluster in clusters.values():
        cluster["copies"].sort(key=lambda copy: copy[1])
        cluster["min"] = cluster["copies"][0][1]
    return sorted(clusters.values(), key=lambda c: (c["min"], c["id"]))


def chart_svg(keys: list[str], counts: list[int]) -> str:
    """A horizontal bar chart of edits (and flags) per ``stage.rule``, as inline SVG."""
    if not keys:
        return (
            '<svg id="chart" class="chart" width="480" height="28"><text x="0" y="18">no edits</text></svg>'
        )
    bar_height, gap, label_width, bar_width = 18, 6, 260, 360
    height = len(keys) * (bar_height + gap)
    top = max(counts) or 1
    parts = [
        f'<svg id="chart" class="chart" viewBox="0 0 {label_width + bar_width + 70} {height}" '
        f'width="{label_width + bar_width + 70}" height="{height}" role="img" aria-label="edits per rule">'
    ]
    stages: dict[str, int] = {}
    for row, (key, count) in enumerate(zip(keys, counts, strict=True)):
        stage = key.split(".", 1)[0]
        hue = stages.setdefault(stage, len(stages))
        y = row * (bar_height + gap)
        width = max(2, round(bar_width * count / top))
        label = html.escape(key)
        parts.append(
            f'<g class="bar" data-key="{label}" tabindex="0"><title>{label}: {count}</title>'
            f'<text x="{label_width - 8}" y="{y + 13}" text-anchor="end">{label}</text>'
            f'<rect x="{label_width}" y="{y}" width="{width}" height="{bar_height}" class="s{hue % 8}"/>'
            f'<text x="{label_width + width + 6}" y="{y + 13}">{count}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<header><h1>clean-seeds review</h1><p id="meta"></p>
<nav><a href="#overview">Overview</a> <a href="#documents">Documents</a>
<a href="#duplicates">Duplicates</a> <a href="#flags">Flags</a></nav></header>
<section id="overview"><h2>Overview</h2><div id="stats" class="stats"></div>
<div class="chartbox"><h3>Edits and flags per stage and rule</h3>{chart}</div></section>
<section id="filters" class="filters"><label>Stage <select id="filter-stage"></select></label>
<label>Rule <select id="filter-rule"></select></label>
<label>Show <select id="filter-kind"><option value="">edits and flags</option>
<option value="edits">edits only</option><option value="flags">flags only</option></select></label>
<button id="filter-clear" type="button">Clear filters</button> <span id="filter-note"></span></section>
<section id="documents"><h2>Documents</h2><div class="docs">
<div class="doclist"><table id="doc-list"></table><div id="doc-pager" class="pager"></div></div>
<div id="doc-view" class="docview"></div></div></section>
<section id="duplicates"><h2>Duplicates</h2>
<p class="hint">Removed paragraphs with their kept twin, lowest similarity (most doubtful) first.</p>
<div id="dup-list"></div><div id="dup-pager" class="pager"></div></section>
<section id="flags"><h2>Flags</h2>
<p class="hint">Lines a rule flagged for a person. Decisions are kept in this browser;
<button id="flags-export" type="button">export decisions</button></p>
<p id="flag-counts"></p><table id="flag-list"></table><div id="flag-pager" class="pager"></div></section>
<div id="popup" hidden></div>
<script type="application/json" id="report-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""
