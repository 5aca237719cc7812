"""examples/analysis.py loads the corpus, takes data frames and draws its charts to PNG."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "analysis.py"


def test_the_analysis_example_draws_its_charts(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert "datetime64" in result.stdout  # release dates come out as dates
    for name in ("judgements.png", "partner-kinds.png", "network.png"):
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n"), name
        assert len(data) > 20_000, name
        assert f"wrote {tmp_path / name}" in result.stdout
