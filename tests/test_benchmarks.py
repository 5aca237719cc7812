"""The benchmark code paths with tiny sizes: correctness only, never timing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import generate  # noqa: E402
import run  # noqa: E402

pytest.importorskip("pyoxigraph")


def test_generator_is_deterministic_and_covers_the_43_forces() -> None:
    assert len(generate.forces()) == 43
    assert generate.generate(5, seed=3) == generate.generate(5, seed=3)
    assert generate.generate(5, seed=3) != generate.generate(5, seed=4)


def test_generated_releases_load_and_conform() -> None:
    from rdflib.namespace import RDF

    from hmic_graph.ingest.releases import load_release
    from hmic_graph.model.namespaces import HMIC
    from hmic_graph.rdf.validation import validate

    names = set()
    for _name, text in generate.generate(5, seed=7):
        graph = load_release(text)
        report = validate(graph)
        assert report.conforms, report.to_text()
        names.update(graph.subjects(RDF.type, HMIC.PressRelease))
    assert len(names) == 5


def test_the_benchmark_writes_its_table(tmp_path: Path) -> None:
    # The serve benchmark's own quick run is tests/test_serve_bench.py's.
    results = run.run(
        sizes=(5,), reps=1, query_reps=1, workers=2, quick=True, workdir=tmp_path, serve=False
    )
    text = run.table(results)
    assert "## (a) One release" in text and "## (b) Corpus" in text
    assert "## (c) Competency queries on the 5-release store" in text
    assert results.corpus[0].fast["releases"] == 5 and results.corpus[0].fast["failed"] == 0
    assert results.corpus[0].naive is not None and results.corpus[0].naive["releases"] == 5
    queries = results.queries[5]
    assert len(queries) == 11 and all("rdflib_ms" in row for row in queries.values())
    assert results.machine["cores"]
    # issue 15: one summary table of the targets, stages, workers and Dask, first pages
    assert "## Summary: issue 15's targets" in text
    assert "## (e) CPU per release of each stage" in text and "| validation |" in text
    assert "## (f) Corpus load: 1 worker, 2 workers, and the Dask runner" in text
    assert "## (g) First page (20 rows)" in text
    assert results.scale is not None
    corpus = results.scale["corpus"]["5"]
    assert corpus["one_worker"]["releases"] == 5 and corpus["dask"]["releases"] == 5
    assert len(results.scale["pages"]) == 11
    assert "## (d) Serving" not in text


def test_the_stage_breakdown_covers_every_stage(capsys: pytest.CaptureFixture[str]) -> None:
    import stages

    assert stages.main(["-n", "6"]) == 0
    out = capsys.readouterr().out
    for stage in stages.STAGES:
        assert f"| {stage} |" in out
    assert "6 synthetic releases" in out and "| all |" in out


def test_the_description_benchmark_times_both_ways(tmp_path: Path) -> None:
    import describe

    from hmic_graph.ingest.releases import load_release, release_name
    from hmic_graph.store import open_store

    with open_store(tmp_path / "store") as store:
        for _name, text in generate.generate(3, seed=2):
            graph = load_release(text)
            store.add_graph(release_name(graph), graph)
    result = describe.measure(tmp_path / "store", rounds=1)
    assert result["releases"] == 3 and result["triples"] > 0
    assert {way: len(runs) for way, runs in result["seconds"].items()} == {
        "graphs": 1,
        "statistics": 1,
    }
    assert "x** faster" in describe.section(result, "python benchmarks/describe.py STORE")


def test_the_page_benchmark_measures_every_kind_and_pass(tmp_path: Path) -> None:
    pytest.importorskip("starlette", reason="the serve extra is not installed")
    import pages

    from hmic_graph.ingest.releases import load_release, release_name
    from hmic_graph.store import open_store

    with open_store(tmp_path / "store") as store:
        for _name, text in generate.generate(3, seed=4):
            graph = load_release(text)
            store.add_graph(release_name(graph), graph)
    found = pages.measure(tmp_path / "store", sample=2, passes=2, seed=1)
    assert set(found) == {
        (label, media) for label, _ in pages.CLASSES for media in pages.MEDIA_TYPES
    }
    assert all(len(values) == 2 and all(v > 0 for v in values) for values in found.values())
