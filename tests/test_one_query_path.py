"""One query path: a named question gives the same rows, in the same order, through the
Python API (``ReleaseStore.query``), ``hmic-graph query --store`` and the server's ``/sparql``.

All three evaluate through :func:`hmic_graph.sparql.evaluation.solve` (the
question's Oxigraph form, the final ``ORDER BY`` in Python); the server's
worker also stops reading at its row limit, which
:func:`hmic_graph.sparql.oxigraph.run` offers as ``max_rows``. The store is
generated (``benchmarks/generate.py``), without SHACL (the graphs are the same).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from hmic_graph.cli.main import main
from hmic_graph.ingest.releases import load_release, release_name
from hmic_graph.serve import Settings, create_app
from hmic_graph.sparql.catalogue import list_queries
from hmic_graph.sparql.evaluation import TooManyRows
from hmic_graph.sparql.oxigraph import run
from hmic_graph.store import OxigraphStore, encode_graph, open_store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate

RELEASES = 120
NAMES = [q.name for q in list_queries()]
Rows = list[list[str | None]]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    batch = []
    for _, text in generate.generate(RELEASES, seed=11):
        graph = load_release(text)
        name = release_name(graph)
        batch.append((name, encode_graph(name, graph)))
    path = tmp_path_factory.mktemp("one-path") / "db"
    with open_store(path) as store:
        store.add_encoded(batch, atomic=False)
    return path


@pytest.fixture(scope="module")
def store(folder: Path) -> Iterator[OxigraphStore]:
    with open_store(folder, read_only=True) as opened:
        assert isinstance(opened, OxigraphStore)
        yield opened


@pytest.fixture(scope="module")
def client(store: OxigraphStore) -> Iterator[TestClient]:
    app = create_app(store, settings=Settings(query_workers=1, max_results=10**6))
    with TestClient(app) as test_client:
        yield test_client


def api_rows(store: OxigraphStore, name: str) -> tuple[list[str], Rows]:
    result = store.query(name)
    return list(result.columns), [list(row) for row in result.rows]


def cli_rows(
    folder: Path, name: str, columns: list[str], capsys: pytest.CaptureFixture[str]
) -> Rows:
    """The CLI's JSON rows (one object per row, keyed by column) in ``columns``' order."""
    capsys.readouterr()
    assert main(["query", "--store", str(folder), name, "-f", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert all(set(row) <= set(columns) for row in printed)
    return [[row.get(column) for column in columns] for row in printed]


def endpoint_rows(client: TestClient, name: str) -> tuple[list[str], Rows]:
    response = client.get("/sparql", params={"query": name})
    assert response.status_code == 200, response.text
    answer = response.json()
    columns = list(answer["head"]["vars"])
    rows = [
        [binding[column]["value"] if column in binding else None for column in columns]
        for binding in answer["results"]["bindings"]
    ]
    return columns, rows


@pytest.mark.parametrize("name", NAMES)
def test_a_named_question_gives_the_same_rows_everywhere(
    name: str,
    folder: Path,
    store: OxigraphStore,
    client: TestClient,
    capsys: pytest.CaptureFixture[str],
) -> None:
    columns, rows = api_rows(store, name)
    assert rows, f"{name}: no rows on {RELEASES} generated releases"
    assert cli_rows(folder, name, columns, capsys) == rows
    assert endpoint_rows(client, name) == (columns, rows)


def test_the_endpoint_takes_every_name_of_a_question(client: TestClient) -> None:
    by_short_name = endpoint_rows(client, "quotes")
    assert endpoint_rows(client, "cq02") == by_short_name
    assert endpoint_rows(client, "cq02-quotes") == by_short_name


def test_the_endpoint_reads_no_file_and_refuses_an_unknown_name(client: TestClient) -> None:
    unknown = client.get("/sparql", params={"query": "no-such-question"})
    assert unknown.status_code == 400
    assert "unknown query 'no-such-question'" in unknown.text
    # A one-line text ending in .rq is a file for the CLI, never for the endpoint.
    path = client.get("/sparql", params={"query": "/etc/hostname.rq"})
    assert path.status_code == 400
    assert "malformed query" in path.text


def test_run_stops_at_max_rows(store: OxigraphStore) -> None:
    everything = run(store.oxigraph, "quotes")
    assert len(everything) > 2
    assert run(store.oxigraph, "quotes", max_rows=len(everything)).rows == everything.rows
    with pytest.raises(TooManyRows) as refused:
        run(store.oxigraph, "quotes", max_rows=2)
    assert refused.value.max_rows == 2


def test_the_endpoint_refuses_a_sorted_answer_past_its_row_limit(store: OxigraphStore) -> None:
    """Sorted in Python, so reading stops one row past the limit: no sort of every row first."""
    app = create_app(store, settings=Settings(query_workers=1, max_results=5))
    with TestClient(app) as small:
        response = small.get(
            "/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"}
        )
        assert response.status_code == 422, response.text
        assert (
            small.get(
                "/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 5"}
            ).status_code
            == 200
        )


def test_a_worker_answers_a_named_question_without_rdflib() -> None:
    """The shared evaluation imports no rdflib, so a replaced worker is ready in a moment."""
    import subprocess

    from hmic_graph.model.namespaces import sparql_prefixes

    request = {"query": "unused: the name chooses the form", "name": "quotes", "max_rows": 5}
    request["prefixes"] = sparql_prefixes()
    code = (
        "import sys, pyoxigraph\n"
        "from hmic_graph.serve.worker import answer\n"
        f"reply = answer(pyoxigraph.Store(), {request!r})\n"
        "assert reply['form'] == 'SELECT' and reply['rows'] == [], reply\n"
        "assert 'rdflib' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
