"""The linked-data server over HTTP (Starlette's TestClient): SPARQL protocol, entities, pages, limits.

The store holds the corpus under ``tests/releases`` plus a copy of the seed
release with markup injected into its headline and first quote, to check
that no text from a release reaches a page unescaped.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

pytest.importorskip("starlette", reason="the serve extra (starlette, uvicorn, jinja2, httpx) is not installed")
pytest.importorskip("pyoxigraph", reason="the Oxigraph store needs pyoxigraph")

import pyoxigraph
from rdflib import Graph, URIRef
from starlette.applications import Starlette

with warnings.catch_warnings():
    # Starlette >= 1.0 prefers the httpx2 package for its TestClient; httpx still works.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from hmic_graph.ingest.releases import store_release
from hmic_graph.model.namespaces import DEFAULT_BASE
from hmic_graph.model.resources import example_releases
from hmic_graph.serve import create_app
from hmic_graph.serve.negotiation import negotiate
from hmic_graph.serve.pages import iri_for_path, local_path, sentence_context
from hmic_graph.serve.settings import Settings
from hmic_graph.sparql.guard import QueryRefused, check_query
from hmic_graph.store import ReleaseStore, open_store

XSS_QUOTE = "<script>alert(1)</script>"
XSS_HEADLINE = '<b onmouseover="alert(2)">'
FORCE = "force/west-mercia-police"
PERSON = "person/dru-sharpling"
JSON = "application/sparql-results+json"
SLOW_COUNT = "SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?x {{ {v} }} VALUES ?y {{ {v} }} VALUES ?z {{ {v} }} }}".format(
    v=" ".join(str(i) for i in range(200))
)  # 200^3 = 8 million rows to count: about 1-2 s in Oxigraph, never more than a few


def xss_release_text() -> str:
    _, text = example_releases()[0]
    text = XSS_HEADLINE + text.lstrip()
    at = text.index("Anti-social behaviour is a blight")
    return text[:at] + XSS_QUOTE + " " + text[at:]


@pytest.fixture(scope="module")
def store(
    tmp_path_factory: pytest.TempPathFactory, corpus_batch: list[tuple[str, bytes]]
) -> Iterator[ReleaseStore]:
    folder = tmp_path_factory.mktemp("releases")
    xss = folder / "999_xss-test.txt"
    xss.write_text(xss_release_text(), encoding="utf-8")
    with open_store(kind="oxigraph") as opened:
        opened.add_encoded(corpus_batch, atomic=False)
        store_release(opened, xss, validate=False)
        yield opened


@pytest.fixture(scope="module")
def app(store: ReleaseStore) -> Starlette:
    return create_app(store)


@pytest.fixture(scope="module")
def client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


def select(client: TestClient, query: str) -> list[dict[str, str]]:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in row.items()} for row in response.json()["results"]["bindings"]]


@pytest.fixture(scope="module")
def xss_quote(client: TestClient) -> str:
    rows = select(client, 'SELECT ?q WHERE { ?q a hmic:Quote ; schema:text ?t FILTER(CONTAINS(?t, "<script>")) }')
    assert len(rows) == 1
    return rows[0]["q"]


def path_of(iri: str) -> str:
    assert iri.startswith(DEFAULT_BASE)
    return "/id/" + iri[len(DEFAULT_BASE) :]


class _Html(HTMLParser):
    """Collects start tags, link targets, the title and the first h1, and fails on nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.title = ""
        self.h1 = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href" and v)
        if tag in ("title", "h1"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title += data
        elif self._in == "h1":
            self.h1 += data


def parse_html(text: str) -> _Html:
    parser = _Html()
    parser.feed(text)
    parser.close()
    return parser


# --- SPARQL: the protocol --------------------------------------------------------------


def test_get_query_gives_sparql_json_by_default(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?f ?n WHERE { ?f a hmic:PoliceForce ; schema:name ?n }"})
    assert response.status_code == 200
    assert response.headers["content-type"] == JSON
    assert "accept" in response.headers["vary"].lower()
    document = response.json()
    assert document["head"]["vars"] == ["f", "n"]
    names = {row["n"]["value"] for row in document["results"]["bindings"]}
    assert "West Mercia Police" in names
    assert all(row["f"]["type"] == "uri" for row in document["results"]["bindings"])


def test_post_form_and_sparql_query_body_give_the_same_rows(client: TestClient) -> None:
    query = "SELECT ?p WHERE { ?p a schema:Person } ORDER BY ?p"
    by_get = client.get("/sparql", params={"query": query}).json()
    by_form = client.post("/sparql", data={"query": query})
    by_body = client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert by_form.status_code == by_body.status_code == 200
    assert by_form.json() == by_body.json() == by_get
    assert len(by_get["results"]["bindings"]) > 5


def test_union_default_graph_counts_each_triple_once_and_graph_reaches_releases(client: TestClient, store: ReleaseStore) -> None:
    rows = select(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(rows[0]["n"]) == len(store)
    graphs = select(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a hmic:PressRelease } }")
    assert {row["g"] for row in graphs} == set(store.releases())


@pytest.mark.parametrize(
    "accept",
    [JSON, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"],
)
def test_each_results_format_matches_oxigraph_reading_of_the_same_query(
    client: TestClient, store: ReleaseStore, accept: str
) -> None:
    query = (
        "SELECT ?q ?text ?start WHERE { ?q a hmic:Quote ; schema:text ?text ; hmic:evidence ?e . "
        "?e oa:start ?start } ORDER BY ?q LIMIT 20"
    )
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    expected = [list(row) for row in store.query(query).rows]
    assert len(expected) == 20
    if accept == "text/csv":  # CSV keeps lexical forms only; pyoxigraph does not read it back
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == ["q", "text", "start"]
        assert rows[1:] == expected
        return
    fmt = {
        JSON: pyoxigraph.QueryResultsFormat.JSON,
        "application/sparql-results+xml": pyoxigraph.QueryResultsFormat.XML,
        "text/tab-separated-values": pyoxigraph.QueryResultsFormat.TSV,
    }[accept]
    parsed = pyoxigraph.parse_query_results(response.content, format=fmt)
    solutions = list(parsed)  # type: ignore[arg-type]
    assert [[solution[v].value for v in ("q", "text", "start")] for solution in solutions] == expected
    assert all(isinstance(solution["q"], pyoxigraph.NamedNode) for solution in solutions)
    # Offsets keep their integer datatype (not plain strings) through every format.
    assert all(
        solution["start"].datatype.value.lower().endswith("integer") for solution in solutions
    )


def test_xml_results_are_well_formed_and_namespaced(client: TestClient) -> None:
    response = client.get(
        "/sparql",
        params={"query": 'SELECT ?x ?l WHERE { BIND(<https://example.org/a&b> AS ?x) BIND("<&>"@en AS ?l) }'},
        headers={"Accept": "application/sparql-results+xml"},
    )
    root = ET.fromstring(response.content)
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert root.tag == f"{ns}sparql"
    literal = root.find(f".//{ns}literal")
    assert literal is not None and literal.text == "<&>"
    assert literal.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    uri = root.find(f".//{ns}uri")
    assert uri is not None and uri.text == "https://example.org/a&b"


def test_ask_in_json_and_xml(client: TestClient) -> None:
    query = "ASK { ?f a hmic:PoliceForce }"
    assert client.get("/sparql", params={"query": query}).json() == {"head": {}, "boolean": True}
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+xml"})
    assert bool(pyoxigraph.parse_query_results(response.content, format=pyoxigraph.QueryResultsFormat.XML)) is True
    # CSV defines no boolean: nothing acceptable
    assert client.get("/sparql", params={"query": query}, headers={"Accept": "text/csv"}).status_code == 406


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                         ("application/ld+json", "json-ld"), (None, "turtle")])
def test_construct_as_rdf(client: TestClient, accept: str | None, fmt: str) -> None:
    query = f"CONSTRUCT {{ ?f schema:name ?n }} WHERE {{ <{DEFAULT_BASE}{FORCE}> schema:name ?n BIND(<{DEFAULT_BASE}{FORCE}> AS ?f) }}"
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", params={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    graph = Graph().parse(data=response.text, format=fmt)
    assert (URIRef(DEFAULT_BASE + FORCE), None, None) in graph
    assert client.get("/sparql", params={"query": query}, headers={"Accept": JSON}).status_code == 406


def test_describe_query(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": f"DESCRIBE <{DEFAULT_BASE}{PERSON}>"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    assert len(Graph().parse(data=response.text, format="turtle")) > 0


def test_unacceptable_media_type_is_406(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.text


def test_the_word_service_in_a_literal_is_fine(client: TestClient) -> None:
    rows = select(client, 'SELECT ?n WHERE { ?o schema:name ?n FILTER(CONTAINS(LCASE(?n), "service")) } LIMIT 5')
    assert isinstance(rows, list)


# --- SPARQL: what is refused ---------------------------------------------------------------


UPDATES = [
    "INSERT DATA { <https://example.org/a> <https://example.org/b> <https://example.org/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX x: <https://example.org/>\nCLEAR ALL",
    "DROP DEFAULT",
    "LOAD <http://127.0.0.1:9/data.ttl>",
]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_every_way_they_can_be_sent(client: TestClient, store: ReleaseStore, update: str) -> None:
    size = len(store)
    attempts = [
        client.get("/sparql", params={"query": update}),
        client.post("/sparql", data={"query": update}),
        client.post("/sparql", data={"update": update}),
        client.post("/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update"}),
        client.post("/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-query"}),
    ]
    for response in attempts:
        assert response.status_code == 403, (response.status_code, response.text)
        assert "read-only" in response.text
    assert len(store) == size


SERVICES = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { ?s ?p ?o . optional { service silent <http://127.0.0.1:9/sparql> { ?s ?q ?r } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } } }",
    "ASK { ?s ?p ?o FILTER EXISTS { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE ?endpoint { ?s ?p ?o } } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
]


@pytest.mark.parametrize("query", SERVICES)
def test_service_is_refused_wherever_it_hides(client: TestClient, query: str) -> None:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 403, response.text
    assert "SERVICE" in response.text


def test_malformed_query_is_400_with_the_parsers_message(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?s WHERE {\n  ?s ?p \n"})
    assert response.status_code == 400
    assert "malformed query" in response.text and "line" in response.text
    assert client.get("/sparql", params={"query": "   "}).status_code == 400


def test_protocol_misuse(client: TestClient) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
    assert client.get("/sparql", params=[("query", query), ("query", query)]).status_code == 400
    assert client.get("/sparql", params={"query": query, "default-graph-uri": "https://x/"}).status_code == 400
    assert client.post("/sparql", content=b"query=x", headers={"Content-Type": "text/plain"}).status_code == 415
    assert client.post("/sparql", data={"other": "x"}).status_code == 400
    assert client.put("/sparql", content=query.encode()).status_code == 405


def test_get_without_query_shows_the_form_to_browsers(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = parse_html(response.text)
    assert "textarea" in page.tags
    assert any(href.startswith("/sparql?query=") for href in page.hrefs)
    assert client.get("/sparql", headers={"Accept": JSON}).status_code == 400


def test_named_competency_queries_run_through_the_endpoint(client: TestClient) -> None:
    from hmic_graph.sparql.query import list_queries

    for named in list_queries():
        response = client.get("/sparql", params={"query": named.text})
        assert response.status_code == 200, (named.name, response.text)


# --- SPARQL: limits ---------------------------------------------------------------------


def test_oversized_request_body_is_413(store: ReleaseStore) -> None:
    with TestClient(create_app(store, settings=Settings(max_request_bytes=1_000))) as small:
        padding = "#" + "x" * 1_200 + "\n"
        query = padding + "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
        response = small.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
        assert response.status_code == 413
        assert "1000 bytes" in response.text
        assert small.post("/sparql", data={"query": query}).status_code == 413
        assert small.get("/sparql", params={"query": query}).status_code == 414
        fits = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
        assert small.post("/sparql", content=fits.encode(), headers={"Content-Type": "application/sparql-query"}).status_code == 200


def test_oversized_streamed_body_without_content_length_is_413(store: ReleaseStore) -> None:
    with TestClient(create_app(store, settings=Settings(max_request_bytes=1_000))) as small:
        def chunks() -> Iterator[bytes]:
            yield b"SELECT * WHERE { ?s ?p ?o } "
            for _ in range(20):
                yield b"#" + b"x" * 100 + b"\n"

        response = small.post("/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
        assert response.status_code == 413


def test_result_limit_is_an_error_not_a_silent_truncation(store: ReleaseStore) -> None:
    with TestClient(create_app(store, settings=Settings(max_results=5))) as small:
        response = small.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert response.status_code == 422
        assert response.headers["x-result-limit"] == "5"
        assert "LIMIT" in response.text
        exactly = small.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
        assert exactly.status_code == 200 and len(exactly.json()["results"]["bindings"]) == 5
        graph = small.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
        assert graph.status_code == 422


@pytest.mark.parametrize(
    "query",
    [SLOW_COUNT, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"],
    ids=["aggregate", "streaming"],
)
def test_timeout_is_503_and_the_worker_is_replaced(store: ReleaseStore, query: str) -> None:
    # No cache, so no force pages are built in the background at start: on a
    # 2-core machine that work could make the first ASK miss a 0.3 s limit.
    settings = Settings(query_timeout=0.3, query_workers=1, max_results=10**9, cache_bytes=0)
    app = create_app(store, settings=settings)
    pool = app.state.hmic.runner.pool
    with TestClient(app) as slow:
        assert slow.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True
        before = pool.pids
        response = slow.get("/sparql", params={"query": query})
        assert response.status_code == 503, response.text
        assert "time limit of 0.3 s" in response.text and "stopped" in response.text
        assert "retry-after" in response.headers
        # The runaway was killed, not left running: a new worker answers the next query.
        assert pool.pids != before
        assert slow.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).json()["boolean"] is True


# --- entities -----------------------------------------------------------------------------


@pytest.mark.parametrize("accept, fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                         ("application/n-triples", "nt")])
@pytest.mark.parametrize("kind", ["force", "person", "quote"])
def test_entities_dereference_as_rdf(client: TestClient, xss_quote: str, kind: str, accept: str, fmt: str) -> None:
    iri = {"force": DEFAULT_BASE + FORCE, "person": DEFAULT_BASE + PERSON, "quote": xss_quote}[kind]
    response = client.get(path_of(iri), headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == accept
    assert "accept" in response.headers["vary"].lower()
    graph = Graph().parse(data=response.text, format=fmt)
    assert (URIRef(iri), None, None) in graph
    if kind == "quote":  # the evidence selector comes with it
        assert any("/evidence/" in str(s) for s in graph.subjects())


def test_entity_is_html_for_browsers_and_by_default(client: TestClient) -> None:
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
    for accept in (browser, "*/*", None):
        headers = {"Accept": accept} if accept else {}
        response = client.get("/id/" + FORCE, headers=headers)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        page = parse_html(response.text)
        assert page.h1.strip() == "West Mercia Police"
        assert "West Mercia Police" in page.title


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    response = client.get(f"/id/{FORCE}?format=ttl", headers={"Accept": "text/html"})
    assert response.headers["content-type"].startswith("text/turtle")
    assert client.get(f"/id/{FORCE}?format=pdf").status_code == 400


def test_entity_page_links_stay_on_the_server(client: TestClient) -> None:
    page = parse_html(client.get("/id/" + PERSON).text)
    local = [h for h in page.hrefs if h.startswith("/id/")]
    assert local, "a person page links to the releases and posts that mention the person"
    for href in local[:10]:
        assert client.get(href).status_code == 200, href
    assert not any(h.startswith(DEFAULT_BASE) for h in page.hrefs), "entity links must be local paths"
    assert all(h.startswith(("/", "#", "http://", "https://", "?")) for h in page.hrefs)


def test_incoming_links_mentioned_in_and_member_of(client: TestClient) -> None:
    # A force page lists the releases naming it and its alliances in sections of its own.
    force = client.get("/id/" + FORCE).text
    assert "Releases that name it" in force
    alliances = select(client, "SELECT ?a ?m WHERE { ?a a hmic:StrategicAlliance ; org:hasMember ?m }")
    assert alliances
    member = client.get(path_of(alliances[0]["m"])).text
    assert f'href="{path_of(alliances[0]["a"])}"' in member[member.index('id="alliances"') :]
    # Other pages list what links to them, by how.
    inspectorate = select(client, "SELECT ?i WHERE { ?x schema:mentions ?i . ?i a hmic:Inspectorate } LIMIT 1")
    assert "mentioned in" in client.get(path_of(inspectorate[0]["i"])).text


def test_unknown_entity_is_404_in_every_media_type(client: TestClient) -> None:
    for accept in ("text/html", "text/turtle", "application/ld+json"):
        response = client.get("/id/force/no-such-force", headers={"Accept": accept})
        assert response.status_code == 404
        assert "accept" in response.headers["vary"].lower()


def test_concept_scheme_from_the_ontology_has_a_page(client: TestClient) -> None:
    response = client.get("/id/partner-kind")
    assert response.status_code == 200
    assert parse_html(response.text).h1.strip() == "partner kinds"


def raw_get(app: Starlette, raw_path: bytes) -> tuple[int, bytes]:
    """Send ``raw_path`` to the app exactly as a server would, with no client-side normalisation."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": unquote(raw_path.decode("ascii")),
        "raw_path": raw_path,
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"accept", b"text/turtle")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    messages: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        messages.append(message)

    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")  # type: ignore[misc]
    return int(start["status"]), body  # type: ignore[call-overload]


TRAVERSALS = [
    b"/id/../../etc/passwd",
    b"/id/force/../../../etc/passwd",
    b"/id/%2e%2e/%2e%2e/etc/passwd",
    b"/id/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    b"/id/..%2f..%2fetc%2fpasswd",
    b"/id/force%2fwest-mercia-police",
    b"/id/force/west-mercia-police%00",
    b"/id/force\\..\\..\\etc\\passwd",
    b"/id/./force/west-mercia-police",
    b"/id//etc/passwd",
    b"/id/force/west-mercia-police/..",
    b"/id/...",
    b"/id/%252e%252e/etc/passwd",
]


@pytest.mark.parametrize("raw_path", TRAVERSALS, ids=[p.decode() for p in TRAVERSALS])
def test_path_traversal_attempts_are_404(app: Starlette, raw_path: bytes) -> None:
    status, body = raw_get(app, raw_path)
    assert status == 404, (raw_path, status, body[:200])
    assert b"root:" not in body


def test_the_plain_path_works_through_the_same_helper(app: Starlette) -> None:
    status, body = raw_get(app, b"/id/" + FORCE.encode())
    assert status == 200 and b"West Mercia Police" in body


# --- HTML safety and evidence ---------------------------------------------------------------


def test_quote_with_script_is_escaped_everywhere(client: TestClient, xss_quote: str) -> None:
    release = xss_quote.rsplit("/quote/", 1)[0]
    for path in (path_of(xss_quote), path_of(release), "/id/" + PERSON, "/"):
        text = client.get(path).text
        assert XSS_QUOTE not in text and XSS_HEADLINE not in text, path
        tags = parse_html(text).tags
        assert "script" not in tags and "b" not in tags, path
    quote_page = client.get(path_of(xss_quote)).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in quote_page
    assert "&lt;b onmouseover=&#34;alert(2)&#34;&gt;" in client.get("/").text


def test_evidence_is_marked_in_its_sentence(client: TestClient, xss_quote: str) -> None:
    quote_page = client.get(path_of(xss_quote)).text
    marked = re.search(r"<mark>(.*?)</mark>", quote_page, re.S)
    assert marked is not None
    assert marked.group(1).startswith("&lt;script&gt;alert(1)&lt;/script&gt; Anti-social behaviour")
    # A report named inside a sentence: the rest of the sentence is shown around the mark.
    rows = select(client, "SELECT ?r ?exact WHERE { ?r a hmic:Report ; hmic:evidence ?e . ?e oa:exact ?exact } LIMIT 20")
    shown = 0
    for row in rows:
        page = client.get(path_of(row["r"])).text
        quote = re.search(r"<blockquote>(.*?)</blockquote>", page, re.S)
        assert quote is not None, row
        inner = quote.group(1)
        assert "<mark>" in inner
        if inner.index("<mark>") > 0 or not inner.endswith("</mark>"):
            shown += 1
    assert shown > 0, "no report showed any context around its evidence"


def test_pages_forbid_scripts_with_csp(client: TestClient) -> None:
    response = client.get("/")
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"


# --- index and ontology ------------------------------------------------------------------------


def test_index_lists_forces_inspectorates_reports_people_and_releases(client: TestClient, store: ReleaseStore) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = parse_html(response.text)
    assert page.title
    for prefix in ("/id/force/", "/id/inspectorate/", "/id/person/", "/id/release/"):
        assert any(h.startswith(prefix) for h in page.hrefs), prefix
    assert any("/report/" in h for h in page.hrefs)
    releases = [h for h in page.hrefs if re.fullmatch(r"/id/release/[^/]+", h)]
    assert len(set(releases)) == len(store.releases())
    for section in ("Police forces", "Inspectorates", "Reports", "People", "Releases"):
        assert section in response.text


def test_ontology_page(client: TestClient) -> None:
    response = client.get("/ontology")
    assert response.status_code == 200
    assert "press release" in response.text
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    assert len(Graph().parse(data=turtle.text, format="turtle")) > 100


def test_id_root_redirects_to_index(client: TestClient) -> None:
    response = client.get("/id/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"


# --- units -----------------------------------------------------------------------------------


def test_negotiation() -> None:
    offered = ("text/html", "text/turtle", "application/ld+json")
    assert negotiate("text/turtle", offered) == "text/turtle"
    assert negotiate("text/*;q=0.5, application/ld+json", offered) == "application/ld+json"
    assert negotiate("text/*", offered) == "text/html"
    assert negotiate("text/html;q=0, */*", offered) == "text/turtle"
    assert negotiate("", offered) == "text/html"
    assert negotiate("application/pdf", offered) is None


def test_paths_and_iris() -> None:
    base = DEFAULT_BASE
    assert iri_for_path(base, "release/015-2012/quote/10-20") == URIRef(base + "release/015-2012/quote/10-20")
    for bad in ("..", "a/../b", "a//b", "/a", "a/", "a b", "a%2fb", "ä", "a\x00", "a\\b", "x" * 600):
        assert iri_for_path(base, bad) is None, bad
    assert local_path(base, base + "force/x") == "/id/force/x"
    assert local_path(base, base + "force/x y") is None
    assert local_path(base, "https://example.org/force/x") is None


def test_sentence_context() -> None:
    text = 'First one. "Second has the span in it," he said. Third.\nNext line.'
    start = text.index("span")
    before, exact, after, clipped_before, clipped_after = sentence_context(text, start, start + 4)
    assert (before, exact, after) == ('"Second has the ', "span", ' in it," he said.')
    assert not clipped_before and not clipped_after
    long_text = "word " * 500 + "target " + "word " * 500
    at = long_text.index("target")
    before, exact, after, clipped_before, clipped_after = sentence_context(long_text, at, at + 6, window=50)
    assert exact == "target" and clipped_before and clipped_after and len(before) <= 50


def test_the_guard_refuses_before_running() -> None:
    with pytest.raises(QueryRefused) as refused:
        check_query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert refused.value.status == 403
    with pytest.raises(QueryRefused) as update:
        check_query("DELETE WHERE { ?s ?p ?o }")
    assert update.value.status == 403
    assert check_query("DESCRIBE <https://example.org/x>").form == "DESCRIBE"


def test_create_app_checks_its_arguments(store: ReleaseStore) -> None:
    from hmic_graph.model.errors import HmicGraphError

    with pytest.raises(HmicGraphError):
        create_app(store, base="not an iri/")
    with pytest.raises(HmicGraphError):
        create_app(store, settings=Settings(query_timeout=0))
    with pytest.raises(TypeError):
        create_app(object())  # type: ignore[arg-type]


def test_memory_store_is_served_through_a_copy() -> None:
    with open_store() as memory:
        _, text = example_releases()[0]
        store_release(memory, text, validate=False)
        with TestClient(create_app(memory)) as client:
            rows = select(client, "SELECT ?n WHERE { ?f a hmic:PoliceForce ; schema:name ?n }")
            assert {"n": "West Mercia Police"} in rows
            assert client.get("/id/" + FORCE).status_code == 200
            service = client.get("/sparql", params={"query": SERVICES[0]})
            assert service.status_code == 403
            from_clause = client.get("/sparql", params={"query": "SELECT * FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }"})
            assert from_clause.status_code == 403


# --- laziness and the CLI ------------------------------------------------------------------------


def test_importing_the_serve_package_and_clis_does_not_import_the_web_stack() -> None:
    code = (
        "import sys, hmic_graph.serve, hmic_graph.cli.serve, hmic_graph.cli.docs, hmic_graph.cli.main as cli\n"
        "cli.COMMAND_MODULES = tuple(dict.fromkeys((*cli.COMMAND_MODULES, 'hmic_graph.cli.serve', 'hmic_graph.cli.docs')))\n"
        "cli._parser()\n"
        "print(sorted(m for m in ('starlette', 'uvicorn', 'jinja2', 'httpx') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def run_cli(args: list[str]) -> tuple[int, str]:
    code = (
        "import sys, hmic_graph.cli.main as cli\n"
        "extra = tuple(m for m in ('hmic_graph.cli.serve', 'hmic_graph.cli.docs') if m not in cli.COMMAND_MODULES)\n"
        "cli.COMMAND_MODULES = (*cli.COMMAND_MODULES, *extra)\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60)
    return out.returncode, out.stdout + out.stderr


def test_serve_without_a_store_is_a_clear_error(tmp_path: Path) -> None:
    code, output = run_cli(["serve", "--store", str(tmp_path / "missing")])
    assert code == 2
    assert "no store here" in output and "Traceback" not in output


def test_serve_on_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    folder = tmp_path / "store"
    with open_store(folder) as made:
        store_release(made, example_releases()[0][1], validate=False)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, output = run_cli(["serve", "--store", str(folder), "--port", str(port), "--log-level", "critical"])
    assert code == 2, output
    assert "could not start" in output and "Traceback" not in output


def test_json_results_are_utf8_and_parse(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": 'SELECT ?x WHERE { BIND("Zoë – “quoted”" AS ?x) }'})
    assert json.loads(response.content.decode("utf-8"))["results"]["bindings"][0]["x"]["value"] == "Zoë – “quoted”"


