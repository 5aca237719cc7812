"""Integrity tests for the gazetteer data file ``hmic_graph/data/gazetteer.csv``.

These tests read the file from the source tree and check its shape and internal
consistency only; they know nothing about the extractor that uses it.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

GAZETTEER = Path(__file__).parent.parent / "hmic_graph" / "data" / "gazetteer.csv"

COLUMNS = [
    "id",
    "name",
    "kind",
    "abbreviations",
    "alt_names",
    "short_names",
    "country",
    "ons_code",
    "police_uk_id",
    "wikidata",
    "valid_from",
    "valid_to",
    "successor",
    "notes",
]
KINDS = {"police-force", "inspectorate", "inspected-body", "other"}
COUNTRIES = {
    "England",
    "Wales",
    "Scotland",
    "Northern Ireland",
    "United Kingdom",
    "Isle of Man",
    "Jersey",
    "Guernsey",
}
LABEL_FIELDS = ("abbreviations", "alt_names", "short_names")

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
QID_RE = re.compile(r"^Q[1-9][0-9]*$")
ONS_PFA_RE = re.compile(r"^(E23|W15)[0-9]{6}$")
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _read() -> tuple[list[str], list[dict[str, str]]]:
    with GAZETTEER.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, strict=True)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    return header, rows


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return _read()[1]


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split("|")] if value else []


def _parse_date(value: str) -> date:
    match = DATE_RE.match(value)
    if match is None:
        raise ValueError(f"not YYYY, YYYY-MM or YYYY-MM-DD: {value!r}")
    year, month, day = match.groups()
    return date(int(year), int(month or 1), int(day or 1))


def _territorial(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [row for row in rows if row["ons_code"]]


def _by_id(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in rows}


def test_file_is_utf8_with_exact_header() -> None:
    GAZETTEER.read_bytes().decode("utf-8")  # raises on bad bytes
    header, rows = _read()
    assert header == COLUMNS
    assert rows, "gazetteer has no rows"


def test_every_row_has_all_columns_and_no_stray_whitespace(rows: list[dict[str, str]]) -> None:
    for row in rows:
        assert None not in row, f"row has extra cells: {row}"
        assert all(row[col] is not None for col in COLUMNS), f"row has missing cells: {row}"
        for col in COLUMNS:
            assert row[col] == row[col].strip(), f"{row['id']}: {col} has surrounding whitespace"
        assert row["name"], f"{row['id']}: empty name"


def test_ids_are_unique_slugs(rows: list[dict[str, str]]) -> None:
    ids = [row["id"] for row in rows]
    bad = [i for i in ids if not SLUG_RE.match(i)]
    assert not bad, f"ids not in slug form: {bad}"
    dupes = [i for i, n in Counter(ids).items() if n > 1]
    assert not dupes, f"duplicate ids: {dupes}"


def test_names_are_unique(rows: list[dict[str, str]]) -> None:
    names = Counter(row["name"].casefold() for row in rows)
    dupes = [n for n, count in names.items() if count > 1]
    assert not dupes, f"duplicate names: {dupes}"


def test_kinds_are_allowed(rows: list[dict[str, str]]) -> None:
    bad = {row["id"]: row["kind"] for row in rows if row["kind"] not in KINDS}
    assert not bad, f"unknown kinds: {bad}"


def test_countries_are_allowed(rows: list[dict[str, str]]) -> None:
    for row in rows:
        parts = row["country"].split(";") if row["country"] else []
        assert all(p in COUNTRIES for p in parts), f"{row['id']}: bad country {row['country']!r}"
        assert len(parts) == len(set(parts)), f"{row['id']}: repeated country"


def test_forty_three_territorial_forces_of_england_and_wales(rows: list[dict[str, str]]) -> None:
    territorial = _territorial(rows)
    assert len(territorial) == 43
    for row in territorial:
        assert row["kind"] == "police-force", row["id"]
        assert ONS_PFA_RE.match(row["ons_code"]), f"{row['id']}: bad ONS code {row['ons_code']!r}"
        expected_country = "England" if row["ons_code"].startswith("E23") else "Wales"
        assert row["country"] == expected_country, row["id"]
        assert row["police_uk_id"], f"{row['id']}: territorial force without police_uk_id"
        assert row["short_names"], f"{row['id']}: territorial force without short names"
    assert len({row["ons_code"] for row in territorial}) == 43
    assert len({row["police_uk_id"] for row in territorial}) == 43
    assert sum(row["ons_code"].startswith("W15") for row in territorial) == 4


def test_ons_codes_only_on_territorial_forces(rows: list[dict[str, str]]) -> None:
    for row in rows:
        if row["ons_code"]:
            assert ONS_PFA_RE.match(row["ons_code"]), row["id"]


def test_police_uk_ids_are_unique_slugs(rows: list[dict[str, str]]) -> None:
    ids = [row["police_uk_id"] for row in rows if row["police_uk_id"]]
    assert all(SLUG_RE.match(i) for i in ids), ids
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]


def test_wikidata_qids_are_well_formed_and_unique(rows: list[dict[str, str]]) -> None:
    qids = [row["wikidata"] for row in rows if row["wikidata"]]
    bad = [q for q in qids if not QID_RE.match(q)]
    assert not bad, f"malformed QIDs: {bad}"
    dupes = [q for q, n in Counter(qids).items() if n > 1]
    assert not dupes, f"QID used by more than one row: {dupes}"


def test_dates_parse_and_are_ordered(rows: list[dict[str, str]]) -> None:
    for row in rows:
        parsed = {}
        for col in ("valid_from", "valid_to"):
            if row[col]:
                parsed[col] = _parse_date(row[col])  # raises on a bad date
                assert parsed[col] <= date.today(), f"{row['id']}: {col} in the future"
        if len(parsed) == 2:
            assert parsed["valid_from"] <= parsed["valid_to"], row["id"]


def test_successors_exist_and_follow_their_predecessor(rows: list[dict[str, str]]) -> None:
    by_id = _by_id(rows)
    for row in rows:
        successor = row["successor"]
        if not successor:
            continue
        assert successor in by_id, f"{row['id']}: unknown successor {successor!r}"
        assert successor != row["id"], f"{row['id']}: is its own successor"
        assert row["valid_to"], f"{row['id']}: has a successor but no valid_to"
        successor_from = by_id[successor]["valid_from"]
        if successor_from:
            assert _parse_date(successor_from) >= _parse_date(row["valid_from"] or "0001")


def test_successor_chains_do_not_loop(rows: list[dict[str, str]]) -> None:
    by_id = _by_id(rows)
    for row in rows:
        seen = {row["id"]}
        current = row["successor"]
        while current:
            assert current not in seen, f"successor loop from {row['id']}"
            seen.add(current)
            current = by_id[current]["successor"] if current in by_id else ""


def test_labels_are_clean(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for col in LABEL_FIELDS:
            if not row[col]:
                continue
            parts = row[col].split("|")
            assert all(p and p == p.strip() for p in parts), f"{row['id']}: empty/padded {col}"
            folded = [p.casefold() for p in parts]
            assert len(folded) == len(set(folded)), f"{row['id']}: repeated {col}"
            assert row["name"].casefold() not in folded, f"{row['id']}: {col} repeats the name"


def test_every_label_maps_to_exactly_one_row(rows: list[dict[str, str]]) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        labels = [row["name"]]
        for col in LABEL_FIELDS:
            labels += _split(row[col])
        for label in labels:
            owners[label.casefold()].add(row["id"])
    collisions = {label: sorted(ids) for label, ids in owners.items() if len(ids) > 1}
    assert not collisions, f"labels naming more than one row: {collisions}"


@pytest.mark.parametrize(
    ("word", "columns"),
    [
        ("met", ("abbreviations", "short_names")),
        # A short name counts only in a list of forces or after a cue ("visited
        # four forces – Kent, the Met, ..."), never alone: "the Met Office".
        ("the met", ("abbreviations",)),
        ("wmp", ("abbreviations", "short_names")),
        ("police", ("abbreviations", "short_names")),
        ("constabulary", ("abbreviations", "short_names")),
    ],
)
def test_ambiguous_words_are_not_labels(
    rows: list[dict[str, str]], word: str, columns: tuple[str, ...]
) -> None:
    for row in rows:
        for col in columns:
            assert word not in [p.casefold() for p in _split(row[col])], (row["id"], col)


def test_abbreviations_have_no_spaces_except_hmi_forms(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for abbr in _split(row["abbreviations"]):
            assert " " not in abbr or abbr.startswith("HMI "), (row["id"], abbr)


def test_hmic_and_hmicfrs(rows: list[dict[str, str]]) -> None:
    by_id = _by_id(rows)
    hmic, hmicfrs = by_id["hmic"], by_id["hmicfrs"]
    assert hmic["kind"] == hmicfrs["kind"] == "inspectorate"
    assert hmic["name"] == "Her Majesty's Inspectorate of Constabulary"
    assert "HMIC" in _split(hmic["abbreviations"])
    assert "HMICFRS" in _split(hmicfrs["abbreviations"])
    assert hmic["successor"] == "hmicfrs"
    assert hmic["valid_to"] and hmicfrs["valid_from"]
    assert _parse_date(hmic["valid_to"]) <= _parse_date(hmicfrs["valid_from"])
    assert not hmicfrs["valid_to"]


def test_bodies_named_in_the_seed_release_are_present(rows: list[dict[str, str]]) -> None:
    labels = {
        label.casefold(): row["kind"]
        for row in rows
        for label in [row["name"], *_split(row["abbreviations"]), *_split(row["alt_names"])]
    }
    for label, kind in [
        ("West Mercia Police", "police-force"),
        ("Warwickshire Police", "police-force"),
        ("Serious Organised Crime Agency", "inspected-body"),
        ("Police Service of Northern Ireland", "police-force"),
        ("British Transport Police", "police-force"),
        ("HMRC", "inspected-body"),
        ("Her Majesty's Inspectorate of Constabulary", "inspectorate"),
    ]:
        assert labels.get(label.casefold()) == kind, label


def test_fire_and_rescue_services_of_england(rows: list[dict[str, str]]) -> None:
    current = [
        row
        for row in rows
        if row["kind"] == "inspected-body"
        and row["country"] == "England"
        and ("Fire" in row["name"])
        and not row["valid_to"]
    ]
    assert len(current) == 44, [row["name"] for row in current]
    assert all(not row["short_names"] and not row["ons_code"] for row in current)
