"""A persistent store of releases: one named graph per release, loaded one at a time.

:func:`open_store` opens a :class:`ReleaseStore`. Two implementations are
registered by name and imported only when first used (as rdflib's plugins):

- ``"oxigraph"``: a pyoxigraph ``Store``, on disk in a folder when a path is
  given (the default kind for a path), in memory otherwise. pyoxigraph is
  a core dependency of hmic-graph.
- ``"memory"``: an rdflib ``Dataset`` in memory (the default without a path);
  needs nothing beyond the core dependencies.

Layout of an oxigraph store
    Each release is the named graph whose name is the release IRI. The store's
    **default graph holds the union** of all release graphs, each triple once,
    kept up to date in the same transaction as every load or removal. SPARQL
    needs this: pyoxigraph's ``use_default_graph_as_union=True`` yields a
    triple once per graph that holds it (multiset semantics), so a force named
    in 20 releases would answer every query 20 times, and joins multiply
    further. The default graph therefore belongs to hmic-graph: do not write
    to it with other tools. ``oxigraph serve --location DIR`` on the folder
    answers plain SPARQL over the union and ``GRAPH`` queries per release.

Literals
    Oxigraph stores some literals in a canonical form (oxigraph/oxigraph#526):
    types derived from ``xsd:integer`` become ``xsd:integer`` and numbers and
    booleans get their canonical lexical form. The datatypes the model's
    shapes declare (``oa:start``/``oa:end`` are ``xsd:nonNegativeInteger``)
    are put back when graphs are read, so exports equal those of
    ``hmic-graph build``; other data added with :meth:`ReleaseStore.add_graph`
    may come back in canonical form. The memory kind keeps every literal as given.

Query speed
    In an on-disk store every index lookup and every decoded IRI or string is
    a RocksDB read. :meth:`ReleaseStore.query` therefore runs the large
    bundled queries in equivalent forms that Oxigraph joins on hash tables
    (one ordered scan per predicate instead of one lookup per pattern and
    row), and applies a final ``ORDER BY`` of plain variables to the decoded
    rows itself (Oxigraph decodes two terms per comparison); the rows are
    those of Oxigraph's own evaluation, in the same order. On 10,000 releases
    (1.2 million triples) the bundled queries take 0.5 ms to 2 s, 3-8 times
    less than raw pyoxigraph on the same texts for the large ones; what is
    left grows with the rows returned (10,000 to 50,000 rows: 0.15 to 2 s),
    most of it Oxigraph joining and decoding terms. Copying the store into an
    in-memory pyoxigraph store is no faster: it took 46 s and 880 MiB for
    10,000 releases, and its index walks every quad of a subject in every
    graph, so queries on entities named in many releases get far slower
    (mentions: 112 s instead of 1.4 s). ``benchmarks/query_scale.py``
    measures all of this.

Transactions
    :meth:`ReleaseStore.load_release`, :meth:`~ReleaseStore.add_graph` and
    :meth:`~ReleaseStore.remove_release` change one release graph (and the
    union) in a single transaction: a reader sees the old graph or the new
    one, never a mix, and a crash leaves the old one.

Several processes
    An on-disk store is locked by the process that opens it (RocksDB's lock).
    A second process gets :class:`~hmic_graph.model.errors.HmicGraphError` "the
    store at DIR is in use by another process" at once, or waits up to
    ``wait`` seconds for the lock; two loads therefore serialise or fail, and
    never corrupt the store. ``read_only=True`` opens a store without taking
    the lock, but pyoxigraph documents reading while another process writes
    as *undefined behaviour*: use it only for a store nobody is writing to
    (e.g. a copy made with ``pyoxigraph.Store.backup``). A web server that
    serves a store should hold the one read-write handle; to load new
    releases, stop it, or load into a copy and swap folders.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib
import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, overload

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from hmic_graph.model.errors import HmicGraphError, QueryError
from hmic_graph.model.namespaces import DEFAULT_BASE, HMIC, PREFIXES, SCHEMA, bind_prefixes

if TYPE_CHECKING:
    import pyoxigraph as ox

    from hmic_graph.rdf.export import RdfFormat
    from hmic_graph.sparql.query import BindingValue, QueryResult

__all__ = [
    "MemoryStore",
    "OxigraphStore",
    "ReleaseStore",
    "open_store",
    "register_store",
    "store_kinds",
]

Triple = tuple[URIRef, URIRef, URIRef | Literal]

# Same test as hmic_graph.sparql.query.iri, plus control characters.
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|\\^`]*$")
_LOOKS_LIKE_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_UPDATE_START = re.compile(
    r"^(?:\s|#[^\n]*\n|(?:PREFIX\s+[^\s:]*:\s*<[^>]*>)|(?:BASE\s*<[^>]*>))*"
    r"(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
_SYNTAX_POSITION = re.compile(r"^error at (\d+):(\d+): ", re.DOTALL)
_XSD_STRING = str(XSD.string)

#: Nodes that :meth:`ReleaseStore.describe` includes with a subject: they have
#: no meaning apart from it (evidence selectors, opening hours).
_DEPENDENT = (HMIC.evidence, SCHEMA.hoursAvailable)


# --- registry ----------------------------------------------------------------

# name -> store class, or "module:Class" imported on first use.
_KINDS: dict[str, type[ReleaseStore] | str] = {
    "memory": "hmic_graph.store.stores:MemoryStore",
    "oxigraph": "hmic_graph.store.stores:OxigraphStore",
}


def register_store(name: str, target: type[ReleaseStore] | str, *, replace: bool = False) -> None:
    """Make a :class:`ReleaseStore` subclass available to :func:`open_store` as ``kind=name``.

    :param target: the class, or ``"module:Class"`` naming it, imported on first use.
    :raises HmicGraphError: ``name`` is taken and ``replace`` is false.

    >>> register_store("scratch", "hmic_graph.store.stores:MemoryStore")
    >>> "scratch" in store_kinds()
    True
    >>> register_store("scratch", MemoryStore)
    Traceback (most recent call last):
    ...
    hmic_graph.model.errors.HmicGraphError: a store kind named 'scratch' is already registered
    >>> _ = _KINDS.pop("scratch")
    """
    key = name.strip().lower()
    if key in _KINDS and not replace:
        raise HmicGraphError(f"a store kind named {key!r} is already registered")
    _KINDS[key] = target


def store_kinds() -> list[str]:
    """The kinds :func:`open_store` accepts, sorted.

    >>> store_kinds()
    ['memory', 'oxigraph']
    """
    return sorted(_KINDS)


def _store_class(kind: str) -> type[ReleaseStore]:
    key = kind.strip().lower()
    target = _KINDS.get(key)
    if target is None:
        raise HmicGraphError(
            f"unknown store kind {kind!r}; choose one of: {', '.join(store_kinds())}"
        )
    if isinstance(target, str):
        module_name, _, attribute = target.partition(":")
        try:
            loaded = getattr(importlib.import_module(module_name), attribute)
        except (ImportError, AttributeError) as exc:
            raise HmicGraphError(f"cannot load the store kind {key!r} ({target}): {exc}") from exc
        if not (isinstance(loaded, type) and issubclass(loaded, ReleaseStore)):
            raise HmicGraphError(f"{target} is not a ReleaseStore subclass")
        _KINDS[key] = loaded
        return loaded
    return target


def open_store(
    path: str | Path | None = None,
    *,
    kind: str | None = None,
    create: bool = True,
    read_only: bool = False,
    wait: float = 0.0,
) -> ReleaseStore:
    """Open the release store at ``path`` (a folder), or a new one in memory.

    :param path: the store's folder; ``None`` for a store in memory that is
        gone when closed.
    :param kind: ``"oxigraph"`` or ``"memory"`` (see :func:`store_kinds`).
        Default: ``"oxigraph"`` when ``path`` is given, ``"memory"`` (rdflib,
        no optional dependency) when it is not. Both give the same query rows.
    :param create: create the folder when it does not exist; with false, a
        missing folder is an error (what read-only commands want).
    :param read_only: open without taking the lock and refuse every change.
        Only for a store no process is writing to (see the module notes).
    :param wait: seconds to wait for another process to release the store
        before giving up; 0 fails at once.
    :raises HmicGraphError: the kind is unknown; ``path`` is a file, a
        non-empty folder that is not a store, or (with ``create=False``) does
        not exist; the store is in use by another process; pyoxigraph is not
        installed for the ``"oxigraph"`` kind; the memory kind got a path.

    >>> with open_store() as store:
    ...     name = store.load_release("Kent Police praised\\n\\nKent Police works well.")
    ...     store.releases() == [name], store.kind
    (True, 'memory')
    >>> open_store(kind="sparql")
    Traceback (most recent call last):
    ...
    hmic_graph.model.errors.HmicGraphError: unknown store kind 'sparql'; choose one of: memory, oxigraph
    """
    chosen = kind if kind is not None else ("oxigraph" if path is not None else "memory")
    cls = _store_class(chosen)
    return cls.open(
        Path(path).expanduser() if path is not None else None,
        create=create,
        read_only=read_only,
        wait=wait,
    )


# --- the store ---------------------------------------------------------------


class ReleaseStore(ABC):
    """A set of release graphs, each named by its release IRI, and their union.

    Use :func:`open_store` rather than the constructor. A store is a context
    manager; :meth:`close` releases it (and an on-disk store's lock). All
    reads see the union of the release graphs, where a triple stated by
    several releases (a force's name, say) is one triple.
    """

    #: The registry name of the implementation.
    kind: ClassVar[str] = ""

    def __init__(self, *, path: Path | None, read_only: bool) -> None:
        self.path = path
        self.read_only = read_only
        self._closed = False
        self._write_lock = threading.Lock()

    @classmethod
    @abstractmethod
    def open(cls, path: Path | None, *, create: bool, read_only: bool, wait: float) -> ReleaseStore:
        """Open a store of this kind; see :func:`open_store`."""

    # --- primitives each implementation provides --------------------------

    @abstractmethod
    def _replace(self, name: str, triples: list[Triple]) -> None:
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
        self, query: str | Path, bindings: Mapping[str, BindingValue] | None
    ) -> QueryResult:
        """Evaluate a query (as :meth:`query` takes it) over the union."""

    @abstractmethod
    def _close(self) -> None:
        """Release the underlying store."""

    # --- the public API -----------------------------------------------------

    def load_release(
        self,
        release: str | Path,
        *,
        published: str | None = None,
        base: str = DEFAULT_BASE,
        validate: bool = True,
    ) -> str:
        """Extract, build and validate one release, then replace its graph in the store.

        Loading the same release again gives the same graph, so the store does
        not change (idempotent); loading a changed release replaces exactly
        its own graph, and other releases keep theirs.

        :param release: a :class:`~pathlib.Path` or path string to a text or
            HTML file, or the release text itself (as
            :func:`hmic_graph.ingest.releases.load_release`).
        :param published: the publication date ``YYYY-MM-DD``, when the text does not say.
        :param base: the namespace instance IRIs are minted under.
        :param validate: check the graph against the SHACL shapes first.
        :returns: the release IRI, which is also the graph's name.
        :raises ReleaseReadError: the file is missing, a directory, binary, empty or undecodable.
        :raises ValidationFailed: the graph does not conform; nothing is written.
        :raises HmicGraphError: the store is closed or read-only, the graph
            has an invalid IRI, or the store cannot be written.

        >>> with open_store() as store:
        ...     a = store.load_release("Kent Police praised\\n\\nKent Police works well.")
        ...     size = len(store)
        ...     b = store.load_release("Kent Police praised\\n\\nKent Police works well.")
        ...     a == b, len(store) == size
        (True, True)
        """
        from hmic_graph.ingest.releases import load_release as build_release

        self._check_writable()
        graph = build_release(release, published=published, base=base)
        if validate:
            from hmic_graph.rdf.validation import validate as run_validation

            run_validation(graph).raise_for_results()
        releases = sorted({str(s) for s in graph.subjects(RDF.type, HMIC.PressRelease)})
        if len(releases) != 1:
            raise HmicGraphError(
                f"the graph of a release must have one hmic:PressRelease, not {len(releases)}",
                path=release if isinstance(release, Path) else None,
            )
        self.add_graph(releases[0], graph)
        return releases[0]

    def add_graph(self, name: str, graph: Graph) -> None:
        """Replace the graph called ``name`` with the triples of ``graph`` (no validation).

        :param name: the graph's name, an absolute IRI (for a release, its IRI).
        :param graph: the triples; every node must be an IRI or a literal.
        :raises HmicGraphError: the name or an IRI in the graph is not a valid
            absolute IRI, the graph has blank nodes or is empty, or the store
            is closed or read-only.

        >>> from rdflib import Graph, Literal, URIRef
        >>> g = Graph()
        >>> _ = g.add((URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal(1)))
        >>> with open_store() as store:
        ...     store.add_graph("https://example.org/g", g)
        ...     store.add_graph("https://example.org/g", g)
        ...     store.releases(), len(store)
        (['https://example.org/g'], 1)
        """
        self._check_writable()
        _check_iri(name, what="graph name")
        triples = _checked_triples(graph, name)
        if not triples:
            raise HmicGraphError(
                f"the graph for <{name}> is empty; use remove_release to remove it"
            )
        with self._write_lock:
            self._replace(name, triples)

    def remove_release(self, name: str, *, missing_ok: bool = False) -> None:
        """Remove the graph ``name`` (and its triples from the union, unless another graph has them).

        :raises HmicGraphError: no such graph (unless ``missing_ok``), or the
            store is closed or read-only.

        >>> with open_store() as store:
        ...     store.remove_release("https://example.org/none", missing_ok=True)
        ...     store.remove_release("https://example.org/none")
        Traceback (most recent call last):
        ...
        hmic_graph.model.errors.HmicGraphError: the store has no release <https://example.org/none>
        """
        self._check_writable()
        with self._write_lock:
            if name not in self._names():
                if missing_ok:
                    return
                raise HmicGraphError(f"the store has no release <{name}>")
            self._drop(name)

    def releases(self) -> list[str]:
        """The names (release IRIs) of the graphs in the store, sorted.

        :raises HmicGraphError: the store is closed.
        """
        self._check_open()
        return sorted(self._names())

    def __contains__(self, name: object) -> bool:
        self._check_open()
        return isinstance(name, str) and name in self._names()

    def __len__(self) -> int:
        """The number of distinct triples in the union of the release graphs."""
        self._check_open()
        return self._union_size()

    def graph(self, name: str) -> Graph:
        """One release's graph, as a new rdflib Graph with the model's prefixes bound.

        :raises HmicGraphError: the store has no graph ``name``, or is closed.
        """
        self._check_open()
        if name not in self._names():
            raise HmicGraphError(f"the store has no release <{name}>")
        graph = bind_prefixes(Graph(bind_namespaces="none", identifier=URIRef(name)))
        for triple in self._graph_triples(name):
            graph.add(triple)
        return graph

    def graphs(self, releases: Iterable[str] | None = None) -> dict[str, Graph]:
        """Release IRI -> graph, for ``releases`` (default: all), in sorted order.

        :raises HmicGraphError: a named release is not in the store, or the store is closed.
        """
        self._check_open()
        return {name: self.graph(name) for name in self._selected(releases)}

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
        self._check_open()
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

        >>> with open_store() as store:
        ...     name = store.load_release("Kent Police praised\\n\\nKent Police works well.")
        ...     g = store.describe(name)
        ...     (URIRef(name), RDF.type, HMIC.PressRelease) in g
        True
        """
        self._check_open()
        _check_iri(iri, what="IRI")
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
        self, query: str | Path, *, bindings: Mapping[str, BindingValue] | None = None
    ) -> QueryResult:
        """Run a query over the union of the release graphs.

        Takes what :func:`hmic_graph.sparql.query.query` takes (a named query, a
        ``.rq`` path or SPARQL text; the model's prefixes predeclared;
        bindings as values, never pasted into the text) and gives the same
        :class:`~hmic_graph.sparql.query.QueryResult`: the rows equal those of
        :func:`hmic_graph.sparql.query.query` over :meth:`merged`, in the order the
        query's ``ORDER BY`` defines (rows it leaves tied may come in another
        order, as SPARQL allows). ``GRAPH ?g { ... }`` ranges over the release graphs.

        :raises QueryError: as :func:`hmic_graph.sparql.query.query`.
        :raises HmicGraphError: the store is closed.

        >>> with open_store() as store:
        ...     _ = store.load_release("Kent Police praised\\n\\nKent Police works well.")
        ...     store.query("ASK { ?f a hmic:PoliceForce ; schema:name ?n }", bindings={"n": "Kent Police"}).rows
        (('true',),)
        """
        self._check_open()
        return self._run_query(query, bindings)

    @overload
    def export(
        self,
        path: None = None,
        *,
        format: RdfFormat | str | None = None,
        releases: Iterable[str] | None = None,
        describe: bool = False,
        base: str = DEFAULT_BASE,
        title: str | None = None,
        sparql_endpoint: str | None = None,
        build_time: datetime | None = None,
    ) -> str: ...

    @overload
    def export(
        self,
        path: str | Path,
        *,
        format: RdfFormat | str | None = None,
        releases: Iterable[str] | None = None,
        describe: bool = False,
        base: str = DEFAULT_BASE,
        title: str | None = None,
        sparql_endpoint: str | None = None,
        build_time: datetime | None = None,
    ) -> Path: ...

    def export(
        self,
        path: str | Path | None = None,
        *,
        format: RdfFormat | str | None = None,
        releases: Iterable[str] | None = None,
        describe: bool = False,
        base: str = DEFAULT_BASE,
        title: str | None = None,
        sparql_endpoint: str | None = None,
        build_time: datetime | None = None,
    ) -> str | Path:
        """Write the store (or some releases) as one file, deterministically.

        TriG and N-Quads keep one named graph per release; Turtle, N-Triples
        and JSON-LD hold the merged graph. Output is sorted (see
        :mod:`hmic_graph.rdf.export`), so the same store gives the same bytes.

        :param path: write here atomically and return the path; ``None``
            returns the text.
        :param format: a :class:`~hmic_graph.rdf.export.RdfFormat` or a name;
            default: from ``path``'s extension, else TriG.
        :param releases: the release IRIs to write (default: all).
        :param describe: add the VoID/DCAT/PROV description
            (:func:`hmic_graph.rdf.describe.describe_dataset`), in the default
            graph for TriG/N-Quads, merged in for the other formats.
        :param base: the namespace the description's IRIs are minted under.
        :param title: the description's title (default: the standard one).
        :param sparql_endpoint: the description's ``void:sparqlEndpoint``.
        :param build_time: the description's build time (default: as
            :func:`~hmic_graph.rdf.describe.describe_dataset`).
        :raises ExportError: the format is unknown or cannot be guessed, or the
            file cannot be written.
        :raises HmicGraphError: a named release is not in the store, or the store is closed.

        >>> with open_store() as store:
        ...     _ = store.load_release("Kent Police praised\\n\\nKent Police works well.")
        ...     store.export(format="trig") == store.export(format="trig")
        True
        """
        from hmic_graph.rdf.export import RdfFormat, serialize, to_dataset, write

        self._check_open()
        if format is not None:
            fmt = format if isinstance(format, RdfFormat) else RdfFormat.from_name(format)
        elif path is not None:
            fmt = RdfFormat.from_path(Path(path))
        else:
            fmt = RdfFormat.TRIG
        # Per-release graphs only when needed: a merged export of the whole
        # store reads the union directly.
        graphs = (
            self.graphs(releases)
            if releases is not None or describe or fmt.is_dataset_format
            else {}
        )
        output: Graph
        if fmt.is_dataset_format:
            output = to_dataset(graphs)
        elif releases is None:
            output = self.merged()
        else:
            output = bind_prefixes(Graph(bind_namespaces="none"))
            for graph in graphs.values():
                for triple in graph:
                    output.add(triple)
        if describe:
            from hmic_graph.rdf.describe import DEFAULT_TITLE, describe_dataset

            description = describe_dataset(
                graphs,
                title=title or DEFAULT_TITLE,
                base=base,
                sparql_endpoint=sparql_endpoint,
                build_time=build_time,
            )
            target = output.default_graph if isinstance(output, Dataset) else output
            for triple in description:
                target.add(triple)
        if path is None:
            return serialize(output, format=fmt)
        return write(output, path, format=fmt)

    # --- life cycle -----------------------------------------------------------

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

    # --- helpers --------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise HmicGraphError("the store is closed")

    def _check_writable(self) -> None:
        self._check_open()
        if self.read_only:
            where = f" at {self.path}" if self.path is not None else ""
            raise HmicGraphError(f"the store{where} was opened read-only")

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


# --- in memory (rdflib) ------------------------------------------------------


class MemoryStore(ReleaseStore):
    """Releases in an rdflib :class:`~rdflib.Dataset`, in memory.

    Queries run on rdflib's engine through :func:`hmic_graph.sparql.query.query`.
    """

    kind = "memory"

    def __init__(self) -> None:
        super().__init__(path=None, read_only=False)
        self._dataset = Dataset()
        # A second view on the same triples, where the default graph is the
        # union of all graphs (each triple once).
        self._union = Dataset(store=self._dataset.store, default_union=True)

    @classmethod
    def open(cls, path: Path | None, *, create: bool, read_only: bool, wait: float) -> ReleaseStore:
        if path is not None:
            raise HmicGraphError(
                "the memory store keeps nothing on disk; open it without a path, "
                "or use kind='oxigraph' for a store in a folder",
                path=path,
            )
        return cls()

    def _replace(self, name: str, triples: list[Triple]) -> None:
        identifier = URIRef(name)
        fresh = Graph(identifier=identifier)
        for triple in triples:
            fresh.add(triple)
        self._dataset.remove_graph(identifier)
        target = self._dataset.graph(identifier)
        target.addN((s, p, o, target) for s, p, o in fresh)

    def _drop(self, name: str) -> None:
        self._dataset.remove_graph(URIRef(name))

    def _names(self) -> list[str]:
        return [
            str(graph.identifier)
            for graph in self._dataset.graphs()
            if isinstance(graph.identifier, URIRef)
            and len(graph) > 0
            and graph.identifier != self._dataset.default_graph.identifier
        ]

    def _graph_triples(self, name: str) -> Iterator[Triple]:
        yield from self._dataset.graph(URIRef(name))  # type: ignore[misc]

    def _union_triples(self, subject: URIRef | None = None) -> Iterator[Triple]:
        yield from self._union.triples((subject, None, None))  # type: ignore[misc]

    def _union_size(self) -> int:
        return len(self._union)

    def _run_query(
        self, query: str | Path, bindings: Mapping[str, BindingValue] | None
    ) -> QueryResult:
        from hmic_graph.sparql.query import query as run

        return run(self._union, query, bindings=bindings)

    def _close(self) -> None:
        self._dataset = Dataset()
        self._union = Dataset(store=self._dataset.store, default_union=True)


# --- pyoxigraph ----------------------------------------------------------------


def _pyoxigraph() -> Any:
    try:
        return importlib.import_module("pyoxigraph")
    except ImportError as exc:
        raise HmicGraphError(
            "the oxigraph store needs pyoxigraph, which is missing: pip install 'pyoxigraph>=0.5,<0.6' "
            "(or open_store(kind='memory') for a store in memory)"
        ) from exc


class OxigraphStore(ReleaseStore):
    """Releases in a pyoxigraph ``Store``: a RocksDB folder, or memory.

    The store's default graph holds the union of the release graphs (see the
    module notes); queries run on Oxigraph's engine, the bundled ones in
    forms it evaluates faster, with a final ``ORDER BY`` applied in Python
    (see the module notes on query speed).
    """

    kind = "oxigraph"

    def __init__(self, store: ox.Store, *, path: Path | None, read_only: bool) -> None:
        super().__init__(path=path, read_only=read_only)
        self._store: ox.Store | None = store
        self._ox = _pyoxigraph()

    @classmethod
    def open(cls, path: Path | None, *, create: bool, read_only: bool, wait: float) -> ReleaseStore:
        ox_module = _pyoxigraph()
        if path is None:
            return cls(ox_module.Store(), path=None, read_only=read_only)
        _check_store_folder(path, create=create and not read_only)
        if read_only:
            try:
                store = ox_module.Store.read_only(str(path))
            except OSError as exc:
                raise HmicGraphError(f"cannot open the store read-only: {exc}", path=path) from exc
            return cls(store, path=path, read_only=True)
        deadline = time.monotonic() + max(wait, 0.0)
        pause = 0.05
        while True:
            try:
                store = ox_module.Store(str(path))
            except OSError as exc:
                if not _is_lock_error(exc):
                    raise HmicGraphError(f"cannot open the store: {exc}", path=path) from exc
                if time.monotonic() + pause > deadline:
                    whom = (
                        "this process (close the other handle first)"
                        if "current process" in str(exc)
                        else "another process"
                    )
                    waited = f" (waited {wait:g} s)" if wait > 0 else ""
                    raise HmicGraphError(
                        f"the store at {path} is in use by {whom}{waited}; "
                        "only one process may open a store for writing at a time"
                    ) from exc
                time.sleep(pause)
                pause = min(pause * 2, 0.5)
                continue
            return cls(store, path=path, read_only=False)

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`, for reading (e.g. by a SPARQL server).

        Its default graph is the union of the release graphs and each release
        is a named graph. Do not write to it: changes made there bypass the
        union's upkeep. Literals of integer-derived types read from it have
        Oxigraph's canonical type ``xsd:integer`` (see the module notes).

        :raises HmicGraphError: the store is closed.
        """
        return self._db

    @property
    def _db(self) -> ox.Store:
        if self._store is None:
            raise HmicGraphError("the store is closed")
        return self._store

    # conversions ---------------------------------------------------------------

    def _to_ox(self, term: URIRef | Literal) -> Any:
        return _to_ox(self._ox, term)

    def _from_ox(self, term: Any) -> URIRef | Literal:
        return _from_ox(self._ox, term)

    def _triple(self, quad: Any) -> Triple:
        predicate: URIRef = self._from_ox(quad.predicate)  # type: ignore[assignment]
        obj = self._from_ox(quad.object)
        if isinstance(obj, Literal) and obj.datatype in _NORMALISED_TO:
            obj = _restore_datatype(predicate, obj)
        return (self._from_ox(quad.subject), predicate, obj)  # type: ignore[return-value]

    # primitives ----------------------------------------------------------------

    def _update(self, text: str, name: str) -> None:
        try:
            self._db.update(text)
        except SyntaxError as exc:  # a term our conversion let through
            raise HmicGraphError(f"cannot write the graph <{name}>: {exc}") from exc
        except (OSError, RuntimeError) as exc:
            raise HmicGraphError(f"cannot write the graph <{name}>: {exc}", path=self.path) from exc

    def _replace(self, name: str, triples: list[Triple]) -> None:
        ox_module = self._ox
        try:
            lines = [
                str(ox_module.Triple(self._to_ox(s), self._to_ox(p), self._to_ox(o)))
                for s, p, o in triples
            ]
            graph = str(ox_module.NamedNode(name))
        except ValueError as exc:
            raise HmicGraphError(f"the graph <{name}> has an invalid term: {exc}") from exc
        body = " .\n".join(lines)
        # One update request is one transaction: remove the old graph's
        # triples from the union unless another graph states them, replace the
        # graph, and add its triples to the union.
        self._update(
            f"{_FORGET_FROM_UNION.format(g=graph)} ;\n"
            f"DROP SILENT GRAPH {graph} ;\n"
            f"INSERT DATA {{ GRAPH {graph} {{\n{body} .\n}} }} ;\n"
            f"INSERT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}",
            name,
        )

    def _drop(self, name: str) -> None:
        graph = str(self._ox.NamedNode(name))
        self._update(
            f"{_FORGET_FROM_UNION.format(g=graph)} ;\nDROP SILENT GRAPH {graph}",
            name,
        )

    def _names(self) -> list[str]:
        named = self._ox.NamedNode
        return [g.value for g in self._db.named_graphs() if isinstance(g, named)]

    def _graph_triples(self, name: str) -> Iterator[Triple]:
        graph = self._ox.NamedNode(name)
        for quad in self._db.quads_for_pattern(None, None, None, graph):
            yield self._triple(quad)

    def _union_triples(self, subject: URIRef | None = None) -> Iterator[Triple]:
        node = self._to_ox(subject) if subject is not None else None
        for quad in self._db.quads_for_pattern(node, None, None, self._ox.DefaultGraph()):
            yield self._triple(quad)

    def _union_size(self) -> int:
        solutions = self._db.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        for solution in solutions:  # type: ignore[union-attr]
            return int(solution[0].value)
        return 0

    def _run_query(
        self, query: str | Path, bindings: Mapping[str, BindingValue] | None
    ) -> QueryResult:
        text, label, path = _query_text(query)
        substitutions = self._substitutions(text, label, bindings)
        form = _oxigraph_form(text)
        try:
            # Oxigraph sorts by decoding both terms of every comparison from
            # the store, which costs more than the rest of a large query
            # (see _final_order). A final ORDER BY of plain variables is done
            # here instead, on the decoded rows, when every sort key is of a
            # kind whose SPARQL order is known; otherwise Oxigraph sorts.
            plan = _final_order(form)
            if plan is not None:
                try:
                    result = self._evaluate(plan[0], substitutions)
                except SyntaxError:
                    result = None  # the whole text gives the right error below
                if result is not None:
                    answer = self._answer(result, plan[1])
                    if answer is not None:
                        return answer
            answer = self._answer(self._evaluate(form, substitutions), ())
            assert answer is not None
            return answer
        except SyntaxError as exc:
            raise _syntax_error(exc, text, label, path) from exc
        except (OSError, RuntimeError, ValueError, TypeError) as exc:
            raise QueryError(f"query {label} failed: {exc}") from exc

    def _evaluate(self, text: str, substitutions: dict[Any, Any]) -> Any:
        try:
            return self._db.query(text, prefixes=_prefixes(), substitutions=substitutions or None)
        except RuntimeError as exc:
            # Oxigraph substitutes only variables a SELECT projects; bind
            # the others with a trailing VALUES clause, joined before the
            # projection, of terms written by pyoxigraph (never raw text).
            if not substitutions or "projection" not in str(exc):
                raise
            return self._db.query(text + _values_clause(substitutions), prefixes=_prefixes())

    def _answer(self, result: Any, order: tuple[tuple[str, bool], ...]) -> QueryResult | None:
        """The result as rows; sorted by ``order`` (variable, descending) if given.

        ``None`` when ``order`` cannot be applied here (a variable is not
        projected, or :func:`_ordered_rows` does not know how to order a
        key): the caller then lets Oxigraph sort.
        """
        from hmic_graph.sparql.query import QueryResult

        ox_module = self._ox
        if isinstance(result, ox_module.QueryBoolean):
            return QueryResult(("ask",), (("true" if bool(result) else "false",),))
        if isinstance(result, ox_module.QueryTriples):
            triples = sorted({self._triple(t) for t in result})
            return QueryResult(
                ("subject", "predicate", "object"),
                tuple(tuple(str(term) for term in triple) for triple in triples),
            )
        columns = tuple(v.value for v in result.variables)
        if not order:
            return QueryResult(columns, tuple(_row(tuple(solution)) for solution in result))
        if any(name not in columns for name, _ in order):
            return None
        keys = [(columns.index(name), descending) for name, descending in order]
        rows = _ordered_rows(ox_module, result, keys)
        return None if rows is None else QueryResult(columns, rows)

    def _substitutions(
        self, text: str, label: str, bindings: Mapping[str, BindingValue] | None
    ) -> dict[Any, Any]:
        if not bindings:
            return {}
        from hmic_graph.sparql.query import checked_bindings

        used = set(re.findall(r"[?$]([A-Za-z0-9_]+)", text))
        out: dict[Any, Any] = {}
        for name, term in checked_bindings(bindings, used, label):
            if not isinstance(term, URIRef | Literal):
                raise QueryError(f"cannot bind ?{name} to {term!r}; use an IRI or a literal")
            try:
                out[self._ox.Variable(name)] = self._to_ox(term)
            except ValueError as exc:
                raise QueryError(f"cannot bind ?{name}: {exc}") from exc
        return out

    def _close(self) -> None:
        store, self._store = self._store, None
        if store is not None and self.path is not None and not self.read_only:
            with contextlib.suppress(OSError):
                store.flush()
        # Dropping the last reference releases RocksDB's lock.
        del store


# Oxigraph stores some literals in a canonical form (oxigraph/oxigraph#526):
# every type derived from xsd:integer becomes xsd:integer, xsd:dateTimeStamp
# becomes xsd:dateTime. The model's shapes give each such property one
# datatype (oa:start and oa:end are xsd:nonNegativeInteger), which is put
# back when reading; other data keeps the canonical type.
_INTEGER_BOUNDS: dict[str, tuple[int | None, int | None]] = {
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}
_NORMALISED_TO: dict[URIRef, frozenset[URIRef]] = {
    XSD.integer: frozenset(URIRef(str(XSD) + name) for name in _INTEGER_BOUNDS),
    XSD.dateTime: frozenset({XSD.dateTimeStamp}),
}


@functools.cache
def _declared_datatypes() -> dict[URIRef, URIRef]:
    """Property -> the one datatype the shapes give it, for datatypes Oxigraph rewrites."""
    from hmic_graph.rdf.ontology import shapes_graph

    sh = "http://www.w3.org/ns/shacl#"
    rewritten = frozenset().union(*_NORMALISED_TO.values())
    found: dict[URIRef, set[URIRef]] = {}
    shapes = shapes_graph()
    for shape, datatype in shapes.subject_objects(URIRef(sh + "datatype")):
        path = shapes.value(shape, URIRef(sh + "path"))
        if isinstance(path, URIRef) and isinstance(datatype, URIRef):
            found.setdefault(path, set()).add(datatype)
    return {
        path: next(iter(types))
        for path, types in found.items()
        if len(types) == 1 and next(iter(types)) in rewritten
    }


def _restore_datatype(predicate: URIRef, literal: Literal) -> Literal:
    declared = _declared_datatypes().get(predicate)
    if declared is None or literal.datatype is None:
        return literal
    if declared not in _NORMALISED_TO.get(literal.datatype, frozenset()):
        return literal
    bounds = _INTEGER_BOUNDS.get(declared[len(str(XSD)) :])
    if bounds is not None:
        try:
            number = int(str(literal))
        except ValueError:
            return literal
        low, high = bounds
        if (low is not None and number < low) or (high is not None and number > high):
            return literal
    return Literal(str(literal), datatype=declared)


def _values_clause(substitutions: Mapping[Any, Any]) -> str:
    variables = " ".join(f"?{variable.value}" for variable in substitutions)
    terms = " ".join(str(term) for term in substitutions.values())
    return f"\nVALUES ({variables}) {{ ({terms}) }}\n"


# --- Oxigraph forms of the bundled queries --------------------------------------
#
# The bundled queries are written for every engine. Oxigraph plans a group of
# triple patterns as nested-loop joins: one index lookup per pattern and row,
# 10-15 us each in a RocksDB store. Patterns wrapped in sub-selects are joined
# on hash tables instead, each predicate read once in order, which is 3-4x
# faster on a large store; rdflib evaluates the same forms as nested loops
# over whole sub-results (100x slower), so they are used only by
# OxigraphStore, in place of the text they were written for (recorded by its
# SHA-256: an edited .rq file runs as written). Each form has that text's
# rows: its patterns, partitioned into sub-selects that each project every
# variable of their patterns (or hide one used nowhere else), and its ORDER BY.
# They live in queries/oxigraph/NAME.rq, each with the digest of its text.


@functools.cache
def _oxigraph_forms() -> dict[str, tuple[str, str]]:
    """``name -> (sha256 of the packaged text, Oxigraph form)``, from ``queries/oxigraph/*.rq``.

    :raises ResourceError: a file has no digest line.
    """
    from importlib.resources import files

    from hmic_graph.model.errors import ResourceError

    digest_line = re.compile(
        r"^# sha256 of the packaged text it stands for: ([0-9a-f]{64})$", re.MULTILINE
    )
    forms: dict[str, tuple[str, str]] = {}
    folder = files("hmic_graph").joinpath("queries").joinpath("oxigraph")
    for node in sorted(folder.iterdir(), key=lambda n: n.name):
        if not node.name.endswith(".rq"):
            continue
        text = node.read_text(encoding="utf-8")
        found = digest_line.search(text)
        if found is None:
            raise ResourceError(
                "no 'sha256 of the packaged text' line", path=f"queries/oxigraph/{node.name}"
            )
        forms[node.name.removesuffix(".rq")] = (found.group(1), text)
    return forms


@functools.lru_cache(maxsize=64)
def _oxigraph_form(text: str) -> str:
    """The Oxigraph form of ``text`` if it is a bundled query that has one, else ``text``."""
    # Line ends as checked out on Windows do not change the query.
    digest = hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8")).hexdigest()
    for recorded, form in _oxigraph_forms().values():
        if recorded == digest:
            return form
    return text


# --- ordering rows in Python ---------------------------------------------------
#
# Oxigraph's ORDER BY compares terms by decoding both from the store at every
# comparison: n log n dictionary reads from RocksDB, half to three quarters of
# the time of the large bundled queries on 10,000 releases (evidence: 3.2 of
# 6.2 s; mentions: 3.5 of 4.8 s; see benchmarks/query_scale.py). The rows are
# decoded once anyway, so a final ORDER BY of plain variables is applied to
# them here, in the order SPARQL 1.1 (section 15.1) defines: unbound, then
# IRIs by their text, then literals by value. Only literals whose order
# Oxigraph and this code agree on are ordered here (one datatype per key:
# strings, integers, booleans, and dates and times without time zone or
# fraction); any other key lets Oxigraph sort, so the rows are always those of
# its ORDER BY (rows the ORDER BY leaves tied may come in another order).

_ORDER_TAIL = re.compile(
    r"\s*ORDER\s+BY((?:\s*(?:(?:ASC|DESC)\s*\(\s*[?$][A-Za-z0-9_]+\s*\)|[?$][A-Za-z0-9_]+))+)\s*",
    re.IGNORECASE,
)
_ORDER_KEY = re.compile(r"(ASC|DESC)?\s*\(?\s*[?$]([A-Za-z0-9_]+)", re.IGNORECASE)
_REDUCED = re.compile(r"\bREDUCED\b", re.IGNORECASE)
_INTEGER = str(XSD.integer)
# Literal datatypes ordered by their lexical form, when it matches the pattern.
_LEXICAL_ORDER: dict[str, re.Pattern[str] | None] = {
    _XSD_STRING: None,
    str(XSD.boolean): re.compile(r"true|false"),
    str(XSD.date): re.compile(r"\d{4}-\d\d-\d\d"),
    str(XSD.time): re.compile(r"\d\d:\d\d:\d\d"),
    str(XSD.dateTime): re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"),
}
_UNKNOWN = re.compile(r"(?!)")  # matches nothing: datatypes not ordered here
_UNBOUND = (0, "")


@functools.lru_cache(maxsize=64)
def _final_order(text: str) -> tuple[str, tuple[tuple[str, bool], ...]] | None:
    """``(text without its ORDER BY, ((variable, descending), ...))`` when the
    query ends with an ORDER BY of plain variables (``?v``, ``ASC(?v)``,
    ``DESC(?v)``) and nothing else; ``None`` otherwise (and for REDUCED, whose
    rows may depend on the order).

    >>> _final_order("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s DESC(?o)")
    ('SELECT * WHERE { ?s ?p ?o }', (('s', False), ('o', True)))
    >>> _final_order("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 1") is None
    True
    """
    end = text.rfind("}")
    if end < 0 or _REDUCED.search(text):
        return None
    tail = _ORDER_TAIL.fullmatch(text, end + 1)
    if tail is None:
        return None
    keys = tuple(
        (name, (direction or "").upper() == "DESC")
        for direction, name in _ORDER_KEY.findall(tail.group(1))
    )
    return text[: end + 1], keys


def _ordered_rows(
    ox_module: Any, solutions: Iterable[Any], keys: list[tuple[int, bool]]
) -> tuple[tuple[str | None, ...], ...] | None:
    """The solutions as rows, sorted by ``keys`` (column, descending) as
    SPARQL's ORDER BY does, or ``None`` when a key holds a term whose order
    this code does not know (then Oxigraph must sort)."""
    named = ox_module.NamedNode
    literal = ox_module.Literal
    datatypes: dict[int, str] = {}  # each key's literal datatype: one per key
    keyed: list[tuple[tuple[Any, ...], tuple[str | None, ...]]] = []
    for solution in solutions:
        terms = tuple(solution)
        row = _row(terms)
        key: list[Any] = []
        for column, _ in keys:
            term = terms[column]
            kind = type(term)
            if kind is named:
                key += (1, row[column])
            elif term is None:
                key += _UNBOUND
            elif kind is literal:
                value = _literal_key(term, row[column], datatypes, column)
                if value is None:
                    return None
                key += (2, value)
            else:
                return None
        keyed.append((tuple(key), row))
    if not any(descending for _, descending in keys):
        keyed.sort(key=_first)
    else:
        # Stable sorts from the last key to the first; each key is (rank, value).
        for position in range(len(keys) - 1, -1, -1):
            keyed.sort(
                key=lambda entry, at=2 * position: entry[0][at : at + 2],  # type: ignore[misc]
                reverse=keys[position][1],
            )
    return tuple(row for _, row in keyed)


def _literal_key(term: Any, value: Any, datatypes: dict[int, str], column: int) -> Any:
    """What orders a literal (whose lexical form is ``value``) among the
    literals of its key as SPARQL does, or ``None`` (a language tag, an
    unknown datatype or form, or a second datatype in the key)."""
    if term.language:
        return None
    datatype = term.datatype.value
    if datatypes.setdefault(column, datatype) != datatype:
        return None
    if datatype == _INTEGER:
        digits = value[1:] if value[:1] == "-" else value
        # Short ASCII digits only: within Oxigraph's 64-bit integers.
        return (
            int(value) if 0 < len(digits) <= 18 and digits.isascii() and digits.isdigit() else None
        )
    pattern = _LEXICAL_ORDER.get(datatype, _UNKNOWN)
    if pattern is None or (pattern is not _UNKNOWN and pattern.fullmatch(value)):
        return value
    return None


def _first(entry: tuple[Any, Any]) -> Any:
    return entry[0]


def _row(terms: tuple[Any, ...]) -> tuple[str | None, ...]:
    try:
        return tuple([None if term is None else term.value for term in terms])
    except AttributeError:  # an RDF-star triple, which has no value
        return tuple([_plain(term) for term in terms])


_FORGET_FROM_UNION = (
    "DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} "
    "FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER (?other != {g}) }} }}"
)


def _is_lock_error(exc: OSError) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("unavailable" in text or "hold" in text or "resource" in text)


_ROCKSDB_FILES = frozenset({"CURRENT", "LOCK", "IDENTITY", "LOG"})


def _is_rocksdb_file(name: str) -> bool:
    # RocksDB writes LOG and LOCK some time before CURRENT when it creates a
    # store, so a store another process is creating right now counts too.
    return (
        name in _ROCKSDB_FILES
        or name.startswith(("MANIFEST-", "OPTIONS-", "LOG.old"))
        or name.endswith((".log", ".sst"))
    )


def _check_store_folder(path: Path, *, create: bool) -> None:
    if path.exists() and not path.is_dir():
        raise HmicGraphError("this is a file, not a store folder", path=path)
    if path.is_dir():
        names = [entry.name for entry in path.iterdir()]
        if names and not any(_is_rocksdb_file(name) for name in names):
            raise HmicGraphError(
                "this folder is not empty and holds no store; choose a new or empty folder",
                path=path,
            )
        return
    if not create:
        raise HmicGraphError(
            "no store here; create one with `hmic-graph load RELEASE... --store DIR`", path=path
        )


def _to_ox(ox_module: Any, term: URIRef | Literal) -> Any:
    if isinstance(term, URIRef):
        return ox_module.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox_module.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox_module.Literal(str(term), datatype=ox_module.NamedNode(str(term.datatype)))
        return ox_module.Literal(str(term))
    raise HmicGraphError(f"cannot store the term {term!r}: only IRIs and literals")


def from_oxigraph(term: Any) -> URIRef | Literal:
    """The rdflib term of a pyoxigraph term (the one conversion every module uses).

    :raises HmicGraphError: the term is of a kind rdflib has no term for.
    """
    import pyoxigraph

    return _from_ox(pyoxigraph, term)


def _from_ox(ox_module: Any, term: Any) -> URIRef | Literal:
    if isinstance(term, ox_module.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox_module.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox_module.BlankNode):
        return BNode(term.value)  # type: ignore[return-value]
    raise HmicGraphError(f"cannot convert the term {term!r}")


def _plain(term: Any) -> str | None:
    if term is None:
        return None
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else str(term)


# --- shared helpers -----------------------------------------------------------


def _check_iri(value: str, *, what: str) -> None:
    if not isinstance(value, str) or not _ABSOLUTE_IRI.match(value):
        raise HmicGraphError(f"the {what} must be an absolute IRI, not {value!r}")


def _checked_triples(graph: Graph, name: str) -> list[Triple]:
    """The graph's triples, sorted, after checking every node."""
    seen: set[str] = set()
    triples: list[Triple] = []
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef):
                text = str(term)
                if text not in seen:
                    if not _ABSOLUTE_IRI.match(text):
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
    triples.sort()
    return triples


@functools.cache
def _prefixes() -> dict[str, str]:
    table = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    table["hmicid"] = DEFAULT_BASE
    return table


@functools.cache
def _aliases() -> dict[str, tuple[str, str]]:
    """Every accepted name of a bundled query -> (short name, text), as hmic_graph.sparql.query."""
    from hmic_graph.sparql.query import list_queries

    table: dict[str, tuple[str, str]] = {}
    for named in list_queries():
        entry = (named.name, named.text)
        table[named.name] = entry
        for alias in named.aliases:
            table[alias] = entry
            number = re.fullmatch(r"cq0*(\d+)", alias)
            if number:
                table[f"cq{number.group(1)}"] = entry
    return table


def _query_text(query: str | Path) -> tuple[str, str, str | None]:
    """(SPARQL text, label for messages, file path or None), resolved as hmic_graph.sparql.query does."""
    if isinstance(query, Path) or (query.strip().endswith(".rq") and "\n" not in query):
        path = Path(query).expanduser() if isinstance(query, Path) else Path(query.strip())
        try:
            return path.read_text(encoding="utf-8"), str(path), str(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"cannot read query file: {exc}", path=path) from exc
    key = query.strip()
    if _LOOKS_LIKE_NAME.match(key):
        found = _aliases().get(key.lower())
        if found is None:
            from hmic_graph.sparql.query import list_queries

            names = ", ".join(q.name for q in list_queries())
            raise QueryError(f"unknown query {key!r}; the named queries are: {names}")
        return found[1], repr(found[0]), None
    return query, "text", None


def _syntax_error(exc: SyntaxError, text: str, label: str, path: str | None) -> QueryError:
    message = str(exc.msg if exc.msg else exc)
    line = column = None
    position = _SYNTAX_POSITION.match(message)
    if position:
        line, column = int(position.group(1)), int(position.group(2))
        message = message[position.end() :]
    if _UPDATE_START.match(text):
        return QueryError(f"query {label} is a SPARQL UPDATE; only queries are run")
    reason = message.splitlines()[0] if message else "syntax error"
    return QueryError(
        f"query {label} is not valid SPARQL: {reason}", path=path, line=line, column=column
    )
