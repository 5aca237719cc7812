"""``hmic-graph network``: the network of forces, alliances, partners and inspectors as a file.

GraphML and GEXF open in Gephi and Cytoscape; PNG and SVG are pictures
drawn with matplotlib (``pip install 'hmic-graph[analysis]'``). The graph
comes from a store (``--store``), RDF files (``--data``) or releases, as
``query`` takes it; see :mod:`hmic_graph.rdf.drawing` for what is drawn.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = ["register_commands"]

_FORMATS = ("graphml", "gexf", "png", "svg")  # hmic_graph.rdf.drawing.NETWORK_FORMATS


def register_commands(subparsers: Any) -> None:
    """Add ``network`` to the CLI's ``subparsers``."""
    network = subparsers.add_parser(
        "network",
        help="write the network of forces, alliances, partners and inspectors",
        description="Write the network of police forces, alliances, named partners, "
        "inspectorates and inspectors in the releases given (or in --store or --data) as "
        "GraphML or GEXF (for Gephi, Cytoscape) or as a PNG or SVG picture.",
        epilog="exit codes: 0 written, 2 error",
    )
    network.add_argument("releases", nargs="*", metavar="RELEASE", help="release files or folders")
    source = network.add_mutually_exclusive_group()
    source.add_argument("--store", metavar="DIR", help="a store made with `hmic-graph load`")
    source.add_argument(
        "--data", metavar="FILE", action="append", default=[], help="RDF file(s) to read"
    )
    network.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="write here (atomically)"
    )
    network.add_argument(
        "-f",
        "--format",
        choices=_FORMATS,
        default=None,
        help="default: from the output's extension",
    )
    network.add_argument(
        "--full",
        action="store_true",
        help="every link between IRIs (releases, reports, findings...), not only the actors",
    )
    network.add_argument(
        "--max-nodes",
        type=int,
        default=150,
        metavar="N",
        help="pictures: draw the N most connected nodes (default 150)",
    )
    network.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Write the network; returns the exit code."""
    from hmic_graph.model.errors import HmicGraphError
    from hmic_graph.rdf.drawing import write_network
    from hmic_graph.rdf.network import to_networkx

    if args.store and args.releases:
        raise HmicGraphError("--store cannot be combined with release files")
    graph = _graph(args)
    network = to_networkx(graph) if args.full else graph
    written = write_network(network, args.output, format=args.format, max_nodes=args.max_nodes)
    sys.stderr.write(f"wrote {written}\n")
    return 0


def _graph(args: argparse.Namespace) -> Graph:
    if args.store:
        from hmic_graph.store import open_store

        with open_store(Path(args.store), kind="oxigraph", create=False, read_only=True) as store:
            return store.merged()
    from hmic_graph.cli.main import _graph_from

    return _graph_from(args.data, args.releases)
