"""The HTML report as a person sees it, in headless Debian chromium driven over the DevTools pipe.

Checks the seeds report (summary numbers match the run summary; where the run made them, a
rule filter and a duplicate cluster) and a synthetic report whose edits are fixed (filters hide
other rules, duplicate clusters show their kept twin, hostile text never runs), and saves
``docs/report-seeds.png``.  No Python packages beyond the standard library.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clean_seeds import runner
from clean_seeds.config import Config
from clean_seeds.report import write_report
from tests.test_review import DOCS, make_output

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = ROOT / "docs" / "report-seeds.png"
#: A file name that is also markup: must show as text and never run.
HOSTILE_NAME = "<img src=x onerror=document.title='pwned'>.txt"


def _ensure_chromium() -> None:
    if CHROMIUM.exists():
        return
    result = subprocess.run([str(ROOT / "scripts" / "ensure_chromium.sh")], capture_output=True, text=True)
    if result.returncode != 0 or not CHROMIUM.exists():
        pytest.skip(f"chromium is missing and could not be installed: {result.stderr.strip()[-300:]}")


class Browser:
    """A minimal DevTools-protocol client over ``--remote-debugging-pipe`` (fds 3 and 4)."""

    def __init__(self, profile: Path) -> None:
        to_child, self._write = os.pipe()
        self._read, from_child = os.pipe()
        # Chromium reads commands on fd 3 and writes replies on fd 4: move the pipe ends out of
        # the way first so that putting one on 3 cannot overwrite the other.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_child, from_child)]
        os.close(to_child)
        os.close(from_child)

        def wire_fds() -> None:
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=wire_fds,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for fd in high:
            os.close(fd)
        self._buffer = b""
        self._next_id = 0
        self.session = ""
        try:
            target = self.call("Target.createTarget", url="about:blank")["targetId"]
            self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            self.call(
                "Emulation.setDeviceMetricsOverride",
                width=1280,
                height=1000,
                deviceScaleFactor=1,
                mobile=False,
            )
        except (RuntimeError, OSError):
            self.close()
            raise

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if method.split(".")[0] not in ("Target", "Browser"):
            message["sessionId"] = self.session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply["result"]
                return result

    def _receive(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        reply: dict[str, Any] = json.loads(message)
        return reply

    def js(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str) -> None:
        """Load ``url`` and wait until the report has rendered."""
        self.call("Page.navigate", url=url)
        self.wait(
            "document.readyState === 'complete' && document.body && document.body.dataset.ready === '1'"
        )

    def set_hash(self, state: str) -> None:
        self.js("document.body.dataset.ready = ''")
        self.js(f"location.hash = {json.dumps(state)}")
        self.wait("document.body.dataset.ready === '1'")

    def wait(self, condition: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while not self.js(f"Boolean({condition})"):
            if time.monotonic() > deadline:
                raise TimeoutError(condition)
            time.sleep(0.05)

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        os.close(self._write)
        os.close(self._read)
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    _ensure_chromium()
    session = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield session
    session.close()


#: JavaScript: the visible text of every element matching a selector.
TEXTS = "[...document.querySelectorAll({!r})].filter(e => e.offsetParent !== null).map(e => e.innerText)"
#: JavaScript: an attribute of every element matching a selector.
ATTRS = "[...document.querySelectorAll({!r})].map(e => e.getAttribute({!r}))"


def shown_stats(browser: Browser) -> dict[str, int]:
    names = browser.js("[...document.querySelectorAll('#stats .stat')].map(e => e.id)")
    return {
        name.removeprefix("stat-"): int(browser.js(f"document.getElementById({name!r}).dataset.value"))
        for name in names
    }


def visible_number(browser: Browser, name: str) -> int:
    return int(browser.js(f"document.querySelector('#stat-{name} b').innerText").replace(",", ""))


def test_seeds_report(browser: Browser, tmp_path: Path) -> None:
    output = tmp_path / "seeds-out"
    summary = runner.run(runner.RunOptions(ROOT / "seeds", output, Config()))
    report = tmp_path / "report.html"
    write_report(output, report)
    browser.open(report.as_uri())
    stats = shown_stats(browser)
    assert stats["documents"] == summary["documents"] == visible_number(browser, "documents")
    assert stats["edits"] == sum(summary["edits"].values()) == visible_number(browser, "edits")
    assert stats["flags"] == sum(summary["flags"].values()) == visible_number(browser, "flags")
    assert stats["chars-removed"] == summary["chars_removed"]
    assert stats["chars-added"] == summary["chars_added"]
    assert stats["duplicates"] == sum(n for key, n in summary["edits"].items() if key.startswith("dedup."))
    assert set(browser.js(ATTRS.format("#chart .bar", "data-key"))) == {*summary["edits"], *summary["flags"]}
    busiest = max(browser.js("D.docs.map(d => [d.count, d.id])"), default=None)
    if busiest is not None and busiest[0]:
        browser.set_hash(f"doc={busiest[1]}")
    # The README's screenshot is refreshed on request only, so a test run leaves the tree clean.
    shot = SCREENSHOT if os.environ.get("UPDATE_SCREENSHOT") else tmp_path / "report-seeds.png"
    browser.screenshot(shot)
    assert shot.stat().st_size > 10_000
    keys = [*summary["edits"], *summary["flags"]]
    if len(keys) >= 2:
        rule = keys[0]
        browser.set_hash(f"rule={rule}")
        assert set(
            browser.js(ATTRS.format("#doc-view [data-rule], #flag-list [data-rule]", "data-rule"))
        ) <= {rule}
    clusters = browser.js("D.clusters.length")
    if clusters:
        assert browser.js("document.querySelector('#dup-list .cluster .kept').innerText")


def test_synthetic_report_filters_duplicates_and_hostile_text(
    browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = {
        "a.txt": DOCS["a.txt"],
        "b.txt": DOCS["b.txt"],
        HOSTILE_NAME: (
            "</script><script>document.title='pwned'</script><b>x</b>--\n"
            "<img src=x onerror=\"document.title='pwned'\">??? \u2028 end\n"
        ),
    }
    output = make_output(tmp_path, monkeypatch, docs)
    report = tmp_path / "report.html"
    write_report(output, report)
    browser.open(report.as_uri())
    assert browser.js("document.title") != "pwned"
    assert browser.js("document.querySelectorAll('img').length") == 0
    assert browser.js("document.querySelectorAll('script').length") == 2
    assert HOSTILE_NAME in browser.js(TEXTS.format("#doc-list .doc-row td"))

    browser.set_hash("rule=punctuation.em_dash")
    assert browser.js(TEXTS.format("#doc-list .doc-row td:first-child")) == [HOSTILE_NAME, "a.txt", "b.txt"]
    assert set(browser.js(ATTRS.format("#doc-view [data-rule]", "data-rule"))) == {"punctuation.em_dash"}
    assert browser.js(TEXTS.format("#doc-text .ed")) == ["—"]
    assert browser.js(TEXTS.format("#dup-list .cluster")) == []

    browser.set_hash("rule=markup.strip_tags&view=original&doc=a.txt")
    assert browser.js(TEXTS.format("#doc-text .ed")) == ["<b>", "</b>"]
    assert browser.js("document.getElementById('view-original').classList.contains('on')")

    browser.set_hash("kind=flags")
    assert browser.js(TEXTS.format("#flag-list .flag-row td:nth-child(3)")) == [
        "review.ocr_gap",
        "review.ocr_gap",
    ]

    browser.set_hash("stage=dedup")
    clusters = browser.js(
        "[...document.querySelectorAll('#dup-list .cluster')].map(c => ({sim: +c.dataset.similarity,"
        " kept: c.querySelector('.kept').innerText, keptDoc: c.querySelector('.kept').dataset.doc,"
        " copies: [...c.querySelectorAll('.copy')].map(e => [e.dataset.doc, e.innerText])}))"
    )
    assert clusters == [
        {"sim": 0.85, "kept": "第2段有编号。", "keptDoc": "a.txt", "copies": [["b.txt", "第3段有编号。"]]},
        {
            "sim": 1.0,
            "kept": "共同的段落，出现两次。",
            "keptDoc": "a.txt",
            "copies": [["b.txt", "共同的段落，出现两次。"]],
        },
    ]
    assert browser.js("document.title") != "pwned"


def test_flag_decisions_persist(browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = make_output(tmp_path, monkeypatch)
    report = tmp_path / "report.html"
    write_report(output, report)
    browser.open(report.as_uri())
    browser.js("document.querySelector('#flag-list .flag-row button[data-decide=accept]').click()")
    browser.open(report.as_uri() + "#kind=flags")
    assert browser.js(ATTRS.format("#flag-list .flag-row", "data-state")) == ["accept"]
    assert browser.js("document.getElementById('flag-counts').innerText").startswith("1 flags: 1 accepted")
