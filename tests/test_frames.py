"""Query results as pandas data frames with typed columns, and as notebook tables."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD

from hmic_graph import query
from hmic_graph.sparql.frames import to_html
from hmic_graph.sparql.query import QueryResult

EX = "https://example.org/"

TYPED = """
SELECT ?thing ?name ?count ?share ?flag ?day ?year ?month ?time ?mixed WHERE {
  VALUES (?thing ?name ?count ?share ?flag ?day ?year ?month ?time ?mixed) {
    (<https://example.org/a> "A" 3 0.5 true "2012-06-21"^^xsd:date "2011"^^xsd:gYear
     "2010-09"^^xsd:gYearMonth "08:30:00"^^xsd:time "2011"^^xsd:gYear)
    (<https://example.org/b> "B"@en UNDEF 2.5e0 false UNDEF UNDEF UNDEF UNDEF
     "2013-11-14"^^xsd:date)
  }
}
ORDER BY ?thing
"""


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return query(Graph(), TYPED).to_dataframe()


def test_columns_are_typed(frame: pd.DataFrame) -> None:
    dtypes = {name: str(dtype) for name, dtype in frame.dtypes.items()}
    assert dtypes["count"] == "Int64"
    assert dtypes["share"] == "Float64"
    assert dtypes["flag"] == "boolean"
    assert pd.api.types.is_datetime64_any_dtype(frame["day"])
    assert dtypes["year"] == "period[Y-DEC]"
    assert dtypes["month"] == "period[M]"
    for text in ("thing", "name", "mixed"):
        assert pd.api.types.is_string_dtype(frame[text]), text


def test_values_and_unbound(frame: pd.DataFrame) -> None:
    first, second = frame.iloc[0], frame.iloc[1]
    assert first["thing"] == EX + "a"  # IRIs stay full strings
    assert first["count"] == 3 and pd.isna(second["count"])
    assert first["day"] == pd.Timestamp("2012-06-21") and pd.isna(second["day"])
    assert first["year"] == pd.Period("2011", freq="Y")
    assert first["time"] == datetime.time(8, 30)
    # A column mixing a year and a date keeps the text as written.
    assert list(frame["mixed"]) == ["2011", "2013-11-14"]


def test_a_value_that_is_no_valid_form_keeps_the_column_as_text() -> None:
    graph = Graph()
    graph.add((URIRef(EX + "a"), URIRef(EX + "n"), Literal("many", datatype=XSD.integer)))
    frame = query(graph, "SELECT ?n WHERE { ?s ?p ?n }").to_dataframe()
    assert pd.api.types.is_string_dtype(frame["n"])
    assert list(frame["n"]) == ["many"]


def test_named_questions_on_the_seed(seed_graph: Graph) -> None:
    evidence = query(seed_graph, "evidence").to_dataframe()
    assert str(evidence["start"].dtype) == "Int64" and str(evidence["end"].dtype) == "Int64"
    assert (evidence["end"] > evidence["start"]).all()
    reports = query(seed_graph, "reports").to_dataframe()
    assert len(reports) == len(query(seed_graph, "reports"))
    assert pd.api.types.is_string_dtype(reports["title"])


def test_ask_and_construct() -> None:
    graph = Graph()
    graph.add((URIRef(EX + "a"), URIRef(EX + "n"), Literal(4)))
    assert str(query(graph, "ASK { ?s ?p ?o }").to_dataframe()["ask"].dtype) == "boolean"
    triples = query(graph, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").to_dataframe()
    assert list(triples.columns) == ["subject", "predicate", "object"]
    assert str(triples["object"].dtype) == "Int64"


def test_a_result_made_by_hand_is_all_text() -> None:
    frame = QueryResult(("a",), (("1",), (None,))).to_dataframe()
    assert pd.api.types.is_string_dtype(frame["a"])
    assert frame["a"].isna().tolist() == [False, True]


def test_html_table_escapes_and_shortens() -> None:
    result = QueryResult(
        ("kind", "text"),
        tuple(
            ("https://w3id.org/hmic-graph/ontology#Strength", f"<b>{n}</b> & more")
            for n in range(60)
        ),
    )
    page = result._repr_html_()
    assert "<b>" not in page and "&lt;b&gt;0&lt;/b&gt; &amp; more" in page
    assert ">hmic:Strength</td>" in page
    assert 'title="https://w3id.org/hmic-graph/ontology#Strength"' in page
    assert page.count("<tr>") == 51  # the header and the first 50 rows
    assert "the first 50 of 60 rows" in page
    assert to_html(result, max_rows=2).count("<tr>") == 3


def test_a_store_gives_the_same_column_types(seed_graph: Graph) -> None:
    from hmic_graph.store import open_store

    with open_store(kind="oxigraph") as store:
        store.add_graph("https://w3id.org/hmic-graph/id/release/seed", seed_graph)
        for name in ("evidence", "contact-points", "reports"):
            stored = store.query(name).to_dataframe()
            direct = query(seed_graph, name).to_dataframe()
            assert dict(stored.dtypes) == dict(direct.dtypes), name
        typed = store.query(TYPED).to_dataframe()
    assert dict(typed.dtypes) == dict(query(Graph(), TYPED).to_dataframe().dtypes)
