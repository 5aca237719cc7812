"""The one conversion of RDF terms between pyoxigraph and rdflib.

Every module that moves a term from one library to the other (the ontology
parser, the store, the Oxigraph query engine, the server's lookups) uses
these functions, so a literal means the same thing on both sides:
``xsd:string`` literals become plain rdflib literals, language tags and
datatypes are kept as they are.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from hmic_graph.model.errors import HmicGraphError

__all__ = ["from_oxigraph", "to_oxigraph"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_oxigraph(term: Node) -> Any:
    """The pyoxigraph term of an rdflib IRI, literal or blank node.

    :raises HmicGraphError: the term is of another kind (a variable, a graph).
    :raises ValueError: pyoxigraph rejects the term (an invalid IRI or language tag).

    >>> to_oxigraph(Literal("Kent", lang="en"))
    <Literal value=Kent language=en>
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise HmicGraphError(f"cannot convert the term {term!r}: only IRIs, literals and blank nodes")


def from_oxigraph(term: Any) -> Node:
    """The rdflib term of a pyoxigraph IRI, literal or blank node.

    :raises HmicGraphError: the term is of a kind rdflib has no term for (a triple term).

    >>> from_oxigraph(ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    rdflib.term.Literal('3', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer'))
    >>> from_oxigraph(ox.Literal("Kent"))
    rdflib.term.Literal('Kent')
    """
    kind = type(term)
    if kind is ox.NamedNode:
        return URIRef(term.value)
    if kind is ox.Literal:
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    if kind is ox.BlankNode:
        return BNode(term.value)
    raise HmicGraphError(f"cannot convert the term {term!r}")

