"""The files of an on-disk store: what a store folder looks like, its log files, its generation.

An on-disk store is a RocksDB folder written by Oxigraph, plus hmic-graph's
own :data:`GENERATION_FILE`, holding the store's generation (see
:func:`read_generation`), and :data:`ANSWERS_FOLDER`, the kept answers of
the bundled questions (:mod:`hmic_graph.sparql.answers`). Nothing here
opens the database.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from hmic_graph.model.errors import HmicGraphError, StoreNotFound

__all__ = [
    "ANSWERS_FOLDER",
    "GENERATION_FILE",
    "KEPT_LOGS",
    "check_store_folder",
    "prune_logs",
    "read_generation",
    "write_generation",
]

#: The file, inside the store folder, that holds the generation as decimal digits.
GENERATION_FILE = "hmic-graph.generation"

#: The folder, inside the store folder, of the bundled questions' kept answers, one sub-folder per generation.
ANSWERS_FOLDER = "hmic-graph.answers"

#: Old RocksDB info logs (``LOG.old.*``) kept in a store folder. RocksDB
#: rotates ``LOG`` at every read-write opening and pyoxigraph does not expose
#: the option that bounds them, so :func:`prune_logs` removes the older ones.
KEPT_LOGS = 2

_ROCKSDB_FILES = frozenset({"CURRENT", "LOCK", "IDENTITY", "LOG"})


def is_rocksdb_file(name: str) -> bool:
    """Whether ``name`` is a file RocksDB writes into a database folder.

    RocksDB writes ``LOG`` and ``LOCK`` some time before ``CURRENT`` when it
    creates a store, so a store another process is creating right now counts too.

    >>> is_rocksdb_file("000012.sst"), is_rocksdb_file("notes.txt")
    (True, False)
    """
    return (
        name in _ROCKSDB_FILES
        or name.startswith(("MANIFEST-", "OPTIONS-", "LOG.old"))
        or name.endswith((".log", ".sst"))
    )


def check_store_folder(path: Path, *, create: bool) -> None:
    """Check that ``path`` is a store folder, or may become one.

    :param create: whether a missing folder is fine (it will be created).
    :raises StoreNotFound: ``path`` does not exist and ``create`` is false.
    :raises HmicGraphError: ``path`` is a file, or a non-empty folder that holds no store.
    """
    if path.exists() and not path.is_dir():
        raise HmicGraphError("this is a file, not a store folder", path=path)
    if path.is_dir():
        names = [entry.name for entry in path.iterdir()]
        if names and not any(is_rocksdb_file(name) for name in names):
            raise HmicGraphError(
                "this folder is not empty and holds no store; choose a new or empty folder",
                path=path,
            )
        if not create and not any(is_rocksdb_file(name) for name in names):
            raise StoreNotFound(
                "this folder holds no store; create one with `hmic-graph load RELEASE... --store DIR`",
                path=path,
            )
        return
    if not create:
        raise StoreNotFound(
            "no store here; create one with `hmic-graph load RELEASE... --store DIR`", path=path
        )


def prune_logs(path: Path, *, keep: int = KEPT_LOGS) -> None:
    """Remove all but the ``keep`` newest ``LOG.old.*`` files of the store at ``path``.

    Safe while other processes read the store: RocksDB never reopens an old
    info log. Errors (a file already gone) are ignored.
    """
    with contextlib.suppress(OSError):
        old = sorted(
            (entry for entry in os.scandir(path) if entry.name.startswith("LOG.old.")),
            key=lambda entry: entry.name,  # the suffix is a timestamp in microseconds
        )
        for entry in old[: max(len(old) - keep, 0)]:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def read_generation(path: Path) -> int:
    """The generation of the store at ``path``: 0 for a store that was never written.

    The generation is a counter the writer raises after every committed
    change (see :attr:`hmic_graph.store.base.ReleaseStore.generation`). Reading
    it costs one small file read and needs no lock, so a server can check it
    before every request and reopen its read-only handle when it moved.
    """
    try:
        text = (path / GENERATION_FILE).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return 0
    text = text.strip()
    return int(text) if text.isdigit() else 0


def write_generation(path: Path, value: int) -> None:
    """Replace the generation file of the store at ``path`` atomically with ``value``.

    :raises HmicGraphError: the file cannot be written.
    """
    handle, temporary = tempfile.mkstemp(prefix=".generation-", dir=path)
    try:
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(f"{value}\n")
        os.replace(temporary, path / GENERATION_FILE)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise HmicGraphError(f"cannot write the store's generation: {exc}", path=path) from exc
