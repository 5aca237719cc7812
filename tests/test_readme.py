"""Every ```python block of the README runs as written.

The blocks run in order, sharing one namespace (a later block may use what
an earlier one made), in a fresh folder holding what they name: the bundled
seed release as ``release.txt`` and a few corpus releases in ``releases/``.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from hmic_graph.model.resources import example_releases

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "releases" / "dev"
CORPUS = (
    "002_norfolk-suffolk-effectiveness.txt",
    "005_kent-crime-data.txt",
    "008_devon-cornwall-efficiency.txt",
    "012_dyfed-powys-effectiveness.txt",
    "014_essex-fire.txt",
)
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def blocks() -> list[str]:
    return BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def test_the_readme_has_python_blocks() -> None:
    assert len(blocks()) >= 3


def test_every_python_block_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "release.txt").write_text(example_releases()[0][1], encoding="utf-8")
    (tmp_path / "releases").mkdir()
    for name in CORPUS:
        shutil.copy(DEV / name, tmp_path / "releases" / name)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "readme"}
    for number, code in enumerate(blocks(), start=1):
        try:
            exec(compile(code, f"README.md python block {number}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the message is the point
            pytest.fail(f"README python block {number} fails: {exc!r}\n{code}")
    assert (tmp_path / "network.graphml").stat().st_size > 0
    assert (tmp_path / "network.svg").stat().st_size > 0


def test_the_pictures_the_readme_shows_exist() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+\.png)\)", text)
    assert len(pictures) >= 3
    for picture in pictures:
        data = (ROOT / picture).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000, picture
