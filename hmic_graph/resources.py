"""The package's bundled data files, read with :mod:`importlib.resources`.

Ontology, shapes, queries, gazetteer, JSON-LD context and the seed release
ship inside the wheel; nothing here reads a path relative to ``__file__``.
Parsed graphs are cached per process because the shapes are needed for
every validation and parsing them costs more than validating a release.
"""

from __future__ import annotations

import functools
from importlib.resources import files
from importlib.resources.abc import Traversable

from rdflib import Graph

from .errors import ResourceError

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


def _parse_turtle(text: str, name: str) -> Graph:
    """``text`` parsed into a new rdflib graph, with the file's prefixes bound.

    pyoxigraph, when installed, parses Turtle 20-30 times faster than
    rdflib (about 3 ms against 40-60 ms for each bundled file, measured in
    ``benchmarks/``); its triples are converted to the same rdflib terms.
    Without it, or if it rejects the text, rdflib parses as before.
    """
    graph = _parse_turtle_oxigraph(text)
    if graph is not None:
        return graph
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle")
    except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
        raise ResourceError(f"cannot parse bundled Turtle: {exc}", path=name) from exc
    return graph


def _parse_turtle_oxigraph(text: str) -> Graph | None:
    """The graph of ``text`` parsed by pyoxigraph, or ``None`` (not installed, or a parse error)."""
    try:
        import pyoxigraph as ox
    except ImportError:
        return None
    from rdflib import BNode, Literal, URIRef
    from rdflib.term import Node

    named, blank, literal = ox.NamedNode, ox.BlankNode, ox.Literal
    iris: dict[str, URIRef] = {}
    blanks: dict[str, BNode] = {}
    xsd_string = "http://www.w3.org/2001/XMLSchema#string"

    def term(value: object) -> Node:
        if isinstance(value, named):
            found = iris.get(value.value)
            if found is None:
                found = iris[value.value] = URIRef(value.value)
            return found
        if isinstance(value, blank):
            node = blanks.get(value.value)
            if node is None:
                node = blanks[value.value] = BNode()
            return node
        if isinstance(value, literal):
            if value.language:
                return Literal(value.value, lang=value.language)
            datatype = value.datatype.value
            if datatype == xsd_string:
                return Literal(value.value)
            return Literal(value.value, datatype=iris.get(datatype) or URIRef(datatype))
        raise TypeError(f"unexpected term {value!r}")

    try:
        parser = ox.parse(text, format=ox.RdfFormat.TURTLE)
        triples = [(term(q.subject), term(q.predicate), term(q.object)) for q in parser]
        prefixes = dict(parser.prefixes)
    except (SyntaxError, ValueError, TypeError):
        return None  # rdflib parses again and reports the error as it always has
    graph = Graph()
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return graph


@functools.cache
def ontology_graph() -> Graph:
    """The OWL ontology (``ontology/hmic.ttl``), parsed once per process."""
    return _parse_turtle(read_text("ontology", "hmic.ttl"), "ontology/hmic.ttl")


@functools.cache
def shapes_graph() -> Graph:
    """The SHACL shapes (``shapes/hmic.shacl.ttl``), parsed once per process."""
    return _parse_turtle(read_text("shapes", "hmic.shacl.ttl"), "shapes/hmic.shacl.ttl")


def example_releases() -> list[tuple[str, str]]:
    """The bundled example releases as ``(file name, text)``, sorted by name."""
    folder = files(_PACKAGE).joinpath("data").joinpath("examples")
    return sorted(
        (node.name, node.read_text(encoding="utf-8"))
        for node in folder.iterdir()
        if node.is_file() and node.name.endswith(".txt")
    )
