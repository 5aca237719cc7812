"""What the server reads from a release store, and which store it reads: :class:`Backend`, :class:`ServedStore`.

:class:`ServedStore` decides what the server serves:

* a store in a folder is served from that folder: the web process reads it
  through the handle it was given (``hmic-graph serve`` opens it read-only,
  so it never holds the write lock and a ``load`` may run meanwhile), moved
  to the latest committed data (:meth:`~hmic_graph.store.OxigraphStore.refresh`)
  whenever the store's generation changes, and the SPARQL workers
  (:mod:`hmic_graph.serve.workers`) open the folder themselves;
* a store in memory (rdflib or Oxigraph) is copied into a temporary folder,
  served as above, and copied again when its generation changes; the copy
  is removed when the server stops.

Either way the version of what is served is the store's generation: caches
and workers follow it (see :mod:`hmic_graph.serve.cache`).

:class:`Backend` reads the served store for entity pages, through its
pyoxigraph store, whose default graph holds the union of the release graphs
(each triple once): :meth:`Backend.describe` is the store's own ``describe``
(the entity's triples and its evidence selectors), :meth:`Backend.triples`
looks up triple patterns, and :meth:`~Backend.objects_of`,
:meth:`~Backend.objects_of_many` and :meth:`~Backend.incoming` are the
lookups an entity page makes (the labels of what it links to, the links to
it): the same answers as :meth:`~Backend.triples`, with fewer, batched reads.
SPARQL queries are not run here but in the workers.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef
from rdflib.term import BNode, Node

if TYPE_CHECKING:
    from hmic_graph.store import ReleaseStore

__all__ = ["REFRESH_SECONDS", "Backend", "ServedStore", "Triple", "backend_for"]

Triple = tuple[Node, Node, Node]
Pattern = tuple[Node | None, Node | None, Node | None]


class Backend:
    """Read access for entity pages to the store ``current()`` gives (read at every call).

    Lookups read the union of the release graphs; see the module docstring.
    """

    def __init__(self, current: Callable[[], ReleaseStore]) -> None:
        self.current = current

    @property
    def oxigraph(self) -> Any:
        """The :class:`pyoxigraph.Store` of the store served now."""
        return self.current().oxigraph

    def describe(self, iri: URIRef) -> Graph:
        """The store's description of ``iri`` (empty if it knows nothing about it)."""
        return self.current().describe(iri)

    def value(self, subject: URIRef, predicate: URIRef) -> Node | None:
        """One object of ``subject predicate ?o`` (the smallest, so the choice is stable)."""
        found = [o for _, _, o in self.triples((subject, predicate, None))]
        return min(found, key=str) if found else None

    def triples(self, pattern: Pattern, *, limit: int | None = None) -> list[Triple]:
        import pyoxigraph

        s, p, o = (None if t is None else _to_ox(t) for t in pattern)
        graph = pyoxigraph.DefaultGraph()
        seen: set[Triple] = set()
        found: list[Triple] = []
        for quad in self.oxigraph.quads_for_pattern(s, p, o, graph):
            triple = (from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object))
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
        graph = pyoxigraph.DefaultGraph()
        seen: set[tuple[URIRef, Node]] = set()
        for count, quad in enumerate(
            self.oxigraph.quads_for_pattern(_to_ox(subject), None, None, graph), start=1
        ):
            if count > _SCAN_LIMIT:
                return {p: [o for _, _, o in self.triples((subject, p, None))] for p in predicates}
            predicate = wanted.get(quad.predicate.value)
            if predicate is None:
                continue
            obj = from_ox(quad.object)
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
            return [(s, p) for s, p, _ in self.triples((None, None, obj), limit=limit)]
        solutions = self.oxigraph.query(
            f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {pyoxigraph.NamedNode(str(obj))} }} "
            f"LIMIT {limit + 1}"
        )
        predicates: dict[str, Node] = {}
        found: list[tuple[Node, Node]] = []
        for solution in solutions:
            predicate = solution[1]
            converted = predicates.get(predicate.value)
            if converted is None:
                converted = predicates[predicate.value] = from_ox(predicate)
            found.append((from_ox(solution[0]), converted))
        if len(found) > limit:
            return [(s, p) for s, p, _ in self.triples((None, None, obj), limit=limit)]
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
                f"FILTER(?p IN ({restriction})) }}"
            )
            for solution in solutions:
                subject = names[solution[0].value]
                predicate = wanted[solution[1].value]
                obj = from_ox(solution[2])
                if (subject, predicate, obj) not in seen:
                    seen.add((subject, predicate, obj))
                    found[subject][predicate].append(obj)
        return found


#: The most triples :meth:`OxigraphBackend.objects_of` reads about one node before
#: looking up each predicate on its own instead.
_SCAN_LIMIT = 48
#: Subjects per query of :meth:`OxigraphBackend.objects_of_many`.
_BATCH = 256


def _to_ox(term: Node) -> Any:
    from hmic_graph.rdf.terms import to_oxigraph

    return to_oxigraph(term)


#: rdflib terms of pyoxigraph IRIs and literals already converted (a term is a
#: pure function of its value, whatever the store); emptied when full.
_CONVERTED: dict[Any, Node] = {}
_MAX_CONVERTED = 200_000


def from_ox(term: Any) -> Node:
    """:func:`hmic_graph.rdf.terms.from_oxigraph`, remembered for IRIs and literals.

    Building an rdflib term (checking an IRI, casting a literal) costs more
    than reading it from the store, and a page reads the same terms (its
    predicates, types, dates) many times over.
    """
    found = _CONVERTED.get(term)
    if found is not None:
        return found
    from hmic_graph.rdf.terms import from_oxigraph

    converted = from_oxigraph(term)
    if not isinstance(converted, BNode):
        if len(_CONVERTED) >= _MAX_CONVERTED:
            _CONVERTED.clear()
        _CONVERTED[term] = converted
    return converted


def backend_for(store: ReleaseStore) -> Backend:
    """A backend reading ``store`` itself (which must keep its data in pyoxigraph).

    :raises TypeError: ``store`` has no pyoxigraph store (the rdflib memory
        store: serve it through :class:`ServedStore`, which copies it).
    """
    try:
        store.oxigraph  # noqa: B018 - only asking whether it has one
    except (AttributeError, NotImplementedError):
        raise TypeError(
            f"{type(store).__name__} keeps no pyoxigraph store; serve it through ServedStore"
        ) from None
    return Backend(lambda: store)


#: How often, at most, the server looks for data another process committed.
REFRESH_SECONDS = 0.05


class ServedStore:
    """What the server serves from ``store``, at its current generation; see the module docstring.

    :param store: an open release store; the caller keeps ownership and
        closes it after the server stops.
    :raises TypeError: ``store`` is not a release store.
    """

    def __init__(self, store: ReleaseStore) -> None:
        if not callable(getattr(store, "describe", None)) or not hasattr(store, "generation"):
            raise TypeError(f"{type(store).__name__} is not a release store; pass a ReleaseStore")
        self.store = store
        self._lock = threading.Lock()
        self._copies: Path | None = None
        self._copy: ReleaseStore | None = None
        self._copy_version: Hashable = None
        self._refreshed = float("-inf")
        if self._in_folder:
            self.folder_and_version()  # nothing to copy; fail now if the store is closed
        else:
            self._copies = Path(tempfile.mkdtemp(prefix="hmic-graph-serve-"))
            self.folder_and_version()

    @property
    def _in_folder(self) -> bool:
        return bool(getattr(self.store, "persistent", False)) and self.store.path is not None

    def version(self) -> Hashable:
        """The generation served now (moving a read-only handle to new data first).

        A page asks for it hundreds of times (every cached label), so another
        process's commit is looked for at most every :data:`REFRESH_SECONDS`.
        """
        refresh = getattr(self.store, "refresh", None)
        now = time.monotonic()
        if callable(refresh) and now - self._refreshed >= REFRESH_SECONDS:
            self._refreshed = now
            refresh()
        generation: Hashable = self.store.generation
        return generation

    def handle(self) -> ReleaseStore:
        """The store to read entity pages from now."""
        if self._in_folder:
            return self.store
        with self._lock:
            self._update_copy()
            assert self._copy is not None
            return self._copy

    def folder_and_version(self) -> tuple[Path, Hashable]:
        """The folder the SPARQL workers open now and the generation it holds."""
        if self._in_folder:
            version = self.version()
            path: Path = self.store.path  # type: ignore[assignment]
            return path, version
        with self._lock:
            folder = self._update_copy()
            return folder, self._copy_version

    def _update_copy(self) -> Path:
        """Copy the memory store into a new folder if its generation moved; the current copy's folder."""
        from hmic_graph.store import encode_graph, open_store

        assert self._copies is not None
        version = self.store.generation
        folder = self._copies / f"generation-{version}"
        if self._copy is not None and self._copy_version == version:
            return folder
        if not folder.exists():
            staging = self._copies / f"staging-{version}"
            shutil.rmtree(staging, ignore_errors=True)
            with open_store(staging) as copy:
                batch = [
                    (name, encode_graph(name, graph)) for name, graph in self.store.graphs().items()
                ]
                if batch:
                    copy.add_encoded(batch, atomic=False)
            staging.rename(folder)
        previous = self._copy_version
        self._copy = open_store(folder, read_only=True)
        self._copy_version = version
        if previous is not None and previous != version:
            # Workers still reading the older copy keep their files open; unlinking is safe on POSIX.
            shutil.rmtree(self._copies / f"generation-{previous}", ignore_errors=True)
        return folder

    def close(self) -> None:
        """Remove the copies of a memory store (the store itself stays open)."""
        with self._lock:
            self._copy = None
            if self._copies is not None:
                shutil.rmtree(self._copies, ignore_errors=True)
