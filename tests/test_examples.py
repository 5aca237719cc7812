"""The examples run and print what they promise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(name: str) -> str:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name)], capture_output=True, text=True, check=True
    )
    return result.stdout


def test_quickstart_prints_the_seed_answers() -> None:
    out = run("quickstart.py")
    assert "was inspected by" in out
    assert "AreaForImprovement" in out and "Strength" in out
    assert "triples" in out


def test_network_example_prints_centrality_and_a_path() -> None:
    out = run("network_analysis.py")
    assert "degree centrality" in out
    path_line = out.split("Shortest path from", 1)[1].splitlines()[1]
    assert path_line.count("->") >= 1
