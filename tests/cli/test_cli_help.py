"""Every command has help text, and docs/cli.md matches the commands' --help."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click
import pytest

from boneimu.cli.main import COMMANDS, LazyGroup, main

ROOT = Path(__file__).resolve().parents[2]


def built_commands() -> list[str]:
    return sorted(n for n in COMMANDS if LazyGroup._load(n) is not None)


def test_info_and_convert_are_registered_and_built() -> None:
    assert {"info", "convert"} <= set(built_commands())


@pytest.mark.parametrize("name", built_commands())
def test_every_command_has_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    cmd = LazyGroup._load(name)
    assert cmd is not None
    assert cmd.help and cmd.help.strip(), f"`boneimu {name}` has no docstring/help"
    for param in cmd.params:
        if isinstance(param, click.Option):
            assert param.help, f"`boneimu {name}` option {param.opts} has no help text"
    assert main([name, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Usage: boneimu {name}") and "Options:" in out


def test_cli_reference_doc_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("gen_cli", ROOT / "docs" / "gen_cli_reference.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == gen.render(), "docs/cli.md is stale: run python docs/gen_cli_reference.py"
    for name in built_commands():
        assert f"## boneimu {name}\n" in current
