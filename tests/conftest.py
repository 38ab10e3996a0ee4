"""Shared fixtures: the seed documents and a hostile synthetic input set."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from clean_seeds.edits import apply_edits, revert_edits
from clean_seeds.models import Edit

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


def seed_texts() -> dict[str, str]:
    """The seed documents by file name."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Path:
    """A private copy of the seeds folder."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


HOSTILE_TEXTS: dict[str, bytes] = {
    "crlf.txt": "第一行,内容\r\n第二行\r\n\r\nEnglish line\r\n".encode(),
    "mixed_endings.txt": "甲\r\n乙\r丙\n丁".encode(),
    "bom_utf8.txt": "\ufeff中文内容,带BOM。\n中间\ufeff也有\n".encode(),
    "utf16.txt": "UTF-16 文本。\n第二行\n".encode("utf-16"),
    "gb18030.txt": "国内生产总值增长5.2%,这是GB18030编码的文件。\n".encode("gb18030"),
    "big5.txt": "這是一個繁體中文的文件，使用大五碼編碼。\n".encode("big5"),
    "zero_width.txt": "零\u200b宽\u200d字符\u2060和软\u00adhyphen\n".encode(),
    "mojibake.txt": "donâ€™t panic â€” itâ€™s fine\n".encode(),
    "gbk_mojibake.txt": "中文内容".encode().decode("gbk", "replace").encode("utf-8") + b"\n",
    "controls.txt": "控制\x07字符\x1b[0m和\x00NUL?\n".encode().replace(b"\x00", b""),
    "fullwidth.txt": "１９９８年ＰＭ２．５浓度，下降了。\n".encode(),
    "subdir/nested.txt": "子目录里的文件。\n".encode(),
}


@pytest.fixture
def hostile_dir(tmp_path: Path) -> Path:
    """A folder of awkward but readable inputs: encodings, BOMs, line endings, invisible chars."""
    target = tmp_path / "hostile"
    for name, data in HOSTILE_TEXTS.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return target


def write_jsonl(path: Path, records: list[object]) -> Path:
    """Write records (dicts, or raw strings written as they are) as a JSONL file."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def run_stage_rules(module: ModuleType, text: str, cfg: Any) -> tuple[str, list[Edit]]:
    """Run a stage module's enabled rules in order, checking that each rule's edits replay and revert."""
    edits: list[Edit] = []
    for rule in module.RULES:
        if not getattr(cfg, rule.__name__):
            continue
        result = rule(text, cfg)
        assert apply_edits(text, result.edits) == result.text, rule.__name__
        assert revert_edits(result.text, result.edits) == text, rule.__name__
        assert all(e.rule == rule.__name__ and e.before != e.after for e in result.edits)
        edits += result.edits
        text = result.text
    return text, edits


def assert_stage_case(module: ModuleType, cfg: Any, text_in: str, text_out: str | None) -> None:
    """A table case: the stage turns ``text_in`` into ``text_out`` (``None``: no edit), then is idempotent."""
    text, edits = run_stage_rules(module, text_in, cfg)
    assert text == (text_in if text_out is None else text_out)
    assert (text_out is None) == (not edits)
    assert run_stage_rules(module, text, cfg) == (text, [])
