"""Every named question pages with limit/offset: consecutive pages are the ordered answer, cut."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from hmic_graph.model.errors import InvalidQuery
from hmic_graph.sparql.catalogue import list_queries
from hmic_graph.sparql.query import query
from hmic_graph.store import ReleaseStore, open_store

NAMES = [named.name for named in list_queries()]


@pytest.fixture(scope="module")
def stores(seed_graph: Graph) -> Iterator[dict[str, ReleaseStore]]:
    from hmic_graph.ingest.releases import release_name

    name = release_name(seed_graph)
    with open_store(kind="oxigraph") as oxigraph, open_store() as memory:
        oxigraph.add_graph(name, seed_graph)
        memory.add_graph(name, seed_graph)
        yield {"oxigraph": oxigraph, "memory": memory}


@pytest.mark.parametrize("name", NAMES)
def test_pages_are_the_ordered_answer_cut(
    name: str, seed_graph: Graph, stores: dict[str, ReleaseStore]
) -> None:
    whole = query(seed_graph, name)
    for limit, offset in ((1, 0), (2, 1), (None, 1), (5, len(whole) - 1), (3, len(whole) + 4)):
        end = None if limit is None else max(offset, 0) + limit
        expected = whole.rows[max(offset, 0) : end]
        assert query(seed_graph, name, limit=limit, offset=max(offset, 0)).rows == expected
        for store in stores.values():
            got = store.query(name, limit=limit, offset=max(offset, 0))
            assert got.columns == whole.columns
            assert len(got.rows) == len(expected)
    # Pages of two, one after another, give the whole answer once.
    for store in stores.values():
        full = store.query(name).rows
        pages = [store.query(name, limit=2, offset=at).rows for at in range(0, len(full) + 2, 2)]
        assert tuple(row for page in pages for row in page) == full


@pytest.mark.parametrize("limit, offset", [(-1, 0), (1, -2), (True, 0)])
def test_a_page_that_cannot_be_is_refused(
    limit: int, offset: int, seed_graph: Graph, stores: dict[str, ReleaseStore]
) -> None:
    with pytest.raises(InvalidQuery, match="whole number of rows"):
        query(seed_graph, "quotes", limit=limit, offset=offset)
    for store in stores.values():
        with pytest.raises(InvalidQuery, match="whole number of rows"):
            store.query("quotes", limit=limit, offset=offset)


def test_the_cli_pages_with_limit_and_offset(
    seed_graph: Graph, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from hmic_graph.cli.main import main

    data = tmp_path / "seed.ttl"
    seed_graph.serialize(data, format="turtle")
    whole = query(seed_graph, "mentions")
    assert (
        main(
            ["query", "mentions", "--data", str(data), "-f", "csv", "--limit", "2", "--offset", "1"]
        )
        == 0
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3  # the header and two rows
    assert lines[1:] == whole.page(limit=2, offset=1).to_csv().strip().splitlines()[1:]
    with pytest.raises(SystemExit):
        main(["query", "mentions", "--data", str(data), "--limit", "-3"])
