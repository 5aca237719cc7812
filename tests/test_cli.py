"""The hmic-graph command: exit codes, formats, files, errors without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from hmic_graph.cli.main import EXIT_ERROR, EXIT_INVALID, EXIT_OK, main
from hmic_graph.extract.sources import source_from_text

KENT = """Kent Police praised for its work on burglary

Her Majesty's Inspectorate of Constabulary (HMIC) found that Kent Police works well with
councils and schools. However, the force needs to improve how it records crime.

HM Inspector of Constabulary Amelia Hartwell said:

"Kent Police has shown real commitment to victims."
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hmic_graph", *args], capture_output=True, text=True, check=False
    )


def test_build_bundled_seed_to_file(tmp_path: Path) -> None:
    out = tmp_path / "seed.ttl"
    assert main(["build", "-o", str(out)]) == EXIT_OK
    graph = Graph().parse(out, format="turtle")
    assert len(graph) > 100


def test_build_to_stdout_in_each_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--format", "nt"]) == EXIT_OK
    nt = capsys.readouterr().out
    lines = nt.splitlines()
    assert lines == sorted(lines) and len(lines) > 100
    assert main(["build", "--format", "json-ld"]) == EXIT_OK
    doc = json.loads(capsys.readouterr().out)
    assert "@context" in doc


def test_build_trig_keeps_a_named_graph_per_release(tmp_path: Path) -> None:
    (tmp_path / "kent.txt").write_text(KENT, encoding="utf-8")
    out = tmp_path / "all.trig"
    assert main(["build", str(tmp_path), "-o", str(out)]) == EXIT_OK
    text = out.read_text(encoding="utf-8")
    # The release IRI comes from the text's checksum, not from the file name.
    release_id = source_from_text(KENT).sha256[:16]
    assert f"release/{release_id}" in text and "release/kent" not in text
    assert "GRAPH" not in text.upper().split("@PREFIX")[0]


def test_build_release_file_with_published_date(tmp_path: Path) -> None:
    release = tmp_path / "kent.txt"
    release.write_text(KENT, encoding="utf-8")
    out = tmp_path / "kent.ttl"
    assert main(["build", str(release), "--published", "2014-05-01", "-o", str(out)]) == EXIT_OK
    assert '"2014-05-01"^^xsd:date' in out.read_text(encoding="utf-8")


def test_missing_release_is_a_clear_error(tmp_path: Path) -> None:
    result = run("build", str(tmp_path / "nope.txt"))
    assert result.returncode == EXIT_ERROR
    assert "nope.txt: no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_published_date_is_an_error(tmp_path: Path) -> None:
    result = run("build", "--published", "yesterday")
    assert result.returncode == EXIT_ERROR
    assert "Traceback" not in result.stderr


def test_validate_reports_a_broken_graph(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        "@prefix hmic: <https://w3id.org/hmic-graph/ontology#> .\n"
        "<https://w3id.org/hmic-graph/id/force/x> a hmic:PoliceForce .\n",
        encoding="utf-8",
    )
    result = run("validate", str(broken))
    assert result.returncode == EXIT_INVALID
    assert "force/x" in result.stdout
    as_json = run("validate", str(broken), "--format", "json")
    assert json.loads(as_json.stdout)["conforms"] is False


def test_validate_unparseable_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    result = run("validate", str(bad))
    assert result.returncode == EXIT_ERROR
    assert "bad.ttl" in result.stderr and "Traceback" not in result.stderr


def test_query_named_and_bound(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "seed.ttl"
    assert main(["build", "-o", str(out)]) == EXIT_OK
    assert main(["query", "quotes", "--data", str(out), "--format", "csv"]) == EXIT_OK
    csv_text = capsys.readouterr().out
    assert csv_text.splitlines()[0].startswith("speakerName")
    assert len(csv_text.splitlines()) == 3
    assert (
        main(["query", "mentions", "--data", str(out), "--bind", "name=Nobody", "-f", "json"])
        == EXIT_OK
    )
    assert "Nobody" not in capsys.readouterr().out.replace('"name"', "")


def test_query_unknown_name_lists_names() -> None:
    result = run("query", "no-such-query")
    assert result.returncode == EXIT_ERROR
    assert "quotes" in result.stderr


def test_query_list_and_stats(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "--list"]) == EXIT_OK
    listing = capsys.readouterr().out
    assert "release-subject" in listing and "mentions" in listing
    assert main(["stats"]) == EXIT_OK
    stats = capsys.readouterr().out
    assert "PressRelease" in stats and "triples" in stats


def test_help_on_each_command() -> None:
    for command in ("build", "validate", "query", "stats"):
        result = run(command, "--help")
        assert result.returncode == 0
        assert "exit codes" in result.stdout
