"""The ``labelnoise`` command group and :func:`main`, which turns errors into exit status 2."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence

import click

from labelnoise import __version__
from labelnoise._errors import InputError
from labelnoise.cli._audit import audit
from labelnoise.cli._bench import bench
from labelnoise.cli._demo import demo
from labelnoise.cli._errors import BadInput, one_line
from labelnoise.cli._find import find
from labelnoise.cli._inputs import debug_option
from labelnoise.cli._report import report
from labelnoise.cli._simulate import simulate

__all__ = ["cli", "main"]

PROG = "labelnoise"
#: Exit status for bad input or usage, as for click's own usage errors.
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name=PROG)
@debug_option
def cli() -> None:
    """Find, count and report wrong labels in a dataset.

    Without a command, `python -m labelnoise` and `labelnoise` run the demo.
    Every command has --help.
    """


for _command in (find, audit, report, demo, simulate, bench):
    cli.add_command(_command)


def _message(error: BaseException) -> str:
    """One line describing a user mistake."""
    if isinstance(error, click.UsageError):
        where = error.ctx.command_path if error.ctx is not None else PROG
        return f"{one_line(error.format_message())} (see '{where} --help')"
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.filename}: {error.strerror or error}"
    return one_line(str(error))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``). With no
        arguments the demo runs.

    Returns
    -------
    int
        0 on success, 2 for bad input or usage, 130 when interrupted.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        click.echo("No command given: running the demo (labelnoise --help lists the commands).")
        args = ["demo"]
    debug = "--debug" in args
    try:
        result = cli.main(args=args, prog_name=PROG, standalone_mode=False)
    except (click.Abort, KeyboardInterrupt):
        click.echo("Interrupted.", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as error:
        if debug:
            traceback.print_exc()
        click.echo(f"{PROG}: error: {_message(error)}", err=True)
        return error.exit_code if not isinstance(error, click.UsageError) else EXIT_BAD_INPUT
    except (BadInput, InputError, OSError) as error:
        if debug:
            traceback.print_exc()
        click.echo(f"{PROG}: error: {_message(error)}", err=True)
        return EXIT_BAD_INPUT
    return result if isinstance(result, int) else 0
