"""``hmic-graph docs``: write the ontology's HTML reference page.

:func:`register_commands` adds the subcommand; the renderer
(:mod:`hmic_graph.ontology_docs`, Jinja2 from the ``docs`` extra) is
imported only when it runs.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from .errors import HmicGraphError

__all__ = ["register_commands", "write_text_atomically"]

EXIT_OK = 0


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
    from .ontology_docs import ontology_html

    html = ontology_html()
    if args.output:
        write_text_atomically(Path(args.output), html)
    else:
        sys.stdout.write(html)
    return EXIT_OK


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file renamed over it.

    :raises HmicGraphError: the file cannot be written (the error names the path).
    """
    temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise HmicGraphError(f"cannot write file: {exc.strerror or exc}", path=path) from exc
