"""Config: the documented defaults file, validation messages, and switching rules off."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from clean_seeds.config import (
    Config,
    _field_docs,
    config_from_dict,
    load_config,
    render_default_toml,
)
from clean_seeds.errors import ConfigError
from clean_seeds.pipeline import STAGES, run_stages

from .conftest import ROOT

DEFAULT_TOML = ROOT / "configs" / "default.toml"


def test_default_toml_is_current_and_loads_to_the_defaults() -> None:
    assert DEFAULT_TOML.read_text(encoding="utf-8") == render_default_toml(), (
        "configs/default.toml is stale: regenerate with "
        "`python -c 'from clean_seeds.config import render_default_toml as r; print(r(), end=\"\")'`"
    )
    assert load_config(DEFAULT_TOML) == Config()


def test_every_key_is_documented() -> None:
    config = Config()
    for section in dataclasses.fields(config):
        section_type = type(getattr(config, section.name))
        docs = _field_docs(section_type)
        for f in dataclasses.fields(section_type):
            if not f.metadata.get("internal"):
                assert f.name in docs, f"{section.name}.{f.name} has no #: comment"


def test_every_rule_has_a_switch_of_its_own_name() -> None:
    config = Config()
    for module in STAGES:
        stage_config = getattr(config, module.STAGE)
        for rule in module.RULES:
            assert isinstance(getattr(stage_config, rule.__name__), bool), rule.__name__


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"nope": {}}, "unknown key 'nope'"),
        ({"markup": {"enabled": 1}}, "'markup.enabled' must be bool"),
        ({"markup": True}, "'markup' must be a table"),
        ({"input": {"max_file_bytes": "big"}}, "'input.max_file_bytes' must be int"),
        ({"input": {"suffixes": ".txt"}}, "'input.suffixes' must be a list"),
        ({"input": {"suffixes": [1]}}, "'input.suffixes[0]' must be str"),
    ],
)
def test_bad_values_are_rejected_naming_the_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        config_from_dict(data)


def test_int_is_accepted_for_float() -> None:
    assert config_from_dict({"input": {"max_undecodable_ratio": 0}}).input.max_undecodable_ratio == 0.0


def test_load_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[whitespace]\nenabeld = false\n")
    with pytest.raises(ConfigError, match=f"{path}: unknown key 'whitespace.enabeld'"):
        load_config(path)


def test_a_disabled_stage_makes_no_edits() -> None:
    text = "第一行,内容\r\n  </div>\u200b\n"
    sections = {module.STAGE: {"enabled": False} for module in STAGES}
    assert run_stages(text, config_from_dict(sections)).edits == ()


def test_each_config_gets_its_own_rules_and_the_same_step_numbers() -> None:
    """``run_stages`` keeps the plan of the config it saw last: alternating configs must still
    each run exactly their own rules, and a rule's step number does not depend on what is off."""
    text = "第一行,内容\u200b\n"
    default = Config()
    no_comma = config_from_dict({"punctuation": {"fullwidth_punctuation": False}})
    no_unicode = config_from_dict({"unicode": {"enabled": False}})
    rules = {}
    for config in (default, no_comma, no_unicode, default, no_comma, no_unicode):
        rules.setdefault(id(config), set()).add(
            tuple((e.stage, e.rule, e.step) for e in run_stages(text, config).edits)
        )
    assert all(len(seen) == 1 for seen in rules.values())  # the same edits every time
    by_rule = {
        name: {(e.stage, e.rule): e.step for e in run_stages(text, config).edits}
        for name, config in (("default", default), ("no_comma", no_comma), ("no_unicode", no_unicode))
    }
    assert ("punctuation", "fullwidth_punctuation") in by_rule["default"]
    assert ("punctuation", "fullwidth_punctuation") not in by_rule["no_comma"]
    assert ("unicode", "remove_zero_width") in by_rule["default"]
    assert not any(stage == "unicode" for stage, _ in by_rule["no_unicode"])
    comma_step = by_rule["default"]["punctuation", "fullwidth_punctuation"]
    assert by_rule["no_unicode"]["punctuation", "fullwidth_punctuation"] == comma_step
