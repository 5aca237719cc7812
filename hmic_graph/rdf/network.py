"""Project the RDF graph onto a NetworkX graph of organisations, people and documents.

rdflib's own converter (``rdflib.extras.external_graph_libs``) turns every
literal and class into a node, which is not what a network analysis wants.
:func:`to_networkx` keeps only IRI-to-IRI edges over chosen predicates, never
``rdf:type``, and puts names and classes on the nodes as attributes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS

# Imported as a module: pytest's doctest finder probes module attributes, and
# rdflib's schema.org namespace warns on unknown attribute lookups.
from hmic_graph.model import namespaces as _ns
from hmic_graph.model.errors import InvalidRelation
from hmic_graph.model.namespaces import HMIC

if TYPE_CHECKING:
    import networkx

__all__ = ["DEFAULT_RELATIONS", "NODE_TYPES", "to_networkx"]

DEFAULT_RELATIONS: tuple[URIRef, ...] = (
    ORG.hasMember,
    ORG.holds,
    ORG.postIn,
    HMIC.inspects,
    HMIC.worksWith,
    HMIC.worksWithPartnerType,
    HMIC.partnerType,
    DCTERMS.publisher,
    HMIC.about,
    HMIC.concerns,
    _ns.SCHEMA.mentions,
)
"""The predicates :func:`to_networkx` follows unless told otherwise."""

NODE_TYPES: tuple[URIRef, ...] = (
    HMIC.PoliceForce,
    HMIC.Inspectorate,
    HMIC.StrategicAlliance,
    HMIC.PartnerOrganization,
    HMIC.InspectedBody,
    HMIC.PressRelease,
    HMIC.Report,
    HMIC.Inspection,
    HMIC.Quote,
    HMIC.Strength,
    HMIC.AreaForImprovement,
    HMIC.Finding,
    HMIC.ContactPoint,
    _ns.SCHEMA.Person,
    ORG.Post,
    SKOS.Concept,
)
"""Classes in order of preference for a node's ``type`` attribute: most specific first."""

_LABELS = (_ns.SCHEMA.name, RDFS.label, SKOS.prefLabel, DCTERMS.title, _ns.SCHEMA.headline)


def to_networkx(
    graph: Graph,
    *,
    relations: Iterable[URIRef] | None = None,
    directed: bool = True,
) -> networkx.MultiDiGraph | networkx.MultiGraph:
    """A NetworkX multigraph of the IRIs linked by ``relations`` in ``graph``.

    Nodes are IRI strings. Each has the attributes ``label`` (its
    ``schema:name``, ``rdfs:label``, ``skos:prefLabel``, ``dcterms:title`` or
    ``schema:headline``, else the end of its IRI) and ``type`` (the local name
    of its most specific class from :data:`NODE_TYPES`, else of its first
    class in IRI order, else ``"Resource"``). Each edge has the attributes
    ``relation`` (the predicate's local name, e.g. ``"hasMember"``) and
    ``predicate`` (the full IRI); its key is ``relation``. Triples whose
    object is a literal or a blank node are skipped. Nodes and edges are
    added in sorted order, so iteration order is reproducible.

    :param graph: the RDF graph (a Dataset is read as the union of its graphs).
    :param relations: the predicates to follow; :data:`DEFAULT_RELATIONS` if
        ``None``.
    :param directed: a ``MultiDiGraph`` (subject -> object) if true, else a
        ``MultiGraph``.
    :raises InvalidRelation: ``relations`` includes ``rdf:type``, which links
        instances to classes rather than to each other.

    >>> from rdflib import Graph
    >>> g = Graph().parse(format="turtle", data='''
    ...     @prefix org: <http://www.w3.org/ns/org#> .
    ...     @prefix schema: <https://schema.org/> .
    ...     <https://ex.org/a> org:hasMember <https://ex.org/b> ; schema:name "Alliance" .''')
    >>> net = to_networkx(g)
    >>> list(net.nodes(data=True))
    [('https://ex.org/a', {'label': 'Alliance', 'type': 'Resource'}), \
('https://ex.org/b', {'label': 'b', 'type': 'Resource'})]
    >>> list(net.edges(keys=True))
    [('https://ex.org/a', 'https://ex.org/b', 'hasMember')]
    """
    import networkx as nx

    if isinstance(graph, Dataset):
        union = Graph()
        for s, p, o, _g in graph.quads((None, None, None, None)):
            union.add((s, p, o))
        graph = union
    chosen = sorted(set(DEFAULT_RELATIONS if relations is None else relations))
    if RDF.type in chosen:
        raise InvalidRelation("rdf:type cannot be a relation: it links instances to classes")
    edges: set[tuple[str, str, str, str]] = set()
    for predicate in chosen:
        name = _local(predicate)
        for subject, obj in graph.subject_objects(predicate):
            if isinstance(subject, URIRef) and isinstance(obj, URIRef):
                edges.add((str(subject), str(obj), name, str(predicate)))
    nodes = sorted({s for s, _o, _r, _p in edges} | {o for _s, o, _r, _p in edges})
    net = nx.MultiDiGraph() if directed else nx.MultiGraph()
    for node in nodes:
        net.add_node(node, label=_label(graph, URIRef(node)), type=_type(graph, URIRef(node)))
    for source, target, name, relation_iri in sorted(edges):
        # Two vocabularies may share a local name (dcterms:publisher and
        # schema:publisher); the full IRI keeps such parallel edges apart.
        key = relation_iri if net.has_edge(source, target, key=name) else name
        net.add_edge(source, target, key=key, relation=name, predicate=relation_iri)
    return net


def _local(iri: URIRef | str) -> str:
    text = str(iri).rstrip("/#")
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _label(graph: Graph, node: URIRef) -> str:
    for predicate in _LABELS:
        values = sorted(str(v) for v in graph.objects(node, predicate))
        if values:
            return values[0]
    return _local(node)


def _type(graph: Graph, node: URIRef) -> str:
    classes = {c for c in graph.objects(node, RDF.type) if isinstance(c, URIRef)}
    for known in NODE_TYPES:
        if known in classes:
            return _local(known)
    if classes:
        return _local(sorted(classes)[0])
    return "Resource"
