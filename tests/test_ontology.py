"""Tests of the OWL ontology (ontology/hmic.ttl) and of the JSON-LD context that names its terms.

The ontology must parse, describe itself (metadata, a label and a comment on
every term it defines), reuse W3C and schema.org terms for every class and
property it mints, define every hmic term that docs/model.md, the queries and
the shapes use, ship the SKOS concept schemes, and stay consistent under an
OWL RL closure, alone and with the sample graph. The context
(hmic_graph/data/context.jsonld) must only name declared terms and compact
the sample to JSON-LD that parses back to the same graph.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import owlrl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_PATH = ROOT / "ontology" / "hmic.ttl"
SHAPES_PATH = ROOT / "shapes" / "hmic.shacl.ttl"
CONTEXT_PATH = ROOT / "hmic_graph" / "data" / "context.jsonld"
MODEL_DOC = ROOT / "docs" / "model.md"
QUERIES_DIR = ROOT / "hmic_graph" / "queries"
SAMPLE_PATH = Path(__file__).resolve().parent / "data" / "valid-sample.ttl"

# Plain namespaces: rdflib's closed SDO and XSD warn when pytest probes module attributes.
SDO = Namespace("https://schema.org/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
HMIC = Namespace("https://w3id.org/hmic-graph/ontology#")
ID = Namespace("https://w3id.org/hmic-graph/id/")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
VANN = Namespace("http://purl.org/vocab/vann/")
# owlrl reports an inconsistency as `[] a err:ErrorMessage ; err:error "..."`
# in this namespace (owlrl.Namespaces.ERRNS), and it may also type individuals
# owl:Nothing.
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")

ONTOLOGY_IRI = URIRef("https://w3id.org/hmic-graph/ontology")
PARTNER_KIND = ID["partner-kind"]
JUDGEMENT = ID["judgement"]
INSPECTION_KIND = ID["inspection-kind"]

TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
# Namespaces whose terms need no declaration in our file.
BUILT_IN = (str(RDF), str(RDFS), str(OWL), str(XSD))


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


@pytest.fixture(scope="module")
def sample() -> Graph:
    return Graph().parse(SAMPLE_PATH, format="turtle")


@pytest.fixture(scope="module")
def context() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CONTEXT_PATH.read_text(encoding="utf-8"))
    return data


def in_ns(term: object, *namespaces: str) -> bool:
    """Whether ``term`` starts with one of ``namespaces``.

    (``URIRef.startswith`` turns its argument into a string, so it cannot take a tuple.)
    """
    return str(term).startswith(namespaces)


def hmic_terms(g: Graph) -> set[URIRef]:
    return {
        s
        for kind in TERM_KINDS
        for s in g.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and in_ns(s, str(HMIC))
    }


def hmic_of_kind(g: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in hmic_terms(g) if (s, RDF.type, kind) in g}


def concepts(g: Graph, scheme: URIRef | None = None) -> set[URIRef]:
    found = {c for c in g.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef)}
    if scheme is not None:
        found = {c for c in found if (c, SKOS.inScheme, scheme) in g}
    return found


def declared(g: Graph, term: URIRef) -> bool:
    return any((term, RDF.type, kind) in g for kind in TERM_KINDS)


def ancestors(g: Graph, term: URIRef, link: URIRef) -> set[URIRef]:
    seen: set[URIRef] = set()
    todo = [term]
    while todo:
        for parent in g.objects(todo.pop(), link):
            if isinstance(parent, URIRef) and parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def slug(label: str) -> str:
    return label.lower().replace("'", "").replace(" ", "-")


def english(values: list[Any]) -> list[Literal]:
    return [v for v in values if isinstance(v, Literal) and v.language == "en" and str(v).strip()]


# ---------------------------------------------------------------------------
# Parsing and metadata
# ---------------------------------------------------------------------------


def test_ontology_parses(onto: Graph) -> None:
    assert len(onto) > 500
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto


def test_ontology_metadata(onto: Graph) -> None:
    def one(p: URIRef) -> Any:
        values = list(onto.objects(ONTOLOGY_IRI, p))
        assert len(values) == 1, f"{p}: {values}"
        return values[0]

    assert english([one(DCTERMS.title)])
    assert english([one(DCTERMS.description)])
    assert one(OWL.versionInfo) == Literal("0.1.0")
    version_iri = one(OWL.versionIRI)
    assert isinstance(version_iri, URIRef)
    assert str(version_iri) == f"{ONTOLOGY_IRI}/0.1.0"
    assert one(DCTERMS.license) == URIRef("https://opensource.org/licenses/MIT")
    assert str(one(DCTERMS.creator)) == "hmic-graph developers"
    assert one(DCTERMS.created).datatype == XSD.date
    assert str(one(VANN.preferredNamespacePrefix)) == "hmic"
    assert str(one(VANN.preferredNamespaceUri)) == str(HMIC)


def test_every_hmic_iri_is_a_declared_term(onto: Graph) -> None:
    used = {t for triple in onto for t in triple if isinstance(t, URIRef) and in_ns(t, str(HMIC))}
    assert used - hmic_terms(onto) == set()


def test_hmic_terms_are_defined_by_the_ontology(onto: Graph) -> None:
    wrong = [t for t in hmic_terms(onto) if onto.value(t, RDFS.isDefinedBy) != ONTOLOGY_IRI]
    assert not wrong, wrong


def test_every_term_and_concept_has_english_label_and_comment(onto: Graph) -> None:
    schemes = set(onto.subjects(RDF.type, SKOS.ConceptScheme))
    subjects = hmic_terms(onto) | concepts(onto) | schemes
    assert len(subjects) > 70
    missing = []
    for s in sorted(subjects):
        for p in (RDFS.label, RDFS.comment):
            if len(english(list(onto.objects(s, p)))) != 1:
                missing.append(f"{s} {p}")
    assert not missing, "\n".join(missing)


EXPECTED_CLASSES = [
    "PressRelease",
    "Inspectorate",
    "InspectedBody",
    "PoliceForce",
    "PartnerOrganization",
    "StrategicAlliance",
    "Region",
    "Report",
    "Inspection",
    "Quote",
    "Finding",
    "Strength",
    "AreaForImprovement",
    "ContactPoint",
]
EXPECTED_OBJECT_PROPERTIES = [
    "about",
    "inspects",
    "inspectedBody",
    "worksWith",
    "worksWithPartnerType",
    "partnerType",
    "concerns",
    "evidence",
    "judgement",
    "inspectionKind",
]
EXPECTED_DATATYPE_PROPERTIES = ["topic", "onsCode", "policeUkId", "sha256", "releaseNumber"]


@pytest.mark.parametrize(
    ("name", "kind"),
    [(n, OWL.Class) for n in EXPECTED_CLASSES]
    + [(n, OWL.ObjectProperty) for n in EXPECTED_OBJECT_PROPERTIES]
    + [(n, OWL.DatatypeProperty) for n in EXPECTED_DATATYPE_PROPERTIES],
)
def test_expected_term_is_declared(onto: Graph, name: str, kind: URIRef) -> None:
    assert (HMIC[name], RDF.type, kind) in onto


def _hmic_names_in(text: str) -> set[str]:
    return set(re.findall(r"\bhmic:([A-Za-z][A-Za-z0-9]*)", text))


@pytest.mark.parametrize(
    "source",
    [MODEL_DOC, SHAPES_PATH, *sorted(QUERIES_DIR.glob("*.rq"))],
    ids=lambda p: p.name,
)
def test_hmic_terms_used_elsewhere_are_defined(onto: Graph, source: Path) -> None:
    names = _hmic_names_in(source.read_text(encoding="utf-8"))
    if source.suffix != ".rq":  # some queries use no hmic term; these files must
        assert len(names) > 10, f"too few hmic: terms found in {source}"
    undefined = sorted(n for n in names if not declared(onto, HMIC[n]))
    assert not undefined, f"{source.name} uses undefined terms: {undefined}"


@pytest.mark.parametrize("query", sorted(QUERIES_DIR.glob("*.rq")), ids=lambda p: p.stem)
def test_sample_answers_competency_query(sample: Graph, query: Path) -> None:
    """The terms the model writes answer every competency question of the contract."""
    rows = list(sample.query(query.read_text(encoding="utf-8")))
    assert rows, f"{query.name} has no answer on the sample"


# ---------------------------------------------------------------------------
# Reuse of external vocabularies
# ---------------------------------------------------------------------------


def test_every_hmic_class_has_an_external_superclass(onto: Graph) -> None:
    classes = hmic_of_kind(onto, OWL.Class)
    assert len(classes) >= len(EXPECTED_CLASSES)
    lonely = [
        c
        for c in classes
        if not any(not in_ns(a, str(HMIC)) for a in ancestors(onto, c, RDFS.subClassOf))
    ]
    assert not lonely, lonely


def test_every_hmic_property_has_an_external_superproperty(onto: Graph) -> None:
    properties = {p for kind in PROPERTY_KINDS for p in hmic_of_kind(onto, kind)}
    assert len(properties) >= 15
    lonely = [
        p
        for p in properties
        if not any(not in_ns(a, str(HMIC)) for a in ancestors(onto, p, RDFS.subPropertyOf))
    ]
    assert not lonely, lonely


@pytest.mark.parametrize(
    ("subject", "predicate", "obj"),
    [
        (HMIC.PressRelease, RDFS.subClassOf, SDO.NewsArticle),
        (HMIC.PressRelease, RDFS.subClassOf, PROV.Entity),
        (HMIC.Inspectorate, RDFS.subClassOf, ORG.FormalOrganization),
        (HMIC.Inspectorate, RDFS.subClassOf, SDO.GovernmentOrganization),
        (HMIC.PoliceForce, RDFS.subClassOf, HMIC.InspectedBody),
        (HMIC.PoliceForce, RDFS.subClassOf, ORG.FormalOrganization),
        (HMIC.PoliceForce, RDFS.subClassOf, SDO.GovernmentOrganization),
        (HMIC.PartnerOrganization, RDFS.subClassOf, ORG.Organization),
        (HMIC.PartnerOrganization, RDFS.subClassOf, SDO.Organization),
        (HMIC.StrategicAlliance, RDFS.subClassOf, ORG.OrganizationalCollaboration),
        (HMIC.Region, RDFS.subClassOf, ORG.OrganizationalUnit),
        (HMIC.Report, RDFS.subClassOf, SDO.Report),
        (HMIC.Report, RDFS.subClassOf, PROV.Entity),
        (HMIC.Inspection, RDFS.subClassOf, PROV.Activity),
        (HMIC.Quote, RDFS.subClassOf, SDO.Quotation),
        (HMIC.Strength, RDFS.subClassOf, HMIC.Finding),
        (HMIC.AreaForImprovement, RDFS.subClassOf, HMIC.Finding),
        (HMIC.Strength, OWL.disjointWith, HMIC.AreaForImprovement),
        (HMIC.ContactPoint, RDFS.subClassOf, SDO.ContactPoint),
        (HMIC.evidence, RDFS.range, OA.Selector),
        (HMIC.partnerType, RDFS.subPropertyOf, ORG.classification),
        (HMIC.partnerType, RDFS.range, SKOS.Concept),
        (HMIC.worksWithPartnerType, RDFS.range, SKOS.Concept),
        (HMIC.judgement, RDFS.range, SKOS.Concept),
        (HMIC.onsCode, RDFS.subPropertyOf, SDO.identifier),
        (HMIC.policeUkId, RDFS.subPropertyOf, SDO.identifier),
        (HMIC.about, RDFS.subPropertyOf, SDO.about),
        (HMIC.inspects, RDFS.range, HMIC.InspectedBody),
    ],
)
def test_reuse_axiom(onto: Graph, subject: URIRef, predicate: URIRef, obj: URIRef) -> None:
    assert (subject, predicate, obj) in onto


def test_referenced_external_terms_are_declared(onto: Graph) -> None:
    """Superclasses, superproperties, domains and ranges outside hmic are declared here."""
    links = (RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range)
    external = {
        o
        for link in links
        for o in onto.objects(None, link)
        if isinstance(o, URIRef) and not in_ns(o, str(HMIC), *BUILT_IN)
    }
    assert len(external) > 15
    problems = [
        str(t) for t in external if not declared(onto, t) or onto.value(t, RDFS.isDefinedBy) is None
    ]
    assert not problems, problems


def test_vocabulary_of_the_sample_is_declared(onto: Graph, sample: Graph) -> None:
    """Every predicate and class the builder writes is described by the ontology."""
    predicates = {p for p in sample.predicates() if not in_ns(p, *BUILT_IN)}
    classes = {c for c in sample.objects(None, RDF.type) if not in_ns(c, *BUILT_IN)}
    undeclared = sorted(str(t) for t in predicates | classes if not declared(onto, t))
    assert not undeclared, undeclared
    for t in predicates | classes:
        if not in_ns(t, str(HMIC)):
            assert onto.value(t, RDFS.isDefinedBy) is not None, t


def test_no_term_has_two_kinds(onto: Graph) -> None:
    terms = {s for kind in TERM_KINDS for s in onto.subjects(RDF.type, kind)}
    punned = [t for t in terms if sum((t, RDF.type, kind) in onto for kind in TERM_KINDS) != 1]
    assert not punned, punned


def test_external_terms_get_no_extra_axioms(onto: Graph) -> None:
    """We declare other vocabularies' terms; we do not redefine them."""
    axioms = (
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        OWL.inverseOf,
        OWL.equivalentClass,
    )
    extra = [
        (s, p)
        for p in axioms
        for s in onto.subjects(p, None)
        if isinstance(s, URIRef) and not in_ns(s, str(HMIC))
    ]
    assert not extra, extra


# ---------------------------------------------------------------------------
# Documentation in comments
# ---------------------------------------------------------------------------


def test_evidence_offsets_are_documented(onto: Graph) -> None:
    comment = str(onto.value(HMIC.evidence, RDFS.comment))
    assert "Unicode code points" in comment
    assert "end exclusive" in comment
    description = str(onto.value(ONTOLOGY_IRI, DCTERMS.description))
    assert "code points" in description and "end exclusive" in description


def test_rename_pattern_is_documented(onto: Graph) -> None:
    comment = str(onto.value(HMIC.Inspectorate, RDFS.comment))
    for needle in ("org:ChangeEvent", "HMICFRS", "2017", "two inspectorates"):
        assert needle in comment
    assert (ORG.ChangeEvent, RDF.type, OWL.Class) in onto


# ---------------------------------------------------------------------------
# Concept schemes
# ---------------------------------------------------------------------------

PARTNER_KINDS = {
    "council",
    "local authority",
    "housing association",
    "youth offending team",
    "health service",
    "mental health service",
    "probation service",
    "fire and rescue service",
    "voluntary sector organisation",
    "school",
    "social services",
    "children's services",
    "clinical commissioning group",
    "community safety partnership",
    "drug and alcohol service",
    "victim support service",
    "business",
    "university",
    "ambulance service",
    "prison",
    "court",
}
JUDGEMENTS = {
    "outstanding",
    "good",
    "requires-improvement",
    "inadequate",
    "significant-progress",
    "some-progress",
    "little-progress",
    "mixed-picture",
}
INSPECTION_KINDS = {
    "anti-social-behaviour",
    "custody",
    "crime-data-integrity",
    "peel",
    "child-protection",
    "domestic-abuse",
    "stop-and-search",
    "counter-corruption",
    "value-for-money",
    "other",
}


def test_partner_kind_labels(onto: Graph) -> None:
    kinds = concepts(onto, PARTNER_KIND)
    labels = {str(onto.value(c, SKOS.prefLabel)) for c in kinds}
    assert labels == PARTNER_KINDS
    assert str(ID["partner-kind/childrens-services"]) in {str(c) for c in kinds}


@pytest.mark.parametrize("label", sorted(PARTNER_KINDS))
def test_partner_kind_concept(onto: Graph, label: str) -> None:
    c = ID[f"partner-kind/{slug(label)}"]
    prefs = list(onto.objects(c, SKOS.prefLabel))
    assert prefs == [Literal(label)], prefs  # one plain string, no language tag
    assert prefs[0].language is None and prefs[0].datatype is None
    assert label == label.lower()
    assert list(onto.objects(c, SKOS.altLabel)), "needs the written plural forms"
    assert english(list(onto.objects(c, SKOS.definition)))
    assert (c, SKOS.inScheme, PARTNER_KIND) in onto
    assert (c, SKOS.topConceptOf, PARTNER_KIND) in onto


def test_voluntary_sector_alt_labels(onto: Graph) -> None:
    c = ID["partner-kind/voluntary-sector-organisation"]
    alts = {str(a) for a in onto.objects(c, SKOS.altLabel)}
    assert {"third sector organisation", "charity", "voluntary sector organisations"} <= alts


def test_judgement_scheme(onto: Graph) -> None:
    slugs = {str(c).rsplit("/", 1)[1] for c in concepts(onto, JUDGEMENT)}
    assert slugs == JUDGEMENTS
    ri = ID["judgement/requires-improvement"]
    assert str(onto.value(ri, SKOS.prefLabel)) == "requires improvement"
    assert Literal("adequate") in set(onto.objects(ri, SKOS.altLabel))
    assert (HMIC.judgement, RDF.type, OWL.ObjectProperty) in onto


def test_inspection_kind_scheme(onto: Graph) -> None:
    slugs = {str(c).rsplit("/", 1)[1] for c in concepts(onto, INSPECTION_KIND)}
    assert slugs == INSPECTION_KINDS


@pytest.mark.parametrize("scheme", [PARTNER_KIND, JUDGEMENT, INSPECTION_KIND])
def test_concept_scheme_is_well_formed(onto: Graph, scheme: URIRef) -> None:
    assert (scheme, RDF.type, SKOS.ConceptScheme) in onto
    members = concepts(onto, scheme)
    assert members
    assert set(onto.objects(scheme, SKOS.hasTopConcept)) == members
    assert set(onto.subjects(SKOS.topConceptOf, scheme)) == members
    seen: dict[str, URIRef] = {}
    for c in sorted(members):
        assert str(c).startswith(f"{scheme}/")
        assert len(list(onto.objects(c, SKOS.prefLabel))) == 1
        pref = str(onto.value(c, SKOS.prefLabel))
        assert str(c) == f"{scheme}/{slug(pref)}"
        alts = {str(a) for a in onto.objects(c, SKOS.altLabel)}
        assert pref not in alts, "prefLabel and altLabel must be disjoint (SKOS S13)"
        # no label may name two concepts of the same scheme
        for label in {pref, *alts}:
            assert label not in seen, f"{label!r} labels {seen.get(label)} and {c}"
            seen[label] = c


# ---------------------------------------------------------------------------
# OWL RL consistency
# ---------------------------------------------------------------------------


def owl_rl_problems(g: Graph) -> list[str]:
    """Expand ``g`` in place with the OWL RL closure and list what owlrl found wrong."""
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
    problems = [str(m) for m in g.objects(None, ERR.error)]
    problems += [f"{s} is owl:Nothing" for s in g.subjects(RDF.type, OWL.Nothing)]
    problems += [f"{s} is an error message" for s in g.subjects(RDF.type, ERR.ErrorMessage)]
    return problems


def test_owl_rl_closure_of_the_ontology_is_consistent(onto: Graph) -> None:
    g = Graph() + onto
    assert owl_rl_problems(g) == []
    # the closure ran: subclass links were followed
    assert (HMIC.PoliceForce, RDFS.subClassOf, ORG.Organization) not in onto
    assert (HMIC.PoliceForce, RDFS.subClassOf, SDO.Organization) in g


def test_owl_rl_closure_with_the_sample_is_consistent(onto: Graph, sample: Graph) -> None:
    g = Graph() + onto + sample
    assert owl_rl_problems(g) == []
    cumbria = ID["force/cumbria-constabulary"]
    assert (cumbria, RDF.type, SDO.GovernmentOrganization) in g
    assert (ID["release/901_8fe6dccf3423d8c6/quote/847-1032"], RDF.type, SDO.Quotation) in g


def test_owl_rl_check_detects_an_inconsistency(onto: Graph) -> None:
    """Control: a finding that is both a strength and an area for improvement is caught."""
    g = Graph() + onto
    finding = ID["release/x/finding/0-1"]
    g.add((finding, RDF.type, HMIC.Strength))
    g.add((finding, RDF.type, HMIC.AreaForImprovement))
    problems = owl_rl_problems(g)
    assert problems
    assert any(str(finding) in p for p in problems)


# ---------------------------------------------------------------------------
# JSON-LD context
# ---------------------------------------------------------------------------

# rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph internally.
RDFLIB_JSONLD_WARNING = "ignore:ConjunctiveGraph is deprecated:DeprecationWarning"

EXPECTED_PREFIXES = {
    "hmic": str(HMIC),
    "hmicid": str(ID),
    "schema": "https://schema.org/",
    "org": str(ORG),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "oa": str(OA),
    "prov": str(PROV),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
}


def _expand(ctx: dict[str, Any], curie: str) -> str:
    prefix, _, local = curie.partition(":")
    base = ctx.get(prefix)
    assert isinstance(base, str), f"unknown prefix in {curie}"
    return base + local


def _term_iris(ctx: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """Short term -> (expanded IRI, @type coercion or None); prefixes left out."""
    terms: dict[str, tuple[str, Any]] = {}
    for key, value in ctx.items():
        if key.startswith("@") or key in EXPECTED_PREFIXES or key == "wd":
            continue
        if isinstance(value, str):
            terms[key] = (_expand(ctx, value), None)
        else:
            terms[key] = (_expand(ctx, value["@id"]), value.get("@type"))
    return terms


def test_context_is_a_bare_curated_context(context: dict[str, Any]) -> None:
    assert set(context) == {"@context"}
    ctx = context["@context"]
    assert "@vocab" not in ctx
    assert "@base" not in ctx
    assert ctx["@version"] == 1.1
    for prefix, iri in EXPECTED_PREFIXES.items():
        assert ctx[prefix] == iri


def test_context_terms_name_declared_terms(onto: Graph, context: dict[str, Any]) -> None:
    terms = _term_iris(context["@context"])
    assert len(terms) > 60
    problems = []
    for term, (iri, coercion) in terms.items():
        if in_ns(iri, *BUILT_IN):
            continue
        node = URIRef(iri)
        if not declared(onto, node):
            problems.append(f"{term}: {iri} is not declared in the ontology")
        elif coercion == "@id" and (node, RDF.type, OWL.ObjectProperty) not in onto:
            problems.append(f"{term}: coerced to @id but {iri} is not an object property")
        elif coercion not in (None, "@id") and (node, RDF.type, OWL.DatatypeProperty) not in onto:
            problems.append(f"{term}: typed {coercion} but {iri} is not a datatype property")
    assert not problems, "\n".join(problems)


def test_context_terms_are_unique(context: dict[str, Any]) -> None:
    iris = [iri for iri, _ in _term_iris(context["@context"]).values()]
    assert len(iris) == len(set(iris))


@pytest.mark.filterwarnings(RDFLIB_JSONLD_WARNING)
@pytest.mark.parametrize("which", ["sample", "ontology"])
def test_json_ld_round_trip_with_the_context(
    which: str, sample: Graph, onto: Graph, context: dict[str, Any]
) -> None:
    graph = sample if which == "sample" else onto
    text = graph.serialize(format="json-ld", context=context["@context"])
    doc = json.loads(text)
    assert "@graph" in doc
    back = Graph().parse(data=text, format="json-ld")
    assert len(back) == len(graph)
    assert isomorphic(back, graph)
    if which == "sample":
        # compact: short terms, no full schema.org / oa IRIs as keys
        assert '"articleBody"' in text and '"start"' in text
        assert "https://schema.org/articleBody" not in text
        assert "http://www.w3.org/ns/oa#start" not in text


@pytest.mark.filterwarnings(RDFLIB_JSONLD_WARNING)
def test_json_ld_context_has_no_blank_node_surprises(context: dict[str, Any]) -> None:
    """Compaction must not invent blank nodes: a one-triple graph stays one triple."""
    g = Graph()
    g.add((ID["person/a"], SDO.name, Literal("A")))
    g.add((ID["person/a"], RDF.type, SDO.Person))
    text = g.serialize(format="json-ld", context=context["@context"])
    back = Graph().parse(data=text, format="json-ld")
    assert isomorphic(back, g)
    assert not any(isinstance(t, BNode) for triple in back for t in triple)
