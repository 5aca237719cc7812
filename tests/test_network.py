"""Tests of hmic_graph.rdf.network: the projected NetworkX graph."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import ORG, RDF

from hmic_graph.cli.common import EXIT_ERROR, exit_code
from hmic_graph.model.errors import InvalidRelation
from hmic_graph.rdf.network import DEFAULT_RELATIONS, to_networkx

DATA = Path(__file__).parent / "data" / "network-sample.ttl"
ID = "https://w3id.org/hmic-graph/id/"
NORFOLK = ID + "force/norfolk-constabulary"
SUFFOLK = ID + "force/suffolk-constabulary"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(DATA, format="turtle")


@pytest.fixture(scope="module")
def net(graph: Graph) -> nx.MultiDiGraph:
    return to_networkx(graph)


def test_nodes_are_iris_never_literals(graph: Graph, net: nx.MultiDiGraph) -> None:
    literals = {str(o) for o in graph.objects() if not isinstance(o, URIRef)}
    for node in net.nodes:
        assert isinstance(node, str)
        assert node.startswith("https://w3id.org/hmic-graph/id/")
        assert node not in literals


def test_no_rdf_type_edges_and_no_class_nodes(net: nx.MultiDiGraph) -> None:
    for _s, _o, data in net.edges(data=True):
        assert data["relation"] != "type"
        assert data["predicate"] != str(RDF.type)
    assert not any("ontology#" in node for node in net.nodes)


def test_rdf_type_relation_is_refused(graph: Graph) -> None:
    with pytest.raises(InvalidRelation, match="rdf:type") as refused:
        to_networkx(graph, relations=[ORG.hasMember, RDF.type])
    # A user's mistake: the CLI's table gives it exit code 2, not 3 (a bug).
    assert exit_code(refused.value) == EXIT_ERROR


def test_labels_and_types(net: nx.MultiDiGraph) -> None:
    expected = {
        NORFOLK: ("Norfolk Constabulary", "PoliceForce"),
        ID + "inspectorate/hmic": ("HM Inspectorate of Constabulary", "Inspectorate"),
        ID + "alliance/norfolk-and-suffolk-collaboration": (
            "Norfolk and Suffolk collaboration",
            "StrategicAlliance",
        ),
        ID + "person/jane-example": ("Jane Example", "Person"),
        ID + "post/hmic/hm-inspector-of-constabulary": ("HM Inspector of Constabulary", "Post"),
        ID + "report/joint-working-in-norfolk-and-suffolk": (
            "Joint working in Norfolk and Suffolk",
            "Report",
        ),
        ID + "release/999-2099": (
            "Inspection finds Norfolk and Suffolk alliance works well",
            "PressRelease",
        ),
        ID + "partner/example-health-trust": ("Example Health Trust", "PartnerOrganization"),
        ID + "partner-kind/council": ("council", "Concept"),
    }
    for node, (label, kind) in expected.items():
        assert net.nodes[node] == {"label": label, "type": kind}, node
    for _node, data in net.nodes(data=True):
        assert data["label"] and data["type"]


def test_edges_carry_relation_names(net: nx.MultiDiGraph) -> None:
    relations = {data["relation"] for _s, _o, data in net.edges(data=True)}
    assert relations == {
        "hasMember",
        "holds",
        "postIn",
        "inspects",
        "worksWith",
        "worksWithPartnerType",
        "partnerType",
        "publisher",
        "about",
        "concerns",
        "mentions",
    }
    alliance = ID + "alliance/norfolk-and-suffolk-collaboration"
    assert net.has_edge(alliance, NORFOLK, key="hasMember")
    assert not net.has_edge(NORFOLK, alliance)


def test_shortest_path_between_two_forces(net: nx.MultiDiGraph) -> None:
    path = nx.shortest_path(net.to_undirected(), NORFOLK, SUFFOLK)
    assert len(path) == 3
    assert path[0] == NORFOLK and path[-1] == SUFFOLK
    # Directed: no path from one force to another (forces are objects, not subjects).
    assert not nx.has_path(net, NORFOLK, SUFFOLK)
    partner = ID + "partner/example-health-trust"
    assert nx.shortest_path(net, NORFOLK, partner) == [NORFOLK, partner]


def test_degree_centrality(net: nx.MultiDiGraph) -> None:
    centrality = nx.degree_centrality(net)
    assert set(centrality) == set(net.nodes)
    # The release links to every body it is about or mentions, and its publisher.
    assert max(centrality, key=lambda n: (centrality[n], n)) == ID + "release/999-2099"
    assert centrality[NORFOLK] > centrality[ID + "partner-kind/council"]
    assert all(value >= 0 for value in centrality.values())


def test_undirected_and_chosen_relations(graph: Graph) -> None:
    undirected = to_networkx(graph, relations=[ORG.hasMember], directed=False)
    assert isinstance(undirected, nx.MultiGraph)
    assert not undirected.is_directed()
    assert sorted(undirected.nodes) == [
        ID + "alliance/norfolk-and-suffolk-collaboration",
        NORFOLK,
        SUFFOLK,
    ]
    assert undirected.number_of_edges() == 2


def test_insertion_order_is_sorted(net: nx.MultiDiGraph) -> None:
    assert list(net.nodes) == sorted(net.nodes)
    edges = [(s, o, data["relation"]) for s, o, data in net.edges(data=True)]
    # networkx groups edges by source node; within that, insertion order is sorted.
    assert edges == sorted(edges)


def test_same_graph_same_networkx(graph: Graph) -> None:
    again = to_networkx(Graph().parse(DATA, format="turtle"))
    first = to_networkx(graph)
    assert list(first.nodes(data=True)) == list(again.nodes(data=True))
    assert list(first.edges(keys=True, data=True)) == list(again.edges(keys=True, data=True))


def test_dataset_is_read_as_union(graph: Graph) -> None:
    dataset = Dataset()
    part = dataset.graph(URIRef(ID + "release/999-2099"))
    for triple in graph:
        part.add(triple)
    assert sorted(to_networkx(dataset).nodes) == sorted(to_networkx(graph).nodes)


def test_default_relations_are_the_documented_ones() -> None:
    assert len(DEFAULT_RELATIONS) == 11
    assert RDF.type not in DEFAULT_RELATIONS
