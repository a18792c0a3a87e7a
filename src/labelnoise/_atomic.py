"""Atomic file writes: readers see the old file or the whole new one, never a part.

The one writer of the package (the command line and :mod:`labelnoise.bench` both use it).
Content goes to a temporary file beside the destination (same file system, so the final
rename is atomic), is flushed to disk, and is then moved into place. The temporary file
is removed when anything fails, including a ``SystemExit`` raised by a SIGTERM handler
(the command line installs one). A process killed outright (SIGKILL, power loss) cannot
clean up, so every write first removes *stale* temporary files of its destination: ours
by name (``.NAME.<host>-<pid>-<random>.tmp``), whose creating process is gone or which
are older than :data:`STALE_AFTER_S`.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["STALE_AFTER_S", "remove_stale_temps", "temp_path", "write_atomic"]

#: A temporary file of ours older than this (seconds) is stale whoever made it.
STALE_AFTER_S = 3600.0
#: ``<host>-<pid>-<random>``: the host hash and pid tell whether its writer still runs.
_TAG = re.compile(r"(?:(?P<host>[0-9a-f]{6})-(?P<pid>\d+)-)?[0-9a-f]{12}")

Content = bytes | str | Callable[[BinaryIO], object]


def _host() -> str:
    """A short, stable tag of this machine (pids of other machines cannot be checked)."""
    return hashlib.sha1(socket.gethostname().encode("utf-8")).hexdigest()[:6]


def temp_path(path: Path) -> Path:
    """A new temporary path beside ``path`` naming this host and process.

    Parameters
    ----------
    path : Path
        The destination.

    Returns
    -------
    Path
        ``.NAME.<host>-<pid>-<random>.tmp`` in the destination's folder.
    """
    return path.with_name(f".{path.name}.{_host()}-{os.getpid()}-{secrets.token_hex(6)}.tmp")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but belongs to someone else, or cannot be told
    return True


def _is_stale(temp: Path, tag: re.Match[str], now: float) -> bool:
    try:
        age = now - temp.stat().st_mtime
    except OSError:
        return False
    if age > STALE_AFTER_S:
        return True
    pid = tag["pid"]
    if pid is None or tag["host"] != _host():
        return False  # an old-style name, or another machine's process: wait for the age
    return int(pid) != os.getpid() and not _pid_alive(int(pid))


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove stale temporary files that earlier writes of ``path`` left behind.

    Only files named as :func:`temp_path` names them for this destination are
    considered; one is stale when the process that created it (on this host) is gone, or
    when it is older than :data:`STALE_AFTER_S` seconds.

    Parameters
    ----------
    path : Path
        The destination whose folder is searched.

    Returns
    -------
    list of Path
        The files removed.
    """
    prefix, now = f".{path.name}.", time.time()
    removed: list[Path] = []
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        tag = _TAG.fullmatch(name[len(prefix) : -len(".tmp")])
        if tag is not None and _is_stale(entry, tag, now):
            try:
                entry.unlink()
            except OSError:
                continue
            removed.append(entry)
    return removed


def _publish(temp: Path, path: Path, *, overwrite: bool) -> None:
    if overwrite:
        os.replace(temp, path)
        return
    try:
        os.link(temp, path)  # atomic, and fails instead of replacing a file that appeared
    except FileExistsError:
        raise
    except OSError:  # file systems without hard links
        if path.exists():
            raise FileExistsError(17, "File exists", str(path)) from None
        os.replace(temp, path)


def write_atomic(path: Path, content: Content, *, overwrite: bool = True) -> None:
    """Write ``content`` to ``path`` so that readers see the old file or the whole new one.

    Parameters
    ----------
    path : Path
        Destination; missing parent folders are created.
    content : bytes, str or callable
        The bytes (``str`` is encoded as UTF-8), or a function that writes them to the
        binary handle it is given.
    overwrite : bool, default=True
        Replace an existing file (``os.replace``). When False the file is published by a
        hard link, which fails with ``FileExistsError`` instead of replacing a file that
        appeared meanwhile.

    Raises
    ------
    FileExistsError
        ``overwrite`` is False and ``path`` exists.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path)
    temp = temp_path(path)
    try:
        # 0o666 minus the umask: the same mode an ordinary new file would get.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as handle:
            if callable(content):
                content(handle)
            else:
                handle.write(content.encode("utf-8") if isinstance(content, str) else content)
            handle.flush()
            os.fsync(handle.fileno())
        _publish(temp, path, overwrite=overwrite)
    finally:
        temp.unlink(missing_ok=True)
