"""Frozen, typed configuration loaded from TOML.

Each stage keeps its own config dataclass next to its rules (``fixes/<stage>.py``,
``dedup/``), so the knobs sit beside the code they tune; this module gathers them into one
:class:`Config` and validates TOML against them.  Every rule is switched by a boolean field
named exactly like the rule.  Fields marked ``metadata={"internal": True}`` are filled in by
the pipeline (corpus statistics) and cannot be set from a file.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .dedup.config import DedupConfig
from .errors import ConfigError
from .fixes.furniture import FurnitureConfig
from .fixes.linewrap import LinewrapConfig
from .fixes.markup import MarkupConfig
from .fixes.punctuation import PunctuationConfig
from .fixes.review import ReviewConfig
from .fixes.unicode import UnicodeConfig
from .fixes.whitespace import WhitespaceConfig


@dataclass(frozen=True)
class InputConfig:
    """How input files are found and read."""

    #: file name suffixes read from a folder (others are listed as skipped)
    suffixes: tuple[str, ...] = (".txt",)
    #: files larger than this many bytes are skipped
    max_file_bytes: int = 512 * 1024 * 1024
    #: share of undecodable bytes above which a file counts as binary and is skipped
    max_undecodable_ratio: float = 0.01


@dataclass(frozen=True)
class Config:
    """The whole configuration: one section per stage, in pipeline order."""

    input: InputConfig = field(default_factory=InputConfig)
    unicode: UnicodeConfig = field(default_factory=UnicodeConfig)
    markup: MarkupConfig = field(default_factory=MarkupConfig)
    furniture: FurnitureConfig = field(default_factory=FurnitureConfig)
    linewrap: LinewrapConfig = field(default_factory=LinewrapConfig)
    punctuation: PunctuationConfig = field(default_factory=PunctuationConfig)
    whitespace: WhitespaceConfig = field(default_factory=WhitespaceConfig)
    review: ReviewConfig = field(default_factory=ReviewConfig)
    dedup: DedupConfig = field(default_factory=DedupConfig)


DEFAULT_CONFIG_PATH = Path(__file__).resolve().parents[2] / "configs" / "default.toml"


def load_config(path: str | Path | None = None) -> Config:
    """Read a TOML config; keys not given keep their defaults.

    Raises :class:`ConfigError` naming the file and key for unknown keys, wrong types,
    or a file that cannot be read or parsed.
    """
    if path is None:
        return Config()
    import tomllib  # (imported here: ~6 ms at start-up that a run without a config file never needs)

    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read config ({err})") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML ({err})") from None
    try:
        return config_from_dict(data)
    except ConfigError as err:
        raise ConfigError(f"{path}: {err}") from None


def config_from_dict(data: dict[str, Any]) -> Config:
    """Build a :class:`Config` from nested dicts, as parsed from TOML.

    >>> config_from_dict({"markup": {"enabled": False}}).markup.enabled
    False
    >>> config_from_dict({"markup": {"enabeld": False}})
    Traceback (most recent call last):
    ...
    clean_seeds.errors.ConfigError: unknown key 'markup.enabeld'
    """
    return _build(Config, data, "")


def _build(cls: type, data: Any, prefix: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"'{prefix.rstrip('.')}' must be a table")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    values = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if key not in fields:
            raise ConfigError(f"unknown key '{name}'")
        hint = hints[key]
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            values[key] = _build(hint, value, f"{name}.")
        else:
            values[key] = _coerce(hint, value, name)
    try:
        return cls(**values)
    except ValueError as err:
        raise ConfigError(str(err)) from None


def _coerce(hint: Any, value: Any, name: str) -> Any:
    origin = typing.get_origin(hint)
    if origin is tuple:
        (item_type, _ellipsis) = typing.get_args(hint)
        if not isinstance(value, list):
            raise ConfigError(f"'{name}' must be a list, got {value!r}")
        return tuple(_coerce(item_type, item, f"{name}[{i}]") for i, item in enumerate(value))
    if origin is typing.Literal:
        choices = typing.get_args(hint)
        if value not in choices:
            raise ConfigError(f"'{name}' must be one of {list(choices)}, got {value!r}")
        return value
    if origin in (typing.Union, types.UnionType):
        for option in typing.get_args(hint):
            if option is type(None) and value is None:
                return None
        hint = next(h for h in typing.get_args(hint) if h is not type(None))
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, hint) or (hint is int and isinstance(value, bool)):
        raise ConfigError(f"'{name}' must be {hint.__name__}, got {value!r}")
    return value


def config_to_dict(config: Any) -> dict[str, Any]:
    """The user-settable keys of a config as plain dicts, as they would be written in TOML."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(config):
        if f.metadata.get("internal"):
            continue
        value = getattr(config, f.name)
        if dataclasses.is_dataclass(value):
            out[f.name] = config_to_dict(value)
        elif isinstance(value, tuple):
            out[f.name] = list(value)
        else:
            out[f.name] = value
    return out


def _field_docs(cls: type) -> dict[str, str]:
    """The ``#:`` comment lines above each field of a config dataclass, by field name."""
    docs: dict[str, str] = {}
    pending: list[str] = []
    for line in inspect.getsource(cls).splitlines():
        stripped = line.strip()
        if stripped.startswith("#:"):
            pending.append(stripped[2:].strip())
        elif ":" in stripped and not stripped.startswith(("#", '"', "class", "@", "def")) and pending:
            docs[stripped.split(":", 1)[0].strip()] = " ".join(pending)
            pending = []
        elif not stripped.startswith("#:"):
            pending = []
    return docs


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        if not value:
            return "[]"
        return "[\n" + "".join(f"    {_toml_value(item)},\n" for item in value) + "]"
    if isinstance(value, str):
        return "'" + value + "'" if "'" not in value and "\n" not in value else json.dumps(value)
    return repr(value)


def render_default_toml() -> str:
    """``configs/default.toml``: every key with its default and the comment that documents it."""
    out = [
        "# clean_seeds default configuration: every key, with its default.",
        "# Copy this file, change what you need (or delete keys to keep their defaults),",
        "# and pass it with `clean-seeds run --config FILE`. Unknown keys are errors.",
        "",
    ]
    config = Config()
    for section in dataclasses.fields(config):
        value = getattr(config, section.name)
        out.append(f"[{section.name}]")
        docs = _field_docs(type(value))
        for f in dataclasses.fields(value):
            if f.metadata.get("internal"):
                continue
            if f.name in docs:
                out.append(f"# {docs[f.name]}")
            out.append(f"{f.name} = {_toml_value(getattr(value, f.name))}")
        out.append("")
    return "\n".join(out)
