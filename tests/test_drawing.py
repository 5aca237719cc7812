"""The actor network: GraphML and GEXF read back by NetworkX, PNG and SVG pictures."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

from hmic_graph.model.errors import ExportError
from hmic_graph.rdf.drawing import KIND_COLOURS, actor_network, network_bytes, write_network
from hmic_graph.rdf.network import to_networkx

WEST_MERCIA = "https://w3id.org/hmic-graph/id/force/west-mercia-police"


def test_actor_network_of_the_seed(seed_graph: Graph) -> None:
    net = actor_network(seed_graph)
    kinds = dict(net.nodes(data="kind"))
    assert set(kinds.values()) <= set(KIND_COLOURS)
    assert kinds[WEST_MERCIA] == "police force"
    assert {"police force", "alliance", "inspectorate", "inspector"} <= set(kinds.values())
    relations = {relation for _s, _t, relation in net.edges(data="relation")}
    assert {"hasMember", "inspects", "holdsPostIn"} <= relations
    inspector = next(node for node, kind in kinds.items() if kind == "inspector")
    (_, inspectorate, data), *_ = net.out_edges(inspector, data=True)
    assert kinds[inspectorate] == "inspectorate"
    assert data["label"] == "HM Inspector of Constabulary for the Western Region"


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_files_read_back_with_the_same_nodes_and_edges(
    seed_graph: Graph, tmp_path: Path, fmt: str
) -> None:
    net = actor_network(seed_graph)
    out = write_network(seed_graph, tmp_path / f"network.{fmt}")
    back = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    assert back.number_of_nodes() == net.number_of_nodes()
    assert back.number_of_edges() == net.number_of_edges()
    assert set(back.nodes) == set(net.nodes)
    assert back.nodes[WEST_MERCIA]["kind"] == "police force"
    assert back.nodes[WEST_MERCIA]["label"] == "West Mercia Police"


def test_the_full_multigraph_round_trips_too(seed_graph: Graph, tmp_path: Path) -> None:
    full = to_networkx(seed_graph)
    back = nx.read_graphml(write_network(full, tmp_path / "full.graphml"))
    assert (back.number_of_nodes(), back.number_of_edges()) == (
        full.number_of_nodes(),
        full.number_of_edges(),
    )


@pytest.mark.parametrize("fmt", ["graphml", "svg"])
def test_the_same_network_gives_the_same_bytes(seed_graph: Graph, fmt: str) -> None:
    first = network_bytes(actor_network(seed_graph), format=fmt)
    assert network_bytes(actor_network(seed_graph), format=fmt) == first


@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG"), ("svg", b"<?xml")])
def test_pictures_are_written_and_not_empty(
    seed_graph: Graph, tmp_path: Path, fmt: str, magic: bytes
) -> None:
    out = write_network(seed_graph, tmp_path / f"network.{fmt}")
    data = out.read_bytes()
    assert data.startswith(magic)
    assert len(data) > 10_000
    if fmt == "svg":
        assert b"West Mercia Police" in data  # labels stay text


def test_a_large_network_is_cut_to_its_most_connected_nodes() -> None:
    star = nx.star_graph(30)
    nx.set_node_attributes(star, "partner", "kind")
    svg = network_bytes(star, format="svg", max_nodes=10).decode("utf-8")
    assert "the 10 most connected of 31 nodes" in svg


def test_unknown_format_names_the_file(seed_graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(ExportError) as caught:
        write_network(seed_graph, tmp_path / "network.dot")
    assert "network.dot" in str(caught.value)
    assert "graphml, gexf, png, svg" in str(caught.value)
    assert not (tmp_path / "network.dot").exists()
