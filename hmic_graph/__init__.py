"""hmic-graph: validated RDF knowledge graphs from HMIC police-inspection press releases.

The public API, imported lazily so that ``import hmic_graph`` stays cheap:

- :func:`load_release` — a release (file or text) to an :class:`rdflib.Graph`
- :func:`load_corpus` — many releases (files, folders, a manifest) to one graph per release
- :func:`extract_release` — a release to plain records, before any RDF
- :func:`merge_graphs` — the union of release graphs, as one graph
- :func:`validate` — SHACL validation, a typed :class:`ValidationReport`
- :func:`query` — the competency questions by name, or any SPARQL
- :func:`to_networkx` — the organisational network as a NetworkX graph
- :func:`actor_network` / :func:`write_network` — forces, alliances, partners and
  inspectors, as GraphML, GEXF, PNG or SVG
- :func:`serialize` / :func:`write` — Turtle, JSON-LD, N-Triples, TriG
- :func:`open_store` / :func:`store_release` — a store of release graphs on disk, and
  one release validated into it
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_release": "hmic_graph.ingest.releases",
    "load_corpus": "hmic_graph.ingest.releases",
    "actor_network": "hmic_graph.rdf.drawing",
    "write_network": "hmic_graph.rdf.drawing",
    "build_graph": "hmic_graph.rdf.build",
    "merge_graphs": "hmic_graph.rdf.build",
    "extract_release": "hmic_graph.extract",
    "validate": "hmic_graph.rdf.validation",
    "ValidationReport": "hmic_graph.rdf.validation",
    "ValidationResult": "hmic_graph.rdf.validation",
    "query": "hmic_graph.sparql.query",
    "list_queries": "hmic_graph.sparql.query",
    "QueryResult": "hmic_graph.sparql.query",
    "to_networkx": "hmic_graph.rdf.network",
    "serialize": "hmic_graph.rdf.export",
    "write": "hmic_graph.rdf.export",
    "RdfFormat": "hmic_graph.rdf.export",
    "HmicGraphError": "hmic_graph.model.errors",
    "ReleaseUnreadable": "hmic_graph.model.errors",
    "NotARelease": "hmic_graph.model.errors",
    "ManifestError": "hmic_graph.model.errors",
    "InvalidQuery": "hmic_graph.model.errors",
    "InvalidRelation": "hmic_graph.model.errors",
    "ValidationFailed": "hmic_graph.model.errors",
    "ExportError": "hmic_graph.model.errors",
    "ResourceError": "hmic_graph.model.errors",
    "StoreLocked": "hmic_graph.model.errors",
    "StoreNotFound": "hmic_graph.model.errors",
    "open_store": "hmic_graph.store",
    "store_release": "hmic_graph.ingest.releases",
}

__all__ = [*sorted(_EXPORTS), "__version__"]

if TYPE_CHECKING:
    from hmic_graph.extract import (
        extract_release as extract_release,
    )
    from hmic_graph.ingest.releases import load_corpus as load_corpus
    from hmic_graph.ingest.releases import load_release as load_release
    from hmic_graph.ingest.releases import store_release as store_release
    from hmic_graph.model.errors import (
        ExportError as ExportError,
    )
    from hmic_graph.model.errors import (
        HmicGraphError as HmicGraphError,
    )
    from hmic_graph.model.errors import (
        InvalidQuery as InvalidQuery,
    )
    from hmic_graph.model.errors import InvalidRelation as InvalidRelation
    from hmic_graph.model.errors import ManifestError as ManifestError
    from hmic_graph.model.errors import NotARelease as NotARelease
    from hmic_graph.model.errors import (
        ReleaseUnreadable as ReleaseUnreadable,
    )
    from hmic_graph.model.errors import (
        ResourceError as ResourceError,
    )
    from hmic_graph.model.errors import (
        StoreLocked as StoreLocked,
    )
    from hmic_graph.model.errors import (
        StoreNotFound as StoreNotFound,
    )
    from hmic_graph.model.errors import (
        ValidationFailed as ValidationFailed,
    )
    from hmic_graph.rdf.build import build_graph as build_graph
    from hmic_graph.rdf.build import merge_graphs as merge_graphs
    from hmic_graph.rdf.drawing import actor_network as actor_network
    from hmic_graph.rdf.drawing import write_network as write_network
    from hmic_graph.rdf.export import (
        RdfFormat as RdfFormat,
    )
    from hmic_graph.rdf.export import (
        serialize as serialize,
    )
    from hmic_graph.rdf.export import (
        write as write,
    )
    from hmic_graph.rdf.network import (
        to_networkx as to_networkx,
    )
    from hmic_graph.rdf.validation import (
        ValidationReport as ValidationReport,
    )
    from hmic_graph.rdf.validation import (
        ValidationResult as ValidationResult,
    )
    from hmic_graph.rdf.validation import (
        validate as validate,
    )
    from hmic_graph.sparql.query import (
        QueryResult as QueryResult,
    )
    from hmic_graph.sparql.query import (
        list_queries as list_queries,
    )
    from hmic_graph.sparql.query import (
        query as query,
    )
    from hmic_graph.store import open_store as open_store


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'hmic_graph' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
