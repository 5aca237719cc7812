"""The cheaper validation gives the verdicts of validating every node with pySHACL every time.

:func:`hmic_graph.rdf.validation.validate` proves most graphs conforming
without pySHACL (:class:`~hmic_graph.rdf.conformance.ConformanceCheck`) and
reuses the results of a shared node's local checks (forces, inspectorates,
concepts, people) across releases; ``full=True`` runs pySHACL over every
shape and node. The two must agree, conforms and the sorted results, on
every bundled release, on every broken graph of ``test_shapes.py`` (one per
rule) and on broken release graphs, including graphs whose shared nodes are
broken, whether the broken node is seen for the first time or again.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS, XSD

from hmic_graph.extract.sources import read_source, source_from_text
from hmic_graph.ingest.releases import load_parts
from hmic_graph.model.namespaces import HMIC, OA, SCHEMA
from hmic_graph.model.resources import example_releases
from hmic_graph.rdf.conformance import ConformanceCheck
from hmic_graph.rdf.ontology import shapes_graph
from hmic_graph.rdf.validation import SharedNodeValidator, ValidationReport, validate

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_shapes import CASES, SAMPLE_PATH, Case  # the broken graphs, one per rule

RELEASES = Path(__file__).resolve().parent / "releases"
ID = "https://w3id.org/hmic-graph/id/"


def bundled_graphs() -> list[tuple[str, Graph]]:
    """Every release graph of tests/releases (dev, test, fresh) and the seed."""
    graphs = []
    for path in sorted(RELEASES.glob("*/*.txt")):
        for name, graph in load_parts(read_source(path), allow_unrelated=True).items():
            graphs.append((f"{path.parent.name}/{path.name} {name}", graph))
    for file_name, text in example_releases():
        for name, graph in load_parts(source_from_text(text, path=file_name)).items():
            graphs.append((f"seed {name}", graph))
    return graphs


def assert_same_verdict(graph: Graph) -> ValidationReport:
    once = validate(graph)
    full = validate(graph, full=True)
    assert once.conforms == full.conforms
    assert once.results == full.results
    # The RDF report holds the reused results too (nested sh:detail results included).
    assert once.results_graph is not None
    assert len(set(once.results_graph.subjects(RDF.type, SH.ValidationResult))) == len(once.results)
    return once


def test_every_bundled_release_gets_the_full_verdict() -> None:
    graphs = bundled_graphs()
    assert len(graphs) >= 100
    proof = ConformanceCheck.compile(shapes_graph())
    assert proof is not None
    proved = 0
    for name, graph in graphs:
        report = validate(graph)
        full = validate(graph, full=True)
        assert (report.conforms, report.results) == (full.conforms, full.results), name
        proved += proof.conforms(graph)
        assert not proof.conforms(graph) or full.conforms, name
    assert proved >= 100  # the fast path is the one taken


@pytest.fixture(scope="module")
def sample() -> Graph:
    return Graph().parse(SAMPLE_PATH, format="turtle")


def test_the_valid_sample_is_proved_conforming(sample: Graph) -> None:
    proof = ConformanceCheck.compile(shapes_graph())
    assert proof is not None and proof.conforms(sample)
    assert validate(sample) == validate(sample, full=True)


@pytest.mark.parametrize("case", [pytest.param(case, id=case.id) for case in CASES])
def test_every_broken_sample_gets_the_full_verdict(case: Case, sample: Graph) -> None:
    """One broken graph per rule of the shapes: never proved conforming, same results."""
    data = Graph() + sample
    case.mutate(data)
    proof = ConformanceCheck.compile(shapes_graph())
    assert proof is not None and not proof.conforms(data)
    assert_same_verdict(data)


def test_shapes_the_check_cannot_evaluate_are_left_to_pyshacl() -> None:
    shapes = Graph().parse(
        format="turtle",
        data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:s> a sh:NodeShape ; sh:targetClass <urn:C> ;
            sh:property [ sh:path <urn:p> ; sh:equals <urn:q> ] .""",
    )
    assert ConformanceCheck.compile(shapes) is None


@pytest.fixture(scope="module")
def seed() -> Graph:
    file_name, text = example_releases()[0]
    (graph,) = load_parts(source_from_text(text, path=file_name)).values()
    return graph


def one(graph: Graph, cls: URIRef) -> URIRef:
    nodes = sorted(n for n in graph.subjects(RDF.type, cls) if isinstance(n, URIRef))
    assert nodes, f"the seed has no {cls}"
    return nodes[0]


def release(graph: Graph) -> URIRef:
    return one(graph, HMIC.PressRelease)


def force(graph: Graph) -> URIRef:
    return one(graph, HMIC.PoliceForce)


def inspectorate(graph: Graph) -> URIRef:
    return one(graph, HMIC.Inspectorate)


def concept(graph: Graph) -> URIRef:
    return one(graph, SKOS.Concept)


def person(graph: Graph) -> URIRef:
    return one(graph, SCHEMA.Person)


def selector(graph: Graph) -> URIRef:
    return one(graph, OA.TextPositionSelector)


def drop(node: Callable[[Graph], URIRef], predicate: URIRef) -> Callable[[Graph], None]:
    def mutate(graph: Graph) -> None:
        graph.remove((node(graph), predicate, None))

    return mutate


def add(
    node: Callable[[Graph], URIRef], predicate: URIRef, value: URIRef | Literal
) -> Callable[[Graph], None]:
    def mutate(graph: Graph) -> None:
        graph.add((node(graph), predicate, value))

    return mutate


def put(
    node: Callable[[Graph], URIRef], predicate: URIRef, value: URIRef | Literal
) -> Callable[[Graph], None]:
    def mutate(graph: Graph) -> None:
        graph.set((node(graph), predicate, value))

    return mutate


def bad_iri_inspectorate(graph: Graph) -> None:
    bad = URIRef(ID + "inspectorate/no such body")
    graph.add((bad, RDF.type, HMIC.Inspectorate))
    graph.add((bad, SCHEMA.name, Literal("No Such Body")))


def shared_and_own_force(graph: Graph) -> None:
    """A force minted inside the release's own namespace: its shape cannot be reused."""
    own = URIRef(f"{release(graph)}/force/local")
    graph.add((own, RDF.type, HMIC.PoliceForce))
    graph.add((own, RDF.type, HMIC.InspectedBody))


def states_subclasses(graph: Graph) -> None:
    graph.add((HMIC.PoliceForce, RDFS.subClassOf, HMIC.InspectedBody))
    graph.remove((force(graph), RDF.type, HMIC.InspectedBody))


BROKEN: dict[str, Callable[[Graph], None]] = {
    # Shared nodes.
    "force without a name": drop(force, SCHEMA.name),
    "force with two names": add(force, SCHEMA.name, Literal("Another Name")),
    "force with a malformed ONS code": put(force, HMIC.onsCode, Literal("X99")),
    "force same as a non-Wikidata IRI": put(
        force, URIRef("http://www.w3.org/2002/07/owl#sameAs"), URIRef("http://example.org/x")
    ),
    "force not typed as an inspected body": drop(force, RDF.type),
    "force works with a person": add(force, HMIC.worksWith, URIRef(ID + "person/jane")),
    "inspectorate alternate name in French": add(
        inspectorate, SCHEMA.alternateName, Literal("Inspection", lang="fr")
    ),
    "inspectorate with a malformed IRI": bad_iri_inspectorate,
    "concept without a scheme": drop(concept, SKOS.inScheme),
    "concept with two labels": add(concept, SKOS.prefLabel, Literal("second label")),
    "person named with an honorific": put(person, SCHEMA.name, Literal("Sir Someone Else")),
    "force inside the release namespace": shared_and_own_force,
    "graph stating subclasses": states_subclasses,
    # The release's own nodes.
    "release without a headline": drop(release, SCHEMA.headline),
    "release about an untyped IRI": add(release, HMIC.about, URIRef(ID + "force/nowhere")),
    "selector ending before it starts": put(
        selector, OA.end, Literal(0, datatype=XSD.nonNegativeInteger)
    ),
    "selector exact as a number": put(selector, OA.exact, Literal(3)),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_graph_gets_the_full_verdict(case: str, seed: Graph) -> None:
    graph = Graph() + seed
    BROKEN[case](graph)
    report = assert_same_verdict(graph)
    assert not report.conforms, case
    # Seen again (its shared nodes' results now reused), the verdict is the same.
    assert validate(graph).results == report.results


def test_a_broken_shared_node_then_a_sound_one(seed: Graph) -> None:
    """Results kept for a broken node are not reused for the sound node of the same IRI."""
    broken = Graph() + seed
    drop(force, SCHEMA.name)(broken)
    assert not assert_same_verdict(broken).conforms
    assert assert_same_verdict(seed).conforms


def test_shared_nodes_are_checked_once(seed: Graph) -> None:
    broken = Graph() + seed  # broken, so that pySHACL runs
    drop(release, SCHEMA.headline)(broken)
    validator = SharedNodeValidator(shapes_graph())
    reused = validator._memoised(broken)
    shapes = {str(shape).rsplit("#", 1)[-1] for shape in reused}
    assert {"InspectedBodyShape", "InspectorateShape", "ConceptShape"} <= shapes
    first = validator.validate(broken)
    kept = len(validator._memo)
    assert kept > 0
    assert validator.validate(broken) == first
    assert len(validator._memo) == kept  # the second run computed nothing new for them


def test_full_validation_reuses_nothing(seed: Graph) -> None:
    validator = SharedNodeValidator(shapes_graph())
    validator.validate(seed, full=True)
    assert len(validator._memo) == 0


_VALUES = [
    Literal("text"),
    Literal(""),
    Literal(" padded "),
    Literal("Sir Text"),
    Literal("text", lang="en"),
    Literal(3),
    Literal(-1),
    Literal("2014-03-27", datatype=XSD.date),
    Literal("not a date", datatype=XSD.date),
    Literal("12", datatype=XSD.nonNegativeInteger),
    URIRef(ID + "force/kent-police"),
    URIRef(ID + "no such/thing"),
    HMIC.PoliceForce,
    SKOS.Concept,
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_changes_never_make_the_proof_disagree_with_pyshacl(
    data: st.DataObject, seed: Graph
) -> None:
    """Whatever a few random edits make of a release graph, a graph the Python check proves
    conforming is one pySHACL finds conforming, and the reports are equal."""
    graph = Graph() + seed
    triples = sorted(graph)
    nodes = sorted({s for s, _p, _o in triples})
    predicates = sorted({p for _s, p, _o in triples})
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        edit = data.draw(st.sampled_from(["drop", "add", "set"]))
        if edit == "drop":
            graph.remove(data.draw(st.sampled_from(triples)))
        else:
            node = data.draw(st.sampled_from(nodes))
            predicate = data.draw(st.sampled_from(predicates))
            value = data.draw(st.sampled_from(_VALUES))
            (graph.add if edit == "add" else graph.set)((node, predicate, value))
    proof = ConformanceCheck.compile(shapes_graph())
    assert proof is not None
    full = validate(graph, full=True)
    if proof.conforms(graph):
        assert full.conforms
    assert validate(graph) == full
