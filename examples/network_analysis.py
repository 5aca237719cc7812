"""The organisational network of a set of releases, analysed with NetworkX.

Run from the repository:  python examples/network_analysis.py [RELEASE OR FOLDER ...]
(default: the bundled seed release plus the development corpus in tests/releases/dev).

It prints the organisations with the highest degree centrality and the
shortest path between two organisations, through the alliances, partners,
inspectorates and releases that link them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx

from hmic_graph import to_networkx
from hmic_graph.extract.sources import source_from_text
from hmic_graph.ingest.releases import load_corpus, load_source
from hmic_graph.model.resources import example_releases
from hmic_graph.rdf.build import merge_graphs


def main(paths: list[str]) -> None:
    if not paths:
        corpus = Path(__file__).resolve().parent.parent / "tests" / "releases" / "dev"
        paths = [str(corpus)] if corpus.is_dir() else []
    graphs = list(load_corpus(paths).values()) if paths else []
    for name, text in example_releases():
        graphs.append(load_source(source_from_text(text, path=name)))
    network = to_networkx(merge_graphs(graphs), directed=False)
    organisations = [
        node
        for node, data in network.nodes(data=True)
        if data["type"] in {"PoliceForce", "Inspectorate", "InspectedBody", "PartnerOrganization"}
    ]
    # Centrality over the whole network, reported for organisations only.
    centrality = nx.degree_centrality(nx.Graph(network))
    print("Most connected organisations (degree centrality):")
    for node in sorted(organisations, key=lambda n: (-centrality[n], n))[:8]:
        print(f"  {centrality[node]:.3f}  {network.nodes[node]['label']}")

    forces = sorted(n for n in organisations if network.nodes[n]["type"] == "PoliceForce")
    if len(forces) >= 2:
        source, target = forces[0], forces[-1]
        path = nx.shortest_path(nx.Graph(network), source, target)
        print(
            f"\nShortest path from {network.nodes[source]['label']} to {network.nodes[target]['label']}:"
        )
        print("  " + " -> ".join(network.nodes[n]["label"] for n in path))


if __name__ == "__main__":
    main(sys.argv[1:])
