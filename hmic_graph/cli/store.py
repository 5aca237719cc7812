"""The store subcommands of ``hmic-graph``: load, releases, export, describe, push.

:func:`register_commands` adds them to the CLI's subparsers; each handler
takes the parsed arguments and returns the exit code (0 success, 1 a release
did not conform to the shapes, 2 an error), raising
:class:`~hmic_graph.model.errors.HmicGraphError` for errors the CLI prints.
Commands that only read open the store read-only, so they work while
``serve`` or a ``load`` runs; ``load`` alone takes the write lock.

Nothing heavy is imported here: handlers import what they need when run.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hmic_graph.cli.common import (
    EXIT_ERROR,
    EXIT_INVALID,
    EXIT_OK,
    add_corpus_options,
    terminal_progress,
)
from hmic_graph.model.errors import HmicGraphError

if TYPE_CHECKING:
    from hmic_graph.store import ReleaseStore

__all__ = ["PASSWORD_ENV", "register_commands"]


#: Environment variable ``push --user`` reads the password from.
PASSWORD_ENV = "HMIC_GRAPH_PASSWORD"

_EPILOG = "exit codes: 0 success, 1 a release does not conform (it was skipped), 2 error, 3 bug"
_FORMATS = "trig (default), nquads, turtle, json-ld or nt"


def register_commands(subparsers: Any) -> None:
    """Add ``load``, ``releases``, ``export``, ``describe`` and ``push`` to ``subparsers``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--store", metavar="DIR", required=True, help="the store's folder (an Oxigraph database)"
    )
    common.add_argument(
        "--wait",
        metavar="SECONDS",
        type=float,
        default=0.0,
        help="wait this long for another process to release the store (default: fail at once)",
    )

    load = subparsers.add_parser(
        "load",
        parents=[common],
        help="extract, validate and load releases into a store (one named graph each)",
        description="Extract the graph of each RELEASE (files or folders), validate it and "
        "replace its named graph in the store (created if missing). Reloading a release is "
        "idempotent. A release that does not conform is skipped, its report printed. "
        "After committing, the answers of the named questions are evaluated and kept with "
        "the store, so that their pages (query --limit/--offset) read only their rows.",
        epilog=_EPILOG,
    )
    load.add_argument("releases", nargs="+", metavar="RELEASE", help="release files or folders")
    load.add_argument(
        "--published", metavar="YYYY-MM-DD", help="publication date, when the text does not say"
    )
    load.add_argument("--base", metavar="IRI", default=None, help="namespace for instance IRIs")
    load.add_argument(
        "--no-validate", action="store_true", help="skip SHACL validation (not recommended)"
    )
    load.add_argument(
        "--workers",
        metavar="N",
        type=_positive_int,
        default=None,
        help="processes that extract and validate releases (default: the number of CPUs; "
        "1: all in this process); the store is the same whatever N",
    )
    add_corpus_options(load)
    load.set_defaults(handler=_cmd_load)

    releases = subparsers.add_parser(
        "releases",
        parents=[common],
        help="list the releases in a store",
        description="Print the IRI of each release graph in the store, sorted.",
        epilog=_EPILOG,
    )
    releases.add_argument(
        "--count", action="store_true", help="also print each graph's number of triples"
    )
    releases.set_defaults(handler=_cmd_releases)

    export = subparsers.add_parser(
        "export",
        parents=[common],
        help="write a store as TriG, N-Quads, Turtle, JSON-LD or N-Triples",
        description="Write the store (or the releases given with --release) deterministically. "
        "TriG and N-Quads keep one named graph per release; the other formats merge them.",
        epilog=_EPILOG,
    )
    _output_option(export)
    export.add_argument("-f", "--format", default=None, help=_FORMATS)
    _release_option(export)
    export.add_argument(
        "--describe",
        action="store_true",
        help="include the VoID/DCAT/PROV description (in the default graph for TriG/N-Quads)",
    )
    _description_options(export)
    export.set_defaults(handler=_cmd_export)

    describe = subparsers.add_parser(
        "describe",
        parents=[common],
        help="write the VoID/DCAT/PROV description of a store",
        description="Write a VoID + DCAT + PROV-O description of the store: counts, "
        "licence, distributions and the provenance of the build.",
        epilog=_EPILOG,
    )
    _output_option(describe)
    describe.add_argument(
        "-f", "--format", default=None, help="turtle (default), json-ld, nt, trig or nquads"
    )
    _description_options(describe)
    describe.add_argument(
        "--download-base",
        metavar="URL",
        help="URL folder where the dumps are published (dcat:downloadURL hmic-graph.EXT)",
    )
    describe.add_argument(
        "--publisher", metavar="IRI", help="who publishes the dataset (default: the inspectorate)"
    )
    describe.set_defaults(handler=_cmd_describe)

    push = subparsers.add_parser(
        "push",
        parents=[common],
        help="upload each release graph to a triple store over HTTP",
        description="Replace each release's named graph on a SPARQL server: with the Graph "
        "Store Protocol (PUT ENDPOINT?graph=IRI) or SPARQL Update (DROP + INSERT DATA). "
        "Pushing twice gives the same graphs.",
        epilog=_EPILOG,
    )
    push.add_argument(
        "--endpoint",
        metavar="URL",
        required=True,
        help="Graph Store endpoint (e.g. http://localhost:7878/store) or, with "
        "--protocol update, the SPARQL Update endpoint (e.g. http://localhost:7878/update)",
    )
    push.add_argument("--protocol", choices=["gsp", "update"], default="gsp")
    _release_option(push)
    push.add_argument(
        "--timeout", metavar="SECONDS", type=float, default=30.0, help="per request (default 30)"
    )
    push.add_argument(
        "--content-type",
        choices=["application/n-triples", "text/turtle"],
        default="application/n-triples",
        help="media type of the Graph Store uploads (the body is N-Triples, also valid Turtle); "
        "text/turtle for servers that do not take N-Triples",
    )
    push.add_argument(
        "--user",
        metavar="NAME",
        help=f"user for HTTP basic or digest authentication; the password is read from "
        f"${PASSWORD_ENV}, else asked for",
    )
    push.set_defaults(handler=_cmd_push)


def _output_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write here (atomically); default: standard output"
    )


def _release_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--release", metavar="IRI", action="append", default=None, help="only this release"
    )


def _description_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--title", default=None, help="dcterms:title of the dataset")
    parser.add_argument(
        "--sparql-endpoint", metavar="URL", default=None, help="void:sparqlEndpoint to announce"
    )
    parser.add_argument(
        "--base", metavar="IRI", default=None, help="namespace of the description's IRIs"
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _open(args: argparse.Namespace, *, write: bool = False) -> ReleaseStore:
    """The store of ``--store``: for writing (created if missing) or, by default, read-only.

    A read-only opening never waits and never blocks a writer (``serve``, a
    running ``load``); it sees what was committed when it opened.
    """
    from hmic_graph.store import open_store

    if write:
        return open_store(Path(args.store), kind="oxigraph", create=True, wait=args.wait)
    return open_store(Path(args.store), kind="oxigraph", read_only=True)


def _progress(done: int, total: int, path: Path) -> None:
    report = terminal_progress()
    if report is not None:
        report(done, total, path)


def _cmd_load(args: argparse.Namespace) -> int:
    from hmic_graph.ingest.corpus import load_releases
    from hmic_graph.ingest.releases import release_files
    from hmic_graph.model.namespaces import DEFAULT_BASE
    from hmic_graph.rdf.validation import ValidationReport

    # Checked before the store is opened: a missing path creates no store.
    release_files(list(args.releases))

    def skipped(path: Path, reason: ValidationReport | str) -> None:
        _clear_progress()
        if isinstance(reason, ValidationReport):
            sys.stderr.write(
                f"{path}: does not conform to the shapes; skipped\n{reason.to_text()}\n"
            )
        else:
            sys.stderr.write(f"{reason}; skipped\n")

    folder = Path(args.store).expanduser()
    created = not folder.exists()
    with _open(args, write=True) as store:
        outcome = load_releases(
            store,
            # As given, not expanded: each folder's own manifest is read too.
            list(args.releases),
            published=args.published,
            base=args.base or DEFAULT_BASE,
            validate=not args.no_validate,
            workers=args.workers,
            progress=_progress,
            skipped=skipped,
            # A load killed half-way leaves every graph whole, the old or the new.
            transactional=True,
            manifest=args.manifest,
            allow_unrelated=args.allow_unrelated,
        )
        if outcome.loaded:
            # Paid once here, so that no query's first page pays for the whole answer.
            store.prepare_answers()
        held, total = len(store.releases()), len(store)
    loaded = len(outcome.loaded)
    invalid, failed = len(outcome.invalid), len(outcome.errors)
    # A text that is no release is reported and skipped when found in a
    # folder; one named on the command line is refused, as `build` does.
    named = {Path(item).resolve() for item in args.releases if not Path(item).is_dir()}
    refused = any(Path(path).resolve() in named for path in outcome.unrelated)
    if created and held == 0:
        # Every file was skipped: leave no empty store behind.
        _remove_store(folder)
        where = f"{args.store} not created"
    else:
        where = f"{args.store}, which holds {held} release{'s' * (held != 1)} ({total} triples)"
    sys.stderr.write(
        f"loaded {loaded} release{'s' * (loaded != 1)} into {where}"
        + (f"; {skips} skipped" if (skips := invalid + failed + len(outcome.unrelated)) else "")
        + "\n"
    )
    if failed or refused:
        return EXIT_ERROR
    return EXIT_INVALID if invalid else EXIT_OK


def _remove_store(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def _clear_progress() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r\x1b[K")


def _cmd_releases(args: argparse.Namespace) -> int:
    with _open(args) as store:
        names = store.releases()
        for name in names:
            if args.count:
                sys.stdout.write(f"{name}\t{len(store.graph(name))}\n")
            else:
                sys.stdout.write(f"{name}\n")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from hmic_graph.ingest.dump import dump_store
    from hmic_graph.model.namespaces import DEFAULT_BASE
    from hmic_graph.rdf.export import write_text

    with _open(args) as store:
        text = dump_store(
            store,
            args.output,
            format=args.format,
            releases=args.release,
            describe=args.describe,
            base=args.base or DEFAULT_BASE,
            title=args.title,
            sparql_endpoint=args.sparql_endpoint,
        )
    if args.output:
        write_text(text, args.output)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _cmd_describe(args: argparse.Namespace) -> int:
    from hmic_graph.model.namespaces import DEFAULT_BASE
    from hmic_graph.rdf.describe import DEFAULT_TITLE, describe_dataset
    from hmic_graph.rdf.export import RdfFormat, serialize, write

    with _open(args) as store:
        graph = describe_dataset(
            store.statistics(),
            title=args.title or DEFAULT_TITLE,
            base=args.base or DEFAULT_BASE,
            sparql_endpoint=args.sparql_endpoint,
            download_base=args.download_base,
            publisher=args.publisher,
        )
    if args.output:
        fmt = args.format or RdfFormat.from_path(Path(args.output))
        write(graph, Path(args.output), format=fmt)
    else:
        sys.stdout.write(serialize(graph, format=args.format or RdfFormat.TURTLE))
    return EXIT_OK


def _cmd_push(args: argparse.Namespace) -> int:
    from hmic_graph.ingest.push import push

    auth = None
    if args.user:
        password = os.environ.get(PASSWORD_ENV)
        if password is None:
            if not sys.stdin.isatty():
                raise HmicGraphError(f"--user needs a password: set ${PASSWORD_ENV}")
            import getpass

            password = getpass.getpass(f"password for {args.user} at {args.endpoint}: ")
        auth = (args.user, password)
    with _open(args) as store:
        report = push(
            store,
            args.endpoint,
            protocol=args.protocol,
            releases=args.release,
            timeout=args.timeout,
            auth=auth,
            content_type=args.content_type,
        )
    sys.stdout.write(report.to_text() + "\n")
    return EXIT_OK
