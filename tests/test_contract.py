"""The competency questions on the bundled seed release.

These carry the same checks as the contract's external checker, with the
seed's expected answers written here (test data), so the project stands
alone without ../shared.
"""

from __future__ import annotations

import re

from rdflib import Graph

from hmic_graph import query

INSPECTORATE = "Her Majesty's Inspectorate of Constabulary"
FORCE = "West Mercia Police"


def rows(graph: Graph, name: str) -> list[dict[str, str | None]]:
    return list(query(graph, name))


def test_cq01_release_subject(seed_graph: Graph) -> None:
    got = {(r["forceName"], r["inspectorateName"]) for r in rows(seed_graph, "release-subject")}
    assert got == {(FORCE, INSPECTORATE)}


def test_cq02_quotes(seed_graph: Graph) -> None:
    result = rows(seed_graph, "quotes")
    assert len(result) == 2
    for row in result:
        assert row["speakerName"] == "Dru Sharpling"
        assert row["postLabel"] == "HM Inspector of Constabulary for the Western Region"
    texts = sorted(str(r["text"]) for r in result)
    assert texts[0].startswith("Anti-social behaviour is a blight")
    assert texts[0].endswith("across the Service.")
    assert texts[1].startswith("However, there is no room for complacency")
    assert texts[1].endswith("service to victims.")
    assert not any(t[0] in '"“”' or t[-1] in '"“”' for t in texts)


def test_cq03_alliances(seed_graph: Graph) -> None:
    members: dict[str, set[str]] = {}
    for row in rows(seed_graph, "alliances"):
        members.setdefault(str(row["alliance"]), set()).add(str(row["memberName"]))
    assert list(members.values()) == [{"Warwickshire Police", FORCE}]


def test_cq04_partners(seed_graph: Graph) -> None:
    got = {(r["forceName"], r["partnerKind"]) for r in rows(seed_graph, "partners")}
    assert {(FORCE, "council"), (FORCE, "housing association")} <= got
    assert {force for force, _ in got} == {FORCE}


def test_cq05_reports(seed_graph: Graph) -> None:
    result = rows(seed_graph, "reports")
    by_title = {r["title"]: r for r in result}
    assert by_title["A Step in the Right Direction"]["publisherName"] == INSPECTORATE
    assert by_title["Stop the Rot"]["publisherName"] == INSPECTORATE
    assert str(by_title["Stop the Rot"]["issued"]).startswith("2010-09")


def test_cq06_contact_points(seed_graph: Graph) -> None:
    result = rows(seed_graph, "contact-points")
    digits = sorted(re.sub(r"\D", "", str(r["telephone"])) for r in result)
    assert digits == ["02035130600", "07836217729"]
    assert {r["orgName"] for r in result} == {INSPECTORATE}
    main = [r for r in result if re.sub(r"\D", "", str(r["telephone"])) == "02035130600"]
    assert main[0]["opens"] == "08:30:00"
    assert main[0]["closes"] == "17:30:00"


def test_cq07_inspected_bodies(seed_graph: Graph) -> None:
    names: set[str] = set()
    for row in rows(seed_graph, "inspected-bodies"):
        if row["inspectorateName"] == INSPECTORATE:
            names.add(str(row["bodyName"]))
            if row.get("alternateName"):
                names.add(str(row["alternateName"]))
    for body in (
        "Serious Organised Crime Agency",
        "Police Service of Northern Ireland",
        "British Transport Police",
        "HMRC",
    ):
        assert body in names


def test_cq08_evidence_matches_source(seed_graph: Graph, seed_text: str) -> None:
    result = rows(seed_graph, "evidence")
    assert result
    for row in result:
        assert seed_text[int(str(row["start"])) : int(str(row["end"]))] == row["exact"]
    with_evidence = {r["thing"] for r in result}
    needing = query(
        seed_graph,
        "SELECT ?s WHERE { VALUES ?t { hmic:Quote hmic:Finding hmic:StrategicAlliance } ?s a ?t }",
    )
    assert {r["s"] for r in needing} <= with_evidence


def test_cq09_findings(seed_graph: Graph) -> None:
    result = [r for r in rows(seed_graph, "findings") if r["forceName"] == FORCE]
    strengths = [r for r in result if str(r["kind"]).endswith("Strength")]
    improvements = [r for r in result if str(r["kind"]).endswith("AreaForImprovement")]
    assert len(strengths) >= 3
    assert len(improvements) >= 1
    assert any("monitor" in str(r["description"]).lower() for r in improvements)


def test_cq10_people_posts(seed_graph: Graph) -> None:
    got = {
        (r["postLabel"], r["orgName"], r["holderName"]) for r in rows(seed_graph, "people-posts")
    }
    assert (
        "HM Inspector of Constabulary for the Western Region",
        INSPECTORATE,
        "Dru Sharpling",
    ) in got
    assert ("force lead for local policing", FORCE, None) in got


def test_cq11_mentions(seed_graph: Graph) -> None:
    result = rows(seed_graph, "mentions")
    names = {r["name"] for r in result}
    for name in (
        FORCE,
        "Warwickshire Police",
        INSPECTORATE,
        "Dru Sharpling",
        "Serious Organised Crime Agency",
        "Police Service of Northern Ireland",
        "British Transport Police",
    ):
        assert name in names
    assert any(
        r["name"] == "Dru Sharpling" and r["type"] == "https://schema.org/Person" for r in result
    )
