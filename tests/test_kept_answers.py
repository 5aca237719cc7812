"""Kept answers (hmic_graph.sparql.answers): a bundled question's ordered answer, kept per
store generation, gives exactly the rows and term kinds of evaluating it; pages of it are
its slices; a commit makes it stale; only a handle of the current generation writes it;
``load`` prepares it, and the server's ``limit``/``offset`` read it."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from starlette.testclient import TestClient

from hmic_graph.cli.main import main
from hmic_graph.ingest.releases import load_release, release_name
from hmic_graph.serve import Settings, create_app
from hmic_graph.sparql.answers import AnswerFiles
from hmic_graph.sparql.catalogue import list_queries
from hmic_graph.sparql.evaluation import Selected, TooManyRows
from hmic_graph.sparql.query import QueryResult
from hmic_graph.store import OxigraphStore, encode_graph, open_store
from hmic_graph.store.folders import ANSWERS_FOLDER

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate

NAMES = [q.name for q in list_queries()]
DEV = Path(__file__).resolve().parent / "releases" / "dev"


def _batch(count: int, seed: int) -> list[tuple[str, bytes]]:
    batch = []
    for _, text in generate.generate(count, seed=seed):
        graph = load_release(text)
        name = release_name(graph)
        batch.append((name, encode_graph(name, graph)))
    return batch


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kept") / "db"
    with open_store(path) as store:
        store.add_encoded(_batch(40, 5), atomic=False)
    return path


def _evaluated(folder: Path, name: str) -> QueryResult:
    """The answer evaluated, with no kept answer to read (a copy of the store without them)."""
    with open_store(folder, read_only=True) as store:
        assert isinstance(store, OxigraphStore)
        from hmic_graph.sparql.oxigraph import run

        return run(store.oxigraph, name)


def test_kept_answers_give_the_evaluated_rows_and_kinds(folder: Path) -> None:
    evaluated = {name: _evaluated(folder, name) for name in NAMES}
    with open_store(folder, read_only=True) as store:
        store.prepare_answers()
        generation = store.generation
    kept = folder / ANSWERS_FOLDER / str(generation)
    assert sorted(path.stem for path in kept.iterdir()) == sorted(NAMES)
    with open_store(folder, read_only=True) as store:
        for name in NAMES:
            read = store.query(name)
            assert read == evaluated[name], name
            total = len(read.rows)
            for limit, offset in ((1, 0), (7, 3), (None, total - 2), (5, total + 1), (0, 0)):
                end = None if limit is None else offset + limit
                page = store.query(name, limit=limit, offset=offset)
                assert page.rows == read.rows[offset:end], (name, limit, offset)
                assert page.columns == read.columns


def test_a_kept_answer_is_read_not_evaluated(folder: Path) -> None:
    """A page comes from the file: a changed kept file shows (so it was read)."""
    with open_store(folder, read_only=True) as store:
        store.prepare_answers()
        path = folder / ANSWERS_FOLDER / str(store.generation) / "reports.tsv"
        header = path.read_bytes().split(b"\n", 1)[0]
        width = header.count(b"\t") + 1
        row = "\t".join(['"planted"'] * width)
        saved = path.read_bytes()
        try:
            path.write_bytes(header + b"\n" + row.encode() + b"\n")
            assert store.query("reports", limit=1).rows == (("planted",) * width,)
        finally:
            path.write_bytes(saved)


def test_a_commit_makes_the_kept_answers_stale(tmp_path: Path) -> None:
    path = tmp_path / "db"
    with open_store(path) as store:
        store.add_encoded(_batch(6, 1), atomic=False)
        before = store.query("release-subject")
        old = store.generation
        assert (path / ANSWERS_FOLDER / str(old) / "release-subject.tsv").is_file()
        store.add_encoded(_batch(3, 2), atomic=False)
        after = store.query("release-subject")
        assert len(after.rows) == len(before.rows) + 3
        # Writing the new generation's answer removed the old one.
        assert not (path / ANSWERS_FOLDER / str(old)).exists()
        assert (path / ANSWERS_FOLDER / str(store.generation) / "release-subject.tsv").is_file()


def test_only_a_handle_of_the_current_generation_writes(tmp_path: Path) -> None:
    answer = Selected(("n",), [(ox.Literal("a"),)], [("a",)])
    AnswerFiles(tmp_path, 4).keep("names", answer)  # a reader
    AnswerFiles(tmp_path, 4, current=lambda: 5).keep("names", answer)  # data moved on
    assert not any(tmp_path.iterdir())
    blank = Selected(("n",), [(ox.BlankNode("b"),)], [("b",)])
    AnswerFiles(tmp_path, 5, current=lambda: 5).keep("blank", blank)  # no faithful TSV form
    assert not (tmp_path / "5" / "blank.tsv").exists()
    AnswerFiles(tmp_path, 5, current=lambda: 5).keep("names", answer)
    assert AnswerFiles(tmp_path, 5).read("names") == answer
    assert AnswerFiles(tmp_path, 6).read("names") is None


def test_a_page_over_max_rows_is_refused_but_a_small_page_is_not(tmp_path: Path) -> None:
    terms = [(ox.Literal(str(n)),) for n in range(10)]
    answer = Selected(("n",), terms, [(str(n),) for n in range(10)])
    kept = AnswerFiles(tmp_path, 1, current=lambda: 1)
    kept.keep("numbers", answer)
    assert kept.read("numbers", limit=3, offset=8, max_rows=5) is not None
    with pytest.raises(TooManyRows):
        kept.read("numbers", max_rows=5)


def test_load_prepares_the_answers(tmp_path: Path) -> None:
    store = tmp_path / "db"
    assert main(["load", str(DEV / "001_cumbria-asb-followup.txt"), "--store", str(store)]) == 0
    kept = list((store / ANSWERS_FOLDER).iterdir())
    assert len(kept) == 1
    assert sorted(path.stem for path in kept[0].iterdir()) == sorted(NAMES)


@pytest.fixture(scope="module")
def client(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    copy = tmp_path_factory.mktemp("kept-served") / "db"
    shutil.copytree(folder, copy)
    with open_store(copy, read_only=True) as store:
        store.prepare_answers()
        app = create_app(store, settings=Settings(query_workers=1, max_results=50))
        with TestClient(app) as test_client:
            yield test_client


def test_the_endpoint_pages_a_named_question(client: TestClient, folder: Path) -> None:
    whole = _evaluated(folder, "evidence")
    assert len(whole.rows) > 50  # over the endpoint's row limit: only pages are answered
    assert client.get("/sparql", params={"query": "evidence"}).status_code == 422
    for offset in (0, 17, len(whole.rows) - 4):
        reply = client.get("/sparql", params={"query": "evidence", "limit": "10", "offset": offset})
        assert reply.status_code == 200, reply.text
        data = reply.json()
        rows = [
            tuple(row.get(column, {}).get("value") for column in whole.columns)
            for row in data["results"]["bindings"]
        ]
        assert rows == list(whole.rows[offset : offset + 10])


@pytest.mark.parametrize(
    "params, message",
    [
        ({"query": "evidence", "limit": "ten"}, "whole number"),
        ({"query": "evidence", "offset": "-1"}, "whole number"),
        ({"query": "ASK { ?s ?p ?o }", "limit": "1"}, "SELECT"),
    ],
)
def test_a_page_the_endpoint_cannot_give_is_400(
    client: TestClient, params: dict[str, str], message: str
) -> None:
    reply = client.get("/sparql", params=params)
    assert reply.status_code == 400
    assert message in reply.text


def test_the_sparql_page_links_the_next_page(client: TestClient) -> None:
    reply = client.get(
        "/sparql", params={"query": "evidence", "limit": "5"}, headers={"Accept": "text/html"}
    )
    assert reply.status_code == 200
    assert 'rel="next"' in reply.text and "offset=5" in reply.text
    assert 'rel="prev"' not in reply.text
