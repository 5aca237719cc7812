"""Parallel corpus loading gives the store sequential loading gives; fast parsing of bundled Turtle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from hmic_graph.ingest.releases import store_release
from hmic_graph.model import resources
from hmic_graph.rdf import ontology

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import generate


def _quads(store: object) -> set[str]:
    db = store.oxigraph  # type: ignore[attr-defined]
    return {str(q) for q in db.quads_for_pattern(None, None, None, None)}


def test_parallel_load_equals_sequential_load(tmp_path: Path) -> None:
    from hmic_graph.ingest.corpus import load_releases
    from hmic_graph.store import open_store

    paths = generate.write_releases(tmp_path / "releases", 5, seed=11)
    broken = tmp_path / "releases" / "zz-empty.txt"
    broken.write_text("", encoding="utf-8")
    with open_store(tmp_path / "parallel") as fast:
        outcome = load_releases(fast, [tmp_path / "releases"], workers=2, chunk_size=2)
        assert len(outcome.loaded) == 5 and list(outcome.errors) == [str(broken)]
        # Loading again (and a release twice) replaces graphs: nothing changes.
        again = load_releases(fast, [paths[0], paths[1], paths[0]], workers=1, batch_size=1)
        assert again.ok
        parallel = _quads(fast)
        names = fast.releases()
    with open_store(tmp_path / "sequential") as slow:
        for path in paths:
            store_release(slow, path)
        assert _quads(slow) == parallel
        assert slow.releases() == names


def test_memory_store_gets_the_same_graphs(tmp_path: Path) -> None:
    from hmic_graph.ingest.corpus import load_releases
    from hmic_graph.store import open_store

    paths = generate.write_releases(tmp_path, 2, seed=5)
    with open_store() as fast, open_store() as slow:
        load_releases(fast, paths, workers=1)
        for path in paths:
            store_release(slow, path)
        assert fast.releases() == slow.releases()
        for name in slow.releases():
            assert isomorphic(fast.graph(name), slow.graph(name))


@pytest.mark.parametrize("parts", [("ontology", "hmic.ttl"), ("shapes", "hmic.shacl.ttl")])
def test_bundled_turtle_parses_as_rdflib_parses_it(parts: tuple[str, str]) -> None:
    text = resources.read_text(*parts)
    fast = ontology._parse_turtle(text, "/".join(parts))
    reference = Graph().parse(data=text, format="turtle")
    assert isomorphic(fast, reference)
    assert dict(fast.namespaces()) == dict(reference.namespaces())
    literals = {(str(o), o.datatype, o.language) for o in fast.objects() if hasattr(o, "language")}
    expected = {
        (str(o), o.datatype, o.language) for o in reference.objects() if hasattr(o, "language")
    }
    assert literals == expected
