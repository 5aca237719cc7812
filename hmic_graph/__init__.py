"""hmic-graph: validated RDF knowledge graphs from HMIC police-inspection press releases.

The public API, imported lazily so that ``import hmic_graph`` stays cheap:

- :func:`load_release` — a release (file or text) to an :class:`rdflib.Graph`
- :func:`extract_release` — a release to plain records, before any RDF
- :func:`validate` — SHACL validation, a typed :class:`ValidationReport`
- :func:`query` — the competency questions by name, or any SPARQL
- :func:`to_networkx` — the organisational network as a NetworkX graph
- :func:`serialize` / :func:`write` — Turtle, JSON-LD, N-Triples, TriG
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "load_release": "hmic_graph.build",
    "build_graph": "hmic_graph.build",
    "extract_release": "hmic_graph.extract",
    "validate": "hmic_graph.validate",
    "ValidationReport": "hmic_graph.validate",
    "ValidationResult": "hmic_graph.validate",
    "query": "hmic_graph.query",
    "list_queries": "hmic_graph.query",
    "QueryResult": "hmic_graph.query",
    "to_networkx": "hmic_graph.network",
    "serialize": "hmic_graph.export",
    "write": "hmic_graph.export",
    "RdfFormat": "hmic_graph.export",
    "HmicGraphError": "hmic_graph.errors",
    "ReleaseReadError": "hmic_graph.errors",
    "QueryError": "hmic_graph.errors",
    "ValidationFailed": "hmic_graph.errors",
    "ExportError": "hmic_graph.errors",
    "ResourceError": "hmic_graph.errors",
}

__all__ = [*sorted(_EXPORTS), "__version__"]

if TYPE_CHECKING:
    from .build import build_graph, load_release
    from .errors import (
        ExportError,
        HmicGraphError,
        QueryError,
        ReleaseReadError,
        ResourceError,
        ValidationFailed,
    )
    from .export import RdfFormat, serialize, write
    from .extract import extract_release
    from .network import to_networkx
    from .query import QueryResult, list_queries, query
    from .validate import ValidationReport, ValidationResult, validate


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'hmic_graph' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
