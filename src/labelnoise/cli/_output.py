"""Output files: checked before any work, written atomically, never silently replaced."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from labelnoise.cli._errors import BadInput

__all__ = ["claim_output", "write_atomic"]


def claim_output(path: Path, *, option: str, force: bool, inputs: Iterable[Path] = ()) -> Path:
    """Check that ``path`` may be written, before the (possibly slow) work starts.

    Parameters
    ----------
    path : Path
        The output file.
    option : str
        How the user named it, for messages (``"--out"``).
    force : bool
        Whether an existing file may be replaced.
    inputs : iterable of Path
        Input files, which are never overwritten, not even with ``--force``.

    Returns
    -------
    Path
        ``path``, unchanged.
    """
    resolved = path.resolve()
    if any(resolved == Path(source).resolve() for source in inputs):
        raise BadInput(f"{option} {path} is also an input file; choose another output path.")
    if path.is_dir():
        raise BadInput(f"{option} {path} is a directory; give a file name such as {path}/out.")
    if path.exists() and not force:
        raise BadInput(f"{option} {path} already exists; pass --force to overwrite it.")
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise BadInput(f"{option} {path}: {parent} is a file, not a directory.")
    return path


def _temp_file(path: Path) -> tuple[int, Path]:
    """Create a new temporary file beside ``path`` (same file system, so rename is atomic)."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # 0o666 minus the umask: the same mode an ordinary new file would get.
    return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temp


def _publish(temp: Path, path: Path, *, force: bool) -> None:
    if force:
        os.replace(temp, path)
        return
    try:
        os.link(temp, path)  # atomic, and fails instead of replacing a file that appeared
    except FileExistsError:
        raise BadInput(f"{path} already exists; pass --force to overwrite it.") from None
    except OSError:  # file systems without hard links
        if path.exists():
            raise BadInput(f"{path} already exists; pass --force to overwrite it.") from None
        os.replace(temp, path)


def write_atomic(path: Path, data: bytes | str, *, force: bool = False) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one.

    The bytes go to a temporary file in the same directory, are flushed to disk, and the
    file is then moved into place (``os.replace`` with ``force``; otherwise a hard link,
    which refuses to replace a file created meanwhile). Missing parent directories are
    created.

    Parameters
    ----------
    path : Path
        Destination.
    data : bytes or str
        Content; ``str`` is encoded as UTF-8.
    force : bool, default=False
        Replace an existing file.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = _temp_file(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        _publish(temp, path, force=force)
    finally:
        temp.unlink(missing_ok=True)
