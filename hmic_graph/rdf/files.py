"""Writing a file whole or not at all: :func:`write_text`, :func:`write_bytes`.

A file is written to a temporary file beside it, synced and renamed over
it, so a reader never sees half a file; a link is followed to its target,
``-`` is standard output, and a device or a pipe is written through.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from hmic_graph.model.errors import ExportError

__all__ = ["write_bytes", "write_text"]


def write_text(text: str, path: str | os.PathLike[str]) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically, as :func:`write` does, and return the path.

    For text already serialized, e.g. while a graph was being validated.

    :raises ExportError: the file cannot be written (the error names the path).
    """
    return write_bytes(text.encode("utf-8"), path)


def write_bytes(data: bytes, path: str | os.PathLike[str]) -> Path:
    """Write ``data`` to ``path`` atomically, as :func:`write` does, and return the path.

    For files that are not text, such as a PNG picture of the network.

    :raises ExportError: the file cannot be written, or ``path`` is a folder
        (the error names the path).
    """
    if os.fspath(path) == "-":
        _stream(data, None)
        return Path("-")
    given = Path(path)
    # A link is followed to the file it names, which is what gets replaced:
    # replacing the link itself would cut it from its target.
    target = Path(os.path.realpath(given))
    try:
        mode = given.stat().st_mode  # through links: /dev/stdout is a link to a pipe or terminal
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ExportError(f"cannot write file: {exc.strerror or exc}", path=given) from exc
    if mode is not None and stat.S_ISDIR(mode):
        raise ExportError("this is a folder; name a file to write", path=given)
    if mode is not None and not stat.S_ISREG(mode):
        _stream(data, given)  # a device or a pipe: written through, never replaced
        return given
    temp = target.with_name(f".{target.name}.{os.urandom(6).hex()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # os.open applies the umask, which tempfile's 0o600 files would not.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(temp, stat.S_IMODE(mode))
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ExportError(f"cannot write file: {exc.strerror or exc}", path=given) from exc
    return given


def _stream(data: bytes, path: Path | None) -> None:
    """Write ``data`` to standard output (``path`` None) or through the non-regular file ``path``."""
    try:
        if path is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            with path.open("ab") as handle:  # append: a device or pipe has nothing to truncate
                handle.write(data)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise ExportError(f"cannot write: {exc.strerror or exc}", path=path or "-") from exc
