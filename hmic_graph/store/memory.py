"""A release store in memory, on rdflib: for tests, notebooks and small jobs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph, URIRef

from hmic_graph.store.base import ReleaseStore, Triple

if TYPE_CHECKING:
    from hmic_graph.sparql.query import BindingValue, QueryResult

__all__ = ["MemoryStore"]


class MemoryStore(ReleaseStore):
    """Releases in an rdflib :class:`~rdflib.Dataset`, in memory; gone when closed.

    Queries run on rdflib's engine (:func:`hmic_graph.sparql.query.query`);
    literals are kept exactly as given. Nothing is locked across processes.

    >>> from hmic_graph.store import open_store
    >>> with open_store() as store:
    ...     type(store).__name__, store.persistent, store.generation
    ('MemoryStore', False, 0)
    """

    def __init__(self) -> None:
        super().__init__(path=None, read_only=False)
        self._dataset = Dataset()
        # A second view on the same triples, where the default graph is the
        # union of all graphs (each triple once).
        self._union = Dataset(store=self._dataset.store, default_union=True)
        self._generation = 0

    @property
    def generation(self) -> int:
        return self._generation

    def _committed(self) -> None:
        self._generation += 1

    def _replace(self, name: str, triples: Sequence[Triple]) -> None:
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
        self,
        query: str | Path,
        bindings: Mapping[str, BindingValue] | None,
        limit: int | None,
        offset: int,
    ) -> QueryResult:
        from hmic_graph.sparql.query import query as run

        return run(self._union, query, bindings=bindings).page(limit=limit, offset=offset)

    def _close(self) -> None:
        self._dataset = Dataset()
        self._union = Dataset(store=self._dataset.store, default_union=True)
