"""Tests of hmic_graph.rdf.export: formats, determinism, round trips and atomic writes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from hmic_graph.model import resources
from hmic_graph.model.errors import ExportError
from hmic_graph.rdf.export import (
    RdfFormat,
    exporter_names,
    register_exporter,
    serialize,
    to_dataset,
    unregister_exporter,
    write,
)

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data" / "network-sample.ttl"
ID = "https://w3id.org/hmic-graph/id/"
RELEASE = ID + "release/999-2099"
GAZETTEER = ID + "gazetteer"
SEEDS = ("0", "1", "42")

# Serialises the sample in a fresh interpreter, so PYTHONHASHSEED applies.
CHILD = """
import sys
from rdflib import Dataset, Graph, URIRef
from hmic_graph.rdf import export
fmt, data = sys.argv[1], sys.argv[2]
graph = Graph().parse(data, format="turtle")
if fmt in ("trig", "nquads"):
    dataset = Dataset()
    for s, p, o in graph:
        name = RELEASE if "/release/" in str(s) else GAZETTEER
        dataset.graph(URIRef(name)).add((s, p, o))
    graph = dataset
sys.stdout.buffer.write(export.serialize(graph, format=fmt).encode("utf-8"))
""".replace("RELEASE", repr(RELEASE)).replace("GAZETTEER", repr(GAZETTEER))


@pytest.fixture()
def graph() -> Graph:
    return Graph().parse(DATA, format="turtle")


def split_dataset(graph: Graph) -> Dataset:
    dataset = Dataset()
    for s, p, o in graph:
        name = RELEASE if "/release/" in str(s) else GAZETTEER
        dataset.graph(URIRef(name)).add((s, p, o))
    return dataset


def test_format_enum() -> None:
    assert [f.value for f in RdfFormat] == ["turtle", "json-ld", "nt", "trig", "nquads"]
    assert RdfFormat.TURTLE.media_type == "text/turtle"
    assert RdfFormat.JSON_LD.media_type == "application/ld+json"
    assert RdfFormat.NT.file_extension == "nt"
    assert RdfFormat.NQUADS.file_extension == "nq"
    assert RdfFormat.TRIG.is_dataset_format and not RdfFormat.TURTLE.is_dataset_format
    for name, expected in [
        ("turtle", RdfFormat.TURTLE),
        ("TTL", RdfFormat.TURTLE),
        ("text/turtle", RdfFormat.TURTLE),
        ("jsonld", RdfFormat.JSON_LD),
        ("JSON_LD", RdfFormat.JSON_LD),
        ("n-triples", RdfFormat.NT),
        ("nq", RdfFormat.NQUADS),
        ("application/trig", RdfFormat.TRIG),
    ]:
        assert RdfFormat.from_name(name) is expected, name
    for path, expected in [
        ("a/b.ttl", RdfFormat.TURTLE),
        ("b.JSONLD", RdfFormat.JSON_LD),
        ("b.json", RdfFormat.JSON_LD),
        ("b.nt", RdfFormat.NT),
        ("b.trig", RdfFormat.TRIG),
        ("b.nq", RdfFormat.NQUADS),
    ]:
        assert RdfFormat.from_path(path) is expected, path


def test_unknown_format_lists_valid_names(graph: Graph) -> None:
    with pytest.raises(ExportError) as caught:
        serialize(graph, format="rdfxml-please")
    for name in ("turtle", "json-ld", "nt", "trig", "nquads"):
        assert name in str(caught.value)
    with pytest.raises(ExportError, match="turtle"):
        RdfFormat.from_name("yaml")
    with pytest.raises(ExportError, match=r"\.ttl") as caught:
        RdfFormat.from_path("graph.txt")
    assert caught.value.path == "graph.txt"


@pytest.mark.parametrize("fmt", ["turtle", "nt", "json-ld"])
def test_round_trip_is_isomorphic(graph: Graph, fmt: str) -> None:
    text = serialize(graph, format=fmt)
    parser = {"turtle": "turtle", "nt": "nt", "json-ld": "json-ld"}[fmt]
    again = Graph().parse(data=text, format=parser)
    assert len(again) == len(graph)
    assert isomorphic(again, graph)


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_dataset_round_trip(graph: Graph, fmt: str) -> None:
    dataset = split_dataset(graph)
    text = serialize(dataset, format=fmt)
    again = Dataset()
    again.parse(data=text, format=fmt)
    for name in (RELEASE, GAZETTEER):
        original = dataset.graph(URIRef(name))
        parsed = again.graph(URIRef(name))
        assert len(parsed) == len(original) > 0
        assert isomorphic(parsed, original)


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_plain_graph_goes_to_the_default_or_its_named_graph(graph: Graph, fmt: str) -> None:
    default = Dataset()
    default.parse(data=serialize(graph, format=fmt), format=fmt)
    assert len(default.graph(DATASET_DEFAULT_GRAPH_ID)) == len(graph)
    named = Graph(identifier=URIRef(RELEASE))
    for triple in graph:
        named.add(triple)
    parsed = Dataset()
    parsed.parse(data=serialize(named, format=fmt), format=fmt)
    assert len(parsed.graph(URIRef(RELEASE))) == len(graph)


def test_trig_blocks_are_sorted_by_graph_name(graph: Graph) -> None:
    text = serialize(split_dataset(graph), format="trig")
    assert text.index(f"<{GAZETTEER}> {{") < text.index(f"<{RELEASE}> {{")
    assert text.startswith("@prefix ")


def test_dataset_as_turtle_is_the_union(graph: Graph) -> None:
    text = serialize(split_dataset(graph), format="turtle")
    assert isomorphic(Graph().parse(data=text, format="turtle"), graph)


def test_turtle_uses_the_model_prefixes(graph: Graph) -> None:
    graph.bind("schema1", "https://schema.org/", override=True)
    text = serialize(graph)
    assert "@prefix schema: <https://schema.org/> ." in text
    assert "schema1" not in text
    assert "schema:name" in text


def test_pyoxigraph_reads_turtle_and_ntriples_identically() -> None:
    graph = Graph().parse(DATA, format="turtle")
    reference = set(ox.parse(path=str(DATA), format=ox.RdfFormat.TURTLE))
    assert len(reference) == len(graph)
    turtle = set(ox.parse(serialize(graph, format="turtle"), format=ox.RdfFormat.TURTLE))
    ntriples = set(ox.parse(serialize(graph, format="nt"), format=ox.RdfFormat.N_TRIPLES))
    assert turtle == reference
    assert ntriples == reference


def test_pyoxigraph_reads_trig_and_nquads_identically(graph: Graph) -> None:
    dataset = split_dataset(graph)
    trig = set(ox.parse(serialize(dataset, format="trig"), format=ox.RdfFormat.TRIG))
    nquads = set(ox.parse(serialize(dataset, format="nquads"), format=ox.RdfFormat.N_QUADS))
    assert trig == nquads
    assert len(trig) == len(graph)
    names = {str(q.graph_name.value) for q in trig}
    assert names == {RELEASE, GAZETTEER}


def test_pyoxigraph_reads_jsonld(graph: Graph) -> None:
    reference = set(ox.parse(path=str(DATA), format=ox.RdfFormat.TURTLE))
    parsed = set(ox.parse(serialize(graph, format="json-ld"), format=ox.RdfFormat.JSON_LD))
    assert parsed == reference


def test_jsonld_is_compact_and_sorted(graph: Graph) -> None:
    document = json.loads(serialize(graph, format="json-ld"))
    assert "@context" in document
    ids = [node["@id"] for node in document["@graph"]]
    assert ids == sorted(ids)
    # Compaction happened: no node spells out the schema.org IRI of "name".
    assert not any("https://schema.org/name" in node for node in document["@graph"])


def test_ntriples_lines_are_sorted(graph: Graph) -> None:
    lines = serialize(graph, format="nt").splitlines()
    assert lines == sorted(lines)
    assert len(lines) == len(graph)


def test_nquads_lines_are_sorted_and_well_formed(graph: Graph) -> None:
    lines = serialize(split_dataset(graph), format="nquads").splitlines()
    assert lines == sorted(lines)
    assert not any(line.endswith("  .") for line in lines)


@pytest.mark.parametrize("fmt", ["turtle", "nt", "json-ld", "trig", "nquads"])
def test_output_is_byte_identical_across_hash_seeds(fmt: str) -> None:
    outputs = set()
    for seed in SEEDS:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", CHILD, fmt, str(DATA)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            check=True,
        )
        assert done.stdout, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_foreign_predicate_prefixes_are_stable(graph: Graph) -> None:
    # ns1/ns2 are invented by rdflib for unbound predicate namespaces; they must not
    # depend on the order triples come out of the store.
    subject = URIRef(ID + "force/norfolk-constabulary")
    graph.add((subject, URIRef("http://example.org/zeta#p"), Literal("z")))
    graph.add((subject, URIRef("http://example.org/alpha#p"), Literal("a")))
    text = serialize(graph)
    assert "@prefix ns1: <http://example.org/alpha#> ." in text
    assert "@prefix ns2: <http://example.org/zeta#> ." in text


def test_serialize_does_not_touch_the_graph(graph: Graph) -> None:
    before = sorted(graph.namespaces())
    serialize(graph)
    serialize(graph, format="trig")
    assert sorted(graph.namespaces()) == before


def test_write_guesses_format_and_returns_path(graph: Graph, tmp_path: Path) -> None:
    out = write(graph, tmp_path / "graph.nt")
    assert out == tmp_path / "graph.nt"
    assert out.read_text(encoding="utf-8") == serialize(graph, format="nt")
    explicit = write(graph, str(tmp_path / "graph.txt"), format=RdfFormat.TURTLE)
    assert isomorphic(Graph().parse(explicit, format="turtle"), graph)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.nt", "graph.txt"]


def test_write_with_unguessable_extension(graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(ExportError) as caught:
        write(graph, tmp_path / "graph.dat")
    assert caught.value.path == str(tmp_path / "graph.dat")
    assert list(tmp_path.iterdir()) == []


def test_failing_serializer_leaves_old_file_intact(graph: Graph, tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    target.write_text("old content\n", encoding="utf-8")

    def explode(_graph: Graph) -> str:
        raise RuntimeError("serializer exploded")

    register_exporter("turtle", explode, replace=True)
    try:
        with pytest.raises(ExportError, match="serializer exploded") as caught:
            write(graph, target)
    finally:
        unregister_exporter("turtle")
    assert caught.value.path == str(target)
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.ttl"]
    # The built-in exporter is back.
    assert serialize(graph).startswith("@prefix ")


def test_failure_while_replacing_removes_the_temp_file(
    graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "graph.nt"
    target.write_text("old content\n", encoding="utf-8")

    def refuse(_src: object, _dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(ExportError, match="No space left on device") as caught:
        write(graph, target)
    assert caught.value.path == str(target)
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nt"]


def test_write_creates_missing_folders(graph: Graph, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "deeper" / "graph.ttl"
    assert write(graph, target) == target
    assert target.read_text(encoding="utf-8").startswith("@prefix ")


def test_write_where_a_folder_cannot_be_made_names_the_path(graph: Graph, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder\n", encoding="utf-8")
    target = tmp_path / "file" / "graph.ttl"
    with pytest.raises(ExportError) as caught:
        write(graph, target)
    assert str(caught.value).startswith(str(target))
    with pytest.raises(ExportError, match="this is a folder"):
        write(graph, tmp_path, format="turtle")


def test_write_through_a_symlink_replaces_its_target_and_keeps_the_link(graph: Graph, tmp_path: Path) -> None:
    real = tmp_path / "data" / "graph.ttl"
    real.parent.mkdir()
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o640)
    link = tmp_path / "latest.ttl"
    link.symlink_to(real)
    assert write(graph, link) == link
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8").startswith("@prefix ")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in real.parent.iterdir()) == ["graph.ttl"]  # no temporary file left
    dangling = tmp_path / "next.ttl"
    dangling.symlink_to(tmp_path / "data" / "next.ttl")
    write(graph, dangling)
    assert dangling.is_symlink() and (tmp_path / "data" / "next.ttl").is_file()


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="no /dev/stdout")
@pytest.mark.parametrize("target", ["-", "/dev/stdout"])
def test_write_to_standard_output_streams(target: str) -> None:
    code = (
        "from hmic_graph.rdf.export import write_text\n"
        f"write_text('first\\n', {target!r})\n"
        f"write_text('second\\n', {target!r})\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout == "first\nsecond\n"
    assert Path("/dev/stdout").is_symlink() or Path("/dev/stdout").is_char_device()


def test_overwrite_keeps_the_file_mode(graph: Graph, tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    write(graph, target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text(encoding="utf-8").startswith("@prefix ")


def test_registry(graph: Graph) -> None:
    assert {"turtle", "json-ld", "nt", "trig", "nquads"} <= set(exporter_names())
    register_exporter("triple-count", lambda g: f"{len(g)}\n")
    try:
        assert serialize(graph, format="triple-count") == f"{len(graph)}\n"
        assert "triple-count" in exporter_names()
        with pytest.raises(ExportError, match="already registered"):
            register_exporter("triple-count", lambda g: "")
    finally:
        unregister_exporter("triple-count")
    assert "triple-count" not in exporter_names()


def test_registry_imports_lazily(graph: Graph) -> None:
    register_exporter("repr", "builtins:repr")
    register_exporter("missing", "hmic_graph.no_such_module:export")
    try:
        assert serialize(graph, format="repr").startswith("<Graph identifier=")
        with pytest.raises(ExportError, match="cannot load the exporter"):
            serialize(graph, format="missing")
    finally:
        unregister_exporter("repr")
        unregister_exporter("missing")


def test_to_dataset(graph: Graph) -> None:
    dataset = to_dataset({RELEASE: graph})
    assert len(dataset.graph(URIRef(RELEASE))) == len(graph)
    with pytest.raises(ExportError, match="absolute IRI"):
        to_dataset({"not an iri": graph})


def test_jsonld_embeds_the_bundled_context(graph: Graph) -> None:
    bundled = json.loads(resources.read_text("data", "context.jsonld"))["@context"]
    assert json.loads(serialize(graph, format="json-ld"))["@context"] == bundled
