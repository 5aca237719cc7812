"""The linked-data server: a read-only SPARQL endpoint and a page for every entity.

``hmic-graph serve --store DIR`` runs :func:`create_app` under uvicorn. The
web stack (Starlette, uvicorn, Jinja2) is an optional extra,
``pip install 'hmic-graph[serve]'``, and is imported only when the server
is built: importing :mod:`hmic_graph.serve` costs nothing.

Routes (see :mod:`hmic_graph.serve.app` for the details and limits):

- ``/`` the index: forces, inspectorates, other bodies, reports, people, releases
- ``/id/{path}`` the entity whose IRI is ``base + path``, as HTML, Turtle,
  JSON-LD or N-Triples by content negotiation
- ``/sparql`` the SPARQL 1.1 Protocol (queries only; no update, no ``SERVICE``),
  run in worker processes with no network, a memory cap and a time limit
  (:class:`Settings` holds every limit; ``docs/security.md`` explains them)
- ``/ontology`` the ontology reference page (as ``hmic-graph docs`` writes it)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["DEFAULT_BASE", "Settings", "create_app"]

if TYPE_CHECKING:
    from hmic_graph.model.namespaces import DEFAULT_BASE
    from hmic_graph.serve.app import create_app
    from hmic_graph.serve.settings import Settings

_EXPORTS = {
    "create_app": "hmic_graph.serve.app",
    "Settings": "hmic_graph.serve.settings",
    "DEFAULT_BASE": "hmic_graph.model.namespaces",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'hmic_graph.serve' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
