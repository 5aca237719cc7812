"""What every command shares: the exit codes, the error table, and the options written once.

Exit codes (as pySHACL's, plus one for bugs):

===  ==========================================================================
0    success; for ``build``, ``validate`` and ``load``, every graph conforms
1    a graph does not conform to the shapes (the report is printed)
2    an error the user can fix: unreadable input, unknown query or format,
     bad arguments, no store, a store in use by another writer
3    an internal error: a bug in hmic-graph (please report it)
130  interrupted (Ctrl-C)
===  ==========================================================================

:data:`EXIT_CODES` maps each :class:`~hmic_graph.model.errors.HmicGraphError`
subclass to its code; :func:`exit_code` reads it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from hmic_graph.model.errors import (
    ExportError,
    HmicGraphError,
    InvalidQuery,
    InvalidRelation,
    ManifestError,
    NotARelease,
    ReleaseUnreadable,
    ResourceError,
    StoreLocked,
    StoreNotFound,
    ValidationFailed,
)

if TYPE_CHECKING:
    from hmic_graph.sparql.query import QueryResult

__all__ = [
    "EXIT_CODES",
    "EXIT_ERROR",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_INVALID",
    "EXIT_OK",
    "add_corpus_options",
    "exit_code",
    "parse_bindings",
    "print_query_list",
    "result_text",
    "terminal_progress",
]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

#: The exit code of each error a user can cause; a subclass not listed takes
#: its nearest listed base class's code.
EXIT_CODES: dict[type[HmicGraphError], int] = {
    ValidationFailed: EXIT_INVALID,
    ReleaseUnreadable: EXIT_ERROR,
    NotARelease: EXIT_ERROR,
    ManifestError: EXIT_ERROR,
    InvalidQuery: EXIT_ERROR,
    InvalidRelation: EXIT_ERROR,
    StoreNotFound: EXIT_ERROR,
    StoreLocked: EXIT_ERROR,
    ResourceError: EXIT_ERROR,
    ExportError: EXIT_ERROR,
    HmicGraphError: EXIT_ERROR,
}


def add_corpus_options(parser: argparse.ArgumentParser) -> None:
    """``--manifest`` and ``--allow-unrelated``, for the commands that read releases."""
    parser.add_argument(
        "--manifest",
        metavar="FILE",
        help="CSV or JSON Lines: file, published, source (URL), release_id per release "
        "(a folder's own manifest.csv or manifest.jsonl is read without this)",
    )
    parser.add_argument(
        "--allow-unrelated",
        action="store_true",
        help="load texts that name no inspectorate and no policing body too "
        "(by default a file named is refused, one in a folder reported and skipped)",
    )


def exit_code(error: HmicGraphError) -> int:
    """The exit code of ``error``, from :data:`EXIT_CODES`.

    >>> exit_code(ValidationFailed("no", report=None)), exit_code(StoreLocked("busy"))
    (1, 2)
    """
    for cls in type(error).__mro__:
        if cls in EXIT_CODES:
            return EXIT_CODES[cls]
    return EXIT_ERROR  # pragma: no cover - HmicGraphError is in the table


def parse_bindings(items: Sequence[str]) -> dict[str, str]:
    """``--bind VAR=VALUE`` items as bindings (a leading ``?`` is dropped).

    :raises HmicGraphError: an item has no ``=``.

    >>> parse_bindings(["?name=Kent Police", "n=3"])
    {'name': 'Kent Police', 'n': '3'}
    """
    bindings: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise HmicGraphError(f"--bind takes VAR=VALUE, got {item!r}")
        bindings[name.lstrip("?")] = value
    return bindings


def print_query_list() -> None:
    """Print each named query and its description, one per line (``query --list``)."""
    from hmic_graph.sparql.catalogue import list_queries

    for named in list_queries():
        sys.stdout.write(f"{named.name:<18} {named.description}\n")


def result_text(result: QueryResult, fmt: str, *, wide: bool = False) -> str:
    """``result`` as the ``table`` (readable, see :mod:`hmic_graph.cli.tables`),
    ``csv`` or ``json`` (full values) a command prints, ending in a line break."""
    from hmic_graph.cli.tables import render_table

    text = render_table(result, wide=wide) if fmt == "table" else getattr(result, f"to_{fmt}")()
    return text if text.endswith("\n") else text + "\n"


def terminal_progress() -> Callable[[int, int, Path], None] | None:
    """A progress bar on standard error when it is a terminal, else None."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int, path: Path) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {path.name[:40]:<40}"
        )
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return report
