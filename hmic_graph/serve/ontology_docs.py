"""An HTML reference page for the hmic ontology: metadata, classes, properties, concept schemes.

``hmic-graph docs -o ontology.html`` writes it; the server shows the same
page at ``/ontology``. The page is one self-contained file (CSS inlined, no
scripts, no external requests) rendered with Jinja2 from
``hmic_graph/serve/templates/ontology.html``.

Why not pyLODE: pyLODE 3.3.4 (the last release that runs on Python 3.11)
renders this ontology with a wrong title and heading (it concatenates the
labels of the three concept schemes into the ``<h1>`` and uses one of them as
``<title>``), adds five dependencies (dominate, markdown, html5lib, httpx,
tqdm) and logs at DEBUG level; the page here is about a hundred lines and
documents exactly what ``docs/model.md`` promises.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from hmic_graph.model.namespaces import HMIC, PREFIXES

__all__ = [
    "ConceptDoc",
    "OntologyDoc",
    "SchemeDoc",
    "TermDoc",
    "TermRef",
    "ontology_html",
    "ontology_model",
]

_VANN = "http://purl.org/vocab/vann/"
ONTOLOGY_IRI = URIRef(str(HMIC).rstrip("#"))


@dataclass(frozen=True, slots=True)
class TermRef:
    """A reference to a term: its short name and where to read about it."""

    text: str
    iri: str
    href: str


@dataclass(frozen=True, slots=True)
class TermDoc:
    """One class or property of the hmic namespace."""

    iri: str
    curie: str
    anchor: str
    label: str
    comment: str
    kind: str
    parents: list[TermRef] = field(default_factory=list)
    children: list[TermRef] = field(default_factory=list)
    domain: list[TermRef] = field(default_factory=list)
    range: list[TermRef] = field(default_factory=list)
    disjoint: list[TermRef] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ConceptDoc:
    """One concept of a scheme."""

    iri: str
    anchor: str
    pref_label: str
    alt_labels: list[str]
    definition: str


@dataclass(frozen=True, slots=True)
class SchemeDoc:
    """A SKOS concept scheme with its concepts."""

    iri: str
    anchor: str
    label: str
    comment: str
    concepts: list[ConceptDoc]


@dataclass(frozen=True, slots=True)
class OntologyDoc:
    """What the reference page shows."""

    iri: str
    title: str
    description: str
    metadata: list[tuple[str, str]]
    classes: list[TermDoc]
    object_properties: list[TermDoc]
    datatype_properties: list[TermDoc]
    annotation_properties: list[TermDoc]
    schemes: list[SchemeDoc]
    reused: list[TermRef]
    prefixes: list[tuple[str, str]]


def _text(graph: Graph, subject: Node, *predicates: URIRef) -> str:
    for predicate in predicates:
        values = [v for v in graph.objects(subject, predicate) if isinstance(v, Literal)]
        if values:
            values.sort(key=lambda v: (v.language not in (None, "en"), str(v)))
            return str(values[0])
    return ""


def _curie(iri: str) -> str:
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(str(item[1]))):
        if iri.startswith(str(namespace)) and len(iri) > len(str(namespace)):
            return f"{prefix}:{iri[len(str(namespace)) :]}"
    return iri


def _own(iri: str) -> bool:
    return iri.startswith(str(HMIC)) and len(iri) > len(str(HMIC))


def _anchor(iri: str) -> str:
    return iri[len(str(HMIC)) :] if _own(iri) else "term-" + _curie(iri).replace(":", "-")


def _ref(iri: Node) -> TermRef:
    text = _curie(str(iri))
    href = "#" + _anchor(str(iri)) if _own(str(iri)) else str(iri)
    return TermRef(text, str(iri), href)


def _refs(values: Iterable[Node]) -> list[TermRef]:
    return sorted((_ref(v) for v in values if isinstance(v, URIRef)), key=lambda r: r.text)


def _term(graph: Graph, iri: URIRef, kind: str) -> TermDoc:
    is_class = kind == "class"
    parent = RDFS.subClassOf if is_class else RDFS.subPropertyOf
    return TermDoc(
        iri=str(iri),
        curie=_curie(str(iri)),
        anchor=_anchor(str(iri)),
        label=_text(graph, iri, RDFS.label, SKOS.prefLabel) or _curie(str(iri)),
        comment=_text(graph, iri, RDFS.comment, SKOS.definition, DCTERMS.description),
        kind=kind,
        parents=_refs(graph.objects(iri, parent)),
        children=_refs(graph.subjects(parent, iri)),
        domain=_refs(graph.objects(iri, RDFS.domain)),
        range=_refs(graph.objects(iri, RDFS.range)),
        disjoint=_refs(
            [*graph.objects(iri, OWL.disjointWith), *graph.subjects(OWL.disjointWith, iri)]
        ),
    )


def ontology_model(graph: Graph | None = None) -> OntologyDoc:
    """The content of the reference page for ``graph`` (default: the bundled ontology).

    :raises ResourceError: the bundled ontology is missing or not valid Turtle.

    >>> doc = ontology_model()
    >>> doc.title, "press release" in [c.label for c in doc.classes]
    ('hmic-graph ontology', True)
    """
    if graph is None:
        from hmic_graph.rdf.ontology import ontology_graph

        graph = ontology_graph()
    ontology = next(iter(graph.subjects(RDF.type, OWL.Ontology)), ONTOLOGY_IRI)
    metadata: list[tuple[str, str]] = [("IRI", str(ontology))]
    for name, predicate in (
        ("version", OWL.versionInfo),
        ("version IRI", OWL.versionIRI),
        ("created", DCTERMS.created),
        ("creator", DCTERMS.creator),
        ("license", DCTERMS.license),
        ("preferred prefix", URIRef(_VANN + "preferredNamespacePrefix")),
        ("namespace", URIRef(_VANN + "preferredNamespaceUri")),
    ):
        value = graph.value(ontology, predicate)
        if value is not None:
            metadata.append((name, str(value)))

    def own(kind: URIRef) -> list[URIRef]:
        return sorted(
            (s for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef) and _own(str(s))),
            key=str,
        )

    def documented(kind: URIRef, name: str) -> list[TermDoc]:
        return sorted(
            (_term(graph, iri, name) for iri in own(kind)), key=lambda t: t.label.casefold()
        )

    schemes: list[SchemeDoc] = []
    for scheme in sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=str):
        concepts = sorted(
            (
                ConceptDoc(
                    iri=str(concept),
                    anchor="concept-"
                    + str(concept).rsplit("/", 2)[-2]
                    + "-"
                    + str(concept).rsplit("/", 1)[-1],
                    pref_label=_text(graph, concept, SKOS.prefLabel, RDFS.label),
                    alt_labels=sorted(str(v) for v in graph.objects(concept, SKOS.altLabel)),
                    definition=_text(graph, concept, SKOS.definition, RDFS.comment),
                )
                for concept in graph.subjects(SKOS.inScheme, scheme)
                if isinstance(concept, URIRef)
            ),
            key=lambda c: c.pref_label.casefold(),
        )
        schemes.append(
            SchemeDoc(
                iri=str(scheme),
                anchor="scheme-" + str(scheme).rstrip("/").rsplit("/", 1)[-1],
                label=_text(graph, scheme, RDFS.label, SKOS.prefLabel),
                comment=_text(graph, scheme, RDFS.comment, SKOS.definition),
                concepts=concepts,
            )
        )
    reused = sorted(
        {
            _ref(s)
            for kind in (
                OWL.Class,
                OWL.ObjectProperty,
                OWL.DatatypeProperty,
                OWL.AnnotationProperty,
            )
            for s in graph.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and not _own(str(s))
        },
        key=lambda r: r.text,
    )
    return OntologyDoc(
        iri=str(ontology),
        title=_text(graph, ontology, DCTERMS.title, RDFS.label) or "hmic ontology",
        description=_text(graph, ontology, DCTERMS.description, RDFS.comment),
        metadata=metadata,
        classes=documented(OWL.Class, "class"),
        object_properties=documented(OWL.ObjectProperty, "object property"),
        datatype_properties=documented(OWL.DatatypeProperty, "datatype property"),
        annotation_properties=documented(OWL.AnnotationProperty, "annotation property"),
        schemes=schemes,
        reused=reused,
        prefixes=sorted((prefix, str(namespace)) for prefix, namespace in PREFIXES.items()),
    )


def ontology_html(graph: Graph | None = None, *, standalone: bool = True) -> str:
    """The reference page of ``graph`` (default: the bundled ontology) as HTML.

    :param standalone: a file to open on its own (no links to the server's
        other pages); ``False`` for the server's ``/ontology`` page.
    :raises HmicGraphError: Jinja2 is not installed (``pip install 'hmic-graph[docs]'``).
    :raises ResourceError: the bundled ontology or template is missing or broken.

    >>> html = ontology_html()
    >>> "<title>hmic-graph ontology</title>" in html and "strategic alliance" in html
    True
    """
    from hmic_graph.serve.templating import render

    return render("ontology.html", doc=ontology_model(graph), standalone=standalone)
