"""The publishing recipes run as written: the README's and the quick start of docs/publishing.md.

Each test reads the shell block from the document and runs it line by line in
an empty folder that holds only the bundled releases (as a fresh clone does:
no ``data/``, no ``public/``), with the real ``hmic-graph`` command (this
Python's ``-m hmic_graph``). Two things differ from a terminal, and only
these: a free loopback port replaces each documented port (7878, 8000), and
the setup lines (``python3 -m venv``, ``pip install``) are not run, since this
environment has the package installed. Commands ending in ``&`` and
``hmic-graph serve`` (which runs until stopped) are started in the
background, checked over HTTP and stopped at the end.

Then: every file the recipe names exists, the dumps are byte for byte the
same when exported again, the dataset description is served at
``/id/dataset`` and ``/.well-known/void`` in every format, and the Oxigraph
server holds every release graph.
"""

from __future__ import annotations

import contextlib
import json
import re
import shlex
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import free_loopback_port, stop_process
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD

from hmic_graph.model.namespaces import DEFAULT_BASE, HMIC

pytest.importorskip("uvicorn", reason="the serve extra (starlette, uvicorn, jinja2) is not installed")

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
RELEASES = ROOT / "tests" / "releases"
PORTS = ("7878", "8000")
SETUP = ("python3 -m venv", "pip install")
DATASET = DEFAULT_BASE + "dataset"


def shell_block(document: Path, heading: str) -> list[str]:
    """The command lines of the first ``sh`` block after ``heading`` (continuations joined)."""
    text = document.read_text(encoding="utf-8")
    start = text.index(heading)
    block = re.search(r"```sh\n(.*?)```", text[start:], re.S)
    assert block is not None, f"{document} has no sh block after {heading!r}"
    joined = block.group(1).replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]


def _oxigraph() -> str | None:
    found = shutil.which("oxigraph")
    beside = Path(sys.executable).with_name("oxigraph")
    return found or (str(beside) if beside.is_file() else None)


def _wait_for(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            pytest.fail(f"{process.args} exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2):
            return
        if time.monotonic() > deadline:
            pytest.fail(f"{url} did not answer within 60 s:\n{log.read_text(errors='replace')}")
        time.sleep(0.2)


def _get(url: str, accept: str) -> tuple[str, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.headers["Content-Type"], response.read().decode("utf-8")


class Recipe:
    """Runs recipe lines in ``folder``; keeps the background processes to stop them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ports = {port: str(free_loopback_port()) for port in PORTS}
        self.background: list[subprocess.Popen[bytes]] = []
        self.sites: list[str] = []
        self.ran: list[str] = []

    def argv(self, line: str) -> tuple[list[str], bool]:
        words = shlex.split(line, comments=True)
        background = bool(words) and words[-1] == "&"
        if background:
            words = words[:-1]
        for port, free in self.ports.items():
            words = [re.sub(rf"(?<=[:=]){port}\b|^{port}$", free, w) for w in words]
        if words[0] == "hmic-graph":
            return [sys.executable, "-m", "hmic_graph", *words[1:]], background
        if words[0] == "oxigraph":
            executable = _oxigraph()
            if executable is None:
                pytest.skip("the `oxigraph` server executable is not installed (pip install oxigraph)")
            return [executable, *words[1:]], background
        raise AssertionError(f"the recipe line {line!r} is neither hmic-graph nor oxigraph")

    def run(self, line: str) -> None:
        if line.startswith(SETUP):
            return  # this environment is set up already (see the module docstring)
        argv, background = self.argv(line)
        self.ran.append(line)
        if background or (argv[3:4] == ["serve"] and argv[1:3] == ["-m", "hmic_graph"]):
            log = self.folder / f"background-{len(self.background)}.log"
            with log.open("wb") as handle:
                process = subprocess.Popen(argv, cwd=self.folder, stdout=handle, stderr=subprocess.STDOUT)
            self.background.append(process)
            address = next(w for w in argv if re.fullmatch(r"127\.0\.0\.1:\d+", w) or w.isdigit())
            port = address.rsplit(":", 1)[-1]
            url = f"http://127.0.0.1:{port}"
            _wait_for(url + ("/query?query=" + urllib.parse.quote("ASK {}") if "oxigraph" in argv[0] else "/"), process, log)
            if argv[1:3] == ["-m", "hmic_graph"]:
                self.sites.append(url)
            return
        done = subprocess.run(argv, cwd=self.folder, capture_output=True, timeout=900, check=False)
        assert done.returncode == 0, (
            f"`{line}` exited with {done.returncode}:\n{done.stderr.decode(errors='replace')}"
            f"{done.stdout.decode(errors='replace')[-2000:]}"
        )

    def close(self) -> None:
        for process in self.background:
            stop_process(process, timeout=30)


@pytest.fixture
def clone(tmp_path: Path) -> Iterator[Recipe]:
    """An empty folder with the bundled releases, as at the top of a fresh clone."""
    folder = tmp_path / "clone"
    shutil.copytree(RELEASES, folder / "tests" / "releases")
    recipe = Recipe(folder)
    try:
        yield recipe
    finally:
        recipe.close()


def _check_dumps_and_site(recipe: Recipe, lines: list[str]) -> None:
    public = recipe.folder / "public"
    for name in ("hmic-graph.trig", "hmic-graph.nq", "void.ttl", "ontology.html"):
        assert (public / name).stat().st_size > 0, name
    # Exported again, the dumps are the same bytes.
    before = {path.name: path.read_bytes() for path in public.iterdir()}
    for line in lines:
        if " export " in f" {line} " or " describe " in f" {line} ":
            recipe.run(line)
    assert {path.name: path.read_bytes() for path in public.iterdir()} == before
    # The description's date is the latest release's, not the clock's.
    dump = Dataset(default_union=True)
    dump.parse(public / "hmic-graph.trig", format="trig")
    latest = max(
        str(date)
        for release in dump.subjects(RDF.type, HMIC.PressRelease)
        for date in dump.objects(release, DCTERMS.issued)
    )
    assert dump.value(URIRef(DATASET), DCTERMS.modified) == Literal(latest, datatype=XSD.date)
    for site in recipe.sites:
        media_type, page = _get(site + "/", "text/html")
        assert media_type.startswith("text/html") and "search" in page
        for path in ("/id/dataset", "/.well-known/void"):
            for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                ("application/n-triples", "nt")):
                media_type, body = _get(site + path, accept)
                assert media_type.startswith(accept), (path, media_type)
                described = Graph().parse(data=body, format=fmt)
                assert (URIRef(DATASET), RDF.type, VOID.Dataset) in described, (path, accept)
            assert _get(site + path, "text/html")[0].startswith("text/html")


def test_readme_publishing_recipe_runs_as_written(clone: Recipe) -> None:
    lines = shell_block(ROOT / "README.md", "## Publishing")
    assert any(" load " in f" {line} " for line in lines)
    for line in lines:
        clone.run(line)
    assert len(clone.sites) == 1, "the recipe serves the store"
    _check_dumps_and_site(clone, lines)
    # The Oxigraph server holds every release graph the store has.
    oxigraph = next(
        f"http://127.0.0.1:{clone.ports['7878']}" for line in lines if line.startswith("oxigraph serve")
    )
    query = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    _, body = _get(oxigraph + "/query?query=" + urllib.parse.quote(query), "application/sparql-results+json")
    pushed = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    releases = len(list((RELEASES / "test").glob("*.txt")))
    assert pushed == releases


def test_publishing_quick_start_runs_as_written(clone: Recipe) -> None:
    lines = shell_block(ROOT / "docs" / "publishing.md", "## Quick start")
    assert len(lines) <= 10, "the quick start is at most ten lines"
    for line in lines:
        clone.run(line)
    assert clone.ran and len(clone.sites) == 1
    _check_dumps_and_site(clone, lines)
