"""The ``hmic-graph`` command: thin wrappers over the Python API.

:func:`main` parses the arguments, runs the command's handler and turns an
error into its exit code (the table is in :mod:`hmic_graph.cli.common`:
0 success, 1 a graph does not conform, 2 an error the user can fix, 3 a
bug). This module holds the commands on graphs (``build``, ``validate``,
``query``, ``stats``, ``evaluate``); each other group of commands has its
own module (:data:`COMMAND_MODULES`).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from hmic_graph import __version__
from hmic_graph.cli.common import (
    EXIT_ERROR,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_INVALID,
    EXIT_OK,
    add_corpus_options,
    exit_code,
    parse_bindings,
    print_query_list,
    result_text,
    terminal_progress,
)
from hmic_graph.model.errors import HmicGraphError

if TYPE_CHECKING:
    from rdflib import Graph


__all__ = ["COMMAND_MODULES", "EXIT_ERROR", "EXIT_INVALID", "EXIT_OK", "main"]

#: Modules that add subcommands: each has ``register_commands(subparsers)``
#: and sets ``handler`` (a function of the parsed arguments returning the exit code).
COMMAND_MODULES: tuple[str, ...] = (
    "hmic_graph.cli.store",
    "hmic_graph.cli.serve",
    "hmic_graph.cli.docs",
    "hmic_graph.cli.network",
    "hmic_graph.cli.dask",
)

_EPILOG = "exit codes: 0 success (graph conforms), 1 graph does not conform, 2 error"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hmic-graph",
        description="Validated RDF knowledge graphs from HMIC police-inspection press releases.",
        epilog=_EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"hmic-graph {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser(
        "build",
        help="extract, validate and export the graph of one or more releases",
        description="Extract the graph of each RELEASE (text or saved HTML files, or folders of them), "
        "validate it against the shapes and write it. With no RELEASE, the bundled example release.",
        epilog=_EPILOG,
    )
    build.add_argument("releases", nargs="*", metavar="RELEASE", help="release files or folders")
    build.add_argument(
        "-o", "--output", metavar="FILE", help="write here (atomically); default: standard output"
    )
    build.add_argument(
        "-f",
        "--format",
        default=None,
        help="turtle (default), json-ld, nt, trig or nquads; trig/nquads keep one named graph per release",
    )
    build.add_argument(
        "--published", metavar="YYYY-MM-DD", help="publication date, when the text does not say"
    )
    build.add_argument("--base", metavar="IRI", default=None, help="namespace for instance IRIs")
    build.add_argument(
        "--no-validate", action="store_true", help="skip SHACL validation (not recommended)"
    )
    add_corpus_options(build)

    validate = commands.add_parser(
        "validate",
        help="validate an RDF file against the shapes",
        epilog=_EPILOG,
        description="Validate FILE (any RDF format, guessed from its extension) against the bundled SHACL shapes.",
    )
    validate.add_argument("file", metavar="FILE")
    validate.add_argument(
        "-f", "--format", choices=["human", "json"], default="human", help="report format"
    )

    query = commands.add_parser(
        "query",
        help="run a named competency query or a SPARQL file",
        epilog=_EPILOG,
        description="Run NAME (see --list) or a .rq FILE over the graph in --data, "
        "or over the releases given with --release.",
    )
    query.add_argument("query", nargs="?", metavar="NAME|FILE.rq")
    query.add_argument(
        "--data", metavar="FILE", action="append", default=[], help="RDF file(s) to query"
    )
    query.add_argument(
        "--release", metavar="RELEASE", action="append", default=[], help="release file(s) to load"
    )
    query.add_argument(
        "--bind",
        metavar="VAR=VALUE",
        action="append",
        default=[],
        help="bind a variable to a literal",
    )
    query.add_argument("-f", "--format", choices=["table", "csv", "json"], default="table")
    query.add_argument(
        "--wide",
        action="store_true",
        help="table: show every value whole (default: cut to the terminal width)",
    )
    query.add_argument(
        "--limit", type=_rows, metavar="N", help="print at most N rows of the ordered answer"
    )
    query.add_argument(
        "--offset", type=_rows, default=0, metavar="N", help="skip the first N rows of the answer"
    )
    query.add_argument("--list", action="store_true", help="list the named queries")
    query.add_argument("--store", metavar="DIR", help="query a store made with `hmic-graph load`")

    stats = commands.add_parser(
        "stats",
        help="count the things in a graph",
        epilog=_EPILOG,
        description="Count nodes per class and triples in --data files or releases (default: the bundled example).",
    )
    stats.add_argument("releases", nargs="*", metavar="RELEASE")
    stats.add_argument("--data", metavar="FILE", action="append", default=[])
    stats.add_argument("-f", "--format", choices=["table", "csv", "json"], default="table")
    stats.add_argument("--wide", action="store_true", help="table: show every value whole")

    evaluate = commands.add_parser(
        "evaluate",
        help="score extraction against releases with expected answers",
        epilog=_EPILOG,
        description="Extract every release in FOLDER that has an expected-answers NAME.json beside it "
        "and print precision, recall and F1 per category (micro-averaged over the folder).",
    )
    evaluate.add_argument("folder", metavar="FOLDER")
    evaluate.add_argument("-f", "--format", choices=["table", "json"], default="table")
    evaluate.add_argument(
        "--errors", action="store_true", help="also list what was missed or invented"
    )
    evaluate.set_defaults(handler=_cmd_evaluate)

    build.set_defaults(handler=_cmd_build)
    validate.set_defaults(handler=_cmd_validate)
    query.set_defaults(handler=_cmd_query)
    stats.set_defaults(handler=_cmd_stats)
    for module_name in COMMAND_MODULES:
        # Each module adds its subcommands; its handlers import what they need
        # only when run, so parsing arguments stays cheap.
        importlib.import_module(module_name).register_commands(commands)
    return parser


def _load_releases(
    releases: Sequence[str],
    *,
    published: str | None,
    base: str | None,
    manifest: str | None = None,
    allow_unrelated: bool = False,
) -> dict[str, Graph]:
    from hmic_graph.extract.sources import source_from_text
    from hmic_graph.ingest.releases import load_corpus, load_source
    from hmic_graph.model.errors import NotARelease
    from hmic_graph.model.namespaces import DEFAULT_BASE
    from hmic_graph.model.resources import example_releases

    base = base or DEFAULT_BASE
    if releases:
        paths: list[str | Path] = list(releases)
        named = {Path(path).resolve() for path in releases if not Path(path).is_dir()}

        def skipped(error: NotARelease) -> None:
            # A file named on the command line is refused; one found in a folder is reported.
            if error.path is not None and Path(error.path).resolve() in named:
                raise error
            sys.stderr.write(f"hmic-graph: skipped {error}\n")

        return load_corpus(
            paths,
            published=published,
            base=base,
            progress=terminal_progress(),
            manifest=manifest,
            allow_unrelated=allow_unrelated,
            skipped=skipped,
        )
    graphs = {}
    for name, text in example_releases():
        graph = load_source(source_from_text(text, path=name), published=published, base=base)
        graphs[name] = graph
    return graphs


def _merge(graphs: dict[str, Graph]) -> Graph:
    from hmic_graph.rdf.build import merge_graphs

    return merge_graphs(graphs.values())


def _read_graph(path: str) -> Graph:
    from rdflib import Dataset, Graph
    from rdflib.util import guess_format

    file = Path(path)
    if not file.is_file():
        raise HmicGraphError("no such file" if not file.exists() else "not a file", path=path)
    fmt = guess_format(path) or "turtle"
    try:
        if fmt in ("trig", "nquads"):
            dataset = Dataset()
            dataset.parse(file, format=fmt)
            graph = Graph()
            for s, p, o, _ in dataset.quads((None, None, None, None)):
                graph.add((s, p, o))
            return graph
        graph = Graph()
        graph.parse(file, format=fmt)
        return graph
    except Exception as exc:  # rdflib's parsers raise many unrelated types
        reason, line, column = _parse_failure(exc)
        raise HmicGraphError(
            f"cannot parse as {fmt}: {reason}", path=path, line=line, column=column
        ) from None


def _parse_failure(exc: Exception) -> tuple[str, int | None, int | None]:
    """Why rdflib could not parse a file, and where (1-based line and column), as far as it says.

    rdflib's Turtle/N3 parser keeps the reason in ``_why`` and the place as a
    0-based line and a character offset; its message starts with a line
    break, so its first line alone says nothing.
    """
    why = getattr(exc, "_why", None)
    if isinstance(why, str):
        line = getattr(exc, "lines", None)
        offset, text = getattr(exc, "_i", None), getattr(exc, "_str", None)
        column = None
        if isinstance(offset, int) and isinstance(text, bytes | str):
            newline = b"\n" if isinstance(text, bytes) else "\n"
            column = offset - (text.rfind(newline, 0, offset) + 1) + 1  # type: ignore[arg-type]
        return why, line + 1 if isinstance(line, int) else None, column
    lines = [part.strip() for part in str(exc).splitlines() if part.strip()]
    line = getattr(exc, "line", None)
    return (
        (lines[0] if lines else type(exc).__name__),
        line if isinstance(line, int) else None,
        None,
    )


def _cmd_build(args: argparse.Namespace) -> int:
    from hmic_graph.model.errors import ExportError
    from hmic_graph.rdf.export import RdfFormat, serialize, to_dataset, write_text
    from hmic_graph.rdf.validation import validate

    graphs = _load_releases(
        args.releases,
        published=args.published,
        base=args.base,
        manifest=args.manifest,
        allow_unrelated=args.allow_unrelated,
    )
    fmt = (
        RdfFormat.from_name(args.format)
        if args.format
        else (
            RdfFormat.from_path(Path(args.output))
            if args.output not in (None, "-")
            else RdfFormat.TURTLE
        )
    )

    def output_text() -> str:
        output: Graph = (
            to_dataset(graphs) if fmt in (RdfFormat.TRIG, RdfFormat.NQUADS) else _merge(graphs)
        )
        try:
            return serialize(output, format=fmt)
        except ExportError as exc:
            raise ExportError(exc.message, path=args.output) from exc

    if not args.no_validate:
        for name, graph in graphs.items():
            report = validate(graph)
            if not report.conforms:
                sys.stderr.write(
                    f"{name}: the graph does not conform to the shapes; nothing written\n"
                )
                sys.stderr.write(report.to_text() + "\n")
                return EXIT_INVALID
    if not args.no_validate and len(graphs) > 1:
        # Releases that conform alone can still clash when merged (one person
        # spelt two ways under one IRI), so the merged graph is checked too.
        report = validate(_merge(graphs))
        if not report.conforms:
            sys.stderr.write("the releases conform one by one but not merged; nothing written\n")
            sys.stderr.write(report.to_text() + "\n")
            return EXIT_INVALID
    text = output_text()
    if args.output:
        write_text(text, args.output)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    from hmic_graph.rdf.validation import validate

    graph = _read_graph(args.file)
    if not len(graph):
        raise HmicGraphError(
            "the file holds no triples: there is nothing to validate", path=args.file
        )
    report = validate(graph)
    if args.format == "json":
        sys.stdout.write(report.to_json() + "\n")
    else:
        sys.stdout.write(
            (report.to_text() if not report.conforms else f"{args.file}: conforms") + "\n"
        )
    return EXIT_OK if report.conforms else EXIT_INVALID


def _rows(text: str) -> int:
    """A ``--limit``/``--offset`` value: a whole number of rows, 0 or more."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"expected a whole number of rows, not {text!r}")
    return int(text)


def _cmd_query(args: argparse.Namespace) -> int:
    from hmic_graph.sparql.query import query

    if args.list or not args.query:
        print_query_list()
        return EXIT_OK
    bindings = parse_bindings(args.bind) or None
    if args.store:
        if args.data or args.release:
            raise HmicGraphError("--store cannot be combined with --data or --release")
        from hmic_graph.store import open_store

        with open_store(Path(args.store), kind="oxigraph", read_only=True) as store:
            result = store.query(
                args.query, bindings=bindings, limit=args.limit, offset=args.offset
            )
    else:
        result = query(
            _graph_from(args.data, args.release),
            args.query,
            bindings=bindings,
            limit=args.limit,
            offset=args.offset,
        )
    sys.stdout.write(result_text(result, args.format, wide=args.wide))
    return EXIT_OK


def _graph_from(data: list[str], releases: list[str]) -> Graph:
    from rdflib import Graph

    graph = Graph()
    for path in data:
        graph += _read_graph(path)
    if releases or not data:
        graph += _merge(_load_releases(releases, published=None, base=None))
    return graph


def _cmd_stats(args: argparse.Namespace) -> int:
    from hmic_graph.sparql.query import query

    graph = _graph_from(args.data, args.releases)
    result = query(
        graph,
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?count) WHERE { ?s a ?class } GROUP BY ?class ORDER BY ?class",
    )
    sys.stdout.write(result_text(result, args.format, wide=args.wide))
    if args.format == "table":
        sys.stdout.write(f"{len(graph)} triples\n")
    return EXIT_OK


def _cmd_evaluate(args: argparse.Namespace) -> int:
    import json

    from hmic_graph.ingest.evaluate import evaluate_folder

    evaluation = evaluate_folder(args.folder)
    if args.format == "json":
        sys.stdout.write(json.dumps(evaluation.to_dict(), indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write(evaluation.to_table())
    if args.errors:
        sys.stdout.write("\n".join(evaluation.error_lines()) + "\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (see the module docstring)."""
    args = _parser().parse_args(argv)
    warnings.showwarning = _show_warning
    try:
        code: int = args.handler(args)
        return code
    except HmicGraphError as exc:
        sys.stderr.write(f"hmic-graph: error: {exc}\n")
        return exit_code(exc)
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        sys.stderr.write("hmic-graph: interrupted\n")
        return EXIT_INTERRUPTED
    except Exception as exc:  # anything else is a bug of ours, not the user's
        import traceback

        place = traceback.extract_tb(exc.__traceback__)[-1]
        sys.stderr.write(
            f"hmic-graph: internal error: {type(exc).__name__}: {exc} "
            f"(at {Path(place.filename).name}:{place.lineno}); this is a bug in hmic-graph "
            f"{__version__}, please report it with the command you ran\n"
        )
        return EXIT_INTERNAL


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """Print a warning as one line for the user (Python's own format adds a line of our source)."""
    (file or sys.stderr).write(f"hmic-graph: warning: {message}\n")


if __name__ == "__main__":
    sys.exit(main())
