"""``hmic-graph load --workers N``: the store is the same whatever N; errors stay as they were."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hmic_graph.cli import main as cli
from hmic_graph.ingest import corpus
from hmic_graph.ingest.releases import store_release
from hmic_graph.model.resources import example_releases
from hmic_graph.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import generate

DEV = Path(__file__).parent / "releases" / "dev"
# Nine releases: more than one chunk (corpus.CHUNK_SIZE), so two workers are really used.
DEV_NAMES = ("001_cumbria-asb-followup.txt", "005_kent-crime-data.txt", "013_humberside-peel.txt")

Main = Callable[[list[str]], int]


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of nine releases: the seed, three dev releases and five synthetic ones."""
    folder = tmp_path_factory.mktemp("releases")
    name, text = example_releases()[0]
    (folder / Path(name).name).write_text(text, encoding="utf-8")
    for dev in DEV_NAMES:
        shutil.copy(DEV / dev, folder / dev)
    generate.write_releases(folder, 5, seed=3)
    assert len(list(folder.glob("*.txt"))) == 9
    return folder


@pytest.fixture
def main(monkeypatch: pytest.MonkeyPatch) -> Main:
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("hmic_graph.cli.store",))
    return cli.main


@pytest.fixture
def pool_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of worker processes each load really used (1: in this process)."""
    sizes: list[int] = []
    real = corpus._outcomes

    def spy(*args: Any, **kwargs: Any) -> Iterator[Any]:
        sizes.append(kwargs["workers"])
        return real(*args, **kwargs)

    monkeypatch.setattr(corpus, "_outcomes", spy)
    return sizes


def load(main: Main, store: Path, *args: str) -> int:
    return main(["load", *args, "--store", str(store)])


def nquads(main: Main, store: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The store's N-Quads export (deterministic), as lines."""
    capsys.readouterr()
    assert main(["export", "--store", str(store), "-f", "nquads"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines
    return lines


def graphs(store: Path) -> dict[str, set[Any]]:
    with open_store(store, create=False) as opened:
        return {name: set(opened.graph(name)) for name in opened.releases()}


def test_one_and_two_workers_give_the_same_store(
    main: Main,
    releases: Path,
    tmp_path: Path,
    pool_sizes: list[int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    assert load(main, one, str(releases), "--workers", "1") == 0
    assert load(main, two, str(releases), "--workers", "2") == 0
    assert pool_sizes == [1, 2]
    assert "loaded 9 releases into" in capsys.readouterr().err
    expected = nquads(main, one, capsys)
    assert nquads(main, two, capsys) == expected
    by_graph = graphs(one)
    assert len(by_graph) == 9 and graphs(two) == by_graph

    # Loading again (each release replaced, one of them twice) changes nothing.
    again = [str(releases), str(sorted(releases.glob("*.txt"))[0])]
    assert load(main, two, *again, "--workers", "2") == 0
    # Each release is counted once, as the store holds it.
    assert "loaded 9 releases into" in capsys.readouterr().err
    assert nquads(main, two, capsys) == expected

    # Both equal what loading the releases one by one with the store's API gives.
    reference = tmp_path / "reference"
    with open_store(reference) as store:
        for path in sorted(releases.glob("*.txt")):
            store_release(store, path)
    assert nquads(main, reference, capsys) == expected

    # A changed text is another release (its IRI comes from its text): it is
    # added, and every graph loaded before is kept as it was.
    changed = tmp_path / "changed"
    shutil.copytree(releases, changed)
    kent = changed / "005_kent-crime-data.txt"
    kent.write_text(
        kent.read_text(encoding="utf-8").replace("Kent Police", "Essex Police"), encoding="utf-8"
    )
    assert load(main, two, str(kent), "--workers", "2") == 0
    with open_store(reference) as store:
        name = store_release(store, kent)
    after = graphs(two)
    assert name not in by_graph and after[name] == graphs(reference)[name]
    assert {k: v for k, v in after.items() if k != name} == by_graph


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_bad_file_among_good_ones_is_named_skipped_and_exits_2(
    main: Main,
    releases: Path,
    tmp_path: Path,
    workers: str,
    pool_sizes: list[int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(releases, folder)
    empty = folder / "004-empty.txt"
    empty.write_text("", encoding="utf-8")
    binary = folder / "zz-binary.txt"
    binary.write_bytes(b"\x00\x01\x02 not text")
    db = tmp_path / "db"
    assert load(main, db, str(folder), "--workers", workers) == 2
    assert pool_sizes == [int(workers)]
    err = capsys.readouterr().err
    assert f"{empty}: the release is empty; skipped\n" in err
    assert f"{binary}: this is a binary file, not a text release; skipped\n" in err
    assert "loaded 9 releases into" in err and "; 2 skipped" in err
    assert "Traceback" not in err
    assert len(graphs(db)) == 9


def test_a_missing_path_is_an_error_and_creates_no_store(
    main: Main, releases: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db"
    missing = tmp_path / "missing.txt"
    assert load(main, db, str(releases), str(missing), "--workers", "2") == 2
    assert f"hmic-graph: error: {missing}: no such file or folder" in capsys.readouterr().err
    assert not db.exists()


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_workers_below_one_or_not_a_number_is_a_usage_error(
    main: Main, releases: Path, tmp_path: Path, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "db"
    with pytest.raises(SystemExit) as exited:
        load(main, db, str(releases), f"--workers={value}")
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "usage: hmic-graph load" in err and "argument --workers:" in err
    assert not db.exists()


def test_skipped_reports_each_release_as_it_is_skipped(tmp_path: Path) -> None:
    from hmic_graph.rdf.validation import ValidationReport

    good = DEV / DEV_NAMES[0]
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    seen: list[tuple[Path, ValidationReport | str]] = []
    with open_store() as store:
        outcome = corpus.load_releases(
            store,
            [good, empty],
            workers=1,
            transactional=True,
            skipped=lambda path, reason: seen.append((path, reason)),
        )
    assert seen == [(empty, f"{empty}: the release is empty")]
    assert list(outcome.errors) == [str(empty)] and len(outcome.loaded) == 1
