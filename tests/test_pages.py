"""The readable pages and the publishing routes, in process (Starlette's TestClient).

Release, force and person pages, search, SPARQL results as an HTML table,
the dataset description at ``/id/dataset`` and ``/.well-known/void``, and
that no text from a release reaches a page unescaped. The browser tests
(``tests/test_pages_browser.py``) check the same pages in Chromium.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the serve extra (starlette, uvicorn, jinja2, httpx) is not installed")

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD
from starlette.applications import Starlette

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from hmic_graph.ingest.releases import store_release
from hmic_graph.model.namespaces import DEFAULT_BASE, SCHEMA
from hmic_graph.rdf.describe import DEFAULT_TITLE
from hmic_graph.serve import create_app
from hmic_graph.serve.pages import Link
from hmic_graph.serve.profiles import KINDS, Highlight, segments
from hmic_graph.store import ReleaseStore, open_store

DEV = Path(__file__).parent / "releases" / "dev"
KENT = DEV / "005_kent-crime-data.txt"
WARWICKSHIRE = DEV / "006_warwickshire-austerity.txt"
XSS = "<script>alert(1)</script>"
PUBLISHED = "2017-06-21"  # the releases do not say; the description's date comes from this
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ReleaseStore, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("pages")
    hostile = folder / "xss.txt"
    text = KENT.read_text(encoding="utf-8")
    hostile.write_text(
        text.replace("Every unrecorded crime", XSS + " Every unrecorded crime").replace(
            "Kent Police must record", "Kent Police <b>must</b> record", 1
        ),
        encoding="utf-8",
    )
    with open_store(kind="oxigraph") as store:
        names = {
            path.name: store_release(store, path, validate=False, published=PUBLISHED)
            for path in (KENT, WARWICKSHIRE, hostile)
        }
        yield store, names


@pytest.fixture(scope="module")
def client(releases: tuple[ReleaseStore, dict[str, str]]) -> Iterator[TestClient]:
    app: Starlette = create_app(releases[0])
    with TestClient(app) as test_client:
        yield test_client


def path_of(iri: str) -> str:
    return "/id/" + iri[len(DEFAULT_BASE) :]


def page(client: TestClient, path: str) -> str:
    response = client.get(path, headers={"Accept": BROWSER})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_segments_nest_and_split_overlaps() -> None:
    def link(name: str) -> Link:
        return Link(name, "https://x/" + name, "/id/" + name)

    text = "Kent Police said so. Fine."
    quote = Highlight(0, 20, "quote", link("q"), "quote: q")
    force = Highlight(0, 11, "force", link("kent"), "force: Kent")
    crossing = Highlight(15, 24, "finding", link("f"), "finding: f")
    pieces = segments(text, [crossing, quote, force, Highlight(30, 40, "report", link("r"), "outside")])
    assert "".join(p.text for p in pieces) == text
    assert [(p.text, p.kinds, p.link.text if p.link else None) for p in pieces] == [
        ("Kent Police", ("quote", "force"), "kent"),
        (" sai", ("quote",), "q"),
        ("d so.", ("quote", "finding"), "f"),
        (" Fin", ("finding",), "f"),
        ("e.", (), None),
    ]
    assert pieces[0].css == "hl k-quote in-force"


def test_release_page_shows_the_whole_text_with_every_kind_highlighted(
    client: TestClient, releases: tuple[ReleaseStore, dict[str, str]]
) -> None:
    store, names = releases
    iri = names[KENT.name]
    html = page(client, path_of(iri))
    text = re.search(r'<div class="text" id="text">(.*?)</div>', html, re.S)
    assert text is not None
    plain = unescape(re.sub(r"<[^>]+>", "", text.group(1)))
    assert plain == str(store.graph(iri).value(URIRef(iri), SCHEMA.articleBody))  # all of it
    assert "Notes to editors" in plain and "07700 900 622" in plain
    found = {kind.key for kind in KINDS if re.search(rf'class="hl k-{kind.key}|in-{kind.key}"', text.group(1))}
    assert {"quote", "finding", "force", "person", "report", "partner", "contact"} <= found
    # Each highlight links to a node of this server, and the legend names every kind.
    for href in re.findall(r'<a class="hl[^"]*" href="([^"]+)"', text.group(1)):
        assert href.startswith("/id/")
    legend = re.findall(r'<li><span class="hl k-(\w+)">', html)
    assert legend == [kind.key for kind in KINDS]
    assert "Strengths (2)" in html and "Areas for improvement (3)" in html
    assert "requires improvement" in html


def test_release_page_with_an_alliance(client: TestClient, releases: tuple[ReleaseStore, dict[str, str]]) -> None:
    html = page(client, path_of(releases[1][WARWICKSHIRE.name]))
    assert re.search(r'class="hl k-alliance', html)


def test_release_text_is_escaped(client: TestClient, releases: tuple[ReleaseStore, dict[str, str]]) -> None:
    html = page(client, path_of(releases[1]["xss.txt"]))
    assert XSS not in html and "<b>must</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_release_page_is_still_rdf_when_asked(client: TestClient, releases: tuple[ReleaseStore, dict[str, str]]) -> None:
    iri = releases[1][KENT.name]
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt")):
        response = client.get(path_of(iri), headers={"Accept": accept})
        assert response.headers["content-type"].startswith(accept)
        assert (URIRef(iri), None, None) in Graph().parse(data=response.text, format=fmt)


def test_force_page_groups_findings_and_links_out(client: TestClient) -> None:
    html = page(client, "/id/force/kent-police")
    strengths = html.index('<h3 id="strengths">Strengths (')
    improvements = html.index('<h3 id="improvements">Areas for improvement (')
    assert strengths < improvements
    assert "Senior leaders have made accurate crime recording a priority" in html[strengths:improvements]
    assert "modern slavery offences" in html[improvements:]
    for outside in (
        "https://statistics.data.gov.uk/id/statistical-geography/E23000032",
        "https://data.police.uk/api/forces/kent",
        "https://www.wikidata.org/wiki/Q3195294",
    ):
        assert f'href="{outside}"' in html
    assert "crime data integrity" in html and "requires improvement" in html
    assert "Kent County Council" in html[html.index('id="partners"') :]
    assert "Every unrecorded crime is a victim" in html[html.index('id="quotes"') :]


def test_person_page_lists_posts_and_quotes(client: TestClient) -> None:
    html = page(client, "/id/person/patricia-holroyd")
    posts = html[html.index('id="posts"') : html.index('id="quotes"')]
    assert "HM Inspector of Constabulary" in posts
    quotes = html[html.index('id="quotes"') :]
    assert "Every unrecorded crime is a victim" in quotes
    assert 'href="/id/release/' in quotes


def test_linked_from_lists_each_subject_once(client: TestClient) -> None:
    html = page(client, "/id/inspectorate/hmicfrs")
    incoming = html[html.index('<section id="incoming">') :]
    hrefs = re.findall(r'<li><a href="([^"]+)"', incoming)
    assert hrefs and len(hrefs) == len(set(hrefs))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("kent", "Kent Police"), ("KENT POLICE", "Kent Police"), ("holroyd", "Patricia Holroyd"), ("crime data integrity", "Crime Data Integrity")],
)
def test_search_finds_by_name(client: TestClient, text: str, expected: str) -> None:
    html = page(client, "/search?q=" + text)
    assert expected in html
    assert f'value="{text}"' in html  # the box keeps what was searched for


@pytest.mark.parametrize("text", ['"} } ; DROP ALL ; #', "\\u0022)) }", "", " " * 5, "x" * 5000])
def test_search_text_is_a_value_not_sparql(client: TestClient, text: str) -> None:
    response = client.get("/search", params={"q": text}, headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert "None." in response.text or not text.strip()


def test_sparql_html_table_for_browsers(client: TestClient) -> None:
    query = "SELECT ?force ?name WHERE { ?force a hmic:PoliceForce ; schema:name ?name } ORDER BY ?name"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "<th scope=\"col\">force</th>" in html and "Kent Police" in html
    assert 'href="/id/force/kent-police"' in html
    textarea = re.search(r'<textarea id="query" name="query">(.*?)</textarea>', html, re.S)
    assert textarea is not None and unescape(textarea.group(1)) == query
    # A program still gets SPARQL JSON, and text/* still means CSV.
    assert client.get("/sparql", params={"query": query}, headers={"Accept": "*/*"}).json()["head"]["vars"]
    assert client.get("/sparql", params={"query": query}, headers={"Accept": "text/*"}).headers[
        "content-type"
    ].startswith("text/csv")
    only_html = client.get("/sparql", params={"query": query}, headers={"Accept": "text/html"})
    assert only_html.status_code == 200  # was 406


def test_sparql_html_for_ask_construct_and_errors(client: TestClient) -> None:
    ask = client.get("/sparql", params={"query": "ASK { ?s a hmic:PoliceForce }"}, headers={"Accept": BROWSER})
    assert ask.status_code == 200 and "yes" in ask.text
    construct = client.get(
        "/sparql",
        params={"query": "CONSTRUCT { ?s a hmic:PoliceForce } WHERE { ?s a hmic:PoliceForce }"},
        headers={"Accept": BROWSER},
    )
    assert construct.status_code == 200 and "kent-police" in construct.text
    broken = "SELECT ?x WHERE { ?x"
    bad = client.get("/sparql", params={"query": broken}, headers={"Accept": BROWSER})
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("text/html")
    assert "The query was not run" in bad.text and "SELECT ?x WHERE { ?x" in unescape(bad.text)
    injected = client.get("/sparql", params={"query": "SELECT ?x WHERE { BIND('" + XSS + "' AS ?x) }"},
                          headers={"Accept": BROWSER})
    assert XSS not in injected.text


@pytest.mark.parametrize("path", ["/id/dataset", "/.well-known/void"])
@pytest.mark.parametrize(
    ("accept", "fmt"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt")]
)
def test_dataset_description_in_every_format(
    client: TestClient, releases: tuple[ReleaseStore, dict[str, str]], path: str, accept: str, fmt: str
) -> None:
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.text, format=fmt)
    dataset = URIRef(DEFAULT_BASE + "dataset")
    assert (dataset, RDF.type, VOID.Dataset) in graph and (dataset, RDF.type, DCAT.Dataset) in graph
    assert int(graph.value(dataset, VOID.triples)) == len(releases[0].merged())
    modified = graph.value(dataset, DCTERMS.modified)
    assert modified == Literal(PUBLISHED, datatype=XSD.date)
    # The same answer twice: nothing in it comes from the clock.
    assert client.get(path, headers={"Accept": accept}).text == response.text


def test_dataset_parts_and_html(client: TestClient) -> None:
    html = page(client, "/id/dataset")
    assert f"<h1>{DEFAULT_TITLE}</h1>" in html and "void:triples" in html
    distribution = client.get("/id/dataset/distribution/trig", headers={"Accept": "text/turtle"})
    assert distribution.status_code == 200
    assert "TriG" in distribution.text
    assert client.get("/id/dataset/no-such-part", headers={"Accept": "text/turtle"}).status_code == 404
