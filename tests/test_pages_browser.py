"""The pages people read, in a real browser, checked for accessibility, and photographed.

``hmic-graph serve`` runs in a subprocess on 127.0.0.1 over the bundled
corpus (loaded with ``hmic-graph load``), and Debian's Chromium, headless,
is driven by chromedriver over the W3C WebDriver protocol (plain HTTP, no
selenium). The tests follow links and submit forms as a reader would:

* the index's search box finds a force by part of its name;
* a release page shows its text with highlights of every kind in the
  legend, each linking to its node;
* a force page keeps strengths and areas for improvement apart, inspections
  in date order; a person page lists posts and quotes;
* the SPARQL page's Run button and its named questions give an HTML table,
  with the query kept in the form.

Every page is checked with axe-core (from the npm registry, pinned in
``tests/browser/package.json``; ``.ci/run`` installs it), run inside the
page: no violation of impact *serious* or *critical* is allowed. The release,
force, person and SPARQL pages are saved as screenshots in
``docs/screenshots/`` (linked from the README).

Skipped, saying why, when ``/usr/bin/chromium`` or ``/usr/bin/chromedriver``
is missing (``apt-get install chromium chromium-driver``), or, for the axe
checks only, when ``tests/browser/node_modules/axe-core`` is
(``npm ci`` in ``tests/browser``). The paths can be changed with
``HMIC_GRAPH_CHROMIUM``, ``HMIC_GRAPH_CHROMEDRIVER`` and ``HMIC_GRAPH_AXE``.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from conftest import LiveServer, free_loopback_port, stop_process

from hmic_graph.model.namespaces import DEFAULT_BASE

httpx = pytest.importorskip("httpx", reason="the tests need httpx")
pytest.importorskip("uvicorn", reason="the serve extra (starlette, uvicorn, jinja2) is not installed")

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
SCREENSHOTS = HERE.parent / "docs" / "screenshots"
CHROMIUM = os.environ.get("HMIC_GRAPH_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("HMIC_GRAPH_CHROMEDRIVER", "/usr/bin/chromedriver")
AXE = Path(os.environ.get("HMIC_GRAPH_AXE", HERE / "browser" / "node_modules" / "axe-core" / "axe.min.js"))
ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C WebDriver element key
HOST = "127.0.0.1"

RELEASE_FILE = "005_kent-crime-data.txt"  # its IRI is minted from its content: looked up
FORCE = "/id/force/kent-police"
PERSON = "/id/person/zoe-billingham"
KINDS = ("quote", "finding", "force", "person", "report", "alliance", "partner", "contact")


@pytest.fixture(scope="module")
def site(corpus_server: LiveServer) -> str:
    """The base URL of ``hmic-graph serve`` over the corpus (the session's ``corpus_server``)."""
    return corpus_server.url


class Browser:
    """The few W3C WebDriver commands the tests need, over plain HTTP to chromedriver."""

    def __init__(self, url: str, session: str) -> None:
        self.url = f"{url}/session/{session}"

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = httpx.request(method, self.url + path, json=body, timeout=120)
        data = response.json()
        if response.status_code != 200:
            raise AssertionError(f"WebDriver {method} {path}: {data}")
        return data["value"]

    def open(self, url: str) -> None:
        self.call("POST", "/url", {"url": url})

    def find(self, css: str) -> str:
        element: str = self.call("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]
        return element

    def find_all(self, css: str) -> list[str]:
        return [e[ELEMENT] for e in self.call("POST", "/elements", {"using": "css selector", "value": css})]

    def text(self, element: str) -> str:
        value: str = self.call("GET", f"/element/{element}/text")
        return value

    def attribute(self, element: str, name: str) -> str | None:
        value: str | None = self.call("GET", f"/element/{element}/attribute/{name}")
        return value

    def click(self, element: str) -> None:
        self.call("POST", f"/element/{element}/click", {})

    def script(self, source: str, *args: Any) -> Any:
        return self.call("POST", "/execute/sync", {"script": source, "args": list(args)})

    def current(self) -> str:
        value: str = self.call("GET", "/url")
        return value

    def wait_for_url(self, predicate: Any) -> str:
        deadline = time.monotonic() + 30
        while not predicate(self.current()):
            if time.monotonic() > deadline:
                raise AssertionError(f"the browser stayed at {self.current()}")
            time.sleep(0.1)
        return self.current()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not (os.path.isfile(path) and os.access(path, os.X_OK))]
    if missing:
        pytest.skip(
            f"no headless browser: {', '.join(missing)} not found; "
            "install Debian's `chromium` and `chromium-driver` packages to run this test"
        )
    port = free_loopback_port()
    profile = tempfile.mkdtemp(prefix="hmic-chromium-")
    driver = subprocess.Popen(
        [CHROMEDRIVER, f"--port={port}", "--allowed-ips=127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://{HOST}:{port}"
    session = None
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(httpx.HTTPError, ValueError, KeyError):
                if httpx.get(url + "/status", timeout=2).json()["value"]["ready"]:
                    break
            if time.monotonic() > deadline or driver.poll() is not None:
                pytest.fail("chromedriver did not start within 30 s")
            time.sleep(0.1)
        capabilities = {
            "capabilities": {
                "alwaysMatch": {
                    "browserName": "chrome",
                    "pageLoadStrategy": "normal",
                    "goog:chromeOptions": {
                        "binary": CHROMIUM,
                        "args": [
                            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                            "--disable-background-networking", "--disable-component-update",
                            "--disable-sync", "--no-first-run", "--disable-extensions",
                            "--hide-scrollbars", "--force-device-scale-factor=1",
                            f"--user-data-dir={profile}",
                        ],
                    },
                }
            }
        }
        created = httpx.post(url + "/session", json=capabilities, timeout=120)
        assert created.status_code == 200, created.text
        session = created.json()["value"]["sessionId"]
        web = Browser(url, session)
        web.call("POST", "/timeouts", {"pageLoad": 60_000, "implicit": 5_000, "script": 60_000})
        web.call("POST", "/window/rect", {"width": 1280, "height": 900})
        yield web
    finally:
        if session is not None:
            with contextlib.suppress(httpx.HTTPError):
                httpx.delete(f"{url}/session/{session}", timeout=30)
        stop_process(driver)
        shutil.rmtree(profile, ignore_errors=True)


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    nodes: list[str]


def _axe(browser: Browser) -> list[Violation]:
    """axe-core's violations on the page open in ``browser`` (all WCAG 2.x A/AA rules and best practices)."""
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed ({AXE} missing); run `npm ci` in tests/browser")
    # Injected by WebDriver, which the page's Content-Security-Policy (no scripts) does not govern.
    browser.script(AXE.read_text(encoding="utf-8") + "\nreturn true;")
    found = browser.call(
        "POST",
        "/execute/async",
        {
            "script": (
                "const done = arguments[arguments.length - 1];"
                "axe.run(document, {resultTypes: ['violations']})"
                ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
                " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))))"
                ".catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));"
            ),
            "args": [],
        },
    )
    return [Violation(v["id"], v["impact"] or "", v["help"], v["nodes"]) for v in found]


def _assert_accessible(browser: Browser) -> None:
    severe = [v for v in _axe(browser) if v.impact in ("serious", "critical")]
    assert not severe, f"{browser.current()}: " + "; ".join(
        f"{v.rule} ({v.impact}): {v.help} at {v.nodes}" for v in severe
    )


def _screenshot(browser: Browser, name: str) -> None:
    """The whole page (up to 3,000 pixels tall) as ``docs/screenshots/{name}.png``."""
    height = int(browser.script("return document.documentElement.scrollHeight;"))
    browser.call("POST", "/window/rect", {"width": 1280, "height": min(max(height, 600), 3000)})
    try:
        png = base64.b64decode(browser.call("GET", "/screenshot"))
    finally:
        browser.call("POST", "/window/rect", {"width": 1280, "height": 900})
    assert png.startswith(b"\x89PNG")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"{name}.png").write_bytes(png)


def test_index_search_box_finds_a_force(site: str, browser: Browser) -> None:
    browser.open(site + "/")
    assert "HMIC press releases" in browser.call("GET", "/title")
    _assert_accessible(browser)
    box = browser.find("form.search input[name='q']")
    browser.call("POST", f"/element/{box}/value", {"text": "kent"})
    browser.click(browser.find("form.search button[type='submit']"))
    browser.wait_for_url(lambda u: "/search?q=kent" in u)
    forces = [browser.text(e) for e in browser.find_all("main section:first-of-type li a")]
    assert "Kent Police" in forces
    _assert_accessible(browser)


def test_index_links_to_a_force(site: str, browser: Browser) -> None:
    browser.open(site + "/")
    link = browser.find("#forces a[href^='/id/force/']")
    name, href = browser.text(link), browser.attribute(link, "href")
    assert name and href
    browser.click(link)
    assert browser.wait_for_url(lambda u: u.endswith(href)) == site + href
    assert browser.text(browser.find("h1")) == name
    # The inline stylesheet was applied, so the CSP hash that allows it is right.
    header = browser.find("header.site")
    assert browser.call("GET", f"/element/{header}/css/background-color") == "rgba(244, 246, 248, 1)"


def _release_path(site: str, file_name: str) -> str:
    """The page of the release read from ``file_name`` (its ``dcterms:source``), found with SPARQL."""
    answer = httpx.get(
        site + "/sparql",
        params={"query": "SELECT ?release ?file WHERE { ?release a hmic:PressRelease ; dcterms:source ?file }"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    ).json()
    found = [
        row["release"]["value"]
        for row in answer["results"]["bindings"]
        if row["file"]["value"] == file_name
    ]
    assert len(found) == 1, f"{file_name} is not loaded once: {found}"
    return "/id/" + found[0][len(DEFAULT_BASE) :]


def test_release_page_highlights_every_kind_of_span(site: str, browser: Browser) -> None:
    release = _release_path(site, RELEASE_FILE)
    browser.open(site + release)
    legend = [browser.text(e) for e in browser.find_all("ul.legend li .hl")]
    assert legend == list(KINDS)
    marked = {kind: browser.find_all(f"#text a.hl.k-{kind}, #text a.hl.in-{kind}") for kind in KINDS}
    for kind in ("quote", "finding", "force", "person", "report", "partner", "contact"):
        assert marked[kind], f"no {kind} highlighted in {release}"
    # The whole article is there, not folded away.
    text = browser.text(browser.find("#text"))
    assert "Notes to editors" in text and "Out-of-hours press office" in text
    assert browser.find_all("aside.graph-says h3")  # what the graph says, beside the text
    _assert_accessible(browser)
    _screenshot(browser, "release")
    quote = marked["quote"][0]
    href = browser.attribute(quote, "href")
    assert href and href.startswith(release + "/quote/")
    browser.click(quote)
    browser.wait_for_url(lambda u: u.endswith(href))
    assert browser.find_all("#evidence mark")


def test_force_page(site: str, browser: Browser) -> None:
    browser.open(site + FORCE)
    headings = [browser.text(e) for e in browser.find_all("#findings h3")]
    assert headings[0].startswith("Strengths (") and headings[1].startswith("Areas for improvement (")
    identifiers = browser.text(browser.find("#identifiers"))
    for expected in ("ONS code", "data.police.uk", "Wikidata"):
        assert expected in identifiers
    dates = [browser.text(e) for e in browser.find_all("#inspections td.date")]
    dated = [d for d in dates if d != "undated"]
    assert dated == sorted(dated) and dates[: len(dated)] == dated
    assert browser.find_all("#partners dt") and browser.find_all("#quotes figure.quote")
    _assert_accessible(browser)
    _screenshot(browser, "force")


def test_person_page(site: str, browser: Browser) -> None:
    browser.open(site + PERSON)
    assert browser.find_all("#posts tbody tr")
    quotes = browser.find_all("#quotes figure.quote")
    assert len(quotes) >= 2
    assert all(browser.find_all("#quotes figcaption a"))
    _assert_accessible(browser)
    _screenshot(browser, "person")


def test_sparql_run_button_and_named_questions_give_a_table(site: str, browser: Browser) -> None:
    browser.open(site + "/sparql")
    _assert_accessible(browser)
    query = "SELECT ?force ?name WHERE { ?force a hmic:PoliceForce ; schema:name ?name } ORDER BY ?name LIMIT 5"
    area = browser.find("textarea#query")
    browser.call("POST", f"/element/{area}/clear", {})
    browser.call("POST", f"/element/{area}/value", {"text": query})
    browser.click(browser.find("form button[type='submit']"))
    browser.wait_for_url(lambda u: "query=" in u)
    headers = [browser.text(e) for e in browser.find_all("table.results thead th")]
    assert headers == ["force", "name"]
    assert len(browser.find_all("table.results tbody tr")) == 5
    assert browser.script("return document.querySelector('textarea#query').value;") == query
    _assert_accessible(browser)
    _screenshot(browser, "sparql")
    # A named question from the list: a table too, not raw JSON.
    browser.open(site + "/sparql")
    link = browser.find("main ul li a[href^='/sparql?query=']")
    browser.click(link)
    browser.wait_for_url(lambda u: "query=" in u)
    assert browser.find_all("table.results thead th")


@pytest.mark.parametrize(
    "path",
    [
        "/ontology",
        "/id/dataset",
        "/search?q=" + quote("police"),
        "/sparql?query=" + quote("ASK { ?s ?p ?o }"),
        "/id/nothing-here",
    ],
)
def test_other_pages_are_accessible(site: str, browser: Browser, path: str) -> None:
    browser.open(site + path)
    _assert_accessible(browser)
