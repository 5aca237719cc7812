"""The package's bundled data files, read with :mod:`importlib.resources`.

Ontology, shapes, queries, gazetteer, JSON-LD context and the seed release
ship inside the wheel; nothing here reads a path relative to ``__file__``.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

from hmic_graph.model.errors import ResourceError

_PACKAGE = "hmic_graph"


def resource(*parts: str) -> Traversable:
    """The bundled file at ``parts`` below the package, e.g. ``("data", "gazetteer.csv")``.

    :raises ResourceError: the file is not in the installed package.
    """
    node = files(_PACKAGE)
    for part in parts:
        node = node.joinpath(part)
    if not node.is_file():
        raise ResourceError(
            "bundled file is missing from the installed package; reinstall hmic-graph",
            path="/".join(parts),
        )
    return node


def read_text(*parts: str) -> str:
    """The text of a bundled file (UTF-8)."""
    return resource(*parts).read_text(encoding="utf-8")


def example_releases() -> list[tuple[str, str]]:
    """The bundled example releases as ``(file name, text)``, sorted by name."""
    folder = files(_PACKAGE).joinpath("data").joinpath("examples")
    return sorted(
        (node.name, node.read_text(encoding="utf-8"))
        for node in folder.iterdir()
        if node.is_file() and node.name.endswith(".txt")
    )
