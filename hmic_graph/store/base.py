"""What every release store offers: named graphs per release, their union, a generation.

A :class:`ReleaseStore` keeps one named graph per release (named by the
release IRI) and answers reads over the union of those graphs, where a
triple several releases state (a force's name) is one triple. It stores;
it does not read, extract, validate or export releases: that is
:mod:`hmic_graph.ingest` (loading) and :mod:`hmic_graph.rdf.export`
(writing a store's :meth:`~ReleaseStore.graphs` or :meth:`~ReleaseStore.merged`).

Capabilities are flags and methods, as in rdflib's ``Store``: a caller
checks :attr:`ReleaseStore.persistent` or catches :class:`NotImplementedError`
from :attr:`ReleaseStore.oxigraph`, and never compares class names.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from hmic_graph.model.errors import HmicGraphError
from hmic_graph.model.namespaces import HMIC, SCHEMA, bind_prefixes, is_absolute_iri
from hmic_graph.rdf.terms import from_oxigraph, to_oxigraph

if TYPE_CHECKING:
    from hmic_graph.rdf.describe import DatasetStatistics
    from hmic_graph.sparql.query import BindingValue, QueryResult

__all__ = [
    "ReleaseStore",
    "Triple",
    "check_graph",
    "decode_graph",
    "encode_graph",
    "encode_triples",
]

Triple = tuple[URIRef, URIRef, URIRef | Literal]

#: Nodes that :meth:`ReleaseStore.describe` includes with a subject: they have
#: no meaning apart from it (evidence selectors, opening hours).
_DEPENDENT = (HMIC.evidence, SCHEMA.hoursAvailable)


class ReleaseStore(ABC):
    """A set of release graphs, each named by its release IRI, and their union.

    Use :func:`hmic_graph.store.open_store` rather than a constructor. A store
    is a context manager; :meth:`close` releases it (and an on-disk store's
    write lock). Every write (:meth:`add_graph`, :meth:`add_encoded`,
    :meth:`remove_release`) raises :attr:`generation` once it is committed.
    """

    #: Whether the data outlives :meth:`close` (an on-disk store).
    persistent: bool = False

    def __init__(self, *, path: Path | None, read_only: bool) -> None:
        self.path = path
        self.read_only = read_only
        self._closed = False
        # Serialises writers within this process (threads); other processes
        # are kept out by the on-disk store's lock.
        self._write_lock = threading.Lock()

    # --- what each implementation provides ------------------------------------

    @abstractmethod
    def _replace(self, name: str, triples: Sequence[Triple]) -> None:
        """Replace graph ``name`` with ``triples`` (non-empty) and update the union, atomically."""

    @abstractmethod
    def _drop(self, name: str) -> None:
        """Remove graph ``name`` and update the union, atomically."""

    @abstractmethod
    def _names(self) -> list[str]:
        """The names of the release graphs, in any order."""

    @abstractmethod
    def _graph_triples(self, name: str) -> Iterator[Triple]:
        """The triples of one release graph."""

    @abstractmethod
    def _union_triples(self, subject: URIRef | None = None) -> Iterator[Triple]:
        """The union's triples, each once, optionally with one subject."""

    @abstractmethod
    def _union_size(self) -> int:
        """The number of distinct triples in the union."""

    @abstractmethod
    def _run_query(
        self,
        query: str | Path,
        bindings: Mapping[str, BindingValue] | None,
        limit: int | None,
        offset: int,
    ) -> QueryResult:
        """Evaluate a query (as :meth:`query` takes it) over the union; the page asked for."""

    @abstractmethod
    def _committed(self) -> None:
        """Raise the generation after a committed write (called under the write lock)."""

    @abstractmethod
    def _close(self) -> None:
        """Release the underlying store."""

    @property
    @abstractmethod
    def generation(self) -> int:
        """A counter raised by every committed write: equal values, equal contents.

        Cache anything read from the store under the generation read before
        reading it. For a read-only handle it is the generation of the data
        the handle sees (fixed when it was opened, see
        :meth:`hmic_graph.store.oxigraph.OxigraphStore.refresh`).
        """

    @property
    def oxigraph(self) -> ox.Store:
        """The :class:`pyoxigraph.Store` underneath, for reading with Oxigraph directly.

        Its default graph is the union of the release graphs and each release
        is a named graph. Do not write to it: changes made there bypass the
        union's upkeep and the generation.

        :raises NotImplementedError: the store does not keep its data in
            pyoxigraph (the rdflib memory store): read :meth:`dataset` instead.
        :raises HmicGraphError: the store is closed.
        """
        raise NotImplementedError(f"{type(self).__name__} has no pyoxigraph store")

    # --- writing ----------------------------------------------------------------

    def add_graph(self, name: str, graph: Graph) -> None:
        """Replace the graph called ``name`` with the triples of ``graph``, in one transaction.

        No validation happens here (see :func:`hmic_graph.ingest.store_release`).

        :param name: the graph's name, an absolute IRI (for a release, its IRI).
        :param graph: the triples; every node must be an IRI or a literal.
        :raises HmicGraphError: the name or an IRI in the graph is not a valid
            absolute IRI, the graph has blank nodes or is empty, or the store
            is closed or read-only.

        >>> from hmic_graph.store import open_store
        >>> g = Graph()
        >>> _ = g.add((URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal(1)))
        >>> with open_store() as store:
        ...     store.add_graph("https://example.org/g", g)
        ...     store.add_graph("https://example.org/g", g)
        ...     store.releases(), len(store), store.generation
        (['https://example.org/g'], 1, 2)
        """
        self.ensure_writable()
        triples = check_graph(name, graph)
        with self._write_lock:
            self._replace(name, triples)
            self._committed()

    def add_encoded(self, batch: Sequence[tuple[str, bytes]], *, atomic: bool = True) -> None:
        """Write many graphs given as :func:`encode_graph` bytes: the fast way to load a corpus.

        The store ends as after :meth:`add_graph` of each in order: a name
        given twice keeps its last graph, a name already in the store is
        replaced. Encoding happens where the graphs are made (worker
        processes); this only writes.

        :param batch: ``(name, encode_graph(name, graph))`` pairs.
        :param atomic: write the new graphs in one transaction (a crash keeps
            all or none of them); ``False`` lets a store use a faster loader
            that is not transactional (a crash may keep part of the batch).
        :raises HmicGraphError: the data is not what :func:`encode_graph`
            writes, or the store is closed, read-only or cannot be written.
        """
        self.ensure_writable()
        for name, data in _last_of_each(batch):
            self.add_graph(name, decode_graph(name, data))

    def remove_release(self, name: str, *, missing_ok: bool = False) -> None:
        """Remove the graph ``name`` (and its triples from the union, unless another graph has them).

        :raises HmicGraphError: no such graph (unless ``missing_ok``), or the
            store is closed or read-only.

        >>> from hmic_graph.store import open_store
        >>> with open_store() as store:
        ...     store.remove_release("https://example.org/none", missing_ok=True)
        ...     store.remove_release("https://example.org/none")
        Traceback (most recent call last):
        ...
        hmic_graph.model.errors.HmicGraphError: the store has no release <https://example.org/none>
        """
        self.ensure_writable()
        with self._write_lock:
            if name not in self._names():
                if missing_ok:
                    return
                raise HmicGraphError(f"the store has no release <{name}>")
            self._drop(name)
            self._committed()

    def ensure_writable(self) -> None:
        """Fail unless the store is open for writing.

        :raises HmicGraphError: the store is closed or was opened read-only.
        """
        self.ensure_open()
        if self.read_only:
            where = f" at {self.path}" if self.path is not None else ""
            raise HmicGraphError(f"the store{where} was opened read-only")

    def ensure_open(self) -> None:
        """Fail if the store is closed.

        :raises HmicGraphError: the store is closed.
        """
        if self._closed:
            raise HmicGraphError("the store is closed")

    # --- reading ----------------------------------------------------------------

    def releases(self) -> list[str]:
        """The names (release IRIs) of the graphs in the store, sorted.

        :raises HmicGraphError: the store is closed.
        """
        self.ensure_open()
        return sorted(self._names())

    def __contains__(self, name: object) -> bool:
        self.ensure_open()
        return isinstance(name, str) and name in self._names()

    def __len__(self) -> int:
        """The number of distinct triples in the union of the release graphs."""
        self.ensure_open()
        return self._union_size()

    def graph(self, name: str) -> Graph:
        """One release's graph, as a new rdflib Graph with the model's prefixes bound.

        :raises HmicGraphError: the store has no graph ``name``, or is closed.
        """
        self.ensure_open()
        if name not in self._names():
            raise HmicGraphError(f"the store has no release <{name}>")
        return self._read_graph(name)

    def _read_graph(self, name: str) -> Graph:
        graph = bind_prefixes(Graph(bind_namespaces="none", identifier=URIRef(name)))
        for triple in self._graph_triples(name):
            graph.add(triple)
        return graph

    def graphs(self, releases: Iterable[str] | None = None) -> dict[str, Graph]:
        """Release IRI -> graph, for ``releases`` (default: all), in sorted order.

        :raises HmicGraphError: a named release is not in the store, or the store is closed.
        """
        self.ensure_open()
        # The names are checked once here, not once per graph: listing them
        # reads every graph name of the store.
        return {name: self._read_graph(name) for name in self._selected(releases)}

    def statistics(self) -> DatasetStatistics:
        """The counts and release facts the store's description is written from.

        Equal to :func:`hmic_graph.rdf.describe.dataset_statistics` of
        :meth:`graphs`, so ``describe_dataset(store.statistics())`` is
        ``describe_dataset(store.graphs())``; a store that can count without
        reading every triple into rdflib does (the Oxigraph store).

        :raises HmicGraphError: the store is closed.
        """
        from hmic_graph.rdf.describe import dataset_statistics

        return dataset_statistics(self.graphs())

    def dataset(self, releases: Iterable[str] | None = None) -> Dataset:
        """An rdflib Dataset with one named graph per release (default: all).

        :raises HmicGraphError: a named release is not in the store, or the store is closed.
        """
        from hmic_graph.rdf.export import to_dataset

        return to_dataset(self.graphs(releases))

    def merged(self, releases: Iterable[str] | None = None) -> Graph:
        """The union of the release graphs (default: all) as one rdflib Graph.

        :raises HmicGraphError: a named release is not in the store, or the store is closed.
        """
        self.ensure_open()
        merged = bind_prefixes(Graph(bind_namespaces="none"))
        if releases is None:
            for triple in self._union_triples():
                merged.add(triple)
        else:
            for name in self._selected(releases):
                for triple in self._graph_triples(name):
                    merged.add(triple)
        return merged

    def describe(self, iri: str) -> Graph:
        """Everything the store says about ``iri``: the triples with it as subject,
        plus those of the nodes that only exist through it (its evidence
        selectors, a contact point's opening hours).

        An IRI the store does not know gives an empty graph.

        :raises HmicGraphError: ``iri`` is not an absolute IRI, or the store is closed.
        """
        self.ensure_open()
        if not is_absolute_iri(iri):
            raise HmicGraphError(f"the IRI must be an absolute IRI, not {iri!r}")
        graph = bind_prefixes(Graph(bind_namespaces="none"))
        subject = URIRef(iri)
        dependents: list[URIRef] = []
        for triple in self._union_triples(subject):
            graph.add(triple)
            if triple[1] in _DEPENDENT and isinstance(triple[2], URIRef):
                dependents.append(triple[2])
        for node in sorted(set(dependents)):
            for triple in self._union_triples(node):
                graph.add(triple)
        return graph

    def query(
        self,
        query: str | Path,
        *,
        bindings: Mapping[str, BindingValue] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> QueryResult:
        """Run a query over the union of the release graphs.

        Takes what :func:`hmic_graph.sparql.query.query` takes (a named query, a
        ``.rq`` path or SPARQL text; the model's prefixes predeclared;
        bindings as values, never pasted into the text) and gives the same
        :class:`~hmic_graph.sparql.query.QueryResult`: the rows equal those of
        :func:`hmic_graph.sparql.query.query` over :meth:`merged`, in the order the
        query's ``ORDER BY`` defines (rows it leaves tied may come in another
        order, as SPARQL allows). ``GRAPH ?g { ... }`` ranges over the release graphs.

        ``limit`` and ``offset`` page the ordered answer as
        :meth:`~hmic_graph.sparql.query.QueryResult.page` does.

        :raises InvalidQuery: as :func:`hmic_graph.sparql.query.query`, or a
            negative ``limit`` or ``offset``.
        :raises HmicGraphError: the store is closed.
        """
        from hmic_graph.sparql.query import check_page

        check_page(limit, offset)
        self.ensure_open()
        return self._run_query(query, bindings, limit, offset)

    def prepare_answers(self) -> None:
        """Evaluate every bundled question now and keep its ordered answer, where the store can.

        An on-disk Oxigraph store keeps them in its folder
        (:meth:`hmic_graph.store.OxigraphStore.prepare_answers`), so that a
        question's first page costs its rows; elsewhere this does nothing.

        :raises HmicGraphError: the store is closed.
        """
        self.ensure_open()

    # --- life cycle -------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has been called."""
        return self._closed

    def close(self) -> None:
        """Flush and release the store (and its lock); calling it again does nothing."""
        if not self._closed:
            self._closed = True
            self._close()

    def __enter__(self) -> ReleaseStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        where = str(self.path) if self.path is not None else "memory"
        state = " closed" if self._closed else (" read-only" if self.read_only else "")
        return f"<{type(self).__name__} {where}{state}>"

    def _selected(self, releases: Iterable[str] | None) -> list[str]:
        names = sorted(self._names())
        if releases is None:
            return names
        wanted = sorted(set(releases))
        known = set(names)
        missing = [name for name in wanted if name not in known]
        if missing:
            raise HmicGraphError(
                f"the store has no release {', '.join(f'<{m}>' for m in missing)}; "
                f"it holds {len(names)} release{'s' * (len(names) != 1)}"
            )
        return wanted


# --- graphs in and out ---------------------------------------------------------


def check_graph(name: str, graph: Graph) -> list[Triple]:
    """The triples of ``graph``, sorted, after checking that a store can hold them as graph ``name``.

    :raises HmicGraphError: ``name`` or an IRI in the graph is not an absolute
        IRI, the graph has a blank node or another kind of term, or it is empty.
    """
    if not is_absolute_iri(name):
        raise HmicGraphError(f"the graph name must be an absolute IRI, not {name!r}")
    seen: set[str] = set()
    triples: list[Triple] = []
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef):
                text = str(term)
                if text not in seen:
                    if not is_absolute_iri(text):
                        raise HmicGraphError(
                            f"the graph <{name}> has an invalid IRI {text!r}; "
                            "IRIs may not contain spaces, quotes or <>{{}}|\\^`"
                        )
                    seen.add(text)
            elif isinstance(term, BNode):
                raise HmicGraphError(
                    f"the graph <{name}> has blank nodes; a store holds only IRIs and literals"
                )
            elif not isinstance(term, Literal):
                raise HmicGraphError(f"the graph <{name}> has an unsupported term {term!r}")
        triples.append(triple)  # type: ignore[arg-type]
    if not triples:
        raise HmicGraphError(f"the graph for <{name}> is empty; use remove_release to remove it")
    triples.sort()
    return triples


def encode_graph(name: str, graph: Graph) -> bytes:
    """``graph`` as the bytes :meth:`ReleaseStore.add_encoded` takes: N-Quads in graph ``name``, sorted.

    Checked as :meth:`ReleaseStore.add_graph` checks a graph, so it can run in
    a worker process and the store only writes.

    :raises HmicGraphError: as :func:`check_graph`, or a term pyoxigraph rejects.

    >>> g = Graph()
    >>> _ = g.add((URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("x")))
    >>> encode_graph("https://example.org/g", g)
    b'<https://example.org/a> <https://example.org/p> "x" <https://example.org/g> .\\n'
    """
    return encode_triples(name, check_graph(name, graph))


def encode_triples(name: str, triples: Sequence[Triple]) -> bytes:
    """:func:`encode_graph` of triples :func:`check_graph` has checked (and sorted).

    :raises HmicGraphError: a term pyoxigraph rejects.
    """
    graph_name = ox.NamedNode(name)
    cache: dict[Any, Any] = {}

    def term(value: Any) -> Any:
        found = cache.get(value)
        if found is None:
            found = cache[value] = to_oxigraph(value)
        return found

    try:
        quads = [ox.Quad(term(s), term(p), term(o), graph_name) for s, p, o in triples]
    except ValueError as exc:
        raise HmicGraphError(f"the graph <{name}> has an invalid term: {exc}") from exc
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert data is not None  # no output path: the bytes are returned
    return data


def decode_graph(name: str, data: bytes) -> Graph:
    """The graph ``name`` of :func:`encode_graph` bytes, as an rdflib Graph.

    :raises HmicGraphError: ``data`` is not N-Quads, or has quads outside graph ``name``.
    """
    graph_name = ox.NamedNode(name)
    graph = Graph()
    try:
        for quad in ox.parse(data, format=ox.RdfFormat.N_QUADS):
            if quad.graph_name != graph_name:
                raise HmicGraphError(f"the data for <{name}> has quads in another graph")
            graph.add(
                (
                    from_oxigraph(quad.subject),
                    from_oxigraph(quad.predicate),
                    from_oxigraph(quad.object),
                )
            )
    except SyntaxError as exc:
        raise HmicGraphError(f"the data for <{name}> is not N-Quads: {exc}") from exc
    return graph


def _last_of_each(batch: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """``batch`` with only the last entry of each name, in the order of those entries."""
    last = {name: index for index, (name, _) in enumerate(batch)}
    return [entry for index, entry in enumerate(batch) if last[entry[0]] == index]
