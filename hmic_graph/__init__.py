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
    "validate": "hmic_graph.validation",
    "ValidationReport": "hmic_graph.validation",
    "ValidationResult": "hmic_graph.validation",
    "query": "hmic_graph.sparql",
    "list_queries": "hmic_graph.sparql",
    "QueryResult": "hmic_graph.sparql",
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
    from .build import (
        build_graph as build_graph,
    )
    from .build import (
        load_release as load_release,
    )
    from .errors import (
        ExportError as ExportError,
    )
    from .errors import (
        HmicGraphError as HmicGraphError,
    )
    from .errors import (
        QueryError as QueryError,
    )
    from .errors import (
        ReleaseReadError as ReleaseReadError,
    )
    from .errors import (
        ResourceError as ResourceError,
    )
    from .errors import (
        ValidationFailed as ValidationFailed,
    )
    from .export import (
        RdfFormat as RdfFormat,
    )
    from .export import (
        serialize as serialize,
    )
    from .export import (
        write as write,
    )
    from .extract import (
        extract_release as extract_release,
    )
    from .network import (
        to_networkx as to_networkx,
    )
    from .sparql import (
        QueryResult as QueryResult,
    )
    from .sparql import (
        list_queries as list_queries,
    )
    from .sparql import (
        query as query,
    )
    from .validation import (
        ValidationReport as ValidationReport,
    )
    from .validation import (
        ValidationResult as ValidationResult,
    )
    from .validation import (
        validate as validate,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'hmic_graph' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
