"""The release store: replace-one-graph loads, the union, queries equal to the in-memory
engine, exports, several processes, and the store subcommands."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from hmic_graph.cli import main as cli
from hmic_graph.extract.sources import source_from_text
from hmic_graph.ingest.dump import dump_store
from hmic_graph.ingest.releases import load_release, load_source, store_release
from hmic_graph.model.errors import HmicGraphError, InvalidQuery, StoreNotFound, ValidationFailed
from hmic_graph.model.namespaces import HMIC, OA, SCHEMA
from hmic_graph.model.resources import example_releases
from hmic_graph.rdf.export import serialize, to_dataset
from hmic_graph.rdf.validation import ValidationReport, ValidationResult, validate
from hmic_graph.sparql.query import QueryResult, iri, list_queries, query
from hmic_graph.store import MemoryStore, OxigraphStore, ReleaseStore, open_store

DEV = Path(__file__).parent / "releases" / "dev"
# Releases written by others; between them every named query has answers.
DEV_FILES = [
    DEV / name
    for name in (
        "001_cumbria-asb-followup.txt",
        "002_norfolk-suffolk-effectiveness.txt",
        "005_kent-crime-data.txt",
        "009_btp-vulnerability.txt",
        "013_humberside-peel.txt",
        "016_northumbria-legitimacy.txt",
        "018_hertfordshire-partnerships.txt",
        "023_surrey-effectiveness.txt",
    )
]
BASE = "https://w3id.org/hmic-graph/id/"
KENT = URIRef(BASE + "force/kent-police")

ALPHA = """Kent Police praised for its work with victims

Kent Police works well with local councils and housing associations to support victims of \
anti-social behaviour, Her Majesty's Inspectorate of Constabulary (HMIC) said today.

Jane Example, HM Inspector of Constabulary, said:

"Kent Police has made real progress and its officers understand what victims need."
"""
ALPHA_CHANGED = ALPHA.replace("real progress", "some progress").replace(
    "housing associations", "schools"
)
BETA = """Kent Police and Essex Police must improve custody, says HMIC

Kent Police and Essex Police need to improve how they care for people in custody, \
Her Majesty's Inspectorate of Constabulary (HMIC) said today.

The forces work well with local health services.
"""


def release_iri(text: str) -> str:
    """The IRI a release text gets: from its checksum, whatever its file is called."""
    return BASE + "release/" + source_from_text(text).sha256[:16]


ALPHA_IRI, BETA_IRI = release_iri(ALPHA), release_iri(BETA)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def release_iri(graph: Graph) -> str:
    return str(next(graph.subjects(RDF.type, HMIC.PressRelease)))


def seed_graph() -> Graph:
    name, text = example_releases()[0]
    return load_source(source_from_text(text, path=name))


@pytest.fixture(scope="module")
def corpus() -> dict[str, Graph]:
    """Release IRI -> graph for the seed and the chosen dev releases, built without a store."""
    graphs = {}
    for path in DEV_FILES:
        graph = load_release(path)
        graphs[release_iri(graph)] = graph
    seed = seed_graph()
    graphs[release_iri(seed)] = seed
    return graphs


@pytest.fixture(scope="module")
def merged(corpus: dict[str, Graph]) -> Graph:
    graph = Graph()
    for part in corpus.values():
        graph += part
    return graph


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def loaded(
    request: pytest.FixtureRequest,
    corpus: dict[str, Graph],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ReleaseStore]:
    """A store of each kind holding the corpus (the oxigraph one on disk)."""
    path = tmp_path_factory.mktemp("store") / "db" if request.param == "oxigraph" else None
    with open_store(path, kind=request.param) as store:
        for name, graph in corpus.items():
            store.add_graph(name, graph)
        yield store


def order_variables(text: str) -> list[str]:
    clause = re.search(r"ORDER\s+BY\s+(.*)$", text, re.IGNORECASE | re.DOTALL)
    assert clause, "every named query has an ORDER BY"
    return re.findall(r"\?([A-Za-z0-9_]+)", clause.group(1))


def assert_same_answer(got: QueryResult, expected: QueryResult, order_by: list[str]) -> None:
    """Same columns and rows; same row order except among rows ORDER BY leaves tied."""
    assert got.columns == expected.columns
    assert Counter(got.rows) == Counter(expected.rows)
    if got.rows == expected.rows:
        return
    keys = [expected.columns.index(v) for v in order_by]

    def blocks(rows: tuple[tuple[str | None, ...], ...]) -> list[Counter[tuple[str | None, ...]]]:
        out: list[tuple[tuple[str | None, ...], Counter[tuple[str | None, ...]]]] = []
        for row in rows:
            key = tuple(row[k] for k in keys)
            if not out or out[-1][0] != key:
                out.append((key, Counter()))
            out[-1][1][row] += 1
        return [block for _, block in out]

    assert blocks(got.rows) == blocks(expected.rows)


# --- opening -----------------------------------------------------------------


def test_kinds_and_defaults(tmp_path: Path) -> None:
    with open_store() as store:
        assert isinstance(store, MemoryStore) and not store.persistent
    with open_store(tmp_path / "db") as store:
        assert isinstance(store, OxigraphStore) and store.persistent
        assert store.path == tmp_path / "db"
    with open_store(kind="oxigraph") as store:
        assert isinstance(store, OxigraphStore) and not store.persistent
        assert store.path is None and len(store) == 0


def test_capabilities_instead_of_kinds(tmp_path: Path) -> None:
    with open_store() as memory, pytest.raises(NotImplementedError):
        _ = memory.oxigraph
    with open_store(tmp_path / "db") as disk:
        assert disk.oxigraph is not None


def test_opening_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(HmicGraphError, match="unknown store kind 'rdf4j'; choose memory"):
        open_store(kind="rdf4j")  # type: ignore[arg-type]
    with pytest.raises(HmicGraphError, match="memory store keeps nothing on disk"):
        open_store(tmp_path / "db", kind="memory")
    with pytest.raises(StoreNotFound, match="no store here"):
        open_store(tmp_path / "missing", create=False)
    with pytest.raises(StoreNotFound, match="no store here"):
        open_store(tmp_path / "missing", read_only=True)
    assert not (tmp_path / "missing").exists()
    file = write(tmp_path, "notes.txt", "x")
    with pytest.raises(HmicGraphError, match="a file, not a store folder"):
        open_store(file)
    with pytest.raises(HmicGraphError, match="not empty and holds no store"):
        open_store(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


# --- loading -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["oxigraph", "memory"])
def test_reload_is_idempotent(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "db" if kind == "oxigraph" else None
    alpha = write(tmp_path, "alpha.txt", ALPHA)
    with open_store(path, kind=kind) as store:
        name = store_release(store, alpha)
        assert name == ALPHA_IRI
        size, trig, nquads = len(store), dump_store(store, format="trig"), dump_store(store, format="nq")
        assert store_release(store, alpha) == name
        assert store_release(store, alpha) == name
        assert len(store) == size
        assert dump_store(store, format="trig") == trig
        assert dump_store(store, format="nquads") == nquads
        assert store.releases() == [name]


@pytest.mark.parametrize("kind", ["oxigraph", "memory"])
def test_reloading_a_changed_release_replaces_only_its_graph(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "db" if kind == "oxigraph" else None
    alpha = write(tmp_path, "alpha.txt", ALPHA)
    beta = write(tmp_path, "beta.txt", BETA)
    with open_store(path, kind=kind) as store:
        # Named, as a manifest names it: a corrected text replaces the release.
        a, b = store_release(store, alpha, release_id="alpha"), store_release(store, beta)
        beta_before = set(store.graph(b))
        old_alpha = set(store.graph(a))
        write(tmp_path, "alpha.txt", ALPHA_CHANGED)
        assert store_release(store, alpha, release_id="alpha") == a
        new_alpha = set(load_release(alpha, release_id="alpha"))
        assert set(store.graph(a)) == new_alpha != old_alpha
        assert set(store.graph(b)) == beta_before
        # The union has no stale triple of the old version and keeps shared ones.
        union = set(store.merged())
        assert union == new_alpha | beta_before
        stale = old_alpha - new_alpha - beta_before
        assert stale and not stale & union


@pytest.mark.parametrize("kind", ["oxigraph", "memory"])
def test_shared_entities_keep_one_iri(kind: str, tmp_path: Path) -> None:
    with open_store(tmp_path / "db" if kind == "oxigraph" else None, kind=kind) as store:
        a = store_release(store, write(tmp_path, "alpha.txt", ALPHA))
        b = store_release(store, write(tmp_path, "beta.txt", BETA))
        union = store.merged()
        forces = sorted(str(f) for f in union.subjects(RDF.type, HMIC.PoliceForce))
        assert forces == [BASE + "force/essex-police", BASE + "force/kent-police"]
        assert sorted(str(r) for r in union.subjects(SCHEMA.mentions, KENT)) == [a, b]
        assert len(list(union.objects(KENT, SCHEMA.name))) == 1
        rows = store.query(
            "SELECT ?r WHERE { ?r schema:mentions ?f } ORDER BY ?r", bindings={"f": KENT}
        ).rows
        assert rows == ((a,), (b,))
        # A triple both releases state stays in the union until both are gone.
        store.remove_release(a)
        assert (KENT, SCHEMA.name, Literal("Kent Police")) in store.merged()
        assert store.query("mentions").rows and store.releases() == [b]
        store.remove_release(b)
        assert len(store) == 0 and store.releases() == []
        with pytest.raises(HmicGraphError, match="has no release"):
            store.remove_release(b)


def test_union_stays_the_merge_of_the_graphs(tmp_path: Path, corpus: dict[str, Graph]) -> None:
    names = sorted(corpus)
    with open_store(tmp_path / "db") as store:
        for name in names[:5]:
            store.add_graph(name, corpus[name])
        store.remove_release(names[1])
        store.add_graph(names[0], corpus[names[5]])  # another graph under an existing name
        store.add_graph(names[2], corpus[names[2]])
        expected = {names[0]: corpus[names[5]]} | {n: corpus[n] for n in names[2:5]}
        assert store.releases() == sorted(expected)
        union: set[object] = set()
        for graph in expected.values():
            union |= set(graph)
        assert set(store.merged()) == union
        assert len(store) == len(union)
        for name, graph in expected.items():
            assert set(store.graph(name)) == set(graph)


@pytest.mark.parametrize("kind", ["oxigraph", "memory"])
def test_invalid_graphs_are_refused_and_change_nothing(kind: str) -> None:
    good = Graph()
    good.add((URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("x")))
    spaced = Graph()
    spaced.add((URIRef("https://example.org/Leeds City Council"), RDF.type, HMIC.InspectedBody))
    blank = Graph()
    blank.add((BNode(), RDF.type, HMIC.InspectedBody))
    with open_store(kind=kind) as store:
        store.add_graph("https://example.org/g", good)
        with pytest.raises(HmicGraphError, match=r"invalid IRI 'https://example\.org/Leeds City"):
            store.add_graph("https://example.org/g", spaced)
        with pytest.raises(HmicGraphError, match="blank nodes"):
            store.add_graph("https://example.org/g", blank)
        with pytest.raises(HmicGraphError, match="graph name must be an absolute IRI"):
            store.add_graph("not an iri", good)
        with pytest.raises(HmicGraphError, match="is empty"):
            store.add_graph("https://example.org/g", Graph())
        assert set(store.graph("https://example.org/g")) == set(good)


@pytest.mark.parametrize("kind", ["oxigraph", "memory"])
def test_literals_come_back_exactly(kind: str) -> None:
    s, p = URIRef("https://example.org/s"), URIRef("https://example.org/p")
    graph = Graph()
    texts = ["x\\u0022 } } ; DROP ALL ;", "line\u2028separator", "\x0c\x01", '"q" \\ é 😀']
    for text in texts:
        graph.add((s, p, Literal(text)))
    graph.add((s, p, Literal("chat", lang="fr")))
    graph.add((s, OA.start, Literal(12, datatype=XSD.nonNegativeInteger)))
    graph.add((s, OA.end, Literal(-1, datatype=XSD.integer)))  # not restored: out of range
    graph.add((s, p, Literal("2012-05", datatype=XSD.gYearMonth)))
    graph.add((s, p, Literal("09:00:00", datatype=XSD.time)))
    with open_store(kind=kind) as store:
        store.add_graph("https://example.org/g", graph)
        assert set(store.graph("https://example.org/g")) == set(graph)
        assert set(store.merged()) == set(graph)
        assert store.releases() == ["https://example.org/g"]


def test_store_export_equals_the_build_export(corpus: dict[str, Graph]) -> None:
    """Oxigraph rewrites xsd:nonNegativeInteger as xsd:integer; the store puts it back."""
    expected = serialize(to_dataset(corpus), format="trig")
    with open_store(kind="oxigraph") as store:
        for name in reversed(sorted(corpus)):
            store.add_graph(name, corpus[name])
        assert dump_store(store, format="trig") == expected
        assert validate(store.merged()).conforms


@pytest.mark.parametrize("kind", ["oxigraph", "memory"])
def test_invalid_release_writes_nothing(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hmic_graph.rdf import validation

    failing = ValidationReport(
        conforms=False,
        results=(
            ValidationResult("Violation", ALPHA_IRI, None, "made up", None, None),
        ),
    )
    with open_store(kind=kind) as store:
        store_release(store, write(tmp_path, "beta.txt", BETA))
        before = dump_store(store, format="nq")
        monkeypatch.setattr(validation, "validate", lambda graph: failing)
        with pytest.raises(ValidationFailed, match="made up"):
            store_release(store, write(tmp_path, "alpha.txt", ALPHA))
        assert dump_store(store, format="nq") == before
        # validate=False skips the shapes.
        assert store_release(store, tmp_path / "alpha.txt", validate=False) in store


# --- reading -----------------------------------------------------------------


def test_dataset_merged_graph_and_len(loaded: ReleaseStore, corpus: dict[str, Graph]) -> None:
    assert loaded.releases() == sorted(corpus)
    dataset = loaded.dataset()
    assert isinstance(dataset, Dataset)
    sizes = {str(g.identifier): len(g) for g in dataset.graphs() if len(g)}
    assert sizes == {name: len(graph) for name, graph in corpus.items()}
    union: set[object] = set()
    for graph in corpus.values():
        union |= set(graph)
    assert set(loaded.merged()) == union
    assert len(loaded) == len(union) < sum(sizes.values())
    two = sorted(corpus)[:2]
    assert set(loaded.merged(two)) == set(corpus[two[0]]) | set(corpus[two[1]])
    with pytest.raises(HmicGraphError, match=r"has no release <https://example.org/x>"):
        loaded.graphs(["https://example.org/x"])


def test_describe_gives_subject_triples_and_evidence(loaded: ReleaseStore) -> None:
    quote = loaded.query("SELECT ?q WHERE { ?q a hmic:Quote } ORDER BY ?q LIMIT 1").rows[0][0]
    assert quote is not None
    graph = loaded.describe(quote)
    selector = graph.value(URIRef(quote), HMIC.evidence)
    assert selector is not None
    assert graph.value(selector, OA.exact) is not None
    start = graph.value(selector, OA.start)
    assert isinstance(start, Literal) and start.datatype == XSD.nonNegativeInteger
    assert {s for s in graph.subjects()} == {URIRef(quote), selector}
    force = loaded.describe(str(KENT))
    assert (KENT, RDF.type, HMIC.PoliceForce) in force
    assert len(loaded.describe("https://example.org/unknown")) == 0
    with pytest.raises(HmicGraphError, match="absolute IRI"):
        loaded.describe("kent police")


@pytest.mark.parametrize("named", list_queries(), ids=lambda q: q.name)
def test_store_rows_equal_the_in_memory_rows(
    named: object, loaded: ReleaseStore, merged: Graph
) -> None:
    from hmic_graph.sparql.query import NamedQuery

    assert isinstance(named, NamedQuery)
    expected = query(merged, named.name)
    got = loaded.query(named.name)
    assert len(expected) > 0, f"{named.name} has no answers on the test corpus"
    assert_same_answer(got, expected, order_variables(named.text))


def test_store_rows_equal_with_bindings_ask_and_construct(
    loaded: ReleaseStore, merged: Graph
) -> None:
    name = query(merged, "quotes").rows[0][0]
    assert name is not None
    for bindings in ({"speakerName": name}, {"?speakerName": Literal(name)}):
        assert loaded.query("quotes", bindings=bindings) == query(
            merged, "quotes", bindings=bindings
        )
    force = {"f": iri(str(KENT))}
    ask = "ASK { ?f a hmic:PoliceForce }"
    assert loaded.query(ask, bindings=force) == query(merged, ask, bindings=force)
    construct = "CONSTRUCT { ?s oa:start ?o } WHERE { ?s oa:start ?o }"
    assert loaded.query(construct) == query(merged, construct)
    numbers = "SELECT ?start WHERE { ?s oa:start ?start FILTER (?start < 200) } ORDER BY ?start"
    assert loaded.query(numbers) == query(merged, numbers)


def test_query_errors_match_the_in_memory_engine(loaded: ReleaseStore, tmp_path: Path) -> None:
    with pytest.raises(InvalidQuery, match="unknown query 'quotez'; the named queries are: "):
        loaded.query("quotez")
    with pytest.raises(InvalidQuery, match="is not valid SPARQL") as caught:
        loaded.query("SELECT ?x WHERE {\n  ?x schema:name }")
    assert caught.value.line == 2
    with pytest.raises(InvalidQuery, match="is a SPARQL UPDATE"):
        loaded.query("DELETE WHERE { ?s ?p ?o }")
    with pytest.raises(InvalidQuery, match="has no variable \\?nope"):
        loaded.query("quotes", bindings={"nope": "x"})
    with pytest.raises(InvalidQuery, match="cannot read query file"):
        loaded.query(str(tmp_path / "missing.rq"))
    rq = write(tmp_path, "count.rq", "SELECT (COUNT(*) AS ?n) WHERE { ?s a hmic:PoliceForce }")
    assert loaded.query(rq).rows == loaded.query(str(rq)).rows
    assert loaded.query("cq2") == loaded.query("cq02-quotes") == loaded.query("quotes")


# --- export ------------------------------------------------------------------


def test_exports_are_deterministic_across_load_orders(
    tmp_path: Path, corpus: dict[str, Graph]
) -> None:
    names = sorted(corpus)[:4]
    outputs = []
    for order, folder in ((names, "a"), (list(reversed(names)), "b")):
        with open_store(tmp_path / folder) as store:
            for name in order:
                store.add_graph(name, corpus[name])
            outputs.append(
                [dump_store(store, format=f) for f in ("trig", "nquads", "turtle", "json-ld", "nt")]
            )
    assert outputs[0] == outputs[1]
    trig = outputs[0][0]
    assert trig.count(" {\n") == len(names)
    parsed = Dataset()
    parsed.parse(data=trig, format="trig")
    assert sorted(str(g.identifier) for g in parsed.graphs() if len(g)) == names


def test_export_to_file_subset_and_description(tmp_path: Path, loaded: ReleaseStore) -> None:
    first = loaded.releases()[0]
    out = dump_store(loaded, tmp_path / "one.nq", releases=[first])
    assert {line.rsplit(" ", 2)[-2] for line in out.splitlines()} == {f"<{first}>"}
    when = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    text = dump_store(loaded, format="trig", describe=True, build_time=when)
    assert text == dump_store(loaded, format="trig", describe=True, build_time=when)
    dataset = Dataset()
    dataset.parse(data=text, format="trig")
    default = dataset.default_graph
    void = URIRef("http://rdfs.org/ns/void#")
    assert (URIRef(BASE + "dataset"), RDF.type, URIRef(void + "Dataset")) in default
    assert len(dataset.graph(URIRef(first))) == len(loaded.graph(first))
    turtle = Graph().parse(
        data=dump_store(loaded, format="turtle", describe=True, build_time=when), format="turtle"
    )
    assert (URIRef(BASE + "dataset"), RDF.type, URIRef(void + "Dataset")) in turtle
    assert set(loaded.merged()) < set(turtle)
    with pytest.raises(HmicGraphError, match="cannot tell the RDF format"):
        dump_store(loaded, tmp_path / "out.unknown")


# --- life cycle and several processes ----------------------------------------


def test_closed_store_refuses_use_and_reopens(tmp_path: Path) -> None:
    store = open_store(tmp_path / "db")
    name = store_release(store, write(tmp_path, "beta.txt", BETA))
    size = len(store)
    store.close()
    store.close()
    assert store.closed
    with pytest.raises(HmicGraphError, match="closed"):
        store.releases()
    with open_store(tmp_path / "db", create=False) as again:
        assert again.releases() == [name] and len(again) == size


def test_second_handle_in_one_process_is_refused(tmp_path: Path) -> None:
    with (
        open_store(tmp_path / "db"),
        pytest.raises(HmicGraphError, match="in use by this process"),
    ):
        open_store(tmp_path / "db")
    with open_store(tmp_path / "db"):
        pass


def test_read_only_store_reads_and_refuses_writes(tmp_path: Path) -> None:
    with open_store(tmp_path / "db") as store:
        name = store_release(store, write(tmp_path, "beta.txt", BETA))
    with open_store(tmp_path / "db", read_only=True) as store:
        assert store.releases() == [name]
        assert store.query("mentions").rows
        with pytest.raises(HmicGraphError, match="opened read-only"):
            store.remove_release(name)


LOADER = textwrap.dedent(
    """
    import sys, time
    from hmic_graph.ingest.releases import store_release
    from hmic_graph.model.errors import HmicGraphError
    from hmic_graph.store import open_store
    path, wait, hold, *releases = sys.argv[1:]
    try:
        with open_store(path, wait=float(wait)) as store:
            print("opened", flush=True)
            for release in releases:
                store_release(store, release)
            time.sleep(float(hold))
    except HmicGraphError as exc:
        print(exc, file=sys.stderr)
        sys.exit(3)
    """
)


def start_loader(
    tmp_path: Path, db: Path, wait: float, hold: float, *releases: Path
) -> subprocess.Popen[str]:
    script = tmp_path / "loader.py"
    if not script.exists():  # never rewritten: a starting process may be reading it
        script.write_text(LOADER, encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, str(script), str(db), str(wait), str(hold), *map(str, releases)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    try:
        _, err = process.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return process.returncode, err


def test_a_second_process_fails_clearly_or_waits(tmp_path: Path) -> None:
    db = tmp_path / "db"
    alpha = write(tmp_path, "alpha.txt", ALPHA)
    holder = open_store(db)
    try:
        code, err = finish(start_loader(tmp_path, db, 0, 0, alpha))
        assert code == 3
        assert f"the store at {db} is in use by another process" in err
        assert "Traceback" not in err
        waiter = start_loader(tmp_path, db, 60, 0, alpha)
        time.sleep(1.0)
        assert waiter.poll() is None  # still waiting for the lock
    finally:
        holder.close()
    code, err = finish(waiter)
    assert code == 0, err
    with open_store(db) as store:
        assert store.releases() == [ALPHA_IRI]


def test_two_processes_loading_at_once_leave_a_complete_store(tmp_path: Path) -> None:
    db = tmp_path / "db"
    alpha, beta = write(tmp_path, "alpha.txt", ALPHA), write(tmp_path, "beta.txt", BETA)
    dev = DEV_FILES[:2]
    # Without waiting: each either loads everything or fails with the clear message.
    first = start_loader(tmp_path, db, 0, 2, alpha, *dev)
    second = start_loader(tmp_path, db, 0, 2, beta)
    results = [finish(first), finish(second)]
    assert all(code in (0, 3) for code, _ in results), results
    assert any(code == 0 for code, _ in results), results
    for code, err in results:
        if code == 3:
            assert "is in use by another process" in err
    # Waiting: the loads serialise and both land.
    first = start_loader(tmp_path, db, 60, 0.5, alpha, *dev)
    second = start_loader(tmp_path, db, 60, 0.5, beta)
    assert [finish(first)[0], finish(second)[0]] == [0, 0]
    with open_store(db) as store:
        expected = {p: load_release(p) for p in (alpha, beta, *dev)}
        assert store.releases() == sorted(release_iri(g) for g in expected.values())
        union: set[object] = set()
        for graph in expected.values():
            assert set(store.graph(release_iri(graph))) == set(graph)
            union |= set(graph)
        assert set(store.merged()) == union


# --- command line --------------------------------------------------------------


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("hmic_graph.cli.store",))
    return cli.main


def test_cli_load_releases_export_and_query(
    run: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main = run
    assert callable(main)
    db = tmp_path / "db"
    alpha, beta = write(tmp_path, "alpha.txt", ALPHA), write(tmp_path, "beta.txt", BETA)
    assert main(["load", str(alpha), str(beta), "--store", str(db)]) == 0
    assert "loaded 2 releases" in capsys.readouterr().err
    assert main(["releases", "--store", str(db)]) == 0
    assert capsys.readouterr().out.split() == sorted([ALPHA_IRI, BETA_IRI])
    out = tmp_path / "all.trig"
    assert main(["export", "--store", str(db), "-o", str(out), "--describe"]) == 0
    exported = Dataset()
    exported.parse(out, format="trig")
    void_dataset = URIRef("http://rdfs.org/ns/void#Dataset")
    assert (URIRef(BASE + "dataset"), RDF.type, void_dataset) in exported.default_graph
    assert main(["export", "--store", str(db), "-f", "nt", "--release", BETA_IRI]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(load_release(beta))
    assert (
        main(["describe", "--store", str(db), "--sparql-endpoint", "http://127.0.0.1:8000/sparql"])
        == 0
    )
    described = Graph().parse(data=capsys.readouterr().out, format="turtle")
    endpoint = URIRef("http://127.0.0.1:8000/sparql")
    assert (
        URIRef(BASE + "dataset"),
        URIRef("http://rdfs.org/ns/void#sparqlEndpoint"),
        endpoint,
    ) in described
    # missing store: an error, and no folder is created
    assert main(["releases", "--store", str(tmp_path / "nothing")]) == 2
    assert "no store here" in capsys.readouterr().err
    assert not (tmp_path / "nothing").exists()


def test_cli_load_skips_invalid_releases_and_exits_1(
    run: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from hmic_graph.rdf import validation

    real = validation.validate

    def picky(graph: Graph) -> ValidationReport:
        if (None, SCHEMA.headline, Literal(BETA.splitlines()[0])) in graph:
            result = ValidationResult(
                "Violation", BETA_IRI, None, "made up", None, None
            )
            return ValidationReport(conforms=False, results=(result,))
        return real(graph)

    monkeypatch.setattr(validation, "validate", picky)
    main = run
    assert callable(main)
    db = tmp_path / "db"
    files = [write(tmp_path, "alpha.txt", ALPHA), write(tmp_path, "beta.txt", BETA)]
    assert main(["load", *map(str, files), "--store", str(db)]) == 1
    err = capsys.readouterr().err
    assert "beta.txt: does not conform to the shapes; skipped" in err and "made up" in err
    assert "loaded 1 release into" in err and "1 skipped" in err
    with open_store(db) as store:
        assert store.releases() == [ALPHA_IRI]


def test_query_store_runs_a_named_query(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "db"
    with open_store(db) as store:
        store_release(store, write(tmp_path, "beta.txt", BETA))
    assert cli.main(["query", "release-subject", "--store", str(db), "-f", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "release,forceName,inspectorateName" and len(lines) == 3
    args = ["query", "mentions", "--store", str(db), "--bind", "name=Essex Police", "-f", "json"]
    assert cli.main(args) == 0
    assert "Essex Police" in capsys.readouterr().out
    assert cli.main(["query", "quotes", "--store", str(db), "--bind", "x"]) == 2
    assert "VAR=VALUE" in capsys.readouterr().err
