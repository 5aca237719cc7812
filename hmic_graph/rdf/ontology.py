"""The bundled ontology and shapes as rdflib graphs, parsed once per process.

The shapes are needed for every validation and parsing them costs more than
validating a release, so both graphs are cached.
"""

from __future__ import annotations

import functools

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from hmic_graph.model.errors import ResourceError
from hmic_graph.model.resources import read_text


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
    from rdflib import BNode, URIRef

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


