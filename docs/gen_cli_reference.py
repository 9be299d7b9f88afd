"""Generate docs/cli.md from the commands' ``--help`` text.

Run from the project root after changing any command:
``.venv/bin/python docs/gen_cli_reference.py``. With ``--check`` it exits 1 when docs/cli.md is
out of date (tests/cli/test_cli_help.py makes the same check).
Help is rendered at a fixed width so the output does not depend on the terminal.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from boneimu.cli.main import COMMANDS, LazyGroup, cli

OUT = Path(__file__).with_name("cli.md")
WIDTH = 100

INTRO = """# Command-line reference

Generated from `--help` by `docs/gen_cli_reference.py`; do not edit by hand (a test fails when
this page and the commands disagree). Every command turns a bad input into one line on stderr
naming the file and exit code 2; see [units](units.md) for the conventions behind the numbers.
"""


def _help(cmd: click.Command, name: str, parent: click.Context | None) -> str:
    ctx = click.Context(
        cmd, info_name=name, parent=parent, terminal_width=WIDTH, max_content_width=WIDTH
    )
    return cmd.get_help(ctx)


def render() -> str:
    """The whole Markdown page."""
    root = click.Context(
        cli,
        info_name="boneimu",
        terminal_width=WIDTH,
        max_content_width=WIDTH,
        help_option_names=["-h", "--help"],  # as cli.main sets them
    )
    parts = [INTRO, "## boneimu\n", "```text", cli.get_help(root), "```\n"]
    for name in sorted(COMMANDS):
        cmd = LazyGroup._load(name)
        if cmd is None:
            continue  # command not built yet
        parts += [f"## boneimu {name}\n", "```text", _help(cmd, name, root), "```\n"]
    return "\n".join(parts)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date: run python docs/gen_cli_reference.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
