"""``hmic-graph serve``: run the linked-data server over a store with uvicorn.

:func:`register_commands` adds the subcommand; its handler imports the web
stack (Starlette, uvicorn, Jinja2: the ``serve`` extra) only when it runs.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hmic_graph.cli.common import EXIT_OK
from hmic_graph.model.errors import HmicGraphError
from hmic_graph.serve.settings import MIB, Settings

if TYPE_CHECKING:
    from types import FrameType

__all__ = ["register_commands"]


_DEFAULTS = Settings()
#: (flag, Settings field, type, metavar, scale from the flag's unit to the field's, help)
_LIMIT_FLAGS: tuple[tuple[str, str, type, str, int, str], ...] = (
    ("--query-timeout", "query_timeout", float, "SECONDS", 1, "time limit of a SPARQL query"),
    ("--max-results", "max_results", int, "ROWS", 1, "most rows a SPARQL result may have"),
    ("--max-request-bytes", "max_request_bytes", int, "BYTES", 1, "largest request accepted"),
    ("--query-workers", "query_workers", int, "N", 1, "worker processes running SPARQL queries"),
    ("--worker-memory", "worker_memory_mib", int, "MIB", 1, "memory cap of each worker, in MiB"),
    ("--max-waiting", "max_waiting", int, "N", 1, "SPARQL requests that may wait for a worker"),
    ("--cache-mib", "cache_bytes", int, "MIB", MIB, "memory for cached answers, in MiB"),
)

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
    limits = serve.add_argument_group(
        "limits", "what one request, and all together, may take (see docs/security.md)"
    )
    for flag, field, kind, metavar, scale, help_text in _LIMIT_FLAGS:
        default = getattr(_DEFAULTS, field) // scale
        limits.add_argument(
            flag,
            dest=field,
            metavar=metavar,
            type=kind,
            default=default,
            help=f"{help_text} (default: {default:g})",
        )
    serve.add_argument(
        "--log-level",
        choices=["critical", "error", "warning", "info", "debug"],
        default="info",
        help="uvicorn's log level (default: info, one line per request)",
    )
    serve.set_defaults(handler=_cmd_serve)


def _settings(args: argparse.Namespace) -> Settings:
    values = {field: getattr(args, field) * scale for _, field, _, _, scale, _ in _LIMIT_FLAGS}
    return Settings(**values)


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
    from hmic_graph.store import open_store

    settings = _settings(args)

    if not _is_loopback(args.host):
        sys.stderr.write(
            f"hmic-graph: warning: listening on {args.host}, reachable from other machines; "
            "the server has no authentication (use --host 127.0.0.1 to keep it local)\n"
        )
    with open_store(path, read_only=True) as store:
        # A read-only handle: `load` and every read-only command work while
        # the server runs. The server follows the store's generation to new
        # data (see hmic_graph.serve.backend), and caches answers under it.
        app = create_app(store, base=args.base or DEFAULT_BASE, settings=settings)
        sys.stderr.write(
            f"hmic-graph: serving {path} at http://{_url_host(args.host)}:{args.port}/\n"
        )
        config = uvicorn.Config(
            app,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            proxy_headers=False,
            timeout_graceful_shutdown=1,
        )
        server = _stopping_server(uvicorn.Server, app)(config)
        try:
            server.run()
        except SystemExit as exc:  # uvicorn exits when it cannot bind the port
            if exc.code not in (0, None):
                raise HmicGraphError(
                    f"the server could not start on {args.host}:{args.port} (see the message above)"
                ) from None
    return EXIT_OK


def _stopping_server(base: type[Any], app: Any) -> type[Any]:
    """uvicorn's server, made to stop the SPARQL workers as soon as a signal asks it to stop.

    uvicorn waits for open requests before it shuts the app down; a query
    waiting on a worker would hold it up to the time limit. Killing the
    workers first answers those requests at once (503), so Ctrl-C and
    SIGTERM stop the server in about a second whatever runs.
    """

    class StoppingServer(base):  # type: ignore[misc]
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            app.state.hmic.runner.close()
            super().handle_exit(sig, frame)

    return StoppingServer


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
