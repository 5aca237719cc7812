"""Namespaces of the hmic-graph model and the prefixes every output binds.

Binding every prefix explicitly keeps Turtle byte-stable: rdflib would
otherwise invent ``ns1``-style prefixes, and name schema.org ``schema1``
beside an ``http://schema.org/`` binding.
"""

from __future__ import annotations

import re

from rdflib import Graph, Namespace
from rdflib.namespace import (
    DCAT,
    DCTERMS,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SDO,
    SKOS,
    VOID,
    XSD,
    DefinedNamespace,
)

from hmic_graph.model.ids import DEFAULT_BASE

HMIC = Namespace("https://w3id.org/hmic-graph/ontology#")
HMICSH = Namespace("https://w3id.org/hmic-graph/shapes#")
OA = Namespace("http://www.w3.org/ns/oa#")
WD = Namespace("http://www.wikidata.org/entity/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SCHEMA = SDO

#: Local names of XSD's integer datatypes (xsd:integer and the types derived from it).
XSD_INTEGER_NAMES = (
    "integer",
    "nonNegativeInteger",
    "positiveInteger",
    "nonPositiveInteger",
    "negativeInteger",
    "long",
    "int",
    "short",
    "byte",
    "unsignedLong",
    "unsignedInt",
    "unsignedShort",
    "unsignedByte",
)

PREFIXES: dict[str, Namespace | type[DefinedNamespace]] = {
    "hmic": HMIC,
    "schema": SCHEMA,
    "org": ORG,
    "dcterms": DCTERMS,
    "skos": SKOS,
    "oa": OA,
    "prov": PROV,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "wd": WD,
    # Dataset descriptions (hmic_graph.rdf.describe): VoID, DCAT, SPARQL service description.
    "void": VOID,
    "dcat": DCAT,
    "sd": SD,
}

__all__ = [
    "DCTERMS",
    "DEFAULT_BASE",
    "HMIC",
    "HMICSH",
    "OA",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SKOS",
    "WD",
    "XSD",
    "bind_prefixes",
    "is_absolute_iri",
    "sparql_prefixes",
]

# SPARQL 1.1's IRIREF (and N-Triples'), after a scheme: no spaces, no control
# characters, none of <>"{}|^`\\. The one test of "an absolute IRI" everywhere.
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|\\^`]*$")


def is_absolute_iri(value: object) -> bool:
    """Whether ``value`` is a string that is an absolute IRI a store and SPARQL accept.

    >>> is_absolute_iri("https://w3id.org/hmic-graph/id/force/kent-police")
    True
    >>> is_absolute_iri("force/kent-police"), is_absolute_iri("https://a b"), is_absolute_iri(3)
    (False, False, False)
    """
    return isinstance(value, str) and _ABSOLUTE_IRI.match(value) is not None


def sparql_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """The prefixes every query may use undeclared: the model's, and ``hmicid`` for ``base``.

    >>> sparql_prefixes()["hmicid"]
    'https://w3id.org/hmic-graph/id/'
    """
    table = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    table["hmicid"] = base
    return table


def bind_prefixes(graph: Graph, *, base: str = DEFAULT_BASE) -> Graph:
    """Bind the model's prefixes (and ``hmicid`` for ``base``) on ``graph``; returns it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    graph.bind("hmicid", Namespace(base), override=True, replace=True)
    return graph
