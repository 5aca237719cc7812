"""Tests of the SHACL shapes (shapes/hmic.shacl.ttl) against the hand-written sample.

The sample (tests/data/valid-sample.ttl) follows docs/model.md and must
conform. Each case of ``CASES`` breaks one rule in a copy of the sample and
checks that validation fails with a result of the shape that states the rule,
carrying that shape's own message; a coverage test makes sure every named
shape has such a case, so that no rule is there only on paper.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS
from rdflib.term import Node

ROOT = Path(__file__).resolve().parent.parent
SHAPES_PATH = ROOT / "shapes" / "hmic.shacl.ttl"
ONTOLOGY_PATH = ROOT / "ontology" / "hmic.ttl"
SAMPLE_PATH = Path(__file__).resolve().parent / "data" / "valid-sample.ttl"

# Plain namespaces: rdflib's closed SDO and XSD warn when pytest probes module attributes.
SDO = Namespace("https://schema.org/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
SH = Namespace("http://www.w3.org/ns/shacl#")
HMIC = Namespace("https://w3id.org/hmic-graph/ontology#")
HMICSH = Namespace("https://w3id.org/hmic-graph/shapes#")
ID = Namespace("https://w3id.org/hmic-graph/id/")
ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")

# Nodes of the sample.
REL = ID["release/901_8fe6dccf3423d8c6"]


def in_release(path: str) -> URIRef:
    return URIRef(f"{REL}/{path}")


HMIC_ORG = ID["inspectorate/hmic"]
CQC = ID["organisation/care-quality-commission"]
CUMBRIA = ID["force/cumbria-constabulary"]
LANCASHIRE = ID["force/lancashire-constabulary"]
REFUGE = ID["partner/eden-valley-refuge"]
ALLIANCE = ID["alliance/north-west-safeguarding-alliance"]
REGION = ID["region/hmic/northern-region"]
PERSON = ID["person/jane-example"]
POST = ID["post/hmic/hm-inspector-of-constabulary-for-the-northern-region"]
SAFE_AT_HOME = ID["report/safe-at-home"]
FORCE_REPORT = in_release("report/full-report-for-cumbria-constabulary")
INSPECTION = in_release("inspection/cumbria-constabulary")
QUOTE = in_release("quote/847-1032")
STRENGTH = in_release("finding/344-426")
AREA = in_release("finding/674-764")
CONTACT = in_release("contact/02035130600")
HOURS = in_release("contact/02035130600/hours")
QUOTE_SELECTOR = in_release("evidence/847-1032")
STRENGTH_SELECTOR = in_release("evidence/344-426")
COUNCIL = ID["partner-kind/council"]
SOME_PROGRESS = ID["judgement/some-progress"]
DOMESTIC_ABUSE = ID["inspection-kind/domestic-abuse"]
CUSTODY = ID["inspection-kind/custody"]

# Shapes used only through sh:node / sh:not from property shapes.
REUSABLE_SHAPES = {
    HMICSH.WellFormedIRI,
    HMICSH.OrganisationReference,
    HMICSH["OrganisationReference-type"],
    HMICSH.StartsWithHonorific,
    HMICSH.StartsOrEndsWithSpace,
}


# ---------------------------------------------------------------------------
# Fixtures and helpers
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES_PATH, format="turtle")


@pytest.fixture(scope="module")
def sample() -> Graph:
    return Graph().parse(SAMPLE_PATH, format="turtle")


@dataclass(frozen=True)
class Result:
    source_shape: Node | None
    message: str
    focus: Node | None
    severity: Node | None


def validate(data: Graph, shapes: Graph) -> tuple[bool, list[Result], str]:
    conforms, report, text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=False,
        advanced=False,
    )
    results = [
        Result(
            source_shape=report.value(r, SH.sourceShape),
            message=str(report.value(r, SH.resultMessage)),
            focus=report.value(r, SH.focusNode),
            severity=report.value(r, SH.resultSeverity),
        )
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]
    return bool(conforms), results, str(text)


def named_shapes(shapes: Graph) -> set[Node]:
    """Node shapes and property shapes, whether typed or only used with sh:property."""
    found: set[Node] = set(shapes.subjects(RDF.type, SH.NodeShape))
    found |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    found |= set(shapes.objects(None, SH.property))
    return found


def targeted_node_shapes(shapes: Graph) -> set[Node]:
    targets = (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf)
    return {s for t in targets for s in shapes.subjects(t, None)}


# ---------------------------------------------------------------------------
# The shapes graph itself
# ---------------------------------------------------------------------------


def test_shapes_parse(shapes: Graph) -> None:
    assert len(shapes) > 100
    assert len(set(shapes.subjects(RDF.type, SH.NodeShape))) >= 20
    assert len(set(shapes.subjects(RDF.type, SH.PropertyShape))) >= 60


def test_shapes_are_valid_shacl(shapes: Graph) -> None:
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def test_shapes_use_core_constraints_only(shapes: Graph) -> None:
    sparql_terms = {SH.sparql, SH.select, SH.ask, SH.SPARQLConstraint, SH.SPARQLTarget}
    used = {p for _, p, _ in shapes} | {o for _, _, o in shapes}
    assert not sparql_terms & used


def test_every_shape_is_named_and_explained(shapes: Graph) -> None:
    problems = []
    for shape in sorted(named_shapes(shapes)):
        if not (isinstance(shape, URIRef) and str(shape).startswith(str(HMICSH))):
            problems.append(f"{shape}: not an IRI in {HMICSH}")
            continue
        messages = list(shapes.objects(shape, SH.message))
        if len(messages) != 1 or not str(messages[0]).strip():
            problems.append(f"{shape}: needs exactly one sh:message")
        if shapes.value(shape, SH.severity) != SH.Violation:
            problems.append(f"{shape}: severity is not sh:Violation")
        is_property_shape = shapes.value(shape, SH.path) is not None
        if is_property_shape and shapes.value(shape, SH.name) is None:
            problems.append(f"{shape}: property shape without sh:name")
    assert not problems, "\n".join(problems)


def test_shapes_target_every_class_of_the_model(shapes: Graph) -> None:
    expected = {
        HMIC.PressRelease,
        HMIC.Inspectorate,
        HMIC.InspectedBody,
        HMIC.PoliceForce,
        HMIC.PartnerOrganization,
        HMIC.StrategicAlliance,
        HMIC.Region,
        HMIC.Report,
        HMIC.Inspection,
        HMIC.Quote,
        HMIC.Finding,
        HMIC.Strength,
        HMIC.AreaForImprovement,
        HMIC.ContactPoint,
        SDO.Person,
        ORG.Post,
        SKOS.Concept,
        SDO.OpeningHoursSpecification,
        OA.TextPositionSelector,
        OA.TextQuoteSelector,
    }
    targeted = set(shapes.objects(None, SH.targetClass))
    assert expected - targeted == set()


def test_every_hmic_class_of_the_ontology_is_targeted(shapes: Graph) -> None:
    """Validation runs without inference, so each concrete class needs its own target."""
    ontology = Graph().parse(ONTOLOGY_PATH, format="turtle")
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(str(HMIC))}
    assert classes, "no hmic classes found in the ontology"
    assert classes - set(shapes.objects(None, SH.targetClass)) == set()


# ---------------------------------------------------------------------------
# The valid sample
# ---------------------------------------------------------------------------


def test_valid_sample_conforms(sample: Graph, shapes: Graph) -> None:
    conforms, results, text = validate(sample, shapes)
    assert conforms, text
    assert results == []


def test_valid_sample_exercises_every_target(sample: Graph, shapes: Graph) -> None:
    """A conforming sample only means something if every node shape had focus nodes."""

    def has_focus_nodes(shape: Node) -> bool:
        by_class = any((None, RDF.type, c) in sample for c in shapes.objects(shape, SH.targetClass))
        by_object = any(
            (None, p, None) in sample for p in shapes.objects(shape, SH.targetObjectsOf)
        )
        return by_class or by_object

    idle = sorted(str(s) for s in targeted_node_shapes(shapes) if not has_focus_nodes(s))
    assert not idle, idle
    # the concrete classes of the model are all present, not just one per shape
    concrete = set(shapes.objects(None, SH.targetClass)) - {ORG.Organization, SDO.Organization}
    absent = sorted(str(c) for c in concrete if (None, RDF.type, c) not in sample)
    assert not absent, absent


def test_valid_sample_evidence_matches_the_text(sample: Graph) -> None:
    body = str(sample.value(REL, SDO.articleBody))
    assert hashlib.sha256(body.encode("utf-8")).hexdigest() == str(sample.value(REL, HMIC.sha256))
    selectors = set(sample.objects(None, HMIC.evidence))
    assert len(selectors) >= 6
    for sel in selectors:
        start = sample.value(sel, OA.start).toPython()  # type: ignore[union-attr]
        end = sample.value(sel, OA.end).toPython()  # type: ignore[union-attr]
        assert body[start:end] == str(sample.value(sel, OA.exact)), sel
        assert sample.value(sel, DCTERMS.source) == REL
        assert str(sel).endswith(f"/evidence/{start}-{end}")
    # offsets count code points: the contact selector spans two en dashes
    contact_sel = sample.value(CONTACT, HMIC.evidence)
    assert "–" in str(sample.value(contact_sel, OA.exact))


def test_valid_sample_quote_and_findings_are_their_evidence(sample: Graph) -> None:
    for node, prop in ((QUOTE, SDO.text), (STRENGTH, SDO.description), (AREA, SDO.description)):
        sel = sample.value(node, HMIC.evidence)
        assert str(sample.value(node, prop)) == str(sample.value(sel, OA.exact))


def test_ontology_concepts_conform(shapes: Graph) -> None:
    """The concepts shipped in the ontology satisfy the concept shape."""
    ontology = Graph().parse(ONTOLOGY_PATH, format="turtle")
    assert len(set(ontology.subjects(RDF.type, SKOS.Concept))) >= 30
    conforms, _, text = validate(ontology, shapes)
    assert conforms, text


@pytest.mark.parametrize(
    "number",
    ["0203 513 0600", "07836 217 729", "+44 20 3513 0600", "+44 (0)20 3513 0600", "020-3513-0600"],
)
def test_telephone_numbers_as_written_are_accepted(
    number: str, sample: Graph, shapes: Graph
) -> None:
    data = Graph() + sample
    data.set((CONTACT, SDO.telephone, Literal(number)))
    conforms, _, text = validate(data, shapes)
    assert conforms, text


# ---------------------------------------------------------------------------
# Mutations: each breaks one rule of one shape
# ---------------------------------------------------------------------------

Mutation = Callable[[Graph], None]


def drop(s: Node, p: Node, o: Node | None = None) -> Mutation:
    def mutate(g: Graph) -> None:
        assert (s, p, o) in g, f"mutation removes nothing: {s} {p} {o}"
        g.remove((s, p, o))

    return mutate


def add(s: Node, p: Node, o: Node) -> Mutation:
    return lambda g: g.add((s, p, o))


def put(s: Node, p: Node, o: Node) -> Mutation:
    def mutate(g: Graph) -> None:
        assert (s, p, None) in g, f"mutation replaces nothing: {s} {p}"
        g.set((s, p, o))

    return mutate


def blank(node: Node) -> Mutation:
    """Replace ``node`` by a blank node wherever it occurs."""

    def mutate(g: Graph) -> None:
        b = BNode()
        for s, p, o in list(g):
            if node in (s, o):
                g.remove((s, p, o))
                g.add((b if s == node else s, p, b if o == node else o))

    return mutate


def rename(node: URIRef, new: URIRef) -> Mutation:
    """Replace ``node`` by the IRI ``new`` wherever it occurs."""

    def mutate(g: Graph) -> None:
        for s, p, o in list(g):
            if node in (s, o):
                g.remove((s, p, o))
                g.add((new if s == node else s, p, new if o == node else o))

    return mutate


def all_of(*mutations: Mutation) -> Mutation:
    def mutate(g: Graph) -> None:
        for m in mutations:
            m(g)

    return mutate


def concept(iri: URIRef, label: str, scheme: str) -> Mutation:
    return all_of(
        add(iri, RDF.type, SKOS.Concept),
        add(iri, SKOS.prefLabel, Literal(label)),
        add(iri, SKOS.inScheme, ID[scheme]),
    )


def nni(value: int) -> Literal:
    return Literal(value, datatype=XSD.nonNegativeInteger)


@dataclass(frozen=True)
class Case:
    shape: str
    why: str
    mutate: Mutation

    @property
    def id(self) -> str:
        return f"{self.shape}: {self.why}"


CASES = [
    # press release
    Case("PressReleaseShape", "blank node", blank(REL)),
    Case("PressRelease-headline", "missing", drop(REL, SDO.headline)),
    Case("PressRelease-headline", "two", add(REL, SDO.headline, Literal("Another headline"))),
    Case("PressRelease-headline", "language tag", put(REL, SDO.headline, Literal("H", lang="en"))),
    Case("PressRelease-articleBody", "missing", drop(REL, SDO.articleBody)),
    Case("PressRelease-sha256", "missing", drop(REL, HMIC.sha256)),
    Case("PressRelease-sha256", "upper case", put(REL, HMIC.sha256, Literal("AB" * 32))),
    Case("PressRelease-sha256", "too short", put(REL, HMIC.sha256, Literal("ab" * 31))),
    Case("PressRelease-releaseNumber", "two", add(REL, HMIC.releaseNumber, Literal("100/2012"))),
    Case(
        "PressRelease-issued",
        "gYearMonth",
        put(REL, DCTERMS.issued, Literal("2012-07", datatype=XSD.gYearMonth)),
    ),
    Case("PressRelease-issued", "plain string", put(REL, DCTERMS.issued, Literal("5 July 2012"))),
    Case(
        "PressRelease-url",
        "two",
        all_of(
            add(REL, SDO.url, URIRef("https://www.hmic.gov.uk/news/a")),
            add(REL, SDO.url, URIRef("https://www.hmic.gov.uk/news/b")),
        ),
    ),
    Case("PressRelease-sourceFile", "a number", put(REL, DCTERMS.source, Literal(3))),
    Case(
        "PressRelease-sourceFile",
        "two sources",
        add(REL, DCTERMS.source, URIRef("https://www.example.org/news/a")),
    ),
    Case("PressRelease-about", "a person", add(REL, HMIC.about, PERSON)),
    Case("PressRelease-about", "a literal", add(REL, HMIC.about, Literal("Cumbria"))),
    Case("PressRelease-about", "untyped IRI", add(REL, HMIC.about, ID["force/nowhere"])),
    Case("PressRelease-mentions", "a report", add(REL, SDO.mentions, SAFE_AT_HOME)),
    Case("PressRelease-publisher", "a force", put(REL, DCTERMS.publisher, CUMBRIA)),
    # inspectorate
    Case("InspectorateShape", "blank node", blank(HMIC_ORG)),
    Case("Inspectorate-name", "two names", add(HMIC_ORG, SDO.name, Literal("HMIC"))),
    Case("Inspectorate-name", "missing", drop(HMIC_ORG, SDO.name)),
    Case(
        "Inspectorate-alternateName",
        "language tag",
        put(HMIC_ORG, SDO.alternateName, Literal("HMIC", lang="en")),
    ),
    Case("Inspectorate-inspects", "a partner", add(HMIC_ORG, HMIC.inspects, REFUGE)),
    Case(
        "Inspectorate-contactPoint", "not a contact point", add(HMIC_ORG, SDO.contactPoint, HOURS)
    ),
    # inspected bodies and forces
    Case("InspectedBodyShape", "blank node", blank(LANCASHIRE)),
    Case("InspectedBody-name", "missing", drop(LANCASHIRE, SDO.name)),
    Case("InspectedBody-name", "two", add(CUMBRIA, SDO.name, Literal("Cumbria Police"))),
    Case("InspectedBody-alternateName", "a number", add(CUMBRIA, SDO.alternateName, Literal(5))),
    Case(
        "InspectedBody-onsCode", "too few digits", put(CUMBRIA, HMIC.onsCode, Literal("E2300002"))
    ),
    Case(
        "InspectedBody-onsCode", "Scottish prefix", put(CUMBRIA, HMIC.onsCode, Literal("S23000002"))
    ),
    Case("InspectedBody-onsCode", "two", add(CUMBRIA, HMIC.onsCode, Literal("E23000003"))),
    Case(
        "InspectedBody-policeUkId",
        "a name",
        put(CUMBRIA, HMIC.policeUkId, Literal("Cumbria Police")),
    ),
    Case(
        "InspectedBody-sameAs",
        "not Wikidata",
        put(CUMBRIA, OWL.sameAs, URIRef("http://dbpedia.org/resource/Cumbria_Constabulary")),
    ),
    Case(
        "InspectedBody-sameAs",
        "https Wikidata page",
        put(CUMBRIA, OWL.sameAs, URIRef("https://www.wikidata.org/wiki/Q5194029")),
    ),
    Case(
        "InspectedBody-worksWithPartnerType",
        "not a concept",
        add(CUMBRIA, HMIC.worksWithPartnerType, REFUGE),
    ),
    Case("InspectedBody-worksWith", "a force", add(CUMBRIA, HMIC.worksWith, LANCASHIRE)),
    Case(
        "InspectedBodyShape",
        "IRI minted from the raw name",
        rename(LANCASHIRE, ID["force/Lancashire Constabulary"]),
    ),
    Case("PoliceForceShape", "blank node", blank(CUMBRIA)),
    Case(
        "PoliceForce-inspectedBodyType",
        "typed PoliceForce only",
        drop(CUMBRIA, RDF.type, HMIC.InspectedBody),
    ),
    # other organisations
    Case("OrganisationShape", "blank node", blank(CQC)),
    Case(
        "OrganisationShape",
        "IRI with spaces",
        rename(CQC, ID["organisation/Care Quality Commission"]),
    ),
    Case("Organisation-name", "missing", drop(CQC, SDO.name)),
    Case("Organisation-name", "two", add(CQC, SDO.name, Literal("CQC"))),
    Case(
        "Organisation-alternateName",
        "language tag",
        put(CQC, SDO.alternateName, Literal("CQC", lang="en")),
    ),
    Case(
        "PressRelease-mentions",
        "IRI with spaces, untyped",
        add(REL, SDO.mentions, ID["organisation/Leeds City Council"]),
    ),
    # partners and partner kinds
    Case("PartnerOrganizationShape", "blank node", blank(REFUGE)),
    Case("PartnerOrganization-name", "missing", drop(REFUGE, SDO.name)),
    Case("PartnerOrganization-partnerType", "missing", drop(REFUGE, HMIC.partnerType)),
    Case("PartnerOrganization-partnerType", "two", add(REFUGE, HMIC.partnerType, COUNCIL)),
    Case(
        "PartnerKindShape",
        "a literal",
        add(CUMBRIA, HMIC.worksWithPartnerType, Literal("councils")),
    ),
    Case("PartnerKind-prefLabel", "capitalised", put(COUNCIL, SKOS.prefLabel, Literal("Council"))),
    Case(
        "PartnerKind-prefLabel",
        "language tag",
        put(COUNCIL, SKOS.prefLabel, Literal("council", lang="en")),
    ),
    Case("PartnerKind-inScheme", "other scheme", put(COUNCIL, SKOS.inScheme, ID["judgement"])),
    Case("PartnerKind-broader", "a literal", add(COUNCIL, SKOS.broader, Literal("local authority"))),
    # concepts
    Case("ConceptShape", "blank node", blank(SOME_PROGRESS)),
    Case("Concept-prefLabel", "missing", drop(SOME_PROGRESS, SKOS.prefLabel)),
    Case("Concept-prefLabel", "two", add(SOME_PROGRESS, SKOS.prefLabel, Literal("progress"))),
    Case("Concept-inScheme", "missing", drop(DOMESTIC_ABUSE, SKOS.inScheme)),
    Case("JudgementShape", "a literal", add(INSPECTION, HMIC.judgement, Literal("good"))),
    Case("Judgement-inScheme", "other scheme", put(INSPECTION, HMIC.judgement, DOMESTIC_ABUSE)),
    Case("InspectionKindShape", "a literal", add(AREA, HMIC.inspectionKind, Literal("custody"))),
    Case(
        "InspectionKind-inScheme",
        "other scheme",
        put(INSPECTION, HMIC.inspectionKind, SOME_PROGRESS),
    ),
    # strategic alliance
    Case("StrategicAllianceShape", "blank node", blank(ALLIANCE)),
    Case("StrategicAlliance-name", "missing", drop(ALLIANCE, SDO.name)),
    Case("StrategicAlliance-hasMember", "one member", drop(ALLIANCE, ORG.hasMember, LANCASHIRE)),
    Case("StrategicAlliance-hasMember", "a partner", add(ALLIANCE, ORG.hasMember, REFUGE)),
    Case("StrategicAlliance-evidence", "missing", drop(ALLIANCE, HMIC.evidence)),
    Case("StrategicAlliance-wasDerivedFrom", "missing", drop(ALLIANCE, PROV.wasDerivedFrom)),
    # region
    Case("RegionShape", "blank node", blank(REGION)),
    Case("Region-name", "missing", drop(REGION, SDO.name)),
    Case("Region-unitOf", "a force", put(REGION, ORG.unitOf, CUMBRIA)),
    Case("Region-unitOf", "missing", drop(REGION, ORG.unitOf)),
    # reports
    Case("ReportShape", "blank node", blank(SAFE_AT_HOME)),
    Case("Report-name", "missing", drop(SAFE_AT_HOME, SDO.name)),
    Case("Report-title", "two", add(SAFE_AT_HOME, DCTERMS.title, Literal("Safe at home?"))),
    Case("Report-issued", "plain string", put(SAFE_AT_HOME, DCTERMS.issued, Literal("July 2012"))),
    Case(
        "Report-issued",
        "dateTime",
        put(SAFE_AT_HOME, DCTERMS.issued, Literal("2012-07-01T00:00:00", datatype=XSD.dateTime)),
    ),
    Case("Report-publisher", "a person", put(SAFE_AT_HOME, DCTERMS.publisher, PERSON)),
    Case("Report-concerns", "a literal", add(FORCE_REPORT, HMIC.concerns, Literal("Cumbria"))),
    Case("Report-evidence", "missing", drop(SAFE_AT_HOME, HMIC.evidence)),
    Case("Report-wasDerivedFrom", "missing", drop(FORCE_REPORT, PROV.wasDerivedFrom)),
    # inspection
    Case("InspectionShape", "blank node", blank(INSPECTION)),
    Case("Inspection-label", "missing", drop(INSPECTION, RDFS.label)),
    Case("Inspection-inspectedBody", "missing", drop(INSPECTION, HMIC.inspectedBody)),
    Case("Inspection-inspectedBody", "a partner", put(INSPECTION, HMIC.inspectedBody, REFUGE)),
    Case(
        "Inspection-wasAssociatedWith", "a force", add(INSPECTION, PROV.wasAssociatedWith, CUMBRIA)
    ),
    Case("Inspection-topic", "two", add(INSPECTION, HMIC.topic, Literal("victims"))),
    Case("Inspection-generated", "a quote", add(INSPECTION, PROV.generated, QUOTE)),
    Case(
        "Inspection-inspectionKind",
        "two",
        all_of(
            concept(CUSTODY, "custody", "inspection-kind"),
            add(INSPECTION, HMIC.inspectionKind, CUSTODY),
        ),
    ),
    # people and posts
    Case("PersonShape", "blank node", blank(PERSON)),
    Case("Person-name", "missing", drop(PERSON, SDO.name)),
    Case("Person-name", "two", add(PERSON, SDO.name, Literal("J. Example"))),
    Case(
        "Person-nameWithoutHonorific",
        "with honorific",
        put(PERSON, SDO.name, Literal("Dame Jane Example")),
    ),
    Case("Person-honorificPrefix", "two", add(PERSON, SDO.honorificPrefix, Literal("Sir"))),
    Case("Person-alternateName", "an IRI", add(PERSON, SDO.alternateName, ID["person/j"])),
    Case("Person-holds", "not a post", add(PERSON, ORG.holds, REFUGE)),
    Case("PostShape", "blank node", blank(POST)),
    Case("Post-label", "missing", drop(POST, RDFS.label)),
    Case("Post-postIn", "two organisations", add(POST, ORG.postIn, REGION)),
    Case("Post-postIn", "a person", put(POST, ORG.postIn, PERSON)),
    Case("Post-heldBy", "an organisation", add(POST, ORG.heldBy, CUMBRIA)),
    Case("Post-wasDerivedFrom", "missing", drop(POST, PROV.wasDerivedFrom)),
    # quote
    Case("QuoteShape", "blank node", blank(QUOTE)),
    Case("Quote-text", "missing", drop(QUOTE, SDO.text)),
    Case("Quote-text", "two", add(QUOTE, SDO.text, Literal("Another paragraph."))),
    Case(
        "Quote-textUnquoted",
        "with quotation marks",
        put(QUOTE, SDO.text, Literal('"Cumbria Constabulary has made real progress."')),
    ),
    Case(
        "Quote-textUnquoted",
        "curly quotation mark at end",
        put(QUOTE, SDO.text, Literal("Cumbria Constabulary has made real progress.”")),
    ),
    Case("Quote-textTrimmed", "trailing newline", put(QUOTE, SDO.text, Literal("Progress.\n"))),
    Case("Quote-textTrimmed", "leading space", put(QUOTE, SDO.text, Literal(" Progress."))),
    Case("Quote-spokenByCharacter", "an organisation", add(QUOTE, SDO.spokenByCharacter, HMIC_ORG)),
    Case("Quote-isPartOf", "a report", put(QUOTE, SDO.isPartOf, SAFE_AT_HOME)),
    Case("Quote-isPartOf", "missing", drop(QUOTE, SDO.isPartOf)),
    Case("Quote-evidence", "two", add(QUOTE, HMIC.evidence, STRENGTH_SELECTOR)),
    Case("Quote-evidence", "missing", drop(QUOTE, HMIC.evidence)),
    Case("Quote-wasDerivedFrom", "missing", drop(QUOTE, PROV.wasDerivedFrom)),
    # findings
    Case("FindingShape", "blank node", blank(STRENGTH)),
    Case("Finding-type", "typed Strength only", drop(STRENGTH, RDF.type, HMIC.Finding)),
    Case("Finding-kind", "both kinds", add(STRENGTH, RDF.type, HMIC.AreaForImprovement)),
    Case("Finding-kind", "no kind", drop(AREA, RDF.type, HMIC.AreaForImprovement)),
    Case("Finding-description", "missing", drop(STRENGTH, SDO.description)),
    Case("Finding-concerns", "missing", drop(AREA, HMIC.concerns)),
    Case("Finding-concerns", "two", add(AREA, HMIC.concerns, LANCASHIRE)),
    Case("Finding-isPartOf", "missing", drop(AREA, SDO.isPartOf)),
    Case("Finding-evidence", "missing", drop(AREA, HMIC.evidence)),
    Case("Finding-wasDerivedFrom", "missing", drop(AREA, PROV.wasDerivedFrom)),
    # contact point and hours
    Case("ContactPointShape", "blank node", blank(CONTACT)),
    Case("ContactPoint-name", "missing", drop(CONTACT, SDO.name)),
    Case("ContactPoint-telephone", "missing", drop(CONTACT, SDO.telephone)),
    Case("ContactPoint-telephone", "words", put(CONTACT, SDO.telephone, Literal("press office"))),
    Case("ContactPoint-telephone", "too short", put(CONTACT, SDO.telephone, Literal("0203 513"))),
    Case(
        "ContactPoint-telephone",
        "too many digits",
        put(CONTACT, SDO.telephone, Literal("0203 513 0600 1234")),
    ),
    Case(
        "ContactPoint-telephone",
        "extension text",
        put(CONTACT, SDO.telephone, Literal("0203 513 0600 ext")),
    ),
    Case(
        "ContactPoint-hoursAvailable",
        "as text",
        put(CONTACT, SDO.hoursAvailable, Literal("8:30am – 5:30pm")),
    ),
    Case("ContactPoint-evidence", "missing", drop(CONTACT, HMIC.evidence)),
    Case("ContactPoint-wasDerivedFrom", "missing", drop(CONTACT, PROV.wasDerivedFrom)),
    Case("ContactPoint-organisation", "orphan", drop(HMIC_ORG, SDO.contactPoint, CONTACT)),
    Case("OpeningHoursShape", "blank node", blank(HOURS)),
    Case("OpeningHours-opens", "as written", put(HOURS, SDO.opens, Literal("8:30am"))),
    Case(
        "OpeningHours-closes",
        "two",
        add(HOURS, SDO.closes, Literal("18:00:00", datatype=XSD.time)),
    ),
    Case("OpeningHours-dayOfWeek", "a literal", add(HOURS, SDO.dayOfWeek, Literal("Monday"))),
    Case(
        "OpeningHours-dayOfWeek",
        "http schema.org",
        add(HOURS, SDO.dayOfWeek, URIRef("http://schema.org/Saturday")),
    ),
    Case("OpeningHours-description", "missing", drop(HOURS, SDO.description)),
    # evidence selectors
    Case("SelectorShape", "blank node", blank(QUOTE_SELECTOR)),
    Case("SelectorShape", "a literal", add(REFUGE, HMIC.evidence, Literal("Eden Valley Refuge"))),
    Case(
        "Selector-positionType",
        "not a position selector",
        drop(QUOTE_SELECTOR, RDF.type, OA.TextPositionSelector),
    ),
    Case(
        "Selector-quoteType",
        "not a quote selector",
        drop(QUOTE_SELECTOR, RDF.type, OA.TextQuoteSelector),
    ),
    Case("Selector-exact", "missing", drop(QUOTE_SELECTOR, OA.exact)),
    Case("Selector-exact", "empty", put(QUOTE_SELECTOR, OA.exact, Literal(""))),
    Case("Selector-start", "missing", drop(QUOTE_SELECTOR, OA.start)),
    Case("Selector-start", "start equals end", put(QUOTE_SELECTOR, OA.start, nni(1032))),
    Case("Selector-start", "start after end", put(QUOTE_SELECTOR, OA.start, nni(2000))),
    Case(
        "Selector-start",
        "negative integer",
        put(QUOTE_SELECTOR, OA.start, Literal(-1, datatype=XSD.integer)),
    ),
    Case("Selector-start", "plain string", put(QUOTE_SELECTOR, OA.start, Literal("847"))),
    Case("Selector-end", "zero", put(QUOTE_SELECTOR, OA.end, nni(0))),
    Case("Selector-end", "two", add(QUOTE_SELECTOR, OA.end, nni(1033))),
    Case("Selector-source", "missing", drop(QUOTE_SELECTOR, DCTERMS.source)),
    Case("Selector-source", "file name", put(QUOTE_SELECTOR, DCTERMS.source, Literal("901.txt"))),
]


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in CASES])
def test_mutation_breaks_its_shape(case: Case, sample: Graph, shapes: Graph) -> None:
    shape = HMICSH[case.shape]
    assert (shape, None, None) in shapes, f"no shape {shape}"
    data = Graph() + sample
    case.mutate(data)
    conforms, results, text = validate(data, shapes)
    assert not conforms
    expected_message = str(shapes.value(shape, SH.message))
    hits = [r for r in results if r.source_shape == shape]
    assert hits, f"no result from {case.shape}; got:\n{text}"
    assert all(r.message == expected_message for r in hits), [r.message for r in hits]
    assert all(r.severity == SH.Violation for r in hits)


def test_every_shape_has_a_mutation(shapes: Graph) -> None:
    covered = {HMICSH[case.shape] for case in CASES}
    shapes_with_rules = (named_shapes(shapes) - REUSABLE_SHAPES) | targeted_node_shapes(shapes)
    assert shapes_with_rules - covered == set()
    assert covered - named_shapes(shapes) == set(), "cases name shapes that do not exist"


def test_reusable_shapes_are_used(shapes: Graph) -> None:
    for shape in REUSABLE_SHAPES:
        users = set(shapes.subjects(SH.node, shape)) | set(shapes.subjects(SH["not"], shape))
        users |= set(shapes.subjects(SH.property, shape))  # a property of a reusable shape
        assert users & named_shapes(shapes), f"{shape} is not used by a named shape"
