"""The ``clean-seeds`` command: parses options, calls the library, prints. No cleaning here."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import typer

from .config import Config, load_config
from .errors import CleanSeedsError
from .runner import RunOptions, total_input_bytes
from .runner import run as run_job

# The report, review and restore modules are imported inside the commands that use them:
# `run` (without --report) starts faster without them.

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Clean and deduplicate folders of OCR'd documents, with a complete, reversible change log.",
)

#: Exit code when the run finished but some inputs were skipped (listed in the summary).
EXIT_SKIPPED = 3


def _fail(err: CleanSeedsError) -> typer.Exit:
    typer.echo(f"error: {err}", err=True)
    return typer.Exit(1)


@app.command()
def run(
    input: Annotated[Path, typer.Argument(help="Folder of .txt files, or a .jsonl file.")] = Path("seeds"),
    output: Annotated[Path, typer.Argument(help="Output folder (mirrors INPUT).")] = Path("out"),
    config: Annotated[Path | None, typer.Option("--config", help="TOML config file.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Write change log and summary only.")] = False,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing OUTPUT.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or table.")] = False,
    workers: Annotated[int, typer.Option("--workers", "-j", min=1, help="Worker processes.")] = (
        os.cpu_count() or 1
    ),
    dedup: Annotated[bool, typer.Option("--dedup/--no-dedup", help="Remove duplicate paragraphs.")] = True,
    report: Annotated[Path | None, typer.Option("--report", help="Also write an HTML report.")] = None,
) -> None:
    """Clean INPUT into OUTPUT; the change log and run summary go to OUTPUT/.clean_seeds/."""
    try:
        cfg = load_config(config)
        if not dedup:
            cfg = _without_dedup(cfg)
        options = RunOptions(input, output, cfg, str(config) if config else None, dry_run, overwrite, workers)
        show_bar = not quiet and sys.stderr.isatty()
        summary = _run_with_progress(options, show_bar)
        if report is not None and not dry_run:
            from .report import write_report

            write_report(output, report)
    except CleanSeedsError as err:
        raise _fail(err) from None
    except KeyboardInterrupt:
        typer.echo("interrupted: nothing was written to OUTPUT", err=True)
        raise typer.Exit(130) from None
    for skipped in summary["skipped"]:
        typer.echo(f"skipped: {skipped['message']}", err=True)
    if not quiet:
        typer.echo(format_summary(summary))
    if summary["skipped"]:
        raise typer.Exit(EXIT_SKIPPED)


def _without_dedup(cfg: Config) -> Config:
    return replace(cfg, dedup=replace(cfg.dedup, enabled=False))


def _run_with_progress(options: RunOptions, show_bar: bool) -> dict[str, Any]:
    if not show_bar:
        return run_job(options)
    from tqdm import tqdm

    total = total_input_bytes(options.input) if options.input.exists() else 0
    with tqdm(total=total, unit="B", unit_scale=True, desc="cleaning", file=sys.stderr) as bar:
        return run_job(options, progress=bar.update)


def format_summary(summary: dict[str, Any]) -> str:
    """The closing table of ``run``: documents, bytes, edits per stage and rule, dedup."""
    rows = [
        ("documents cleaned", summary["documents"]),
        ("inputs skipped", len(summary["skipped"])),
        ("bytes in / out", f"{summary['bytes_in']} / {summary['bytes_out']}"),
        ("characters removed / added", f"{summary['chars_removed']} / {summary['chars_added']}"),
        ("seconds", summary["timings"]["total_seconds"]),
    ]
    rows += [(f"edits  {rule}", count) for rule, count in summary["edits"].items()]
    rows += [(f"flags  {rule}", count) for rule, count in summary["flags"].items()]
    dedup = summary.get("dedup") or {}
    rows += [(f"dedup  {key}", value) for key, value in dedup.items() if not isinstance(value, dict)]
    width = max(len(name) for name, _ in rows)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    lines.append(f"change log: {summary['output']}/.clean_seeds/changes.jsonl")
    return "\n".join(lines)


@app.command()
def restore(
    output: Annotated[Path, typer.Argument(help="OUTPUT folder of a previous run.")],
    restored: Annotated[Path, typer.Argument(help="Folder to rebuild the original input in.")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing RESTORED.")] = False,
) -> None:
    """Rebuild the original input files, byte for byte, from OUTPUT and its change log."""
    from .restore import restore as restore_output

    try:
        count = restore_output(output, restored, overwrite=overwrite)
    except CleanSeedsError as err:
        raise _fail(err) from None
    typer.echo(f"restored {count} documents into {restored}")


@app.command()
def review(
    output: Annotated[Path, typer.Argument(help="OUTPUT folder of a previous run.")],
    stage: Annotated[str | None, typer.Option("--stage", help="Only edits of this stage.")] = None,
    rule: Annotated[str | None, typer.Option("--rule", help="Only this rule (rule or stage.rule).")] = None,
    doc: Annotated[str | None, typer.Option("--doc", help="Only documents matching this glob.")] = None,
    flags: Annotated[bool, typer.Option("--flags", help="Only review flags.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", min=0, help="List at most N edits.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write the HTML report to FILE.")] = None,
) -> None:
    """Show what a run changed: a summary, then every edit in context (or an HTML report)."""
    from .report import write_report
    from .review import load_review, render_terminal

    try:
        if html is not None:
            write_report(output, html)
            typer.echo(f"report: {html}")
            return
        found = load_review(output, stage, rule, doc, flags, limit)
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
        for line in render_terminal(found, color=color):
            typer.echo(line)
    except CleanSeedsError as err:
        raise _fail(err) from None
    except BrokenPipeError:
        sys.stderr.close()  # the reader (e.g. `head`) has gone: stop quietly


if __name__ == "__main__":  # pragma: no cover
    app()
