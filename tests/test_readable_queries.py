"""The named questions give rows a person can read: one row per thing named, hours as text."""

from __future__ import annotations

from collections import Counter

from rdflib import Graph

from hmic_graph import load_release, query
from hmic_graph.model.namespaces import HMIC, SCHEMA

FORCE_RELEASE = (
    "HMIC praises Kent Police\n\n"
    "Her Majesty's Inspectorate of Constabulary inspected Kent Police. "
    "Kent Police works with the Home Office and Kent County Council.\n"
)


def test_mentions_gives_one_row_per_thing(seed_graph: Graph) -> None:
    result = query(seed_graph, "mentions")
    per_thing = Counter((row["release"], row["name"]) for row in result)
    assert per_thing and max(per_thing.values()) == 1
    by_name = {row["name"]: row["type"] for row in result}
    assert by_name["West Mercia Police"] == str(HMIC.PoliceForce)
    assert by_name["Dru Sharpling"] == str(SCHEMA.Person)


def test_mentions_keeps_the_narrower_class_of_other_bodies() -> None:
    graph = load_release(FORCE_RELEASE)
    types = {row["name"]: row["type"] for row in query(graph, "mentions")}
    assert types["Kent Police"] == str(HMIC.PoliceForce)
    assert len(list(query(graph, "mentions"))) == len(types)


def test_contact_points_give_hours_as_text(seed_graph: Graph) -> None:
    rows = list(query(seed_graph, "contact-points"))
    hours = {row["telephone"]: row["hours"] for row in rows}
    assert hours["0203 513 0600"] == "8:30am – 5:30pm Monday – Friday"
    assert not any(str(value).startswith("http") for value in hours.values() if value)
    main = next(row for row in rows if row["telephone"] == "0203 513 0600")
    assert (main["opens"], main["closes"]) == ("08:30:00", "17:30:00")
