"""The network of forces, alliances, partners and inspectors: files for Gephi, pictures.

:func:`actor_network` projects a graph onto the bodies and people a
researcher draws: police forces and other inspected bodies, the alliances
they belong to, the named partners they work with, the inspectorates that
inspect them and the inspectors who hold posts in those inspectorates.
:func:`write_network` writes that network (or any NetworkX graph, such as
:func:`~hmic_graph.rdf.network.to_networkx`'s) as GraphML or GEXF, through
NetworkX's own writers, for Gephi and Cytoscape, or draws it as PNG or SVG
with matplotlib (``pip install 'hmic-graph[analysis]'``): one colour per kind
of node, a legend, labels wrapped to stay readable.

GraphML, SVG and PNG files are the same bytes for the same graph; a GEXF
file also carries the date it was written (NetworkX's ``lastmodifieddate``).
"""

from __future__ import annotations

import io
import os
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph
from rdflib.namespace import ORG

from hmic_graph.model.errors import ExportError
from hmic_graph.model.namespaces import HMIC
from hmic_graph.rdf.export import write_bytes
from hmic_graph.rdf.network import to_networkx

if TYPE_CHECKING:
    import networkx

__all__ = [
    "KIND_COLOURS",
    "NETWORK_FORMATS",
    "actor_network",
    "network_bytes",
    "write_network",
]

NETWORK_FORMATS: tuple[str, ...] = ("graphml", "gexf", "png", "svg")
"""The formats :func:`write_network` writes."""

KIND_COLOURS: dict[str, str] = {
    "police force": "#0072B2",
    "inspected body": "#56B4E9",
    "alliance": "#009E73",
    "partner": "#E69F00",
    "inspectorate": "#D55E00",
    "inspector": "#CC79A7",
}
"""The ``kind`` of each node of :func:`actor_network`, with its colour in
pictures (the Okabe-Ito palette, told apart with colour blindness)."""

# to_networkx's type of a node -> the kind it has in the actor network.
_KINDS = {
    "PoliceForce": "police force",
    "InspectedBody": "inspected body",
    "StrategicAlliance": "alliance",
    "PartnerOrganization": "partner",
    "Inspectorate": "inspectorate",
}
_RELATIONS = (ORG.hasMember, HMIC.worksWith, HMIC.inspects, ORG.holds, ORG.postIn)
_DEFAULT_MAX_NODES = 150


def actor_network(graph: Graph) -> networkx.DiGraph:
    """The forces, alliances, partners, inspectorates and inspectors in ``graph``, linked.

    Nodes are IRI strings with the attributes ``label`` (the name) and
    ``kind`` (a key of :data:`KIND_COLOURS`). Edges, each with a ``relation``
    attribute, run from an alliance to each member (``hasMember``), from a
    body to each named partner (``worksWith``), from an inspectorate to each
    body it inspects (``inspects``) and from an inspector to the inspectorate
    they hold a post in (``holdsPostIn``, with the post's title as ``label``).
    An inspector is a person holding a post in an inspectorate; other people
    are left out, as are releases, reports, findings and partner kinds.
    Nodes and edges are added in sorted order.

    :param graph: the RDF graph (a Dataset is read as the union of its graphs).

    >>> from hmic_graph import load_release
    >>> net = actor_network(load_release("Kent Police has improved\\n\\n"
    ...     "HMIC inspected Kent Police. Kent Police works with Kent County Council."))
    >>> sorted(kind for _, kind in net.nodes(data="kind"))
    ['inspectorate', 'partner', 'police force']
    """
    import networkx as nx

    full = to_networkx(graph, relations=_RELATIONS)
    kinds = {node: _KINDS[kind] for node, kind in full.nodes(data="type") if kind in _KINDS}
    edges: dict[tuple[str, str], dict[str, str]] = {}
    for source, target, relation in full.edges(data="relation"):
        if relation == "postIn" and target in kinds and kinds[target] == "inspectorate":
            for person, _post, held in full.in_edges(source, data="relation"):
                if held == "holds":
                    kinds[person] = "inspector"
                    edges[(person, target)] = {
                        "relation": "holdsPostIn",
                        "label": full.nodes[source]["label"],
                    }
        elif relation in ("hasMember", "worksWith", "inspects") and (
            source in kinds and target in kinds
        ):
            edges[(source, target)] = {"relation": relation}
    network = nx.DiGraph()
    for node in sorted(kinds):
        network.add_node(node, label=full.nodes[node]["label"], kind=kinds[node])
    for (source, target), attributes in sorted(edges.items()):
        network.add_edge(source, target, **attributes)
    return network


def write_network(
    network: Graph | networkx.Graph,
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    max_nodes: int = _DEFAULT_MAX_NODES,
) -> Path:
    """Write ``network`` to ``path`` atomically as GraphML, GEXF, PNG or SVG; returns the path.

    :param network: an RDF graph (its :func:`actor_network` is written) or a
        NetworkX graph whose attributes are strings, numbers or booleans.
    :param format: one of :data:`NETWORK_FORMATS`; guessed from the
        extension (``.graphml``, ``.gexf``, ``.png``, ``.svg``) when ``None``.
    :param max_nodes: pictures only: draw at most this many nodes, the most
        connected ones (the picture says how many were left out).
    :raises ExportError: the format is unknown or cannot be guessed, matplotlib
        is missing for a picture, or the file cannot be written (naming the path).

    >>> import tempfile, pathlib, networkx
    >>> from hmic_graph import load_release
    >>> graph = load_release("Kent Police has improved\\n\\nHMIC inspected Kent Police.")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_network(graph, pathlib.Path(tmp) / "network.graphml")
    ...     networkx.read_graphml(out).number_of_edges()
    1
    """
    target = Path(path)
    chosen = (format or target.suffix.lstrip(".")).lower()
    if chosen not in NETWORK_FORMATS:
        wanted = ", ".join(NETWORK_FORMATS)
        raise ExportError(
            f"unknown network format {chosen or '(no extension)'!r}; use one of {wanted}",
            path=target,
        )
    net = actor_network(network) if isinstance(network, Graph) else network
    return write_bytes(network_bytes(net, format=chosen, max_nodes=max_nodes), target)


def network_bytes(
    network: networkx.Graph, *, format: str, max_nodes: int = _DEFAULT_MAX_NODES
) -> bytes:
    """``network`` as the bytes of a GraphML, GEXF, PNG or SVG file (see :func:`write_network`).

    :raises ExportError: the format is unknown, or matplotlib is missing for a picture.
    """
    import networkx as nx

    if format == "graphml":
        return "\n".join(nx.generate_graphml(network)).encode("utf-8") + b"\n"
    if format == "gexf":
        return "\n".join(nx.generate_gexf(network)).encode("utf-8") + b"\n"
    if format in ("png", "svg"):
        return _picture(network, format=format, max_nodes=max_nodes)
    raise ExportError(f"unknown network format {format!r}; use one of {', '.join(NETWORK_FORMATS)}")


def _picture(network: networkx.Graph, *, format: str, max_nodes: int) -> bytes:
    import networkx as nx

    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        raise ExportError("pictures need matplotlib: pip install 'hmic-graph[analysis]'") from None

    shown = _most_connected(network, max_nodes)
    layout_graph = nx.Graph()
    layout_graph.add_nodes_from(shown)
    for source, target, relation in shown.edges(data="relation"):
        # The inspectorates are hubs linked to almost every force: their pull
        # is weakened so forces spread out by their alliances and partners.
        layout_graph.add_edge(source, target, weight=0.15 if relation == "inspects" else 1.0)
    side = max(6.0, min(22.0, 1.8 * len(shown) ** 0.5))
    figure = Figure(figsize=(side, side * 0.8))
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.set_axis_off()
    if len(shown):
        # A fixed seed: the same network is drawn the same way every time.
        positions = nx.spring_layout(layout_graph, seed=14, k=2.5 / len(shown) ** 0.5)
        kinds = [_kind(data) for _node, data in shown.nodes(data=True)]
        degrees = dict(layout_graph.degree())
        nx.draw_networkx_edges(
            layout_graph, positions, ax=axes, width=0.5, edge_color="#aaaaaa", alpha=0.7
        )
        nx.draw_networkx_nodes(
            shown,
            positions,
            ax=axes,
            node_color=[KIND_COLOURS.get(kind, "#777777") for kind in kinds],
            node_size=[min(90 + 20 * degrees[node], 700) for node in shown],
            linewidths=0.6,
            edgecolors="white",
        )
        # Each label just below its node, so neither hides the other.
        spread = max(y for _x, y in positions.values()) - min(y for _x, y in positions.values())
        below = {node: (x, y - 0.012 * (spread or 1.0)) for node, (x, y) in positions.items()}
        labels = {
            node: textwrap.fill(str(data.get("label", node)), 24)
            for node, data in shown.nodes(data=True)
        }
        nx.draw_networkx_labels(
            shown, below, labels=labels, ax=axes, font_size=6.5, verticalalignment="top"
        )
        for kind in sorted(set(kinds), key=_kind_order):
            axes.scatter([], [], color=KIND_COLOURS.get(kind, "#777777"), label=kind)
        axes.legend(loc="lower left", fontsize=9, frameon=False)
    if len(shown) < len(network):
        figure.text(
            0.01,
            0.99,
            f"the {len(shown)} most connected of {len(network)} nodes",
            fontsize=9,
            ha="left",
            va="top",
        )
    out = io.BytesIO()
    # No dates or random ids: the same network gives the same file.
    with matplotlib.rc_context({"svg.hashsalt": "hmic-graph", "svg.fonttype": "none"}):
        metadata: dict[str, Any] = {"Date": None} if format == "svg" else {"Software": None}
        figure.savefig(out, format=format, dpi=100, metadata=metadata)
    return out.getvalue()


def _kind(data: dict[str, Any]) -> str:
    return str(data.get("kind") or data.get("type") or "other")


def _kind_order(kind: str) -> tuple[int, str]:
    order = list(KIND_COLOURS)
    return (order.index(kind) if kind in order else len(order), kind)


def _most_connected(network: networkx.Graph, max_nodes: int) -> networkx.Graph:
    if len(network) <= max_nodes:
        return network
    ranked = sorted(network.degree(), key=lambda pair: (-pair[1], str(pair[0])))
    return network.subgraph(node for node, _degree in ranked[:max_nodes])
