"""``hmic-graph docs``: write the ontology's HTML reference page.

:func:`register_commands` adds the subcommand; the renderer
(:mod:`hmic_graph.serve.ontology_docs`, Jinja2 from the ``docs`` extra) is
imported only when it runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from hmic_graph.cli.common import EXIT_OK

__all__ = ["register_commands"]



def register_commands(subparsers: Any) -> None:
    """Add ``docs`` to the CLI's ``subparsers``."""
    docs = subparsers.add_parser(
        "docs",
        help="write the ontology's HTML reference page",
        description="Render the bundled ontology (classes, properties, concept schemes) as one "
        "self-contained HTML page: no scripts, no external requests.",
        epilog="exit codes: 0 success, 2 error",
    )
    docs.add_argument(
        "-o", "--output", metavar="FILE", help="write here (atomically); default: standard output"
    )
    docs.set_defaults(handler=_cmd_docs)


def _cmd_docs(args: argparse.Namespace) -> int:
    from hmic_graph.serve.ontology_docs import ontology_html

    html = ontology_html()
    if args.output:
        from hmic_graph.rdf.export import write_text

        write_text(html, args.output)
    else:
        sys.stdout.write(html)
    return EXIT_OK
