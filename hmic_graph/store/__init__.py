"""Storage of release graphs: one named graph per release, their union, transactions.

:func:`open_store` opens a :class:`ReleaseStore`:

- with a path, an :class:`OxigraphStore` in that folder (a RocksDB database;
  :mod:`hmic_graph.store.oxigraph` describes its layout, locking,
  read-only opening and generation);
- without one, a :class:`MemoryStore` (rdflib, in memory), or with
  ``kind="oxigraph"`` an Oxigraph store in memory.

The store only stores. Loading releases (read, extract, build, validate,
then :meth:`ReleaseStore.add_graph`) is :mod:`hmic_graph.ingest`; writing a
store out is :mod:`hmic_graph.rdf.export` over :meth:`ReleaseStore.graphs`.

How a server or any other reader uses a store another process writes to::

    store = open_store(path, read_only=True)   # never blocks, never blocks a writer
    ...
    store.refresh()            # cheap; reopens on the latest data if a writer committed
    version = store.generation # cache what you read under this value
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from hmic_graph.model.errors import HmicGraphError
from hmic_graph.store.base import ReleaseStore, decode_graph, encode_graph
from hmic_graph.store.folders import read_generation
from hmic_graph.store.memory import MemoryStore
from hmic_graph.store.oxigraph import OxigraphStore

__all__ = [
    "MemoryStore",
    "OxigraphStore",
    "ReleaseStore",
    "decode_graph",
    "encode_graph",
    "open_store",
    "read_generation",
]


def open_store(
    path: str | Path | None = None,
    *,
    kind: Literal["oxigraph", "memory"] | None = None,
    create: bool = True,
    read_only: bool = False,
    wait: float = 0.0,
) -> ReleaseStore:
    """Open the release store in the folder ``path``, or a new one in memory.

    :param path: the store's folder; ``None`` for a store in memory that is
        gone when closed.
    :param kind: ``"oxigraph"`` or ``"memory"`` (rdflib). Default:
        ``"oxigraph"`` with a path, ``"memory"`` without. Both give the same
        query rows; only Oxigraph keeps a store on disk.
    :param create: create the folder when it does not exist; with false, a
        missing store is an error.
    :param read_only: open without taking the write lock and refuse every
        change. Any number of read-only handles may be open while one process
        writes; each sees the data committed when it was opened, until
        :meth:`OxigraphStore.refresh`. A missing store is an error.
    :param wait: seconds to wait for another process to stop writing before
        giving up; 0 fails at once.
    :raises StoreNotFound: there is no store at ``path`` and ``create`` is
        false or ``read_only`` is true.
    :raises StoreLocked: another process is writing to the store (not with ``read_only``).
    :raises HmicGraphError: ``path`` is a file or a non-empty folder that is
        not a store; the memory kind got a path or ``read_only``; the kind is unknown.

    >>> from rdflib import Graph, Literal, URIRef
    >>> g = Graph()
    >>> _ = g.add((URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("x")))
    >>> with open_store() as store:
    ...     store.add_graph("https://example.org/release", g)
    ...     store.releases(), len(store)
    (['https://example.org/release'], 1)
    >>> open_store(kind="sparql")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    hmic_graph.model.errors.HmicGraphError: unknown store kind 'sparql'; choose memory or oxigraph
    """
    chosen = kind if kind is not None else ("oxigraph" if path is not None else "memory")
    if chosen == "memory":
        if path is not None or read_only:
            raise HmicGraphError(
                "the memory store keeps nothing on disk and cannot be read-only; open it "
                "without a path, or use kind='oxigraph' for a store in a folder",
                path=path,
            )
        return MemoryStore()
    if chosen != "oxigraph":
        raise HmicGraphError(f"unknown store kind {chosen!r}; choose memory or oxigraph")
    if path is None:
        if read_only:
            raise HmicGraphError("a store in memory cannot be opened read-only")
        return OxigraphStore.in_memory()
    return OxigraphStore.open(
        Path(path).expanduser(), create=create, read_only=read_only, wait=wait
    )
