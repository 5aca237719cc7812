"""``hmic-graph serve``: run the linked-data server over a store with uvicorn.

:func:`register_commands` adds the subcommand; its handler imports the web
stack (Starlette, uvicorn, Jinja2: the ``serve`` extra) only when it runs.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path
from typing import Any

from hmic_graph.model.errors import HmicGraphError

__all__ = ["register_commands"]

EXIT_OK = 0

_EPILOG = (
    "exit codes: 0 the server stopped normally, 2 error (no store, store in use, port taken, ...)"
)


def register_commands(subparsers: Any) -> None:
    """Add ``serve`` to the CLI's ``subparsers``."""
    serve = subparsers.add_parser(
        "serve",
        help="serve a store as linked data: entity pages and a read-only SPARQL endpoint",
        description="Serve the store in DIR over HTTP: every IRI under the base at /id/... "
        "(HTML, Turtle, JSON-LD or N-Triples by content negotiation), a read-only SPARQL 1.1 "
        "endpoint at /sparql, an index at / and the ontology at /ontology. Listens on "
        "127.0.0.1 unless --host says otherwise. Stop it with Ctrl-C.",
        epilog=_EPILOG,
    )
    serve.add_argument(
        "--store", metavar="DIR", required=True, help="the store's folder (see `hmic-graph load`)"
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    serve.add_argument(
        "--base", metavar="IRI", default=None, help="namespace of the IRIs served under /id/"
    )
    serve.add_argument(
        "--query-timeout",
        metavar="SECONDS",
        type=float,
        default=10.0,
        help="time limit of a SPARQL query (default: 10)",
    )
    serve.add_argument(
        "--max-results",
        metavar="ROWS",
        type=int,
        default=10_000,
        help="most rows a SPARQL result may have (default: 10000)",
    )
    serve.add_argument(
        "--max-request-bytes",
        metavar="BYTES",
        type=int,
        default=100_000,
        help="largest request accepted (default: 100000)",
    )
    serve.add_argument(
        "--wait",
        metavar="SECONDS",
        type=float,
        default=0.0,
        help="wait this long for another process to release the store (default: fail at once)",
    )
    serve.add_argument(
        "--log-level",
        choices=["critical", "error", "warning", "info", "debug"],
        default="info",
        help="uvicorn's log level (default: info, one line per request)",
    )
    serve.set_defaults(handler=_cmd_serve)


def _cmd_serve(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise HmicGraphError(f"--port must be between 1 and 65535, not {args.port}")
    path = Path(args.store).expanduser()
    if not path.is_dir():
        raise HmicGraphError(
            "no store here; create one with `hmic-graph load RELEASE... --store DIR`", path=path
        )
    try:
        import uvicorn
    except ImportError as exc:
        raise HmicGraphError(
            "`serve` needs the web server: pip install 'hmic-graph[serve]'"
        ) from exc
    try:
        from hmic_graph.serve.app import create_app
    except ImportError as exc:
        raise HmicGraphError(
            f"`serve` needs the web stack ({exc.name}): pip install 'hmic-graph[serve]'"
        ) from exc
    from hmic_graph.model.namespaces import DEFAULT_BASE
    from hmic_graph.store.stores import open_store

    if not _is_loopback(args.host):
        sys.stderr.write(
            f"hmic-graph: warning: listening on {args.host}, reachable from other machines; "
            "the server has no authentication (use --host 127.0.0.1 to keep it local)\n"
        )
    with open_store(path, create=False, wait=args.wait) as store:
        # This process now holds the store's only read-write handle (RocksDB's
        # lock): no other process can load or remove releases until the server
        # stops, and nothing here writes (the endpoint refuses SPARQL Update).
        # So the store cannot change while it is served, and answers may be
        # cached for the life of the server (see hmic_graph.serve.cache).
        app = create_app(
            store,
            base=args.base or DEFAULT_BASE,
            query_timeout=args.query_timeout,
            max_results=args.max_results,
            max_request_bytes=args.max_request_bytes,
            static_store=True,
        )
        sys.stderr.write(
            f"hmic-graph: serving {path} at http://{_url_host(args.host)}:{args.port}/\n"
        )
        try:
            uvicorn.run(
                app, host=args.host, port=args.port, log_level=args.log_level, proxy_headers=False
            )
        except SystemExit as exc:  # uvicorn exits when it cannot bind the port
            if exc.code not in (0, None):
                raise HmicGraphError(
                    f"the server could not start on {args.host}:{args.port} (see the message above)"
                ) from None
    return EXIT_OK


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
