"""The bundled ontology and shapes as rdflib graphs, parsed once per process.

The shapes are needed for every validation and parsing them costs more than
validating a release, so both graphs are cached.
"""

from __future__ import annotations

import functools

import pyoxigraph as ox
from rdflib import BNode, Graph
from rdflib.term import Node

from hmic_graph.model.errors import ResourceError
from hmic_graph.model.resources import read_text
from hmic_graph.rdf.terms import from_oxigraph


def _parse_turtle(text: str, name: str) -> Graph:
    """``text`` parsed into a new rdflib graph, with the file's prefixes bound.

    pyoxigraph parses, much faster than rdflib (``benchmarks/`` measures it);
    its terms become rdflib terms through :mod:`hmic_graph.rdf.terms`, blank
    nodes as new ones for each file. Text pyoxigraph rejects is parsed again
    by rdflib, which raises the error reported.

    :raises ResourceError: the text is not Turtle.
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
    """The graph of ``text`` parsed by pyoxigraph, or ``None`` when it rejects the text."""
    blanks: dict[str, BNode] = {}

    def term(value: object) -> Node:
        if type(value) is ox.BlankNode:
            node = blanks.get(value.value)
            if node is None:
                node = blanks[value.value] = BNode()
            return node
        return from_oxigraph(value)

    try:
        parser = ox.parse(text, format=ox.RdfFormat.TURTLE)
        triples = [(term(q.subject), term(q.predicate), term(q.object)) for q in parser]
        prefixes = dict(parser.prefixes)
    except (SyntaxError, ValueError):
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
