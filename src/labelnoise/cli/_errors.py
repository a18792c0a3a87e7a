"""User mistakes, reported by the command line as one line and exit status 2."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from labelnoise._errors import InputError

__all__ = ["BadInput", "CommandWarning", "one_line", "translated", "warn"]

#: Library advice rewritten as the command-line option that does the same thing.
_HINTS = (
    ("pass normalize=True", "pass --normalize"),
    ("pass classes=[...]", "pass --classes"),
    ("Add them to classes", "Add them to --classes"),
    ("with classes=", "with --classes"),
)


class BadInput(Exception):
    """A mistake in the command line or its input files; the message names the fix."""


class CommandWarning(UserWarning):
    """Something the user should check; the command still did its work."""


def warn(message: str) -> None:
    """Warn the user; :func:`labelnoise.cli.main` prints it as one line once the command ends.

    Parameters
    ----------
    message : str
    """
    warnings.warn(message, CommandWarning, stacklevel=2)


def one_line(message: str) -> str:
    """Collapse a message onto a single line."""
    return " ".join(str(message).split())


def _detail(error: InputError) -> str:
    text = error.message
    for api, option in _HINTS:
        text = text.replace(api, option)
    return text


@contextmanager
def translated(sources: Mapping[str, str]) -> Iterator[None]:
    """Re-raise library :class:`InputError` as :class:`BadInput` naming the file or option.

    Parameters
    ----------
    sources : mapping of str to str
        Library argument name (``"labels"``) to what the user gave
        (``"--labels labels.csv"``).
    """
    try:
        yield
    except InputError as error:
        where = sources.get(error.argument.split("[")[0], error.argument)
        raise BadInput(f"{where}: {_detail(error)}") from error
