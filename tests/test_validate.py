"""Tests of hmic_graph.rdf.validation: the typed, sorted SHACL report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import ORG, RDF, RDFS

from hmic_graph.model import namespaces, resources
from hmic_graph.model.errors import HmicGraphError, ValidationFailed
from hmic_graph.rdf.validation import ValidationReport, ValidationResult, shorten, validate

DATA = Path(__file__).parent / "data" / "network-sample.ttl"
ID = "https://w3id.org/hmic-graph/id/"
NORFOLK = URIRef(ID + "force/norfolk-constabulary")
SUFFOLK = URIRef(ID + "force/suffolk-constabulary")
ALLIANCE = URIRef(ID + "alliance/norfolk-and-suffolk-collaboration")
JANE = URIRef(ID + "person/jane-example")
SHAPES_NS = "https://w3id.org/hmic-graph/shapes#"
# Bound here rather than imported: pytest probes module attributes and
# rdflib's schema.org namespace warns on unknown attribute lookups.
SCHEMA_NAME = namespaces.SCHEMA.name
HONORIFIC = namespaces.SCHEMA.honorificPrefix
POLICE_FORCE = namespaces.HMIC.PoliceForce

# A tiny stand-in for the project's shapes: a blank-node property shape, a
# named one, an sh:in with Warning severity and an inverse path with Info.
SHAPES_TTL = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix hmic: <https://w3id.org/hmic-graph/ontology#> .
@prefix hmicsh: <https://w3id.org/hmic-graph/shapes#> .
@prefix schema: <https://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

hmicsh:PoliceForceShape a sh:NodeShape ;
    sh:targetClass hmic:PoliceForce ;
    sh:property [ sh:path schema:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ;
                  sh:message "a police force has exactly one name" ] .

hmicsh:StrategicAllianceShape a sh:NodeShape ;
    sh:targetClass hmic:StrategicAlliance ;
    sh:property hmicsh:AllianceMembers .

hmicsh:AllianceMembers a sh:PropertyShape ;
    sh:path org:hasMember ;
    sh:minCount 2 ;
    sh:class hmic:PoliceForce ;
    sh:message "an alliance has at least two police forces as members" .

hmicsh:PersonShape a sh:NodeShape ;
    sh:targetClass schema:Person ;
    sh:property [ sh:path schema:name ; sh:minCount 1 ] ;
    sh:property [ sh:path schema:honorificPrefix ; sh:in ( "Sir" "Dame" "Lord" "Lady" ) ;
                  sh:severity sh:Warning ; sh:message "unusual honorific" ] .

hmicsh:PostShape a sh:NodeShape ;
    sh:targetClass org:Post ;
    sh:property [ sh:path [ sh:inversePath org:holds ] ; sh:minCount 1 ;
                  sh:severity sh:Info ; sh:message "nobody is named as holding this post" ] .
"""


@pytest.fixture()
def shapes() -> Graph:
    return Graph().parse(data=SHAPES_TTL, format="turtle")


@pytest.fixture()
def graph() -> Graph:
    return Graph().parse(DATA, format="turtle")


def broken(graph: Graph) -> Graph:
    """The sample with one problem of each kind the tiny shapes check."""
    graph.remove((NORFOLK, SCHEMA_NAME, None))
    graph.add((SUFFOLK, SCHEMA_NAME, Literal("Suffolk Police")))
    graph.remove((ALLIANCE, ORG.hasMember, SUFFOLK))
    graph.add((ALLIANCE, ORG.hasMember, JANE))
    graph.set((JANE, HONORIFIC, Literal("Sire")))
    post = URIRef(ID + "post/norfolk-constabulary/chief-constable")
    graph.add((post, RDF.type, ORG.Post))
    graph.add((post, RDFS.label, Literal("Chief Constable")))
    return graph


def test_sample_conforms(graph: Graph, shapes: Graph) -> None:
    report = validate(graph, shapes=shapes)
    assert isinstance(report, ValidationReport)
    assert report.conforms
    assert len(report) == 0
    assert list(report) == []
    report.raise_for_results()


def test_results_are_typed_and_sorted(graph: Graph, shapes: Graph) -> None:
    report = validate(broken(graph), shapes=shapes)
    assert not report.conforms
    assert all(isinstance(r, ValidationResult) for r in report)
    summary = [(r.severity, r.focus_node, r.path, r.value) for r in report]
    assert summary == [
        ("Violation", str(ALLIANCE), str(ORG.hasMember), str(JANE)),
        ("Violation", str(NORFOLK), str(SCHEMA_NAME), None),
        ("Violation", str(SUFFOLK), str(SCHEMA_NAME), None),
        ("Warning", str(JANE), str(HONORIFIC), "Sire"),
        (
            "Info",
            ID + "post/norfolk-constabulary/chief-constable",
            f"^<{ORG.holds}>",
            None,
        ),
    ]
    by_focus = {r.focus_node: r for r in report}
    assert by_focus[str(ALLIANCE)].message == (
        "an alliance has at least two police forces as members"
    )
    # A named property shape is reported as itself; a blank one by its node shape.
    assert by_focus[str(ALLIANCE)].source_shape == SHAPES_NS + "AllianceMembers"
    assert by_focus[str(NORFOLK)].source_shape == SHAPES_NS + "PoliceForceShape"
    assert by_focus[str(JANE)].source_shape == SHAPES_NS + "PersonShape"


def test_report_is_deterministic(graph: Graph, shapes: Graph) -> None:
    first = validate(broken(graph), shapes=shapes)
    again = validate(broken(Graph().parse(DATA, format="turtle")), shapes=shapes)
    assert first == again
    assert first.to_text() == again.to_text()
    assert first.to_json() == again.to_json()


def test_to_text_uses_short_names(graph: Graph, shapes: Graph) -> None:
    lines = validate(broken(graph), shapes=shapes).to_text().splitlines()
    assert lines[0] == "Conforms: no (5 results)"
    assert lines[1] == (
        "Violation: hmicid:alliance/norfolk-and-suffolk-collaboration org:hasMember: "
        "an alliance has at least two police forces as members "
        "(value: hmicid:person/jane-example)"
    )
    assert lines[4] == (
        "Warning: hmicid:person/jane-example schema:honorificPrefix: unusual honorific "
        "(value: Sire)"
    )
    assert lines[5].startswith("Info: hmicid:post/norfolk-constabulary/chief-constable ^org:holds:")


def test_raise_for_results(graph: Graph, shapes: Graph) -> None:
    report = validate(broken(graph), shapes=shapes)
    with pytest.raises(ValidationFailed) as caught:
        report.raise_for_results()
    assert caught.value.report is report
    message = str(caught.value)
    lines = message.splitlines()
    assert lines[0] == "graph does not conform to the shapes (5 results):"
    assert len(lines) == 6
    assert all(line.startswith("  ") for line in lines[1:])
    assert isinstance(caught.value, HmicGraphError)


def test_to_dict_and_json(graph: Graph, shapes: Graph) -> None:
    report = validate(broken(graph), shapes=shapes)
    data = report.to_dict()
    assert data["conforms"] is False
    assert len(data["results"]) == 5
    assert set(data["results"][0]) == {
        "severity",
        "focus_node",
        "path",
        "message",
        "source_shape",
        "value",
    }
    assert json.loads(report.to_json()) == data


def test_results_graph_is_kept_but_not_compared(graph: Graph, shapes: Graph) -> None:
    report = validate(graph, shapes=shapes)
    assert report.results_graph is not None
    assert report == ValidationReport(conforms=True)


def test_validate_does_not_modify_the_graph(graph: Graph, shapes: Graph) -> None:
    before = set(graph)
    validate(graph, shapes=shapes)
    assert set(graph) == before


def test_broken_shapes_raise_an_hmic_graph_error(graph: Graph) -> None:
    bad = Graph().parse(
        format="turtle",
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetNode <urn:x> ;
            sh:property [ sh:path <urn:p> ; sh:minCount "many" ] .
        """,
    )
    with pytest.raises(HmicGraphError, match="SHACL validation could not run"):
        validate(graph, shapes=bad)


def test_shorten() -> None:
    assert shorten(str(POLICE_FORCE)) == "hmic:PoliceForce"
    assert shorten(ID + "force/x") == "hmicid:force/x"
    assert shorten("urn:other") == "urn:other"
    assert shorten(f"<{ORG.holds}>/<{SCHEMA_NAME}>") == "org:holds/schema:name"


def test_validate_with_the_bundled_shapes_runs(graph: Graph) -> None:
    try:
        resources.resource("shapes", "hmic.shacl.ttl")
    except HmicGraphError:
        pytest.fail("shapes/hmic.shacl.ttl is missing from the package")
    report = validate(graph)
    assert isinstance(report, ValidationReport)
    assert report.to_text().startswith("Conforms: ")
    # The sample follows docs/model.md, so the project's shapes accept it.
    assert report.conforms, report.to_text()
