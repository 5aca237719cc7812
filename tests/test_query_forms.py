"""The Oxigraph forms of the named questions give the rows of the texts they stand for,
on a generated store of 250 releases (``benchmarks/generate.py``).

A form (``hmic_graph/queries/oxigraph/NAME.rq``) is chosen by the question's
name, so an edit to a packaged query that its form does not follow shows
here, on data large enough for Oxigraph to plan both as it does in use. The
store is built once per session, without SHACL (the graphs are the same).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from hmic_graph.ingest.releases import load_release, release_name
from hmic_graph.model.namespaces import sparql_prefixes
from hmic_graph.sparql.catalogue import list_queries, oxigraph_form
from hmic_graph.store import OxigraphStore, encode_graph, open_store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate

RELEASES = 250
NAMES = [q.name for q in list_queries()]
WITH_FORMS = [name for name in NAMES if oxigraph_form(name) is not None]

Rows = tuple[tuple[str | None, ...], ...]


@pytest.fixture(scope="session")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphStore]:
    batch = []
    for _, text in generate.generate(RELEASES, seed=7):
        graph = load_release(text)
        name = release_name(graph)
        batch.append((name, encode_graph(name, graph)))
    with open_store(tmp_path_factory.mktemp("forms") / "db") as store:
        store.add_encoded(batch, atomic=False)
        assert len(store.releases()) == RELEASES
        assert isinstance(store, OxigraphStore)
        yield store


def oxigraph_rows(store: OxigraphStore, text: str) -> tuple[tuple[str, ...], Rows]:
    """Raw pyoxigraph on ``text``: Oxigraph plans it as written and sorts."""
    solutions = store.oxigraph.query(text, prefixes=sparql_prefixes())
    columns = tuple(v.value for v in solutions.variables)  # type: ignore[union-attr]
    rows = tuple(tuple(None if t is None else t.value for t in s) for s in solutions)  # type: ignore[union-attr]
    return columns, rows


def order_keys(text: str, columns: tuple[str, ...]) -> list[int]:
    import re

    clause = re.search(r"ORDER\s+BY\s+(.*)$", text, re.IGNORECASE | re.DOTALL)
    assert clause, "every named question has an ORDER BY"
    return [columns.index(v) for v in re.findall(r"\?([A-Za-z0-9_]+)", clause.group(1))]


def assert_same_rows(got: Rows, expected: Rows, keys: list[int]) -> None:
    """The same rows; in the same order except among rows the ORDER BY leaves tied."""
    assert Counter(got) == Counter(expected)
    if got == expected:
        return

    def blocks(rows: Rows) -> list[Counter[tuple[str | None, ...]]]:
        out: list[tuple[tuple[str | None, ...], Counter[tuple[str | None, ...]]]] = []
        for row in rows:
            key = tuple(row[k] for k in keys)
            if not out or out[-1][0] != key:
                out.append((key, Counter()))
            out[-1][1][row] += 1
        return [block for _, block in out]

    assert blocks(got) == blocks(expected)


def test_every_form_is_named_after_a_question() -> None:
    assert WITH_FORMS, "no Oxigraph forms found"
    assert set(WITH_FORMS) <= set(NAMES)


@pytest.mark.parametrize("name", WITH_FORMS)
def test_the_form_gives_the_rows_of_the_packaged_text(name: str, big_store: OxigraphStore) -> None:
    text = next(q.text for q in list_queries() if q.name == name)
    columns, expected = oxigraph_rows(big_store, text)
    assert len(expected) > 0, f"{name}: no rows on {RELEASES} generated releases"
    form_columns, from_form = oxigraph_rows(big_store, oxigraph_form(name) or "")
    assert form_columns == columns
    assert_same_rows(from_form, expected, order_keys(text, columns))


@pytest.mark.parametrize("name", NAMES)
def test_the_store_answers_each_question_as_oxigraph_does(
    name: str, big_store: OxigraphStore
) -> None:
    """The one query path (form by name, ORDER BY in Python) against Oxigraph on the text."""
    text = next(q.text for q in list_queries() if q.name == name)
    columns, expected = oxigraph_rows(big_store, text)
    result = big_store.query(name)
    assert result.columns == columns
    assert_same_rows(result.rows, expected, order_keys(text, columns))
