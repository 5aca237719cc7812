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
    selectors). Turtle is written by pyoxigraph (a tenth of rdflib's
    writer's CPU): the entity's triples first, only the prefixes used;
    JSON-LD and N-Triples as ``hmic-graph export`` writes them. An IRI with
    no triples about it and none pointing at it is a 404. Paths are checked before any IRI is built: only ``/``-separated
    segments of ``[A-Za-z0-9._~-]``, none made of dots only, nothing
    percent-encoded (``/id/../..``, ``%2e%2e``, ``%2f`` are all 404).

SPARQL
    ``/sparql`` speaks the SPARQL 1.1 Protocol for queries: ``GET ?query=``,
    ``POST`` of a form (``query=``) or of an ``application/sparql-query``
    body. Results by ``Accept``: SPARQL JSON (default), XML, CSV or TSV;
    CONSTRUCT/DESCRIBE as Turtle (default), N-Triples or JSON-LD; an HTML
    page (the query in the form, the rows as a table) when ``text/html`` is
    preferred to all of those, as a browser's ``Accept`` does; 406 when
    none is acceptable. The model's prefixes may be used without declaring
    them. A bare word (``query=quotes``, ``query=cq02``) is a competency
    question's name and runs exactly as ``hmic-graph query`` runs it
    (:func:`hmic_graph.sparql.evaluation.solve`). Every query passes :func:`hmic_graph.sparql.guard.check_query`
    first: ``SERVICE`` and ``LOAD`` anywhere in the text, SPARQL Update, and
    ``FROM``/``FROM NAMED`` naming a graph outside the base are 403;
    ``default-graph-uri``/``named-graph-uri`` are 400; a malformed query is
    400 with the engine's message. Queries run in worker processes with no
    network (:mod:`hmic_graph.serve.workers`). The limits, all in
    :class:`~hmic_graph.serve.settings.Settings`:

    * request size: a body over ``max_request_bytes`` is 413 (checked on
      ``Content-Length`` and while reading), a query string over it 414;
    * time: past ``query_timeout`` the query's worker is killed and replaced
      and the answer is 503 with ``Retry-After``; a query waits for a free
      worker within the same limit, and beyond ``max_waiting`` waiting
      queries the answer is 503 at once;
    * memory: a query that needs more than ``worker_memory_mib`` ends its
      worker and is answered 503;
    * result size: more than ``max_results`` rows (or triples) is an error,
      422 with ``X-Result-Limit``, never a silently truncated result; page
      with ``LIMIT``/``OFFSET`` in the query, or with the ``limit`` and
      ``offset`` parameters, which page a SELECT answer after its ``ORDER
      BY`` (``/sparql?query=evidence&limit=100&offset=200``): a bundled
      question's pages are read from its kept answer when the store has one
      (:mod:`hmic_graph.sparql.answers`), so they cost their rows, not the
      whole answer. Workers stop reading rows at the limit.

Caching
    Everything above is read-only, so an answer can be reused for as long
    as the store does not change: entity representations, SPARQL results
    (by query text and media type), the index and the labels of linked
    entities are kept in memory (``cache_bytes``, LRU), tied to the store's
    generation (see :mod:`hmic_graph.serve.cache`): when a ``load`` commits,
    the next request sees the new data. The pages of the police forces, the
    dearest to build, are built into the cache in the background at start
    and after every load; entity pages are built one at a time (a build
    holds the interpreter, so builds in parallel threads only delay each other). A cached answer is sent straight
    from the event loop. Identical SPARQL queries that arrive while one is
    running share that run.

Pages
    ``/`` lists forces, inspectorates, other bodies, alliances, partners,
    reports, people and releases, with a search box (``/search?q=``: forces,
    people, reports and releases by name); a release, a force and a person
    get readable pages (:mod:`hmic_graph.serve.profiles`);
    ``/id/dataset`` and ``/.well-known/void`` are the VoID/DCAT description
    of what is served (:func:`hmic_graph.rdf.describe.describe_dataset`),
    negotiated like any entity; ``/ontology`` is the ontology reference
    (``text/turtle`` gives the ontology itself). HTML is rendered by Jinja2
    with autoescaping, the CSS is inline (no external requests), and every
    response carries a Content-Security-Policy that allows no script at all.

This module is longer than most (about 600 lines) on purpose: the text above
is the reference of every route, and the routes are methods of one
``_Server`` that shares the response cache, the pages and the query runner
between them. Checking and running queries is in :mod:`hmic_graph.serve.runner`,
the workers in :mod:`hmic_graph.serve.workers`, the result formats in
:mod:`hmic_graph.serve.protocol`.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import AsyncIterator, Hashable, Mapping
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qs, quote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hmic_graph.model.errors import HmicGraphError
from hmic_graph.model.namespaces import DEFAULT_BASE
from hmic_graph.serve.backend import Backend, ServedStore
from hmic_graph.serve.cache import NOT_CACHED, VersionedCache
from hmic_graph.serve.negotiation import negotiate
from hmic_graph.serve.pages import EntityPages, iri_for_path
from hmic_graph.serve.protocol import (
    AskOutcome,
    Outcome,
    ProtocolError,
    SelectOutcome,
    media_types_for,
    write_outcome,
)
from hmic_graph.serve.runner import Page, QueryRunner
from hmic_graph.serve.settings import Settings
from hmic_graph.serve.templating import render, stylesheet_csp_hash
from hmic_graph.serve.workers import QueryPool

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

    from hmic_graph.store import ReleaseStore

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

#: A cached answer: (status, body, media type) of an entity, or (200, body,
#: media type) of a SPARQL result.
_Answer = tuple[int, bytes, str]
_MAX_CACHED_RESPONSES = 20_000
_MAX_CACHED_LABELS = 50_000
_ENTRY_OVERHEAD = 200  # bytes counted for a cache entry besides its body
#: How often the page preparer looks whether the store's version moved (seconds).
_PREPARE_POLL_SECONDS = 1.0


def create_app(
    store: ReleaseStore,
    *,
    base: str = DEFAULT_BASE,
    settings: Settings | None = None,
) -> Starlette:
    """The linked-data server for ``store`` (see the module docstring for routes and limits).

    :param store: an open :class:`hmic_graph.store.ReleaseStore`. A store in
        a folder is served from the folder (open it read-only to leave the
        write lock to ``load``); a store in memory through a copy, made again
        when it changes (see :class:`hmic_graph.serve.backend.ServedStore`).
        The caller keeps ownership: close it after the server stops.
    :param base: the namespace whose IRIs are served under ``/id/``; an
        absolute ``http(s)`` IRI ending in ``/``.
    :param settings: the limits (default: :class:`Settings` ``()``).
    :raises HmicGraphError: ``base`` is not such an IRI.
    :raises TypeError: ``store`` is not a release store.
    """
    if not (base.startswith(("http://", "https://")) and base.endswith("/")) or any(
        c in base for c in ' <>"{}|\\^`'
    ):
        raise HmicGraphError(
            f"the base must be an absolute http(s) IRI ending in '/', not {base!r}"
        )
    settings = settings if settings is not None else Settings()
    from hmic_graph.rdf.ontology import ontology_graph

    served = ServedStore(store)
    backend = Backend(served.handle)

    def version() -> Hashable:
        return ("generation", served.version())

    responses: VersionedCache[_Answer] = VersionedCache(
        version, max_bytes=settings.cache_bytes, max_entries=_MAX_CACHED_RESPONSES
    )
    labels: VersionedCache[str] = VersionedCache(
        version, max_bytes=settings.cache_bytes // 8, max_entries=_MAX_CACHED_LABELS
    )
    server = _Server(
        backend,
        EntityPages(backend, base=base, vocabulary=ontology_graph(), labels=labels),
        base=base,
        runner=QueryRunner(
            QueryPool(served.folder_and_version, settings=settings),
            base=base,
            settings=settings,
            version=version,
        ),
        max_request_bytes=settings.max_request_bytes,
        responses=responses,
    )

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        server.runner.pool.start()
        stop = threading.Event()
        preparer = threading.Thread(
            target=server.prepare_pages, args=(stop,), name="hmic-prepare", daemon=True
        )
        preparer.start()
        try:
            yield
        finally:
            stop.set()
            server.runner.close()
            preparer.join(timeout=5)
            served.close()

    app = Starlette(
        routes=[
            Route("/", server.index, methods=["GET"]),
            Route("/id", server.to_index, methods=["GET"]),
            Route("/id/", server.to_index, methods=["GET"]),
            Route("/id/{path:path}", server.entity, methods=["GET"]),
            Route("/sparql", server.sparql, methods=["GET", "POST"]),
            Route("/ontology", server.ontology, methods=["GET"]),
            Route("/search", server.search, methods=["GET"]),
            Route("/.well-known/void", server.void, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
    app.add_middleware(_SecurityHeaders)
    app.state.hmic = server
    return app


# --- the routes --------------------------------------------------------------------


class _Server:
    def __init__(
        self,
        backend: Backend,
        pages: EntityPages,
        *,
        base: str,
        runner: QueryRunner,
        max_request_bytes: int,
        responses: VersionedCache[_Answer] | None = None,
    ) -> None:
        self.backend = backend
        self.pages = pages
        self.base = base
        self.runner = runner
        self.max_request_bytes = max_request_bytes
        # Entity representations and SPARQL results by request, tied to the
        # store's version (see hmic_graph.serve.cache): a hit is answered on
        # the event loop, with no thread and no store access.
        self.responses: VersionedCache[_Answer] = (
            responses
            if responses is not None
            else VersionedCache(lambda: NOT_CACHED, max_bytes=0, max_entries=0)
        )
        # One entity page is built at a time: a build is pure Python (rdflib,
        # Jinja) holding the interpreter, so builds in several threads only
        # slow each other down and every request behind them; one at a time,
        # each finishes sooner and cached answers and queries pass meanwhile.
        self._building = threading.Lock()

    # -- pages

    def prepare_pages(self, stop: threading.Event) -> None:
        """Until ``stop`` is set, build every police force's HTML page into the cache
        whenever the store's version moves (at start, and after each load).

        A force page gathers every inspection, finding, alliance, partner and
        quote of its force: the dearest page by far (about 30 ms of CPU, four
        times a release's) and a much visited one. Forces are few, so their
        pages are built once per version, one at a time between requests'
        builds, instead of making their first visitors wait. With no cache
        (``cache_bytes=0``) nothing is prepared.
        """
        prepared: Hashable = NOT_CACHED
        while not stop.is_set() and self.responses.enabled:
            version = self.responses.version()
            if version is not NOT_CACHED and version != prepared:
                for iri in self.pages.police_forces():
                    if stop.is_set() or self.responses.version() != version:
                        break
                    key = ("entity", str(iri), HTML)
                    if self.responses.get(key) is None:
                        answer = self._entity_bytes(iri, HTML)
                        size = len(answer[1]) + _ENTRY_OVERHEAD
                        self.responses.put(key, answer, size=size, version=version)
                else:
                    prepared = version
            stop.wait(_PREPARE_POLL_SECONDS)

    async def index(self, request: Request) -> Response:
        key = ("index",)
        answer = self.responses.get(key)
        if answer is None:
            version = self.responses.version()
            body = (await run_in_threadpool(self._index_page)).encode("utf-8")
            answer = (200, body, HTML)
            self.responses.put(key, answer, size=len(body) + _ENTRY_OVERHEAD, version=version)
        return _html(answer[1])

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

    async def search(self, request: Request) -> Response:
        from hmic_graph.serve.profiles import search_view

        text = request.query_params.get("q", "")
        page = await run_in_threadpool(
            lambda: render("search.html", view=search_view(self.pages, text))
        )
        return _html(page)

    async def void(self, request: Request) -> Response:
        # /.well-known/void (VoID, section 7.2) is the dataset description, as /id/dataset.
        return await self._represent(request, self.pages.dataset_iri)

    async def entity(self, request: Request) -> Response:
        return await self._represent(request, self._iri(request))

    async def _represent(self, request: Request, iri: URIRef | None) -> Response:
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
        if iri is None:
            return self._not_found(chosen, request.url.path)
        key = ("entity", str(iri), chosen)
        answer = self.responses.get(key)
        if answer is None:
            version = self.responses.version()
            answer = await run_in_threadpool(self._entity_bytes, iri, chosen)
            size = len(answer[1]) + _ENTRY_OVERHEAD
            self.responses.put(key, answer, size=size, version=version)
        status, body, media_type = answer
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

    def _entity_bytes(self, iri: URIRef, media_type: str) -> _Answer:
        dataset = str(self.pages.dataset_iri)
        if str(iri) == dataset or str(iri).startswith(dataset + "/"):
            # Described from every graph at its first view (seconds on a large
            # store): not worth holding every other page's build behind.
            status, body, chosen = self._entity(iri, media_type)
        else:
            with self._building:
                status, body, chosen = self._entity(iri, media_type)
        return status, body.encode("utf-8"), chosen

    def _entity(self, iri: URIRef, media_type: str) -> tuple[int, str, str]:
        description = self.pages.description(iri)
        if not self.pages.exists(iri, description):
            return 404, "", media_type
        if media_type == HTML:
            template, context = self.pages.page(iri, description)
            path = context["view"].path
            formats = [(name, media, f"{path}?format={key}") for name, media, key in _ALTERNATES]
            return 200, render(template, formats=formats, **context), HTML
        if media_type == "text/turtle":
            return 200, _turtle(iri, description), media_type
        from hmic_graph.rdf.export import serialize

        return 200, serialize(description, format=_EXPORT_FORMATS[media_type]), media_type

    def _not_found(self, media_type: str, path: str) -> Response:
        message = f"nothing is known about {path}"
        if media_type == HTML:
            page = render("message.html", heading="Not found", message=message)
            return _html(page, status=404, headers={"Vary": "Accept"})
        return _plain(message, 404, headers={"Vary": "Accept"})

    # -- SPARQL

    async def sparql(self, request: Request) -> Response:
        text: str | None = None
        try:
            asked = await self._query_text(request)
            if asked is None:
                return await self._form(request)
            text, page = asked
            answer = self._cached_result(text, page, request.headers.get("accept"))
            if answer is None:
                version = self.responses.version()
                form, outcome = await self.runner.run(text, page)
                offered = (*media_types_for(form), HTML)
                chosen = negotiate(request.headers.get("accept"), offered)
                if chosen is None:
                    return _not_acceptable(offered)
                key = ("sparql", text, page, chosen)
                # Another request that shared the run may have written it meanwhile.
                answer = self.responses.get(key)
                if answer is None:
                    body = await run_in_threadpool(self._result_body, text, page, outcome, chosen)
                    answer = (200, body, chosen)
                    size = len(body) + _ENTRY_OVERHEAD
                    self.responses.put(key, answer, size=size, version=version)
        except ProtocolError as exc:
            headers = {"Vary": "Accept", **exc.headers}
            if text is not None and _browser(request.headers.get("accept")):
                html = render("sparql.html", query=text, error=exc.message, **self._form_context())
                return _html(html, status=exc.status, headers=headers)
            return _plain(exc.message, exc.status, headers=headers)
        _, body, media_type = answer
        return Response(body, media_type=_with_charset(media_type), headers={"Vary": "Accept"})

    def _cached_result(self, text: str, page: Page, accept: str | None) -> _Answer | None:
        """The cached answer to ``text`` for ``accept``, if the query was checked and answered lately."""
        form = self.runner.form_of(text)
        if form is None:
            return None
        chosen = negotiate(accept, (*media_types_for(form), HTML))
        if chosen is None:
            return None
        return self.responses.get(("sparql", text, page, chosen))

    def _result_body(self, text: str, page: Page, outcome: Outcome, media_type: str) -> bytes:
        """A result in ``media_type``; as HTML, the SPARQL page with the query and a table."""
        if media_type != HTML:
            return write_outcome(outcome, media_type)
        from hmic_graph.serve.profiles import results_view

        context: dict[str, Any] = {"query": text, **self._form_context()}
        limit, offset = page
        if limit is not None and isinstance(outcome, SelectOutcome):
            context["pages"] = _page_links(text, limit, offset, full=len(outcome.rows) == limit)
        if isinstance(outcome, AskOutcome):
            context["boolean"] = outcome.value
        elif isinstance(outcome, SelectOutcome):
            context["results"] = results_view(self.pages, outcome.variables, outcome.rows)
        else:
            context["turtle"] = write_outcome(outcome, "text/turtle").decode("utf-8")
        return render("sparql.html", **context).encode("utf-8")

    async def _query_text(self, request: Request) -> tuple[str, Page] | None:
        """The query of a protocol request and the page of rows asked for (``limit``,
        ``offset``), or ``None`` for a plain GET of the form page."""
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
                return _decode(body), _page_of(url_params)
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
        return queries[0], _page_of(params)

    async def _form(self, request: Request) -> Response:
        if negotiate(request.headers.get("accept"), (HTML,)) is None:
            return _plain("the request has no query parameter", 400)
        return _html(render("sparql.html", **self._form_context()))

    def _form_context(self) -> dict[str, Any]:
        """What the SPARQL page shows besides a query and its answer."""
        from hmic_graph.sparql.query import list_queries

        queries = [
            {
                "name": named.name,
                "description": named.description,
                # By name, a page at a time: a bundled question's pages are
                # read from its kept answer (hmic_graph.sparql.answers).
                "href": f"/sparql?query={quote(named.name)}&limit={_BROWSER_PAGE}",
            }
            for named in list_queries()
        ]
        return {
            "timeout": self.runner.settings.query_timeout,
            "max_results": self.runner.settings.max_results,
            "max_request_bytes": self.max_request_bytes,
            "prefixes": sorted(self.runner.prefixes),
            "queries": queries,
            "example": "SELECT ?force ?name WHERE {\n  ?force a hmic:PoliceForce ; schema:name ?name .\n}\nORDER BY ?name",
        }


# --- helpers -----------------------------------------------------------------------

#: Rows per page when the SPARQL page links a competency question.
_BROWSER_PAGE = 100


def _page_of(params: Mapping[str, list[str]]) -> Page:
    """The ``limit`` and ``offset`` parameters: whole numbers of rows, 0 or more.

    :raises ProtocolError: 400 for a repeated or malformed value.
    """
    found: dict[str, int] = {}
    for name in ("limit", "offset"):
        values = params.get(name, [])
        if len(values) > 1:
            raise ProtocolError(f"give at most one {name} parameter", status=400)
        if values:
            value = values[0].strip()
            if not (value.isascii() and value.isdigit()) or len(value) > 9:
                raise ProtocolError(
                    f"the {name} must be a whole number of rows, 0 or more, not {values[0]!r}",
                    status=400,
                )
            found[name] = int(value)
    return found.get("limit"), found.get("offset", 0)


def _page_links(text: str, limit: int, offset: int, *, full: bool) -> dict[str, Any]:
    """The SPARQL page's links to the pages before and after this one."""

    def href(start: int) -> str:
        return f"/sparql?query={quote(text)}&limit={limit}&offset={start}"

    return {
        "first": offset + 1,
        "previous": href(max(offset - limit, 0)) if offset > 0 else None,
        "next": href(offset + limit) if full and limit > 0 else None,
    }


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


def _html(
    body: str | bytes, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    return Response(
        body, status_code=status, media_type="text/html; charset=utf-8", headers=dict(headers or {})
    )


def _plain(message: str, status: int, *, headers: Mapping[str, str] | None = None) -> Response:
    return PlainTextResponse(message + "\n", status_code=status, headers=dict(headers or {}))


def _browser(accept: str | None) -> bool:
    """Whether ``accept`` prefers an HTML page to SPARQL JSON (a browser's does)."""
    return negotiate(accept, ("application/sparql-results+json", HTML)) == HTML


def _turtle(iri: URIRef, description: Graph) -> str:
    """The Turtle of the page of ``iri``: its description, written by pyoxigraph.

    A tenth of the CPU of rdflib's writer (about 0.2 ms against 2-3 ms for a
    quote's page), which a page's first view pays. The entity's own triples
    come first, then the others by subject, each sorted; only the model's
    prefixes the triples use are declared. A description with blank nodes
    (none in the store's data) goes to the library's Turtle writer, as before.
    """
    import pyoxigraph
    from rdflib import BNode, Literal
    from rdflib import URIRef as IRI
    from rdflib.namespace import RDF

    from hmic_graph.model.namespaces import PREFIXES
    from hmic_graph.rdf.export import serialize
    from hmic_graph.rdf.terms import to_oxigraph

    triples = list(description)
    if any(isinstance(term, BNode) for triple in triples for term in triple):
        return serialize(description, format="turtle")
    entity = pyoxigraph.NamedNode(str(iri))
    converted = sorted(
        (pyoxigraph.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in triples),
        key=lambda t: (t.subject != entity, str(t)),
    )
    used: set[str] = set()
    for s, p, o in triples:
        used.add(str(s))
        if p != RDF.type:  # written "a"
            used.add(str(p))
        if isinstance(o, IRI):
            used.add(str(o))
        elif isinstance(o, Literal) and o.datatype is not None:
            used.add(str(o.datatype))
    prefixes = {
        name: str(namespace)
        for name, namespace in sorted(PREFIXES.items())
        if any(term.startswith(str(namespace)) for term in used)
    }
    # With no output given, serialize returns the bytes.
    text = cast(
        bytes,
        pyoxigraph.serialize(converted, format=pyoxigraph.RdfFormat.TURTLE, prefixes=prefixes),
    )
    return text.decode("utf-8")


def _not_acceptable(offered: tuple[str, ...]) -> Response:
    return _plain(
        f"none of the requested media types is available; this gives: {', '.join(offered)}",
        406,
        headers={"Vary": "Accept"},
    )


@functools.cache
def _ontology_page() -> str:
    from hmic_graph.serve.ontology_docs import ontology_html

    return ontology_html(standalone=False)


@functools.cache
def _ontology_turtle() -> str:
    from hmic_graph.model.resources import read_text

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
