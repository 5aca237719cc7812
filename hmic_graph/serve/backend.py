"""What the server needs from a release store, over Oxigraph or rdflib.

The server reads a :class:`hmic_graph.store.stores.ReleaseStore` (or anything with
its ``describe`` method) through a :class:`Backend`:

* :meth:`Backend.describe` is the store's own ``describe`` (the entity's
  triples and its evidence selectors), used for the RDF representations and
  the facts of an entity page;
* :meth:`Backend.triples` looks up triple patterns over the union of the
  release graphs (labels, incoming links, release texts);
* :meth:`Backend.execute` runs a checked SPARQL query over that union,
  reading at most ``max_rows`` rows and giving up at ``deadline``;
* :meth:`Backend.objects_of`, :meth:`~Backend.objects_of_many` and
  :meth:`~Backend.incoming` are the lookups an entity page makes (the labels
  of what it links to, the links to it): the same answers as
  :meth:`~Backend.triples`, which the Oxigraph backend gets with fewer,
  batched reads.

For an Oxigraph store (``kind == "oxigraph"``) queries and lookups run on its
pyoxigraph store, whose default graph holds the union of the release graphs
(each triple once; see :mod:`hmic_graph.store.stores`), so queries read the default
graph and ``GRAPH ?g`` reaches each release. Any other store (the rdflib
memory store) is read through ``store.dataset()``, a copy taken when the
backend is made: the server shows the store as it was when it started.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from hmic_graph.serve.protocol import (
    AskOutcome,
    GraphOutcome,
    InspectedQuery,
    JsonTerm,
    Outcome,
    ProtocolError,
    SelectOutcome,
    parser_lock,
)

if TYPE_CHECKING:
    from rdflib import Dataset

__all__ = [
    "Backend",
    "DescribableStore",
    "OxigraphBackend",
    "RdflibBackend",
    "Triple",
    "backend_for",
]

Triple = tuple[Node, Node, Node]
Pattern = tuple[Node | None, Node | None, Node | None]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: Attributes under which an Oxigraph release store exposes its pyoxigraph store,
#: tried in order: the public name first; ``_db`` is OxigraphStore's own
#: accessor (private, hence the fallback only).
OXIGRAPH_ATTRIBUTES = ("oxigraph", "_db")


class DescribableStore(Protocol):
    """The part of :class:`hmic_graph.store.stores.ReleaseStore` the server relies on."""

    def describe(self, iri: str) -> Graph:
        """The IRI's triples plus the evidence selectors it points to."""
        ...

    def dataset(self) -> Dataset:
        """The release graphs as an rdflib dataset (one named graph each)."""
        ...


class Backend(ABC):
    """Read access to a store for the server; see the module docstring."""

    #: A short name for logs and the ``Server`` header, e.g. ``"oxigraph"``.
    name: ClassVar[str]
    #: Whether ``FROM``/``FROM NAMED`` may be run (rdflib would fetch unknown graphs from the web).
    allows_dataset_clause: ClassVar[bool]

    def __init__(self, store: DescribableStore) -> None:
        self.store = store

    def describe(self, iri: URIRef) -> Graph:
        """The store's description of ``iri`` (empty if it knows nothing about it)."""
        return self.store.describe(iri)

    @abstractmethod
    def triples(self, pattern: Pattern, *, limit: int | None = None) -> list[Triple]:
        """Distinct triples matching ``pattern`` in any release graph, at most ``limit``."""

    @abstractmethod
    def execute(
        self, query: InspectedQuery, *, prefixes: Mapping[str, str], deadline: float, max_rows: int
    ) -> Outcome:
        """Run ``query`` over the union of the release graphs.

        :param prefixes: prefixes the query may use without declaring them.
        :param deadline: a :func:`time.monotonic` time; reading rows stops after it.
        :param max_rows: the most rows (or triples) a result may have.
        :raises ProtocolError: 400 the engine rejects the query, 422 more than
            ``max_rows`` results, 503 the deadline passed while reading rows.
        """

    def value(self, subject: URIRef, predicate: URIRef) -> Node | None:
        """One object of ``subject predicate ?o`` (the smallest, so the choice is stable)."""
        found = [o for _, _, o in self.triples((subject, predicate, None))]
        return min(found, key=str) if found else None

    def objects_of(
        self, subject: URIRef, predicates: Sequence[URIRef]
    ) -> dict[URIRef, list[Node]]:
        """The distinct objects of ``subject`` for each of ``predicates`` (every key present).

        The same as a :meth:`triples` lookup per predicate; a backend may
        answer it with fewer lookups.
        """
        return {p: [o for _, _, o in self.triples((subject, p, None))] for p in predicates}

    def objects_of_many(
        self, subjects: Iterable[URIRef], predicates: Sequence[URIRef]
    ) -> dict[URIRef, dict[URIRef, list[Node]]]:
        """:meth:`objects_of` for each of ``subjects``; a backend may batch the lookups."""
        return {subject: self.objects_of(subject, predicates) for subject in subjects}

    def incoming(self, obj: URIRef, *, limit: int) -> list[tuple[Node, Node]]:
        """(subject, predicate) of the first ``limit`` distinct triples ``?s ?p obj``, as :meth:`triples` reads them.

        In no particular order; when there are more than ``limit``, exactly
        the ones :meth:`triples` gives with that limit.
        """
        return [(s, p) for s, p, _ in self.triples((None, None, obj), limit=limit)]


def too_many(max_rows: int) -> ProtocolError:
    """The error for a result with more than ``max_rows`` rows."""
    return ProtocolError(
        f"the result has more than {max_rows} rows, the limit of this endpoint; "
        "add LIMIT (and OFFSET to page through it) or narrow the query",
        status=422,
        headers={"X-Result-Limit": str(max_rows)},
    )


def timed_out(seconds: float | None = None) -> ProtocolError:
    """The error for a query that ran past its deadline."""
    limit = f" of {seconds:g} s" if seconds is not None else ""
    return ProtocolError(
        f"the query ran longer than the time limit{limit} and was stopped; narrow it or add LIMIT",
        status=503,
        headers={"Retry-After": "1"},
    )


def _check_deadline(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise timed_out()


# --- Oxigraph --------------------------------------------------------------------


class OxigraphBackend(Backend):
    """Queries and lookups on the store's :class:`pyoxigraph.Store` (thread-safe for reads).

    :param union_in_default_graph: the default graph holds the union of the
        named graphs (as in :class:`hmic_graph.store.stores.OxigraphStore`); if
        false, queries use ``use_default_graph_as_union=True`` instead, where
        a triple in several graphs is read once per graph.
    """

    name = "oxigraph"
    allows_dataset_clause = True

    def __init__(
        self, store: DescribableStore, oxigraph: Any, *, union_in_default_graph: bool = True
    ) -> None:
        super().__init__(store)
        self.oxigraph = oxigraph
        self.union_in_default_graph = union_in_default_graph

    def triples(self, pattern: Pattern, *, limit: int | None = None) -> list[Triple]:
        import pyoxigraph

        s, p, o = (None if t is None else _to_ox(t) for t in pattern)
        graph = pyoxigraph.DefaultGraph() if self.union_in_default_graph else None
        seen: set[Triple] = set()
        found: list[Triple] = []
        for quad in self.oxigraph.quads_for_pattern(s, p, o, graph):
            triple = (_from_ox(quad.subject), _from_ox(quad.predicate), _from_ox(quad.object))
            if triple not in seen:
                seen.add(triple)
                found.append(triple)
                if limit is not None and len(found) >= limit:
                    break
        return found

    def objects_of(
        self, subject: URIRef, predicates: Sequence[URIRef]
    ) -> dict[URIRef, list[Node]]:
        # Each lookup in Oxigraph costs tens of microseconds even when it finds
        # nothing, so a node with few triples (a quote, a selector) is read in
        # one pass; a node with many (an inspectorate with a contact point per
        # release) is looked up per predicate instead, after a bounded look.
        import pyoxigraph

        wanted = {str(p): p for p in predicates}
        found: dict[URIRef, list[Node]] = {p: [] for p in predicates}
        graph = pyoxigraph.DefaultGraph() if self.union_in_default_graph else None
        seen: set[tuple[URIRef, Node]] = set()
        for count, quad in enumerate(
            self.oxigraph.quads_for_pattern(_to_ox(subject), None, None, graph), start=1
        ):
            if count > _SCAN_LIMIT:
                return super().objects_of(subject, predicates)
            predicate = wanted.get(quad.predicate.value)
            if predicate is None:
                continue
            obj = _from_ox(quad.object)
            if (predicate, obj) not in seen:
                seen.add((predicate, obj))
                found[predicate].append(obj)
        return found

    def incoming(self, obj: URIRef, *, limit: int) -> list[tuple[Node, Node]]:
        # A SPARQL query reads links several times faster than quads_for_pattern
        # (no quad objects, no graph names); only when there are more than
        # ``limit`` does it matter which ones are read, and then the lookup
        # that defines it decides.
        import pyoxigraph

        if not isinstance(obj, URIRef):
            return super().incoming(obj, limit=limit)
        solutions = self.oxigraph.query(
            f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {pyoxigraph.NamedNode(str(obj))} }} "
            f"LIMIT {limit + 1}",
            use_default_graph_as_union=not self.union_in_default_graph,
        )
        predicates: dict[str, Node] = {}
        found: list[tuple[Node, Node]] = []
        for solution in solutions:
            predicate = solution[1]
            converted = predicates.get(predicate.value)
            if converted is None:
                converted = predicates[predicate.value] = _from_ox(predicate)
            found.append((_from_ox(solution[0]), converted))
        if len(found) > limit:
            return super().incoming(obj, limit=limit)
        return found

    def objects_of_many(
        self, subjects: Iterable[URIRef], predicates: Sequence[URIRef]
    ) -> dict[URIRef, dict[URIRef, list[Node]]]:
        # One SPARQL query per batch of subjects: Oxigraph joins them in Rust,
        # several times faster than a lookup per node from Python. The IRIs
        # come from the store and are written by pyoxigraph, never pasted raw.
        import pyoxigraph

        wanted = {str(p): p for p in predicates}
        found: dict[URIRef, dict[URIRef, list[Node]]] = {}
        for subject in subjects:
            found.setdefault(subject, {p: [] for p in predicates})
        names = {str(s): s for s in found}
        batch = sorted(names)
        restriction = ", ".join(str(pyoxigraph.NamedNode(p)) for p in wanted)
        seen: set[tuple[URIRef, URIRef, Node]] = set()
        for start in range(0, len(batch), _BATCH):
            values = " ".join(str(pyoxigraph.NamedNode(s)) for s in batch[start : start + _BATCH])
            solutions = self.oxigraph.query(
                f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o . "
                f"FILTER(?p IN ({restriction})) }}",
                use_default_graph_as_union=not self.union_in_default_graph,
            )
            for solution in solutions:
                subject = names[solution[0].value]
                predicate = wanted[solution[1].value]
                obj = _from_ox(solution[2])
                if (subject, predicate, obj) not in seen:
                    seen.add((subject, predicate, obj))
                    found[subject][predicate].append(obj)
        return found

    def execute(
        self, query: InspectedQuery, *, prefixes: Mapping[str, str], deadline: float, max_rows: int
    ) -> Outcome:
        # pyoxigraph's result iterators are "unsendable": they must be dropped
        # by the thread that made them. An exception raised while reading them
        # holds them through its traceback, so it is replaced here, in this
        # thread, by a fresh error that refers to nothing.
        failure: ProtocolError
        try:
            return self._execute(query, prefixes=prefixes, deadline=deadline, max_rows=max_rows)
        except ProtocolError as exc:
            failure = ProtocolError(exc.message, status=exc.status, headers=exc.headers)
        except SyntaxError as exc:
            failure = ProtocolError(f"malformed query: {exc.msg}", status=400)
        except (OSError, RuntimeError, ValueError) as exc:
            failure = ProtocolError(f"the query failed: {exc}", status=400)
        except Exception as exc:  # anything else: a failure of ours, reported without its traceback
            failure = ProtocolError(f"the query failed: {type(exc).__name__}: {exc}", status=500)
        raise failure

    def _execute(
        self, query: InspectedQuery, *, prefixes: Mapping[str, str], deadline: float, max_rows: int
    ) -> Outcome:
        import pyoxigraph

        # Oxigraph evaluates what it must (aggregates, ORDER BY) inside this
        # call, with the GIL released; it cannot be interrupted.
        result = self.oxigraph.query(
            query.text,
            use_default_graph_as_union=not self.union_in_default_graph,
            prefixes=dict(prefixes),
        )
        _check_deadline(deadline)
        if isinstance(result, pyoxigraph.QueryBoolean):
            return AskOutcome(bool(result))
        if isinstance(result, pyoxigraph.QuerySolutions):
            variables = tuple(v.value for v in result.variables)
            rows: list[dict[str, JsonTerm]] = []
            for solution in _guarded(result, deadline, max_rows):
                row: dict[str, JsonTerm] = {}
                for index, name in enumerate(variables):
                    term = solution[index]
                    if term is not None:
                        row[name] = _ox_json(term)
                rows.append(row)
            return SelectOutcome(variables, rows)
        graph = Graph()
        for triple in _guarded(result, deadline, max_rows):
            graph.add(
                (_from_ox(triple.subject), _from_ox(triple.predicate), _from_ox(triple.object))
            )
        return GraphOutcome(graph)


#: The most triples :meth:`OxigraphBackend.objects_of` reads about one node before
#: looking up each predicate on its own instead.
_SCAN_LIMIT = 48
#: Subjects per query of :meth:`OxigraphBackend.objects_of_many`.
_BATCH = 256


def _guarded(rows: Iterable[Any], deadline: float, max_rows: int) -> Iterator[Any]:
    """``rows``, checking the deadline every 256 rows and failing past ``max_rows``."""
    for count, row in enumerate(rows, start=1):
        if count > max_rows:
            raise too_many(max_rows)
        if count % 256 == 0:
            _check_deadline(deadline)
        yield row


def _to_ox(term: Node) -> Any:
    import pyoxigraph

    if isinstance(term, URIRef):
        return pyoxigraph.NamedNode(str(term))
    if isinstance(term, BNode):
        return pyoxigraph.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return pyoxigraph.Literal(str(term), language=term.language)
        if term.datatype:
            return pyoxigraph.Literal(str(term), datatype=pyoxigraph.NamedNode(str(term.datatype)))
        return pyoxigraph.Literal(str(term))
    raise TypeError(f"cannot look up a {type(term).__name__}")


def _from_ox(term: Any) -> Node:
    from hmic_graph.store.stores import from_oxigraph

    return from_oxigraph(term)


def _ox_json(term: Any) -> JsonTerm:
    import pyoxigraph

    if isinstance(term, pyoxigraph.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, pyoxigraph.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, pyoxigraph.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return {"type": "literal", "value": term.value}
        return {"type": "literal", "value": term.value, "datatype": datatype}
    return {"type": "literal", "value": str(term)}


# --- rdflib ----------------------------------------------------------------------


class RdflibBackend(Backend):
    """Queries and lookups on an rdflib dataset, read as the union of its graphs.

    ``FROM``/``FROM NAMED`` are refused: rdflib would download a graph it
    does not hold from the web.
    """

    name = "rdflib"
    allows_dataset_clause = False

    def __init__(self, store: DescribableStore, dataset: Dataset) -> None:
        from rdflib import Dataset

        super().__init__(store)
        # A second view on the same data; the store's dataset is not changed.
        self.dataset = Dataset(store=dataset.store, default_union=True)

    def triples(self, pattern: Pattern, *, limit: int | None = None) -> list[Triple]:
        seen: set[Triple] = set()
        found: list[Triple] = []
        for triple in self.dataset.triples(pattern):
            if triple not in seen:
                seen.add(triple)
                found.append(triple)
                if limit is not None and len(found) >= limit:
                    break
        return found

    def execute(
        self, query: InspectedQuery, *, prefixes: Mapping[str, str], deadline: float, max_rows: int
    ) -> Outcome:
        if query.has_dataset_clause:
            raise ProtocolError(
                "FROM and FROM NAMED are not supported by this endpoint", status=403
            )
        from rdflib.plugins.sparql import prepareQuery

        try:
            with parser_lock(deadline):  # rdflib's parser is not thread-safe
                prepared = prepareQuery(query.text, initNs=dict(prefixes))
            result = self.dataset.query(prepared)
            _check_deadline(deadline)
            if result.type == "ASK":
                return AskOutcome(bool(result.askAnswer))
            if result.type == "SELECT":
                variables = tuple(str(v) for v in result.vars or ())
                rows: list[dict[str, JsonTerm]] = []
                for solution in _guarded(result, deadline, max_rows):
                    row: dict[str, JsonTerm] = {}
                    for name, term in zip(variables, solution, strict=True):
                        if term is not None:
                            row[name] = _rdflib_json(term)
                    rows.append(row)
                return SelectOutcome(variables, rows)
            graph = Graph()
            for triple in _guarded(result, deadline, max_rows):
                graph.add(triple)
            return GraphOutcome(graph)
        except ProtocolError:
            raise
        except Exception as exc:  # rdflib's evaluator raises many unrelated types
            raise ProtocolError(f"the query failed: {exc}", status=400) from None


def _rdflib_json(term: Node) -> JsonTerm:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        if term.language:
            return {"type": "literal", "value": str(term), "xml:lang": term.language}
        if term.datatype and str(term.datatype) not in (XSD_STRING, RDF_LANG_STRING):
            return {"type": "literal", "value": str(term), "datatype": str(term.datatype)}
        return {"type": "literal", "value": str(term)}
    return {"type": "literal", "value": str(term)}


# --- choosing --------------------------------------------------------------------


def backend_for(store: DescribableStore) -> Backend:
    """The backend for ``store``: Oxigraph for an Oxigraph release store, else rdflib.

    :raises TypeError: ``store`` has no ``describe`` method (it is not a release store).
    """
    if not callable(getattr(store, "describe", None)):
        raise TypeError(f"{type(store).__name__} has no describe(iri) method; pass a ReleaseStore")
    if getattr(store, "kind", None) == "oxigraph":
        try:
            import pyoxigraph
        except ImportError:  # pragma: no cover - an Oxigraph store needs it to exist
            pyoxigraph = None  # type: ignore[assignment]
        if pyoxigraph is not None:
            for name in OXIGRAPH_ATTRIBUTES:
                candidate = getattr(store, name, None)
                if isinstance(candidate, pyoxigraph.Store):
                    return OxigraphBackend(store, candidate, union_in_default_graph=True)
    return RdflibBackend(store, store.dataset())
