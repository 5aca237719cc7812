"""The Starlette application: entity pages, the SPARQL endpoint, the index and the ontology.

:func:`create_app` builds it over a release store; ``hmic-graph serve`` runs
it with uvicorn. Everything is read-only.

Entities
    ``GET /id/{path}`` answers for the IRI ``base + path`` (with the default
    base, ``https://w3id.org/hmic-graph/id/force/kent-police`` is
    ``/id/force/kent-police``). The representation is chosen from ``Accept``
    (``Vary: Accept``): ``text/html`` (the default, also for ``*/*``),
    ``text/turtle``, ``application/ld+json`` or ``application/n-triples``;
    ``?format=ttl|jsonld|nt|html`` overrides it, for links. The RDF is the
    store's ``describe(iri)`` (the entity's triples and its evidence
    selectors). An IRI with no triples about it and none pointing at it is a
    404. Paths are checked before any IRI is built: only ``/``-separated
    segments of ``[A-Za-z0-9._~-]``, none made of dots only, nothing
    percent-encoded (``/id/../..``, ``%2e%2e``, ``%2f`` are all 404).

SPARQL
    ``/sparql`` speaks the SPARQL 1.1 Protocol for queries: ``GET ?query=``,
    ``POST`` of a form (``query=``) or of an ``application/sparql-query``
    body. Results by ``Accept``: SPARQL JSON (default), XML, CSV or TSV;
    CONSTRUCT/DESCRIBE as Turtle (default), N-Triples or JSON-LD; 406 when
    none is acceptable. The model's prefixes may be used without declaring
    them. Refused: SPARQL Update (403), ``SERVICE`` anywhere in the query
    (403; the engine would fetch another endpoint from this server),
    ``default-graph-uri``/``named-graph-uri`` (400), a malformed query (400,
    with the parser's message). Limits:

    * request size: a body over ``max_request_bytes`` is 413 (checked on
      ``Content-Length`` and while reading), a query string over it 414;
    * time: each query runs in a worker thread (at most ``query_workers`` at
      once; more is 503 with ``Retry-After``) and the response is 503 when it
      takes longer than ``query_timeout`` seconds. Reading rows stops at the
      deadline, but what Oxigraph computes before the first row (aggregates,
      ``ORDER BY``) cannot be interrupted: that thread finishes in the
      background and keeps its worker slot until it does;
    * result size: more than ``max_results`` rows (or triples) is an error,
      422 with ``X-Result-Limit``, never a silently truncated result; page
      with ``LIMIT``/``OFFSET``.

Pages
    ``/`` lists forces, inspectorates, other bodies, alliances, partners,
    reports, people and releases; ``/ontology`` is the ontology reference
    (``text/turtle`` gives the ontology itself). HTML is rendered by Jinja2
    with autoescaping, the CSS is inline (no external requests), and every
    response carries a Content-Security-Policy that allows no script at all.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
import time
from collections.abc import AsyncIterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import HmicGraphError
from ..namespaces import DEFAULT_BASE, PREFIXES
from .backend import Backend, DescribableStore, backend_for, timed_out
from .negotiation import negotiate
from .pages import EntityPages, iri_for_path
from .protocol import (
    InspectedQuery,
    Outcome,
    ProtocolError,
    inspect_query,
    media_types_for,
    write_outcome,
)
from .templating import render, stylesheet_csp_hash

if TYPE_CHECKING:
    from rdflib import URIRef

__all__ = ["ENTITY_MEDIA_TYPES", "create_app"]

HTML = "text/html"
#: What an entity can be served as, preferred first (HTML for browsers and ``*/*``).
ENTITY_MEDIA_TYPES: tuple[str, ...] = (
    HTML,
    "text/turtle",
    "application/ld+json",
    "application/n-triples",
)
_EXPORT_FORMATS = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
}
_FORMAT_PARAMETER = {
    "html": HTML,
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
}
_ALTERNATES = (
    ("Turtle", "text/turtle", "ttl"),
    ("JSON-LD", "application/ld+json", "jsonld"),
    ("N-Triples", "application/n-triples", "nt"),
)
_TEXT_TYPES = ("text/", "application/n-triples", "application/ld+json")


def create_app(
    store: DescribableStore,
    *,
    base: str = DEFAULT_BASE,
    query_timeout: float = 10.0,
    max_results: int = 10_000,
    max_request_bytes: int = 100_000,
    query_workers: int = 4,
) -> Starlette:
    """The linked-data server for ``store`` (see the module docstring for routes and limits).

    :param store: an open :class:`hmic_graph.store.ReleaseStore`; an Oxigraph
        store is queried directly, a memory store through a copy made now.
        The caller keeps ownership: close it after the server stops.
    :param base: the namespace whose IRIs are served under ``/id/``; an
        absolute ``http(s)`` IRI ending in ``/``.
    :param query_timeout: seconds a SPARQL query may run before the answer is 503.
    :param max_results: the most rows (or triples) a SPARQL result may have.
    :param max_request_bytes: the largest request body (or query string) accepted.
    :param query_workers: how many SPARQL queries may run at once.
    :raises HmicGraphError: a limit is not positive or ``base`` is not such an IRI.
    :raises TypeError: ``store`` is not a release store.
    """
    if not (base.startswith(("http://", "https://")) and base.endswith("/")) or any(
        c in base for c in ' <>"{}|\\^`'
    ):
        raise HmicGraphError(
            f"the base must be an absolute http(s) IRI ending in '/', not {base!r}"
        )
    for name, value in (
        ("query_timeout", query_timeout),
        ("max_results", max_results),
        ("max_request_bytes", max_request_bytes),
        ("query_workers", query_workers),
    ):
        if value <= 0:
            raise HmicGraphError(f"{name} must be positive, not {value!r}")
    from ..resources import ontology_graph

    backend = backend_for(store)
    server = _Server(
        backend,
        EntityPages(backend, base=base, vocabulary=ontology_graph()),
        base=base,
        runner=_QueryRunner(
            backend,
            base=base,
            timeout=query_timeout,
            max_results=max_results,
            workers=query_workers,
        ),
        max_request_bytes=max_request_bytes,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            server.runner.close()

    app = Starlette(
        routes=[
            Route("/", server.index, methods=["GET"]),
            Route("/id", server.to_index, methods=["GET"]),
            Route("/id/", server.to_index, methods=["GET"]),
            Route("/id/{path:path}", server.entity, methods=["GET"]),
            Route("/sparql", server.sparql, methods=["GET", "POST"]),
            Route("/ontology", server.ontology, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.add_middleware(_SecurityHeaders)
    app.state.hmic = server
    return app


# --- SPARQL execution ----------------------------------------------------------------


class _QueryRunner:
    """Runs checked queries on a small thread pool, with a time limit and a row limit.

    Queries wait for a free worker (the wait counts against their time
    limit). A query whose answer was abandoned at the time limit keeps its
    worker until Oxigraph is done; when every worker is held like that, or
    too many queries are waiting, new queries are turned away at once (503).
    """

    def __init__(self, backend: Backend, *, base: str, timeout: float, max_results: int, workers: int) -> None:
        self.backend = backend
        self.timeout = timeout
        self.max_results = max_results
        self.workers = workers
        self.max_pending = workers * 16
        self.prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
        self.prefixes["hmicid"] = base
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hmic-sparql")
        self._lock = threading.Lock()
        self._pending = 0
        self._abandoned: set[Future[Any]] = set()

    @property
    def busy(self) -> int:
        """Queries submitted and not finished, abandoned ones included."""
        with self._lock:
            return self._pending

    def _job(self, text: str, deadline: float) -> tuple[InspectedQuery, Outcome]:
        if time.monotonic() > deadline:  # waited for a worker past the time limit
            raise timed_out(self.timeout)
        inspected = inspect_query(text, deadline=deadline)
        if inspected.has_dataset_clause and not self.backend.allows_dataset_clause:
            raise ProtocolError("FROM and FROM NAMED are not supported by this endpoint", status=403)
        if time.monotonic() > deadline:
            raise timed_out(self.timeout)
        outcome = self.backend.execute(
            inspected, prefixes=self.prefixes, deadline=deadline, max_rows=self.max_results
        )
        return inspected, outcome

    def _finished(self, future: Future[Any]) -> None:
        with self._lock:
            self._pending -= 1
            self._abandoned.discard(future)

    async def run(self, text: str) -> tuple[InspectedQuery, Outcome]:
        """Check and run ``text``; see :func:`create_app` for the limits.

        :raises ProtocolError: the query is refused, malformed, too slow or too
            big, or the server is busy.
        """
        with self._lock:
            if len(self._abandoned) >= self.workers or self._pending >= self.max_pending:
                raise ProtocolError(
                    "the server is busy (queries that ran past the time limit are still finishing, "
                    "or too many are waiting); try again shortly",
                    status=503,
                    headers={"Retry-After": "2"},
                )
            self._pending += 1
        deadline = time.monotonic() + self.timeout
        try:
            future = self._pool.submit(self._job, text, deadline)
        except RuntimeError:  # the pool is shut down: the server is stopping
            with self._lock:
                self._pending -= 1
            raise ProtocolError("the server is shutting down", status=503) from None
        future.add_done_callback(self._finished)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), self.timeout)
        except TimeoutError:
            with self._lock:
                if not future.done():
                    self._abandoned.add(future)
            raise ProtocolError(
                f"the query ran longer than the time limit of {self.timeout:g} s; the answer "
                "was abandoned (the query may still finish in the background); narrow it or add LIMIT",
                status=503,
                headers={"Retry-After": "2"},
            ) from None

    def close(self) -> None:
        """Stop taking queries; running ones finish in the background."""
        self._pool.shutdown(wait=False, cancel_futures=True)


# --- the routes --------------------------------------------------------------------


class _Server:
    def __init__(
        self,
        backend: Backend,
        pages: EntityPages,
        *,
        base: str,
        runner: _QueryRunner,
        max_request_bytes: int,
    ) -> None:
        self.backend = backend
        self.pages = pages
        self.base = base
        self.runner = runner
        self.max_request_bytes = max_request_bytes

    # -- pages

    async def index(self, request: Request) -> Response:
        return _html(await run_in_threadpool(self._index_page))

    def _index_page(self) -> str:
        return render("index.html", view=self.pages.index())

    async def to_index(self, request: Request) -> Response:
        return RedirectResponse("/", status_code=303)

    async def ontology(self, request: Request) -> Response:
        chosen = negotiate(request.headers.get("accept"), (HTML, "text/turtle"))
        if chosen == "text/turtle":
            return Response(
                _ontology_turtle(),
                media_type="text/turtle; charset=utf-8",
                headers={"Vary": "Accept"},
            )
        if chosen is None:
            return _not_acceptable((HTML, "text/turtle"))
        return _html(await run_in_threadpool(_ontology_page), headers={"Vary": "Accept"})

    async def entity(self, request: Request) -> Response:
        override = request.query_params.get("format")
        if override is not None:
            chosen: str | None = _FORMAT_PARAMETER.get(override.strip().lower())
            if chosen is None:
                return _plain(
                    f"unknown format {override!r}; use one of: {', '.join(_FORMAT_PARAMETER)}", 400
                )
        else:
            chosen = negotiate(request.headers.get("accept"), ENTITY_MEDIA_TYPES)
            if chosen is None:
                return _not_acceptable(ENTITY_MEDIA_TYPES)
        iri = self._iri(request)
        if iri is None:
            return self._not_found(chosen, request.url.path)
        status, body, media_type = await run_in_threadpool(self._entity, iri, chosen)
        if status == 404:
            return self._not_found(chosen, request.url.path)
        headers = {"Vary": "Accept"}
        if media_type == HTML:
            return _html(body, headers=headers)
        return Response(body, media_type=_with_charset(media_type), headers=headers)

    def _iri(self, request: Request) -> URIRef | None:
        raw = request.scope.get("raw_path")
        if isinstance(raw, bytes) and (b"%" in raw or b"\\" in raw):
            return None
        path = request.path_params.get("path", "")
        return iri_for_path(self.base, path) if isinstance(path, str) else None

    def _entity(self, iri: URIRef, media_type: str) -> tuple[int, str, str]:
        description = self.pages.description(iri)
        if not self.pages.exists(iri, description):
            return 404, "", media_type
        if media_type == HTML:
            view = self.pages.entity(iri, description)
            formats = [
                (name, media, f"{view.path}?format={key}") for name, media, key in _ALTERNATES
            ]
            return 200, render("entity.html", view=view, formats=formats), HTML
        from ..export import serialize

        return 200, serialize(description, format=_EXPORT_FORMATS[media_type]), media_type

    def _not_found(self, media_type: str, path: str) -> Response:
        message = f"nothing is known about {path}"
        if media_type == HTML:
            page = render("message.html", heading="Not found", message=message)
            return _html(page, status=404, headers={"Vary": "Accept"})
        return _plain(message, 404, headers={"Vary": "Accept"})

    # -- SPARQL

    async def sparql(self, request: Request) -> Response:
        try:
            text = await self._query_text(request)
            if text is None:
                return await self._form(request)
            inspected, outcome = await self.runner.run(text)
            offered = media_types_for(inspected.form)
            chosen = negotiate(request.headers.get("accept"), offered)
            if chosen is None:
                return _not_acceptable(offered)
            body = await run_in_threadpool(write_outcome, outcome, chosen)
        except ProtocolError as exc:
            return _plain(exc.message, exc.status, headers={"Vary": "Accept", **exc.headers})
        return Response(body, media_type=_with_charset(chosen), headers={"Vary": "Accept"})

    async def _query_text(self, request: Request) -> str | None:
        """The query of a protocol request, or ``None`` for a plain GET of the form page."""
        limit = self.max_request_bytes
        if len(request.scope.get("query_string", b"")) > limit:
            raise ProtocolError(f"the query string is longer than {limit} bytes", status=414)
        url_params = parse_qs(request.url.query, keep_blank_values=True)
        for name in (
            "default-graph-uri",
            "named-graph-uri",
            "using-graph-uri",
            "using-named-graph-uri",
        ):
            if name in url_params:
                raise ProtocolError(
                    f"{name} is not supported; name graphs in the query (FROM, GRAPH) instead",
                    status=400,
                )
        if request.method == "GET":
            params = url_params
        else:
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type == "application/sparql-update":
                raise ProtocolError(
                    "SPARQL Update is not allowed: this endpoint is read-only", status=403
                )
            body = await _read_body(request, limit)
            if content_type == "application/sparql-query":
                return _decode(body)
            if content_type != "application/x-www-form-urlencoded":
                raise ProtocolError(
                    "send the query as application/x-www-form-urlencoded (query=...) "
                    "or as an application/sparql-query body",
                    status=415,
                )
            params = parse_qs(_decode(body), keep_blank_values=True, max_num_fields=100)
        if "update" in params:
            raise ProtocolError(
                "SPARQL Update is not allowed: this endpoint is read-only", status=403
            )
        queries = params.get("query", [])
        if len(queries) > 1:
            raise ProtocolError("give exactly one query parameter", status=400)
        if not queries:
            if request.method == "GET":
                return None
            raise ProtocolError("the request has no query parameter", status=400)
        return queries[0]

    async def _form(self, request: Request) -> Response:
        if negotiate(request.headers.get("accept"), (HTML,)) is None:
            return _plain("the request has no query parameter", 400)
        from ..sparql import list_queries

        queries = [
            {
                "name": named.name,
                "description": named.description,
                "href": "/sparql?query=" + quote(named.text),
            }
            for named in list_queries()
        ]
        page = render(
            "sparql.html",
            timeout=self.runner.timeout,
            max_results=self.runner.max_results,
            max_request_bytes=self.max_request_bytes,
            prefixes=sorted(self.runner.prefixes),
            queries=queries,
            example="SELECT ?force ?name WHERE {\n  ?force a hmic:PoliceForce ; schema:name ?name .\n}\nORDER BY ?name",
        )
        return _html(page)


# --- helpers -----------------------------------------------------------------------


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise ProtocolError("the Content-Length header is not a number", status=400) from None
        if size > limit:
            raise ProtocolError(f"the request body is larger than {limit} bytes", status=413)
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise ProtocolError(f"the request body is larger than {limit} bytes", status=413)
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("the request body is not UTF-8", status=400) from None


def _with_charset(media_type: str) -> str:
    return f"{media_type}; charset=utf-8" if media_type.startswith(_TEXT_TYPES) else media_type


def _html(body: str, *, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        body, status_code=status, media_type="text/html; charset=utf-8", headers=dict(headers or {})
    )


def _plain(message: str, status: int, *, headers: Mapping[str, str] | None = None) -> Response:
    return PlainTextResponse(message + "\n", status_code=status, headers=dict(headers or {}))


def _not_acceptable(offered: tuple[str, ...]) -> Response:
    return _plain(
        f"none of the requested media types is available; this gives: {', '.join(offered)}",
        406,
        headers={"Vary": "Accept"},
    )


@functools.cache
def _ontology_page() -> str:
    from ..ontology_docs import ontology_html

    return ontology_html(standalone=False)


@functools.cache
def _ontology_turtle() -> str:
    from ..resources import read_text

    return read_text("ontology", "hmic.ttl")


class _SecurityHeaders:
    """Adds headers to every response: no scripts, no framing, no MIME sniffing, no referrer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = [
            (
                b"content-security-policy",
                (
                    f"default-src 'none'; style-src {stylesheet_csp_hash()}; img-src 'self' data:; "
                    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
                ).encode("ascii"),
            ),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)
