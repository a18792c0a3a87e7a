"""The ``labelnoise`` command group and :func:`main`, which turns errors into exit status 2."""

from __future__ import annotations

import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType

import click

from labelnoise import __version__
from labelnoise._errors import InputError
from labelnoise.cli._audit import audit
from labelnoise.cli._bench import bench
from labelnoise.cli._consensus import consensus_command
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
#: Exit status after SIGTERM (128 + 15, as a shell reports it).
EXIT_TERMINATED = 143


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name=PROG)
@debug_option
def cli() -> None:
    """Find, count and report wrong labels in a dataset.

    Without a command, `python -m labelnoise` and `labelnoise` run the demo.
    Every command has --help.
    """


for _command in (find, audit, report, demo, simulate, bench, consensus_command):
    cli.add_command(_command)


def _message(error: BaseException) -> str:
    """One line describing a user mistake."""
    if isinstance(error, click.UsageError):
        where = error.ctx.command_path if error.ctx is not None else PROG
        return f"{one_line(error.format_message())} (see '{where} --help')"
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.filename}: {error.strerror or error}"
    return one_line(str(error))


def _terminate(signum: int, frame: FrameType | None) -> None:
    """SIGTERM: unwind like an exception, so ``finally`` blocks remove temporary files."""
    raise SystemExit(EXIT_TERMINATED)


@contextmanager
def _terminable() -> Iterator[None]:
    """Turn SIGTERM into ``SystemExit`` while the command runs (main thread only).

    Installed here, in the entry point, never at import; the previous handler is put
    back afterwards, so calling :func:`main` in-process leaves no trace.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


#: Warnings for developers, not for the people running the command.
_QUIET = (DeprecationWarning, PendingDeprecationWarning, FutureWarning, ImportWarning)


def _print_warnings(caught: list[warnings.WarningMessage]) -> None:
    """Each warning as one line on standard error, like the errors."""
    for record in caught:
        if not issubclass(record.category, _QUIET):
            click.echo(f"{PROG}: warning: {one_line(str(record.message))}", err=True)


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
        0 on success, 2 for bad input or usage, 1 when ``audit`` wrote issues.csv but not
        its report, 130 when interrupted. SIGTERM ends the command by ``SystemExit(143)``
        after its temporary files are removed.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        click.echo("No command given: running the demo (labelnoise --help lists the commands).")
        args = ["demo"]
    debug = "--debug" in args
    # Warnings are printed once the command succeeds (an error stays the one line on
    # standard error; --debug prints them before it).
    caught: list[warnings.WarningMessage] = []
    try:
        with _terminable(), warnings.catch_warnings(record=True) as caught:
            result = cli.main(args=args, prog_name=PROG, standalone_mode=False)
    except (click.Abort, KeyboardInterrupt):
        click.echo("Interrupted.", err=True)
        return EXIT_INTERRUPTED
    except (click.ClickException, BadInput, InputError, OSError) as error:
        if debug:
            _print_warnings(caught)
            traceback.print_exc()
        click.echo(f"{PROG}: error: {_message(error)}", err=True)
        if isinstance(error, click.ClickException) and not isinstance(error, click.UsageError):
            return error.exit_code
        return EXIT_BAD_INPUT
    _print_warnings(caught)
    return result if isinstance(result, int) else 0
