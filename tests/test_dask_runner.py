"""The Dask runner on a local cluster makes the store ``hmic-graph load --workers 2`` makes."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hmic_graph.cli import main as cli
from hmic_graph.ingest.dask_runner import Shard, ShardLoader, load_shards, read_shards, run_dask
from hmic_graph.ingest.pipeline import process_file, process_text
from hmic_graph.model.errors import HmicGraphError
from hmic_graph.model.resources import example_releases
from hmic_graph.rdf.validation import ValidationReport
from hmic_graph.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import generate

distributed = pytest.importorskip("distributed")

DEV = Path(__file__).parent / "releases" / "dev"
DEV_NAMES = ("001_cumbria-asb-followup.txt", "005_kent-crime-data.txt", "013_humberside-peel.txt")

Main = Callable[[list[str]], int]


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eleven files: the seed, three dev releases, five synthetic ones, an empty file and a
    recipe (no release); a manifest gives one release its date, URL and id."""
    folder = tmp_path_factory.mktemp("releases")
    name, text = example_releases()[0]
    (folder / Path(name).name).write_text(text, encoding="utf-8")
    for dev in DEV_NAMES:
        shutil.copy(DEV / dev, folder / dev)
    generate.write_releases(folder, 5, seed=4)
    (folder / "zz-empty.txt").write_text("", encoding="utf-8")
    shutil.copy(DEV / "024_lemon-loaf-recipe.txt", folder / "zz-recipe.txt")
    (folder / "manifest.csv").write_text(
        "file,published,source,release_id\n"
        "005_kent-crime-data.txt,2014-03-27,https://example.org/kent,kent-2014\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    # Threads in this process: worker processes would each import the
    # library again, which is slow in CI and adds nothing to what is checked.
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


@pytest.fixture
def main(monkeypatch: pytest.MonkeyPatch) -> Main:
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("hmic_graph.cli.store",))
    return cli.main


def export(main: Main, store: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    capsys.readouterr()
    assert main(["export", "--store", str(store), "-f", "nquads"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines
    return lines


def test_dask_on_two_workers_gives_the_store_of_load_workers_2(
    main: Main,
    releases: Path,
    client: object,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    shards = run_dask([releases], tmp_path / "shards", scheduler=client, partition_size=3)
    assert [shard.index for shard in shards] == [0, 3, 6, 9]  # 11 files, 3 a partition
    assert read_shards(tmp_path / "shards") == shards

    skipped: list[tuple[Path, ValidationReport | str]] = []
    with open_store(tmp_path / "dask") as store:
        done = load_shards(
            store, tmp_path / "shards", batch_size=4, skipped=lambda p, r: skipped.append((p, r))
        )
    assert len(done.loaded) == 9
    assert "https://w3id.org/hmic-graph/id/release/kent-2014" in done.loaded  # the manifest's id
    assert list(done.errors) == [str(releases / "zz-empty.txt")]
    assert list(done.unrelated) == [str(releases / "zz-recipe.txt")]
    assert [path.name for path, _reason in skipped] == ["zz-empty.txt", "zz-recipe.txt"]

    assert main(["load", str(releases), "--store", str(tmp_path / "cli"), "--workers", "2"]) == 2
    assert export(main, tmp_path / "dask", capsys) == export(main, tmp_path / "cli", capsys)


def test_loading_the_shards_twice_changes_nothing(
    main: Main, releases: Path, client: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shards = run_dask([releases], tmp_path / "shards", scheduler=client, partition_size=4)
    with open_store(tmp_path / "store") as store:
        load_shards(store, shards)
    once = export(main, tmp_path / "store", capsys)
    with open_store(tmp_path / "store") as store:
        again = load_shards(store, shards)
    assert len(again.loaded) == 9
    assert export(main, tmp_path / "store", capsys) == once


def test_a_release_that_does_not_conform_is_reported_with_its_report(
    releases: Path, tmp_path: Path
) -> None:
    shards = run_dask([releases / "001_cumbria-asb-followup.txt"], tmp_path / "s", scheduler="sync")
    manifest = json.loads(shards[0].manifest.read_text(encoding="utf-8"))
    entry = manifest["releases"][0]
    entry["name"], entry["report"] = (
        None,
        {
            "conforms": False,
            "results": [
                {
                    "severity": "Violation",
                    "focus_node": "urn:x",
                    "path": None,
                    "message": "broken",
                    "source_shape": None,
                    "value": None,
                }
            ],
        },
    )
    shards[0].manifest.write_text(json.dumps(manifest), encoding="utf-8")
    with open_store() as store:
        done = load_shards(store, shards)
        assert store.releases() == []
    (report,) = done.invalid.values()
    assert not report.conforms and report.results[0].message == "broken"


def test_the_pipeline_gives_the_same_bytes_for_a_file_and_its_text(releases: Path) -> None:
    path = releases / "005_kent-crime-data.txt"
    from_file = process_file(path)
    from_text = process_text(path.read_text(encoding="utf-8"), name=str(path))
    assert from_file.loaded and from_file == from_text
    assert from_file.report is not None and from_file.report.conforms
    empty = process_text("   ", name="empty.txt")
    assert not empty.loaded and empty.error and empty.located


def test_run_dask_refuses_a_bad_partition_size(releases: Path, tmp_path: Path) -> None:
    with pytest.raises(HmicGraphError, match="partition_size"):
        run_dask([releases], tmp_path, partition_size=0)


def test_a_folder_without_shards_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(HmicGraphError, match="no shards"):
        read_shards(tmp_path)


def test_the_dask_command_makes_the_store_of_load(
    releases: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(cli, "COMMAND_MODULES", ("hmic_graph.cli.store", "hmic_graph.cli.dask"))
    dask_store, load_store = tmp_path / "dask", tmp_path / "load"
    code = cli.main(
        [
            "dask",
            str(releases),
            "--shards",
            str(tmp_path / "shards"),
            "--store",
            str(dask_store),
            "--workers",
            "1",
            "--partition-size",
            "4",
        ]
    )
    assert code == 2  # as load: the empty file is an error
    err = capsys.readouterr().err
    assert "wrote 3 shards" in err and "loaded 9 releases into" in err and "; 2 skipped" in err
    assert cli.main(["load", str(releases), "--store", str(load_store), "--workers", "2"]) == 2

    def export(store: Path) -> list[str]:
        capsys.readouterr()
        assert cli.main(["export", "--store", str(store), "-f", "nquads"]) == 0
        return capsys.readouterr().out.splitlines()

    assert export(dask_store) == export(load_store)


def test_a_store_written_while_the_cluster_works_is_the_same(
    main: Main, releases: Path, client: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``on_shard``: shards come in input order while later ones are made; same store."""
    seen: list[int] = []
    with open_store(tmp_path / "streamed") as store:
        loader = ShardLoader(store)

        def on_shard(shard: Shard) -> None:
            seen.append(shard.index)
            loader.add(shard)

        shards = run_dask(
            [releases], tmp_path / "shards", scheduler=client, partition_size=2, on_shard=on_shard
        )
        done = loader.finish()
    assert seen == [shard.index for shard in shards] == sorted(seen)
    assert len(done.loaded) == 9
    with open_store(tmp_path / "after") as store:
        load_shards(store, shards)
    assert export(main, tmp_path / "streamed", capsys) == export(main, tmp_path / "after", capsys)
