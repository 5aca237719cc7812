"""Namespaces of the hmic-graph model and the prefixes every output binds.

Binding every prefix explicitly keeps Turtle byte-stable: rdflib would
otherwise invent ``ns1``-style prefixes, and name schema.org ``schema1``
beside an ``http://schema.org/`` binding.
"""

from __future__ import annotations

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
]


def bind_prefixes(graph: Graph, *, base: str = DEFAULT_BASE) -> Graph:
    """Bind the model's prefixes (and ``hmicid`` for ``base``) on ``graph``; returns it."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    graph.bind("hmicid", Namespace(base), override=True, replace=True)
    return graph
