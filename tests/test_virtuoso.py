"""Pushing the corpus to a real Virtuoso Open Source server, with both documented commands.

Debian's ``virtuoso-opensource`` package (7.2) is started from a temporary
folder with its own ``virtuoso.ini`` (database, logs and both ports moved
there), on 127.0.0.1, and stopped at the end. Two folders of the corpus are loaded into an
Oxigraph store, then pushed as ``docs/publishing.md`` says, by the real
``hmic-graph`` command:

* Graph Store Protocol with digest authentication to
  ``/sparql-graph-crud-auth`` (``--user dba --content-type text/turtle``);
* SPARQL Update to ``/sparql-auth`` (``--protocol update --user dba``), which
  carries the contact points' ``xsd:time`` literals that Virtuoso refuses as
  constants in ``INSERT DATA``.

After each push every release graph's triple count must equal the local
store's, and the competency questions, asked of each release graph (the
protocol's ``default-graph-uri``), must give the local rows. Per graph,
because Virtuoso's default graph matches each graph's copy of a shared
triple separately, so over the union a node stated by five releases joins
five times.

Skipped, saying why, when ``virtuoso-t`` or its ``virtuoso.ini`` is not
installed (CI installs ``virtuoso-opensource``); if it is installed but does
not start, the test fails with its log.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import free_loopback_port, stop_process

from hmic_graph.sparql.query import list_queries, query
from hmic_graph.store import ReleaseStore, open_store

pytestmark = pytest.mark.slow

RELEASES = Path(__file__).parent / "releases"
VIRTUOSO = os.environ.get("HMIC_GRAPH_VIRTUOSO") or shutil.which("virtuoso-t") or "/usr/bin/virtuoso-t"
INI = Path(os.environ.get("HMIC_GRAPH_VIRTUOSO_INI", "/etc/virtuoso-opensource-7/virtuoso.ini"))
STARTUP_SECONDS = 120
USER, PASSWORD = "dba", "dba"  # what a new Virtuoso database starts with
RELEASE_GRAPHS = "https://w3id.org/hmic-graph/id/release/"


@dataclass(frozen=True)
class Virtuoso:
    url: str
    log: Path


def _setting(text: str, section: str, key: str, value: str) -> str:
    """``text`` with ``key = value`` in ``[section]`` (the key must be there already)."""
    pattern = re.compile(
        rf"(^\[{re.escape(section)}\][^\[]*?^{re.escape(key)}[ \t]*=[ \t]*)[^\n;]*", re.M | re.S
    )
    changed, count = pattern.subn(lambda m: m.group(1) + value, text, count=1)
    if count != 1:
        raise AssertionError(f"{INI} has no {key} in [{section}]")
    return changed


def _ini(folder: Path, sql_port: int, http_port: int) -> str:
    text = INI.read_text(encoding="utf-8")
    for key, name in (
        ("DatabaseFile", "virtuoso.db"),
        ("ErrorLogFile", "virtuoso.log"),
        ("LockFile", "virtuoso.lck"),
        ("TransactionFile", "virtuoso.trx"),
        ("xa_persistent_file", "virtuoso.pxa"),
    ):
        text = _setting(text, "Database", key, str(folder / name))
    for key, name in (("DatabaseFile", "virtuoso-temp.db"), ("TransactionFile", "virtuoso-temp.trx")):
        text = _setting(text, "TempDatabase", key, str(folder / name))
    text = _setting(text, "Parameters", "ServerPort", f"127.0.0.1:{sql_port}")
    return _setting(text, "HTTPServer", "ServerPort", f"127.0.0.1:{http_port}")


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # urllib would send loopback requests through a configured proxy.
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    if not (os.path.isfile(VIRTUOSO) and os.access(VIRTUOSO, os.X_OK)) or not INI.is_file():
        pytest.skip(
            f"Virtuoso is not installed ({VIRTUOSO} or {INI} missing); install Debian's "
            "`virtuoso-opensource` package to run these tests"
        )
    folder = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_loopback_port(), free_loopback_port()
    (folder / "virtuoso.ini").write_text(_ini(folder, sql_port, http_port), encoding="utf-8")
    output = folder / "output.log"
    with output.open("wb") as handle:
        process = subprocess.Popen(
            [VIRTUOSO, "-f", "-c", "virtuoso.ini"], cwd=folder, stdout=handle, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{http_port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"virtuoso-t exited with {process.returncode}:\n{output.read_text(errors='replace')[-3000:]}")
            try:
                _select(url, "ASK { }")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"Virtuoso did not answer within {STARTUP_SECONDS} s:\n{output.read_text(errors='replace')[-3000:]}")
                time.sleep(0.5)
        yield Virtuoso(url, output)
    finally:
        stop_process(process, timeout=30)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ReleaseStore]]:
    """Two folders of the corpus in an on-disk Oxigraph store (closed while a command uses it).

    Two folders (33 releases of every kind, national and multi-release pages
    included) rather than all six keep the three pushes to a few seconds each;
    every push path and literal datatype is still exercised.
    """
    path = tmp_path_factory.mktemp("store") / "hmic-store"
    folders = (str(RELEASES / "test"), str(RELEASES / "fresh4"))
    loaded = _hmic_graph("load", *folders, "--store", str(path))
    # Exit 1 or 2 when some files are skipped (invalid, or no inspection release): the rest load.
    assert re.search(r"loaded \d+ releases", loaded.stdout + loaded.stderr), loaded.stderr
    with open_store(path, read_only=True) as opened:
        assert len(opened.releases()) > 30
        yield path, opened


def _select(url: str, text: str, graph: str | None = None) -> list[tuple[str | None, ...]]:
    """The rows of a SELECT (or ASK, one row) sent to Virtuoso's open ``/sparql`` endpoint."""
    params = {"query": text}
    if graph is not None:
        params["default-graph-uri"] = graph
    request = urllib.request.Request(
        url + "/sparql",
        data=urllib.parse.urlencode(params).encode("utf-8"),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        answer = json.load(response)
    if "boolean" in answer:
        return [(str(answer["boolean"]).lower(),)]
    columns = answer["head"]["vars"]
    return [tuple(row.get(c, {}).get("value") for c in columns) for row in answer["results"]["bindings"]]


def _graph_sizes(url: str) -> dict[str, int]:
    rows = _select(
        url,
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{RELEASE_GRAPHS}")) }} GROUP BY ?g',
    )
    return {str(g): int(str(n)) for g, n in rows}


def _drop_release_graphs(url: str) -> None:
    """Empty Virtuoso of the release graphs, through its authenticated update endpoint."""
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, url, USER, PASSWORD)
    opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))
    for name in _graph_sizes(url):
        request = urllib.request.Request(
            url + "/sparql-auth",
            data=f"DROP SILENT GRAPH <{name}>".encode(),
            headers={"Content-Type": "application/sparql-update"},
        )
        with opener.open(request, timeout=60) as response:
            response.read()
    assert _graph_sizes(url) == {}


def _hmic_graph(*args: str) -> subprocess.CompletedProcess[str]:
    """The documented command, run as a user runs it, with the password in its variable."""
    environment = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    environment["HMIC_GRAPH_PASSWORD"] = PASSWORD
    return subprocess.run(
        [sys.executable, "-m", "hmic_graph", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
        check=False,
    )


def _rows_key(row: tuple[str | None, ...]) -> tuple[str, ...]:
    return tuple(value or "" for value in row)


def _assert_same_as_local(url: str, local: ReleaseStore, names: list[str]) -> None:
    expected = {name: len(local.graph(name)) for name in local.releases()}
    assert _graph_sizes(url) == expected
    chosen = [named for named in list_queries() if named.name in names]
    assert len(chosen) == len(names), names
    for name in local.releases():
        graph = local.graph(name)
        for named in chosen:
            mine = sorted(query(graph, named.name).rows, key=_rows_key)
            theirs = sorted(_select(url, named.text, graph=name), key=_rows_key)
            assert theirs == mine, f"{named.name} over <{name}>"


def test_graph_store_protocol_push_with_digest_auth(virtuoso: Virtuoso, store: tuple[Path, ReleaseStore]) -> None:
    path, local = store
    _drop_release_graphs(virtuoso.url)
    done = _hmic_graph(
        "push", "--store", str(path), "--endpoint", virtuoso.url + "/sparql-graph-crud-auth",
        "--user", USER, "--content-type", "text/turtle",
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert f"pushed {len(local.releases())} graphs" in done.stdout
    _assert_same_as_local(virtuoso.url, local, [named.name for named in list_queries()])


def test_sparql_update_push_including_xsd_time(virtuoso: Virtuoso, store: tuple[Path, ReleaseStore]) -> None:
    path, local = store
    _drop_release_graphs(virtuoso.url)
    done = _hmic_graph(
        "push", "--store", str(path), "--endpoint", virtuoso.url + "/sparql-auth",
        "--protocol", "update", "--user", USER,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    _assert_same_as_local(virtuoso.url, local, ["contact-points", "quotes"])
    # The opening hours went in as xsd:time, with their own lexical forms.
    times = _select(
        virtuoso.url,
        "SELECT DISTINCT ?t WHERE { GRAPH ?g { ?h <https://schema.org/opens> ?t } "
        "FILTER(DATATYPE(?t) = <http://www.w3.org/2001/XMLSchema#time>) }",
    )
    assert times and all(re.fullmatch(r"\d\d:\d\d:\d\d", str(t)) for (t,) in times)


def test_pushing_again_replaces_rather_than_duplicates(virtuoso: Virtuoso, store: tuple[Path, ReleaseStore]) -> None:
    path, local = store
    for _ in range(2):
        done = _hmic_graph(
            "push", "--store", str(path), "--endpoint", virtuoso.url + "/sparql-auth",
            "--protocol", "update", "--user", USER,
        )
        assert done.returncode == 0, done.stderr + done.stdout
    assert _graph_sizes(virtuoso.url) == {name: len(local.graph(name)) for name in local.releases()}


def test_wrong_password_is_a_clear_error(virtuoso: Virtuoso, store: tuple[Path, ReleaseStore]) -> None:
    path, _ = store
    environment = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    environment["HMIC_GRAPH_PASSWORD"] = "not-the-password"
    done = subprocess.run(
        [sys.executable, "-m", "hmic_graph", "push", "--store", str(path),
         "--endpoint", virtuoso.url + "/sparql-graph-crud-auth", "--user", USER],
        capture_output=True, text=True, env=environment, timeout=120, check=False,
    )
    assert done.returncode == 2
    assert "401" in done.stderr and virtuoso.url in done.stderr
