"""A release store on pyoxigraph: a RocksDB folder on disk, or memory.

Layout
    Each release is the named graph whose name is the release IRI. The
    store's **default graph holds the union** of all release graphs, each
    triple once, kept up to date in the same transaction as every write.
    SPARQL needs this: pyoxigraph's ``use_default_graph_as_union=True``
    yields a triple once per graph that holds it, so a force named in 20
    releases would answer every query 20 times. The default graph therefore
    belongs to hmic-graph: do not write to it with other tools.
    ``oxigraph serve --location DIR`` on the folder answers plain SPARQL over
    the union and ``GRAPH`` queries per release.

Transactions
    :meth:`~OxigraphStore.add_graph` and :meth:`~OxigraphStore.remove_release`
    change one release graph and the union in one SPARQL Update request,
    which Oxigraph runs as one transaction: a reader sees the old graph or
    the new one, never a mix, and a crash leaves the old one.
    :meth:`~OxigraphStore.add_encoded` writes a batch of new graphs in one
    transaction (or with the bulk loader, which is not transactional, when
    ``atomic=False``) and replaces graphs already present one transaction each.

Several processes
    One process at a time may open a folder for writing (RocksDB's lock): a
    second writer gets :class:`~hmic_graph.model.errors.StoreLocked` at once,
    or after waiting up to ``wait`` seconds. Any number of processes may open
    it **read-only** meanwhile (``read_only=True``, pyoxigraph's
    ``Store.read_only``): a read-only handle sees the data committed when it
    was opened, and :meth:`OxigraphStore.refresh` moves it to the latest.

Generation
    The writer records a counter in the file ``hmic-graph.generation`` of the
    folder after every commit (and when it opens the store, which covers a
    writer that died between a commit and recording it).
    :func:`~hmic_graph.store.folders.read_generation` reads it without
    opening the database, so a server can poll it cheaply; a change means
    new data. A read-only handle's :attr:`~OxigraphStore.generation` is the
    value read just before it was opened: its data is at least that new.

Literals
    Oxigraph stores some literals in a canonical form; the datatypes the
    shapes declare are put back when graphs are read
    (:mod:`hmic_graph.store.datatypes`).

Statistics
    :meth:`~OxigraphStore.statistics` counts what the dataset description
    needs with SPARQL aggregates over the default graph (each triple once)
    and over the release graphs, instead of reading every triple into rdflib.

Log files
    RocksDB starts a new info log (``LOG``, the old one renamed ``LOG.old.*``)
    each time a store is opened for writing, and pyoxigraph does not expose
    the option that bounds them; closing a writable store removes all but the
    newest :data:`~hmic_graph.store.folders.KEPT_LOGS` old ones.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Literal, URIRef

from hmic_graph.model.errors import HmicGraphError, StoreLocked
from hmic_graph.rdf.describe import (
    RELEASE_FACTS,
    DatasetStatistics,
    release_statistics,
)
from hmic_graph.rdf.terms import from_oxigraph, to_oxigraph
from hmic_graph.store.base import ReleaseStore, Triple, _last_of_each, encode_triples
from hmic_graph.store.datatypes import NORMALISED_TO, restore_datatype
from hmic_graph.store.folders import (
    ANSWERS_FOLDER,
    check_store_folder,
    prune_logs,
    read_generation,
    write_generation,
)

if TYPE_CHECKING:
    from hmic_graph.sparql.answers import AnswerFiles
    from hmic_graph.sparql.query import BindingValue, QueryResult

__all__ = ["OxigraphStore"]

# Removes the old graph's triples from the union unless another graph states them.
_FORGET_FROM_UNION = (
    "DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} "
    "FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER (?other != {g}) }} }}"
)

# What statistics() counts. The default graph holds the union of the release
# graphs with each triple once, so a COUNT(*) there counts the distinct triples
# of the merged graph, as describe_dataset counts them. A store holds no blank
# nodes (check_graph refuses them) and a literal is never a subject, so every
# subject is an IRI: an isIRI filter would only decode each one, six times slower.
_UNION_SIZE = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
_ENTITIES = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"
_CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER isIRI(?c) } GROUP BY ?c"
_PROPERTIES = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
_GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_RELEASE_FACTS = tuple(ox.NamedNode(str(p)) for p in RELEASE_FACTS)


class OxigraphStore(ReleaseStore):
    """Releases in a :class:`pyoxigraph.Store` (see the module notes).

    Open it with :func:`hmic_graph.store.open_store`; :meth:`in_memory` makes
    one that keeps nothing on disk.

    >>> with OxigraphStore.in_memory() as store:
    ...     store.persistent, store.releases(), store.generation
    (False, [], 0)
    """

    def __init__(
        self, db: ox.Store, *, path: Path | None, read_only: bool, generation: int = 0
    ) -> None:
        super().__init__(path=path, read_only=read_only)
        self._db: ox.Store | None = db
        self._generation = generation
        self.persistent = path is not None

    @classmethod
    def in_memory(cls) -> OxigraphStore:
        """A new, empty store in memory."""
        return cls(ox.Store(), path=None, read_only=False)

    @classmethod
    def open(
        cls, path: Path, *, create: bool = True, read_only: bool = False, wait: float = 0.0
    ) -> OxigraphStore:
        """Open the store in the folder ``path``; see :func:`hmic_graph.store.open_store`.

        :raises StoreNotFound: there is no store at ``path`` and ``create`` is
            false (or ``read_only`` is true).
        :raises StoreLocked: another process (or handle) has it open for
            writing, still after ``wait`` seconds (only when not ``read_only``).
        :raises HmicGraphError: ``path`` is a file or a folder of something
            else, or RocksDB cannot open it.
        """
        check_store_folder(path, create=create and not read_only)
        if create and not read_only and not path.exists():
            # RocksDB makes the store's own folder but not its parents ("data/" in
            # `--store data/hmic-store`), which the documentation promises too.
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise HmicGraphError(
                    f"cannot create the folder for the store: {exc.strerror or exc}", path=path
                ) from exc
        if read_only:
            generation = read_generation(path)  # before opening: the data is at least this new
            return cls(_open_read_only(path), path=path, read_only=True, generation=generation)
        db = _open_for_writing(path, wait)
        store = cls(db, path=path, read_only=False, generation=read_generation(path))
        try:
            with store._write_lock:
                store._committed()
        except BaseException:
            store.close()
            raise
        return store

    @property
    def oxigraph(self) -> ox.Store:
        """The :class:`pyoxigraph.Store` underneath; see :attr:`ReleaseStore.oxigraph`.

        Literals of integer-derived types read from it have Oxigraph's
        canonical type ``xsd:integer`` (see the module notes).

        :raises HmicGraphError: the store is closed.
        """
        if self._db is None:
            raise HmicGraphError("the store is closed")
        return self._db

    @property
    def generation(self) -> int:
        return self._generation

    def refresh(self) -> bool:
        """Move a read-only handle to the latest committed data, if a writer committed since.

        Cheap when nothing changed (one small file read): call it before each
        piece of work that should see new data. Queries already running on
        the old handle finish on the data they started with.

        :returns: whether the handle was reopened (the generation moved).
        :raises HmicGraphError: the store is closed, or cannot be reopened.
        """
        self.ensure_open()
        if not self.read_only or self.path is None:
            return False
        latest = read_generation(self.path)
        if latest == self._generation:
            return False
        self._db, self._generation = _open_read_only(self.path), latest
        return True

    # --- writing ------------------------------------------------------------------

    def add_encoded(self, batch: Sequence[tuple[str, bytes]], *, atomic: bool = True) -> None:
        self.ensure_writable()
        entries = _last_of_each(batch)
        if not entries:
            return
        with self._write_lock:
            present = set(self._names())
            fresh = [(name, data) for name, data in entries if name not in present]
            if fresh:
                payload = b"".join(data + _union_copy(name, data) for name, data in fresh)
                write = self.oxigraph.load if atomic else self.oxigraph.bulk_load
                try:
                    write(payload, format=ox.RdfFormat.N_QUADS)
                except (OSError, SyntaxError, ValueError) as exc:
                    raise HmicGraphError(
                        f"cannot write {len(fresh)} release graphs: {exc}", path=self.path
                    ) from exc
                self._committed()
            for name, data in entries:
                if name in present:
                    self._replace_encoded(name, data)
                    self._committed()

    def _replace(self, name: str, triples: Sequence[Triple]) -> None:
        self._replace_encoded(name, encode_triples(name, triples))

    def _replace_encoded(self, name: str, data: bytes) -> None:
        graph = str(ox.NamedNode(name))
        body = _union_copy(name, data).decode("utf-8")
        # One update request is one transaction: remove the old graph's
        # triples from the union unless another graph states them, replace the
        # graph, and add its triples to the union.
        self._update(
            f"{_FORGET_FROM_UNION.format(g=graph)} ;\n"
            f"DROP SILENT GRAPH {graph} ;\n"
            f"INSERT DATA {{ GRAPH {graph} {{\n{body}}} }} ;\n"
            f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}",
            name,
        )

    def _drop(self, name: str) -> None:
        graph = str(ox.NamedNode(name))
        self._update(f"{_FORGET_FROM_UNION.format(g=graph)} ;\nDROP SILENT GRAPH {graph}", name)

    def _update(self, text: str, name: str) -> None:
        try:
            self.oxigraph.update(text)
        except SyntaxError as exc:  # a term the checks let through
            raise HmicGraphError(f"cannot write the graph <{name}>: {exc}") from exc
        except (OSError, RuntimeError) as exc:
            raise HmicGraphError(f"cannot write the graph <{name}>: {exc}", path=self.path) from exc

    def _committed(self) -> None:
        self._generation += 1
        if self.path is not None:
            write_generation(self.path, self._generation)

    # --- reading ------------------------------------------------------------------

    def _names(self) -> list[str]:
        return _graph_names(self.oxigraph)

    def _graph_triples(self, name: str) -> Iterator[Triple]:
        for quad in self.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(name)):
            yield _triple(quad)

    def _union_triples(self, subject: URIRef | None = None) -> Iterator[Triple]:
        node = to_oxigraph(subject) if subject is not None else None
        for quad in self.oxigraph.quads_for_pattern(node, None, None, ox.DefaultGraph()):
            yield _triple(quad)

    def _union_size(self) -> int:
        return _count(self.oxigraph, _UNION_SIZE)

    def statistics(self) -> DatasetStatistics:
        """What the store's description is written from, counted by Oxigraph; see
        :meth:`ReleaseStore.statistics` (equal to counting :meth:`graphs` in rdflib).

        On a large store this is a few aggregate queries instead of reading
        every triple into rdflib: tens of times faster.

        :raises HmicGraphError: the store is closed.
        """
        self.ensure_open()
        # One handle for every query: a read-only store's refresh() may swap it meanwhile.
        db = self.oxigraph
        sizes = {graph.value: count for graph, count in _counts(db, _GRAPH_SIZES)}
        releases = {}
        for name in sorted(_graph_names(db)):
            node = ox.NamedNode(name)
            # Read as graphs() reads them (datatypes put back, in the graph's
            # order), so the facts equal those counted from graphs().
            facts = [
                _triple(quad)[1:]
                for predicate in _RELEASE_FACTS
                for quad in db.quads_for_pattern(node, predicate, None, node)
            ]
            releases[name] = release_statistics(sizes.get(name, 0), facts)
        return DatasetStatistics(
            triples=_count(db, _UNION_SIZE),
            entities=_count(db, _ENTITIES),
            classes=dict(sorted((URIRef(c.value), n) for c, n in _counts(db, _CLASSES))),
            properties=dict(sorted((URIRef(p.value), n) for p, n in _counts(db, _PROPERTIES))),
            releases=releases,
        )

    def _run_query(
        self,
        query: str | Path,
        bindings: Mapping[str, BindingValue] | None,
        limit: int | None,
        offset: int,
    ) -> QueryResult:
        from hmic_graph.sparql.oxigraph import run

        return run(
            self.oxigraph,
            query,
            bindings=bindings,
            limit=limit,
            offset=offset,
            kept=self._kept_answers(),
        )

    def _kept_answers(self) -> AnswerFiles | None:
        """The kept answers of this generation (:mod:`hmic_graph.sparql.answers`); none in memory."""
        if self.path is None:
            return None
        from hmic_graph.sparql.answers import AnswerFiles

        path = self.path
        return AnswerFiles(
            path / ANSWERS_FOLDER, self._generation, current=lambda: read_generation(path)
        )

    def prepare_answers(self) -> None:
        """Evaluate every bundled question and keep its ordered answer for this generation.

        A named question's first page on a large store then costs its rows,
        not the whole answer (:mod:`hmic_graph.sparql.answers`); ``hmic-graph
        load`` calls this after committing. Does nothing in memory.

        :raises HmicGraphError: the store is closed.
        """
        from hmic_graph.sparql.catalogue import list_queries

        self.ensure_open()
        if self.path is None:
            return
        for named in list_queries():
            self._run_query(named.name, None, 0, 0)

    def _close(self) -> None:
        db, self._db = self._db, None
        if db is not None and self.path is not None and not self.read_only:
            with contextlib.suppress(OSError):
                db.flush()
        # Dropping the last reference releases RocksDB's lock.
        del db
        if self.path is not None and not self.read_only:
            prune_logs(self.path)


def _open_for_writing(path: Path, wait: float) -> ox.Store:
    deadline = time.monotonic() + max(wait, 0.0)
    pause = 0.05
    while True:
        try:
            return ox.Store(str(path))
        except OSError as exc:
            if not _is_lock_error(exc):
                raise HmicGraphError(f"cannot open the store: {exc}", path=path) from exc
            if time.monotonic() + pause > deadline:
                waited = f" (waited {wait:g} s)" if wait > 0 else ""
                if "current process" in str(exc):
                    message = (
                        f"the store at {path} is in use by this process{waited} (close the "
                        "other handle first); only one handle may write to a store at a time"
                    )
                else:
                    message = (
                        f"the store at {path} is in use by another process that writes to "
                        f"it{waited}; only one process may write to a store at a time (wait "
                        "for it with --wait SECONDS; reading the store is not blocked)"
                    )
                raise StoreLocked(message) from exc
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def _open_read_only(path: Path) -> ox.Store:
    """``Store.read_only(path)``, tried again while a writer replaces the files it names.

    A read-only opening reads the database's list of files (its MANIFEST)
    and then opens them; a writer that compacts in between has removed some,
    and the opening fails as "Corruption ... No such file". Trying again
    reads the new list.
    """
    attempts = 20
    for attempt in range(attempts):
        try:
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as exc:
            transient = "no such file" in str(exc).lower()
            if not transient or attempt == attempts - 1:
                raise HmicGraphError(f"cannot open the store read-only: {exc}", path=path) from exc
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def _is_lock_error(exc: OSError) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("unavailable" in text or "hold" in text or "resource" in text)


def _union_copy(name: str, data: bytes) -> bytes:
    """The quads of :func:`~hmic_graph.store.base.encode_graph` bytes moved to the default graph.

    Each N-Quads line ends with `` <name> .`` and a literal never holds a raw
    line break, so replacing that ending is exact.
    """
    suffix = f" {ox.NamedNode(name)} .\n".encode()
    return data.replace(suffix, b" .\n")


def _graph_names(db: ox.Store) -> list[str]:
    return [g.value for g in db.named_graphs() if isinstance(g, ox.NamedNode)]


def _count(db: ox.Store, query: str) -> int:
    """The ``?n`` of a ``SELECT (COUNT(...) AS ?n)`` query without ``GROUP BY``."""
    for solution in db.query(query):  # type: ignore[union-attr]
        return int(solution["n"].value)
    return 0


def _counts(db: ox.Store, query: str) -> Iterator[tuple[Any, int]]:
    """``(?x, ?n)`` per row of a ``SELECT ?x (COUNT(...) AS ?n) ... GROUP BY ?x`` query."""
    for solution in db.query(query):  # type: ignore[union-attr]
        yield solution[0], int(solution["n"].value)


def _triple(quad: Any) -> Triple:
    predicate: URIRef = from_oxigraph(quad.predicate)  # type: ignore[assignment]
    obj = from_oxigraph(quad.object)
    if isinstance(obj, Literal) and obj.datatype in NORMALISED_TO:
        obj = restore_datatype(predicate, obj)
    return (from_oxigraph(quad.subject), predicate, obj)  # type: ignore[return-value]
