"""Our own corpus of varied releases (tests/releases/, fictional text written
for testing) read as well as the seed: per-release checks on the development
part, and the F1 floor of issue 3 on the held-out test part."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hmic_graph import extract_release, load_release, validate
from hmic_graph.extract.sources import read_source
from hmic_graph.ingest.evaluate import CATEGORIES, evaluate_folder, expected_items, release_items

RELEASES = Path(__file__).parent / "releases"
DEV = sorted((RELEASES / "dev").glob("*.txt"))
TEST = sorted((RELEASES / "test").glob("*.txt"))

# Categories where every expected item must be found in every dev release.
STRICT = ("subject", "forces", "people", "quotes", "contact_points", "alliances")


@pytest.mark.parametrize("path", DEV, ids=lambda p: p.stem)
def test_dev_release_extracts_its_key_facts(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    got = release_items(extract_release(read_source(path)))
    want = expected_items(expected)
    for category in STRICT:
        assert got[category] == want[category], category


@pytest.mark.parametrize("path", DEV + TEST, ids=lambda p: p.stem)
def test_every_release_graph_conforms(path: Path) -> None:
    report = validate(load_release(path))
    assert report.conforms, report.to_text()


def test_test_part_f1_is_at_least_0_9() -> None:
    evaluation = evaluate_folder(RELEASES / "test")
    assert evaluation.releases == len(TEST) >= 12
    assert evaluation.overall.f1 >= 0.9, evaluation.to_table()
    for category in CATEGORIES:
        assert evaluation.scores[category].f1 >= 0.75, evaluation.to_table()


def test_not_a_release_gives_an_empty_valid_graph() -> None:
    recipe = next(p for p in DEV if "recipe" in p.stem)
    release = extract_release(read_source(recipe))
    assert release.about == () and release.quotes == () and release.findings == ()
    assert release.publisher is None


def test_evaluate_counts_misses_and_inventions(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Kent Police praised\n\nKent Police works well with councils.\n", encoding="utf-8"
    )
    expected = {"subject": ["Kent Police"], "forces": ["Kent Police", "Essex Police"]}
    (tmp_path / "a.json").write_text(json.dumps(expected), encoding="utf-8")
    evaluation = evaluate_folder(tmp_path)
    forces = evaluation.scores["forces"]
    assert (forces.true_positives, forces.false_positives, forces.false_negatives) == (1, 0, 1)
    assert forces.recall == 0.5
    assert evaluation.scores["subject"].f1 == 1.0
