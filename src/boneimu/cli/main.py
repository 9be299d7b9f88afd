"""``boneimu`` command line: a thin layer over the library.

Sub-commands live one per module in this package and are imported lazily, so a slow import
(bleak, matplotlib) never delays ``boneimu info``. Any :class:`BoneimuError` becomes one line
on stderr and exit code 2; Ctrl-C exits 130; nothing prints a traceback unless ``--debug``.
"""

from __future__ import annotations

import importlib
import sys

import click

from boneimu import __version__
from boneimu.errors import BoneimuError

# command name -> "module:attribute"
COMMANDS: dict[str, str] = {
    "info": "boneimu.cli.info:info",
    "convert": "boneimu.cli.convert:convert",
    "simulate": "boneimu.cli.simulate:simulate",
    "analyze": "boneimu.cli.analyze:analyze",
    "validate": "boneimu.cli.validate:validate",
    "log": "boneimu.cli.log:log",
    "week": "boneimu.cli.log:week",
    "devices": "boneimu.cli.ble:devices",
    "record": "boneimu.cli.ble:record",
    "replay": "boneimu.cli.ble:replay",
    "report": "boneimu.cli.report:report",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(n for n in COMMANDS if self._load(n) is not None)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        mod_name, attr = target.split(":")
        try:
            mod = importlib.import_module(mod_name)
        except ModuleNotFoundError as exc:  # command not built yet
            if exc.name == mod_name:
                return None
            raise
        cmd = getattr(mod, attr)
        assert isinstance(cmd, click.Command)
        return cmd


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="boneimu")
@click.option("--debug", is_flag=True, help="Show full tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """boneimu: bone-loading exercise from phone and BLE IMU recordings."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def main(argv: list[str] | None = None) -> int:
    """Console entry point. Returns the exit code (also used by tests)."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="boneimu", standalone_mode=False)
    except BoneimuError as exc:
        if debug:
            raise
        click.echo(f"boneimu: error: {exc}", err=True)
        return _exit(2)
    except click.exceptions.Abort:
        click.echo("boneimu: interrupted", err=True)
        return _exit(130)
    except click.ClickException as exc:
        exc.show()
        return _exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        return _exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("boneimu: interrupted", err=True)
        return _exit(130)
    except BrokenPipeError:
        return _exit(0)
    except Exception as exc:  # last resort: still one line, never a traceback
        if debug:
            raise
        click.echo(
            f"boneimu: internal error: {type(exc).__name__}: {exc} "
            "(run with --debug for details and please report it)",
            err=True,
        )
        return _exit(70)
    return _exit(0)


def _exit(code: int) -> int:
    """The console-script wrapper passes this to ``sys.exit``; tests read it directly."""
    return code


if __name__ == "__main__":
    sys.exit(main())
