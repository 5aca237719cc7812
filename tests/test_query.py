"""Tests of hmic_graph.sparql.query: named queries, bindings, errors and result formats."""

from __future__ import annotations

import csv
import importlib
import io
import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef

from hmic_graph.model.errors import InvalidQuery
from hmic_graph.sparql.query import NamedQuery, QueryResult, iri, list_queries, query

DATA = Path(__file__).parent / "data" / "network-sample.ttl"
# The package exports a function named "query", so fetch the module itself.
query_module = importlib.import_module("hmic_graph.sparql.query")
QUERIES = Path(__file__).parent.parent / "hmic_graph" / "queries"
NAMES = [
    "release-subject",
    "quotes",
    "alliances",
    "partners",
    "reports",
    "contact-points",
    "inspected-bodies",
    "evidence",
    "findings",
    "people-posts",
    "mentions",
]
JANE = "https://w3id.org/hmic-graph/id/person/jane-example"


@pytest.fixture(scope="module")
def graph() -> Graph:
    return Graph().parse(DATA, format="turtle")


def test_list_queries_names_aliases_descriptions() -> None:
    queries = list_queries()
    assert [q.name for q in queries] == NAMES
    assert all(isinstance(q, NamedQuery) for q in queries)
    quotes = queries[1]
    assert quotes.aliases == ("cq02", "cq02-quotes")
    assert quotes.description.startswith("CQ2: Who is quoted")
    assert "SELECT" in quotes.text


@pytest.mark.parametrize("name", NAMES)
def test_every_named_query_answers_on_the_sample(graph: Graph, name: str) -> None:
    result = query(graph, name)
    assert len(result) > 0
    assert all(len(row) == len(result.columns) for row in result.rows)


def test_name_alias_stem_path_and_text_give_the_same_answer(graph: Graph) -> None:
    expected = query(graph, "quotes")
    path = QUERIES / "cq02-quotes.rq"
    for form in ("cq02", "cq2", "CQ02", "cq02-quotes", str(path), path, path.read_text()):
        assert query(graph, form) == expected, form
    assert expected.columns == ("speakerName", "postLabel", "text")
    assert [row[0] for row in expected.rows] == ["Jane Example", "Sam Sample"]


def test_named_queries_are_parsed_once(graph: Graph) -> None:
    query(graph, "quotes")
    assert query_module._resolve("quotes")[0] is query_module._resolve("cq02")[0]


def test_binding_restricts_results(graph: Graph) -> None:
    result = query(graph, "quotes", bindings={"speakerName": "Sam Sample"})
    assert result.rows == (("Sam Sample", "Chief Constable", "We welcome the report."),)
    # The "?" form of a variable name is accepted too.
    assert query(graph, "quotes", bindings={"?speakerName": "Sam Sample"}) == result


def test_binding_with_iri_helper_and_rdflib_terms(graph: Graph) -> None:
    text = "SELECT ?name WHERE { ?p schema:name ?name }"
    assert query(graph, text, bindings={"p": iri(JANE)}).rows == (("Jane Example",),)
    assert query(graph, text, bindings={"p": URIRef(JANE)}).rows == (("Jane Example",),)
    # A plain string is always a literal, even when it looks like an IRI.
    assert len(query(graph, text, bindings={"p": JANE})) == 0


def test_typed_binding_values(graph: Graph) -> None:
    text = "SELECT ?sel WHERE { ?sel oa:start ?start }"
    start = Literal("100", datatype=URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger"))
    assert len(query(graph, text, bindings={"start": start})) == 1
    # An int becomes xsd:integer, which is a different term from the xsd:nonNegativeInteger.
    assert len(query(graph, text, bindings={"start": 100})) == 0


@pytest.mark.parametrize(
    "attack",
    [
        '" } UNION { ?quote ?p ?text } #',
        'Sam Sample" . ?x ?y ?z . FILTER(true) #',
        "'; DROP ALL; #",
        "<http://example.org/x>",
    ],
)
def test_injection_in_a_binding_stays_a_literal(graph: Graph, attack: str) -> None:
    result = query(graph, "quotes", bindings={"speakerName": attack})
    assert len(result) == 0
    assert len(graph) == len(Graph().parse(DATA, format="turtle"))


def test_iri_helper_rejects_non_iris() -> None:
    with pytest.raises(InvalidQuery, match="not an absolute IRI"):
        iri("not an iri")
    with pytest.raises(InvalidQuery):
        iri("https://example.org/a b")


def test_unknown_name_lists_names(graph: Graph) -> None:
    with pytest.raises(InvalidQuery) as caught:
        query(graph, "no-such-query")
    message = str(caught.value)
    assert "no-such-query" in message
    for name in NAMES:
        assert name in message


def test_unknown_variable_in_bindings(graph: Graph) -> None:
    with pytest.raises(InvalidQuery, match=r"no variable \?nobody.*\?speakerName"):
        query(graph, "quotes", bindings={"nobody": "x"})
    with pytest.raises(InvalidQuery, match="not a SPARQL variable name"):
        query(graph, "quotes", bindings={"bad name": "x"})


def test_unsupported_binding_value_type(graph: Graph) -> None:
    with pytest.raises(InvalidQuery, match="cannot bind a value of type list"):
        query(graph, "quotes", bindings={"speakerName": ["x"]})  # type: ignore[dict-item]


def test_syntax_error_has_line_and_column(graph: Graph) -> None:
    with pytest.raises(InvalidQuery) as caught:
        query(graph, "SELECT ?s WHERE {\n  ?s ?p }")
    assert caught.value.line == 2
    assert caught.value.column is not None
    assert "not valid SPARQL" in str(caught.value)


def test_syntax_error_in_a_file_names_the_file(graph: Graph, tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text("SELECT ?s WHERE {\n\n  ?s ?p }\n", encoding="utf-8")
    with pytest.raises(InvalidQuery) as caught:
        query(graph, bad)
    assert caught.value.path == str(bad)
    assert caught.value.line == 3
    assert str(caught.value).startswith(f"{bad}:3:")


def test_missing_file(graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(InvalidQuery, match="cannot read query file") as caught:
        query(graph, str(tmp_path / "missing.rq"))
    assert caught.value.path == str(tmp_path / "missing.rq")


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "PREFIX x: <urn:x#> CLEAR ALL",
    ],
)
def test_update_is_rejected(graph: Graph, update: str) -> None:
    before = len(graph)
    with pytest.raises(InvalidQuery, match="UPDATE"):
        query(graph, update)
    assert len(graph) == before


def test_ask(graph: Graph) -> None:
    text = "ASK { ?p a schema:Person ; schema:name ?name }"
    assert query(graph, text).rows == (("true",),)
    assert query(graph, text, bindings={"name": "Nobody"}).rows == (("false",),)
    assert query(graph, text).columns == ("ask",)


def test_construct_rows_are_sorted_triples(graph: Graph) -> None:
    result = query(
        graph, "CONSTRUCT { ?p schema:name ?n } WHERE { ?p a schema:Person ; schema:name ?n }"
    )
    assert result.columns == ("subject", "predicate", "object")
    assert list(result.rows) == sorted(result.rows, key=lambda r: tuple(x or "" for x in r))
    assert (JANE, "https://schema.org/name", "Jane Example") in result.rows


def test_unbound_optional_is_none(graph: Graph) -> None:
    text = (
        "SELECT ?name ?prefix WHERE { ?p schema:name ?name ."
        " OPTIONAL { ?p schema:honorificPrefix ?prefix } } ORDER BY ?name"
    )
    result = query(graph, text, bindings={"name": "Sam Sample"})
    assert result.rows == (("Sam Sample", None),)
    assert list(result) == [{"name": "Sam Sample", "prefix": None}]


def test_result_formats() -> None:
    result = QueryResult(("name", "post"), (("Jane, Dame", None), ("Sam", "Chief Constable")))
    table = result.to_table().splitlines()
    assert table[0].split() == ["name", "post"]
    assert set(table[1]) <= {"-", " "}
    assert table[2] == "Jane, Dame"
    assert table[3].index("Chief") == table[0].index("post")
    rows = list(csv.reader(io.StringIO(result.to_csv())))
    assert rows == [["name", "post"], ["Jane, Dame", ""], ["Sam", "Chief Constable"]]
    assert json.loads(result.to_json()) == [
        {"name": "Jane, Dame", "post": None},
        {"name": "Sam", "post": "Chief Constable"},
    ]
    assert len(result) == 2


def test_query_failure_during_evaluation_is_a_query_error(graph: Graph) -> None:
    class Broken(Graph):
        def query(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
            raise RuntimeError("store exploded")

    with pytest.raises(InvalidQuery, match="store exploded"):
        query(Broken(), "quotes")


def test_dataset_is_queried_as_the_union(graph: Graph) -> None:
    dataset = Dataset()
    release = dataset.graph(URIRef("https://w3id.org/hmic-graph/id/release/999-2099"))
    for triple in graph:
        release.add(triple)
    assert query(dataset, "quotes") == query(graph, "quotes")
    assert not dataset.default_union
    per_graph = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?q a hmic:Quote } }"
    assert query(dataset, per_graph).rows == (("https://w3id.org/hmic-graph/id/release/999-2099",),)
