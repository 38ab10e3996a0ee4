"""The CLI end to end, as a user runs it: outputs, change log, restore, bad input."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from clean_seeds.changelog import edits_by_doc, read_edits, replay
from clean_seeds.cli import EXIT_SKIPPED, app
from clean_seeds.errors import CleanSeedsError
from clean_seeds.io import RESERVED_DIR

from .conftest import ROOT, write_jsonl

runner = CliRunner()


def invoke(*args: str | Path) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args])
    return result.exit_code, result.output


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with the run summary's timings removed."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.name == "summary.json":
                summary = json.loads(data)
                summary.pop("timings")
                summary.pop("output")
                summary.pop("input")
                data = json.dumps(summary, sort_keys=True).encode()
            files[path.relative_to(folder).as_posix()] = data
    return files


def digest(folder: Path) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in tree(folder).items()}


def test_run_on_seeds_mirrors_input_and_logs_every_edit(seeds_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = invoke("run", seeds_dir, out, "--quiet")
    assert code == 0, output
    names = sorted(p.name for p in seeds_dir.glob("*.txt"))
    assert sorted(p.name for p in out.glob("*.txt")) == names
    summary = json.loads((out / RESERVED_DIR / "summary.json").read_text())
    assert summary["documents"] == 5
    assert summary["skipped"] == []
    assert summary["bytes_in"] == sum(p.stat().st_size for p in seeds_dir.glob("*.txt"))
    assert summary["encodings"] == {"utf-8": 5}
    # The log is complete: replaying each document's edits on its input gives its output.
    logged = dict(edits_by_doc(read_edits(out / RESERVED_DIR / "changes.jsonl")))
    for name in names:
        original = (seeds_dir / name).read_text(encoding="utf-8")
        assert replay(original, logged.get(name, [])) == (out / name).read_text(encoding="utf-8")


def test_two_runs_are_byte_identical_and_input_untouched(seeds_dir: Path, tmp_path: Path) -> None:
    before = digest(seeds_dir)
    assert invoke("run", seeds_dir, tmp_path / "a", "-q")[0] == 0
    assert invoke("run", seeds_dir, tmp_path / "b", "-q", "--workers", "2")[0] == 0
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert digest(seeds_dir) == before


def test_running_on_its_own_output_changes_nothing(seeds_dir: Path, tmp_path: Path) -> None:
    assert invoke("run", seeds_dir, tmp_path / "once", "-q")[0] == 0
    assert invoke("run", tmp_path / "once", tmp_path / "twice", "-q")[0] == 0
    summary = json.loads((tmp_path / "twice" / RESERVED_DIR / "summary.json").read_text())
    assert summary["edits"] == {}
    for path in (tmp_path / "once").glob("*.txt"):
        assert (tmp_path / "twice" / path.name).read_bytes() == path.read_bytes()


@pytest.mark.parametrize("fixture", ["seeds_dir", "hostile_dir"])
def test_restore_rebuilds_every_input_byte_for_byte(
    fixture: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    source: Path = request.getfixturevalue(fixture)
    code, output = invoke("run", source, tmp_path / "out", "-q")
    assert code == 0, output
    code, output = invoke("restore", tmp_path / "out", tmp_path / "restored")
    assert code == 0, output
    assert digest(tmp_path / "restored") == digest(source)


def test_hostile_inputs_are_decoded_and_recorded(hostile_dir: Path, tmp_path: Path) -> None:
    assert invoke("run", hostile_dir, tmp_path / "out", "-q")[0] == 0
    summary = json.loads((tmp_path / "out" / RESERVED_DIR / "summary.json").read_text())
    manifest_text = (tmp_path / "out" / RESERVED_DIR / "documents.jsonl").read_text(encoding="utf-8")
    manifest = [json.loads(line) for line in manifest_text.splitlines()]
    encodings = {entry["id"]: entry["encoding"] for entry in manifest}
    assert encodings["gb18030.txt"] in {"gb18030", "gbk"}
    assert encodings["big5.txt"] == "big5"
    assert encodings["utf16.txt"].startswith("utf-16")
    assert summary["documents"] == len(manifest)
    for path in (tmp_path / "out").rglob("*.txt"):
        text = path.read_text(encoding="utf-8")
        assert "\r" not in text
        assert "\ufeff" not in text
        assert "\u200b" not in text
    assert "国内生产总值" in (tmp_path / "out" / "gb18030.txt").read_text(encoding="utf-8")
    assert "繁體中文" in (tmp_path / "out" / "big5.txt").read_text(encoding="utf-8")


def test_dry_run_writes_log_and_summary_but_no_corpus(seeds_dir: Path, tmp_path: Path) -> None:
    assert invoke("run", seeds_dir, tmp_path / "out", "--dry-run", "-q")[0] == 0
    assert not list((tmp_path / "out").glob("*.txt"))
    assert (tmp_path / "out" / RESERVED_DIR / "changes.jsonl").exists()
    assert json.loads((tmp_path / "out" / RESERVED_DIR / "summary.json").read_text())["dry_run"] is True
    code, output = invoke("restore", tmp_path / "out", tmp_path / "restored")
    assert code == 1
    assert "dry-run" in output


def test_jsonl_records_keep_order_fields_and_restore(tmp_path: Path) -> None:
    source = write_jsonl(
        tmp_path / "corpus.jsonl",
        [
            {"id": "a", "text": "第一段,内容\u200b。", "url": "http://x/1", "n": [1, 2]},
            '{"text":"\\u4e2d\\u6587\\u5185\\u5bb9", "id": 7}',
            "this line is not json",
            {"id": "b", "body": "no text field"},
            {"text": "没有id的记录。", "meta": {"k": "v"}},
        ],
    )
    code, output = invoke("run", source, tmp_path / "out", "-q")
    assert code == EXIT_SKIPPED, output
    assert "corpus.jsonl:3" in output
    assert "corpus.jsonl:4" in output
    lines = (tmp_path / "out" / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5
    first = json.loads(lines[0])
    assert first["url"] == "http://x/1"
    assert first["n"] == [1, 2]
    assert "\u200b" not in first["text"]
    assert lines[2] == "this line is not json"
    assert json.loads(lines[4])["meta"] == {"k": "v"}
    assert invoke("restore", tmp_path / "out", tmp_path / "restored")[0] == 0
    assert (tmp_path / "restored" / "corpus.jsonl").read_bytes() == source.read_bytes()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", bytes(range(256)) * 40, "binary"),
        (
            "undecodable.txt",
            bytes([0x81, 0xFF, 0xC0, 0xFE]) * 300,
            "undecodable",
        ),
        ("image.png", b"\x89PNG\r\n\x1a\n", "not_text_file"),
    ],
)
def test_bad_files_are_skipped_with_a_message_naming_them(
    name: str, data: bytes, reason: str, tmp_path: Path
) -> None:
    source = tmp_path / "in"
    source.mkdir()
    (source / "good.txt").write_text("正常的内容。\n", encoding="utf-8")
    (source / name).write_bytes(data)
    code, output = invoke("run", source, tmp_path / "out", "-q")
    assert code == EXIT_SKIPPED
    assert f"skipped: {name}" in output
    assert "Traceback" not in output
    summary = json.loads((tmp_path / "out" / RESERVED_DIR / "summary.json").read_text())
    assert [(s["id"], s["reason"]) for s in summary["skipped"]] == [(name, reason)]
    assert (tmp_path / "out" / "good.txt").exists()


def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads files whatever their permissions")
    source = tmp_path / "in"
    source.mkdir()
    (source / "locked.txt").write_text("x")
    (source / "locked.txt").chmod(0)
    code, output = invoke("run", source, tmp_path / "out", "-q")
    assert code == EXIT_SKIPPED
    assert "locked.txt: cannot read" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "{tmp}/missing", "{tmp}/out"], "does not exist"),
        (["run", "{tmp}/in", "{tmp}/in"], "must not be the input"),
        (["run", "{tmp}/in", "{tmp}/in/out"], "must not be the input or inside it"),
        (["run", "{tmp}/in/sub", "{tmp}/in"], "must not contain the input"),
        (["run", "{tmp}/in", "{tmp}/exists"], "use --overwrite"),
        (["run", "{tmp}/in", "{tmp}/out", "--config", "{tmp}/bad.toml"], "unknown key 'markup.nope'"),
        (["run", "{tmp}/in", "{tmp}/out", "--config", "{tmp}/type.toml"], "'markup.enabled' must be bool"),
        (["run", "{tmp}/in", "{tmp}/out", "--config", "{tmp}/broken.toml"], "not valid TOML"),
        (["run", "{tmp}/in", "{tmp}/out", "--config", "{tmp}/none.toml"], "config file not found"),
        (["restore", "{tmp}/in", "{tmp}/restored"], "run summary not found"),
    ],
)
def test_bad_invocations_get_one_line_and_exit_1(args: list[str], message: str, tmp_path: Path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_text("内容。\n", encoding="utf-8")
    (tmp_path / "exists").mkdir()
    (tmp_path / "exists" / "keep.txt").write_text("keep")
    (tmp_path / "bad.toml").write_text("[markup]\nnope = 1\n")
    (tmp_path / "type.toml").write_text('[markup]\nenabled = "yes"\n')
    (tmp_path / "broken.toml").write_text("[markup\n")
    code, output = invoke(*[a.format(tmp=tmp_path) for a in args])
    assert code == 1
    assert message in output
    assert output.count("\n") == 1, output
    assert (tmp_path / "exists" / "keep.txt").read_text() == "keep"


def test_overwrite_replaces_existing_output(seeds_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.txt").write_text("old")
    assert invoke("run", seeds_dir, out, "-q", "--overwrite")[0] == 0
    assert not (out / "stale.txt").exists()
    assert len(list(out.glob("*.txt"))) == 5


def test_interrupted_run_leaves_nothing_half_written(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clean_seeds import runner as runner_module

    calls = []

    def explode(*args: object) -> None:
        calls.append(args)
        if len(calls) == 3:
            raise KeyboardInterrupt

    original_take = runner_module.Run.take

    def take(self: runner_module.Run, outcome: runner_module.Outcome, removed: object) -> None:
        explode(outcome)
        original_take(self, outcome, removed)  # type: ignore[arg-type]

    monkeypatch.setattr(runner_module.Run, "take", take)
    code, output = invoke("run", seeds_dir, tmp_path / "out", "-q", "--workers", "1")
    assert code == 130
    assert "interrupted" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seeds"]


def _die(chunk: object) -> list[object]:
    os._exit(9)  # as a worker killed by the system would


def test_killed_worker_stops_the_run_with_a_clear_error(seeds_dir: Path) -> None:
    from clean_seeds.config import Config
    from clean_seeds.errors import WorkerError
    from clean_seeds.io import discover
    from clean_seeds.runner import _in_order

    sources, _ = discover(seeds_dir, Config().input)
    with pytest.raises(WorkerError, match="worker process stopped abruptly"):
        list(_in_order(_die, sources, Config(), 2))


def test_ctrl_c_stops_a_parallel_run_cleanly(tmp_path: Path) -> None:
    """A real SIGINT to the whole process group, as a terminal sends it, mid-run with workers."""
    import signal
    import time

    source = tmp_path / "in"
    source.mkdir()
    for n in range(800):  # several seconds of work: the signal comes mid-run
        (source / f"{n:03d}.txt").write_text(f"第{n}篇，青岛市全面推进城市更新。\n" * 400, encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, "-m", "clean_seeds.cli", "run", str(source), str(tmp_path / "out"), "-j", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    time.sleep(1.5)
    os.killpg(child.pid, signal.SIGINT)
    output = child.communicate(timeout=60)[0].decode()
    assert child.returncode == 130, output
    assert "interrupted: nothing was written to OUTPUT" in output
    assert "Traceback" not in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]


def test_large_single_line_file(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    line = "青岛市全面推进城市更新和城市建设,取得新成效" * (50 * 1024 * 1024 // 66)
    (source / "big.txt").write_text(line, encoding="utf-8")
    code, output = invoke("run", source, tmp_path / "out", "-q", "--no-dedup")
    assert code == 0, output
    assert (tmp_path / "out" / "big.txt").stat().st_size > 40 * 1024 * 1024


@pytest.mark.parametrize("command", [[], ["run"], ["restore"], ["review"]])
def test_every_command_has_help(command: list[str]) -> None:
    code, output = invoke(*command, "--help")
    assert code == 0
    assert "Usage" in output


def test_console_script_runs_as_a_user_would(seeds_dir: Path, tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "clean-seeds"
    result = subprocess.run(
        [str(script), "run", str(seeds_dir), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "documents cleaned" in result.stdout
    assert result.stderr == ""  # no progress bar when not on a terminal


def test_python_dash_m_runs_the_same_commands(seeds_dir: Path, tmp_path: Path) -> None:
    def module(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "clean_seeds", *args]
        return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)

    assert "Usage: clean-seeds run" in module("run", "--help").stdout
    result = module("run", str(seeds_dir), str(tmp_path / "out"), "-q")
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "out").glob("*.txt"))
    assert written == sorted(p.name for p in seeds_dir.glob("*.txt"))


def test_keep_longest_runs_two_passes_and_still_restores(seeds_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "longest.toml"
    config.write_text('[dedup]\nkeep = "longest"\n')
    code, output = invoke("run", seeds_dir, tmp_path / "out", "-q", "--config", config)
    assert code == 0, output
    summary = json.loads((tmp_path / "out" / RESERVED_DIR / "summary.json").read_text())
    assert summary["edits"].get("dedup.exact_duplicate", 0) > 0
    assert invoke("restore", tmp_path / "out", tmp_path / "restored")[0] == 0
    assert digest(tmp_path / "restored") == digest(seeds_dir)


def test_background_writer_writes_in_order_and_reports_failures(tmp_path: Path) -> None:
    from clean_seeds.io import BackgroundWriter

    writer = BackgroundWriter(max_pending=2)
    sizes = [writer.write(tmp_path / "out" / f"{n}.txt", f"第{n}段\udcff") for n in range(5)]
    writer.close()
    assert [(tmp_path / "out" / f"{n}.txt").read_bytes() for n in range(5)] == [
        f"第{n}段".encode() + b"\xff" for n in range(5)
    ]
    assert sizes == [8] * 5
    (tmp_path / "blocker").write_text("a file, not a folder")
    failing = BackgroundWriter()
    failing.write(tmp_path / "blocker" / "x.txt", "text")
    with pytest.raises((FileExistsError, NotADirectoryError)):
        failing.close()


def test_an_outcome_crosses_to_the_main_process_without_its_source_or_input_text(tmp_path: Path) -> None:
    """What a worker sends is rebuilt whole, but for the source (the main process pairs its own)
    and the input text (kept only where a JSONL record's spelling needs it)."""
    import pickle

    from clean_seeds.io import Source
    from clean_seeds.models import Document
    from clean_seeds.pipeline import Tally
    from clean_seeds.runner import Outcome, _file_entry

    tally = Tally()
    tally.edits["s.r"] = 2
    document = Document("a/b.txt", "input text", "cp1252", {"sha256": "ab12"})
    sent = Outcome(Source("a/b.txt", tmp_path), document, None, 10, {"s": 0.5}, "text", b"{}\n", 1, tally)
    got = pickle.loads(pickle.dumps(sent))
    assert got.source.id == ""
    assert got.document is not None
    assert got.document.text == ""
    for field in ("skipped", "bytes_in", "timings", "text", "log", "edits", "tally", "features"):
        assert getattr(got, field) == getattr(sent, field)
    assert (got.document.id, got.document.encoding, got.document.meta) == (
        "a/b.txt",
        "cp1252",
        {"sha256": "ab12"},
    )
    kept = Document("7", "caf\u00e9", "utf-8", {"prefix": "{", "suffix": "}", "literal": '"caf\\u00e9"'})
    got_kept = pickle.loads(pickle.dumps(Outcome(Source("x"), kept, None, 1)))
    assert got_kept.document == kept
    for doc_id in ("a/b.txt", 'q"\\u\u2028\u00e9.txt'):
        entry = {"id": doc_id, "encoding": "utf-8", "edits": 3, "path": doc_id, "sha256": "ff"}
        line = _file_entry(Document(doc_id, "", "utf-8", {"sha256": "ff"}), 3)
        assert line == json.dumps(entry, ensure_ascii=False) + "\n"


def test_a_file_name_that_is_not_utf8_is_skipped_naming_it(tmp_path: Path) -> None:
    """Such a name cannot go into the UTF-8 change log and manifest: the file is skipped with
    a message showing its bytes, and the rest of the folder is cleaned."""
    source = tmp_path / "in"
    source.mkdir()
    (source / "good.txt").write_text("正常的内容。\n", encoding="utf-8")
    try:
        (Path(os.fsdecode(os.fsencode(source) + b"/\xff\xfe name.txt"))).write_bytes("内容。\n".encode())
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    code, output = invoke("run", source, tmp_path / "out", "-q")
    assert code == EXIT_SKIPPED
    assert "Traceback" not in output
    assert "skipped: \\xff\\xfe name.txt: file name is not valid UTF-8" in output
    summary = json.loads((tmp_path / "out" / RESERVED_DIR / "summary.json").read_text(encoding="utf-8"))
    assert [(s["id"], s["reason"]) for s in summary["skipped"]] == [("\\xff\\xfe name.txt", "bad_file_name")]
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8") == "正常的内容。\n"


def test_a_run_collects_garbage_rarely_and_leaves_the_collector_as_it_was(
    seeds_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run (and its forked workers) raise the collection threshold and freeze what exists;
    the caller's program gets its own settings back, also when the run fails."""
    import gc

    from clean_seeds import runner

    seen: list[tuple[tuple[int, ...], int]] = []
    clean = runner._clean_sources

    def spying(sources: list[Any]) -> list[Any]:
        seen.append((gc.get_threshold(), gc.get_freeze_count()))
        return clean(sources)

    monkeypatch.setattr(runner, "_clean_sources", spying)
    before = gc.get_threshold()
    gc.set_threshold(500, 7, 9)
    try:
        runner.run(runner.RunOptions(seeds_dir, tmp_path / "out", workers=1))
        assert seen
        assert all(t == (runner.GC_THRESHOLD, 7, 9) and frozen > 0 for t, frozen in seen)
        assert (gc.get_threshold(), gc.get_freeze_count()) == ((500, 7, 9), 0)
        with pytest.raises(CleanSeedsError):
            runner.run(runner.RunOptions(tmp_path / "missing", tmp_path / "out2", workers=1))
        assert (gc.get_threshold(), gc.get_freeze_count()) == ((500, 7, 9), 0)
    finally:
        gc.set_threshold(*before)


def test_start_up_imports_only_what_run_needs() -> None:
    """Modules only other commands, --report, config files or rare encodings use stay unimported
    until then: each is milliseconds more on every start."""
    deferred = [
        "clean_seeds.report",
        "clean_seeds.review",
        "clean_seeds.restore",
        "charset_normalizer",
        "tomllib",
    ]
    code = f"import sys, clean_seeds.cli; print([m for m in {deferred!r} if m in sys.modules])"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
