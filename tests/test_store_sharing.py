"""Several processes on one store: readers next to a writer, the generation, the log files,
and what ``load`` reports and refuses (issue 10: nothing is lost silently)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef

from hmic_graph.cli.main import main
from hmic_graph.ingest.corpus import load_releases
from hmic_graph.ingest.releases import load_corpus
from hmic_graph.model.errors import HmicGraphError, StoreLocked, StoreNotFound
from hmic_graph.store import encode_graph, open_store, read_generation
from hmic_graph.store.folders import KEPT_LOGS

EX = "https://example.org/"
KENT = "Kent Police praised\n\nKent Police works well with councils, the inspectorate said.\n"
DEVON = "Devon and Cornwall Police praised\n\nDevon and Cornwall Police works well.\n"


def graph_of(*objects: str) -> Graph:
    graph = Graph()
    for index, value in enumerate(objects):
        graph.add((URIRef(f"{EX}s{index}"), URIRef(EX + "p"), Literal(value)))
    return graph


def test_generation_rises_with_every_commit_and_is_read_without_opening(tmp_path: Path) -> None:
    db = tmp_path / "db"
    with open_store(db) as store:
        start = store.generation
        assert read_generation(db) == start
        store.add_graph(EX + "a", graph_of("x"))
        assert store.generation == start + 1 == read_generation(db)
        store.add_encoded([(EX + "b", encode_graph(EX + "b", graph_of("y")))])
        store.remove_release(EX + "a")
        assert store.generation == start + 3 == read_generation(db)
        with pytest.raises(HmicGraphError):
            store.remove_release(EX + "a")  # nothing committed: no new generation
        assert store.generation == start + 3
    with open_store() as memory:
        memory.add_graph(EX + "a", graph_of("x"))
        assert memory.generation == 1


def test_read_only_handles_work_next_to_a_writer_and_refresh(tmp_path: Path) -> None:
    db = tmp_path / "db"
    with open_store(db) as writer:
        writer.add_graph(EX + "a", graph_of("x"))
        with open_store(db, read_only=True) as reader, open_store(db, read_only=True) as other:
            assert reader.releases() == other.releases() == [EX + "a"]
            seen = reader.generation
            assert not reader.refresh()  # nothing new
            writer.add_graph(EX + "b", graph_of("y"))
            assert reader.releases() == [EX + "a"]  # the data of its generation
            assert reader.refresh() and reader.generation > seen
            assert reader.releases() == [EX + "a", EX + "b"]
            with pytest.raises(HmicGraphError, match="opened read-only"):
                reader.add_graph(EX + "c", graph_of("z"))
        with pytest.raises(StoreLocked, match="in use by this process"):
            open_store(db)


READER = textwrap.dedent(
    """
    import sys
    from hmic_graph.store import open_store
    with open_store(sys.argv[1], read_only=True) as store:
        print(len(store.releases()), store.generation)
    """
)


def test_another_process_reads_while_this_one_writes(tmp_path: Path) -> None:
    db = tmp_path / "db"
    with open_store(db) as writer:
        writer.add_graph(EX + "a", graph_of("x"))
        done = subprocess.run(
            [sys.executable, "-c", READER, str(db)], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["1", str(writer.generation)]
        # A second writer is refused with a message that says so.
        second = subprocess.run(
            [sys.executable, "-m", "hmic_graph", "load", "x.txt", "--store", str(db)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert second.returncode == 2
        (tmp_path / "x.txt").write_text(KENT, encoding="utf-8")
        second = subprocess.run(
            [sys.executable, "-m", "hmic_graph", "load", "x.txt", "--store", str(db)],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert second.returncode == 2
        assert "in use by another process that writes to it" in second.stderr
        # Read-only commands work meanwhile.
        for command in (["releases"], ["export", "-f", "nquads"], ["query", "mentions"]):
            done = subprocess.run(
                [sys.executable, "-m", "hmic_graph", *command, "--store", str(db)],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode == 0, (command, done.stderr)


def test_read_only_opening_of_no_store_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFound, match="no store here"):
        open_store(tmp_path / "none", read_only=True)
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoreNotFound, match="holds no store"):
        open_store(tmp_path / "empty", read_only=True)
    assert main(["releases", "--store", str(tmp_path / "none")]) == 2
    assert not (tmp_path / "none").exists()


def test_old_log_files_are_bounded(tmp_path: Path) -> None:
    db = tmp_path / "db"
    for _ in range(KEPT_LOGS + 4):
        with open_store(db) as store:
            store.add_graph(EX + "a", graph_of("x"))
        with open_store(db, read_only=True):
            pass
    old = [p for p in db.iterdir() if p.name.startswith("LOG.old")]
    assert len(old) <= KEPT_LOGS


# --- what load reports, and the same IRI for two texts ----------------------------


def write_pair(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "a" / "release.txt", tmp_path / "b" / "release.txt"
    first.parent.mkdir()
    second.parent.mkdir()
    first.write_text(KENT, encoding="utf-8")
    second.write_text(DEVON, encoding="utf-8")
    return first, second


@pytest.fixture
def one_release_id(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every release gets the id "same", as a manifest naming one id twice would give.

    (Without one, a release's IRI comes from a checksum of its text, so two
    different texts cannot share it by accident.)
    """
    from hmic_graph.ingest import releases

    for function in ("load_parts", "load_release"):
        real = getattr(releases, function)

        def same_id(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
            kwargs["release_id"] = "same"
            return _real(*args, **kwargs)

        monkeypatch.setattr(releases, function, same_id)


def test_two_texts_get_two_release_iris(tmp_path: Path) -> None:
    first, second = write_pair(tmp_path)
    assert len(load_corpus([first, second])) == 2


@pytest.mark.usefixtures("one_release_id")
def test_build_refuses_two_texts_with_one_release_iri(tmp_path: Path) -> None:
    first, second = write_pair(tmp_path)
    with pytest.raises(HmicGraphError) as caught:
        load_corpus([first, second])
    assert str(first) in str(caught.value) and str(second) in str(caught.value)
    assert len(load_corpus([first, first])) == 1  # the same text twice is one release
    assert main(["build", str(first), str(second)]) == 2


@pytest.mark.usefixtures("one_release_id")
def test_load_skips_the_second_text_with_one_release_iri_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = write_pair(tmp_path)
    db = tmp_path / "db"
    with open_store(db) as store:
        outcome = load_releases(store, [first, second], workers=1)
        assert len(outcome.loaded) == 1 and list(outcome.errors) == [str(second)]
        assert str(first) in outcome.errors[str(second)]
        assert len(store.releases()) == 1
    capsys.readouterr()
    args = [str(first), str(second), str(first), "--workers", "1"]
    assert main(["load", *args, "--store", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert f"{second}: has the release IRI" in err and str(first) in err
    assert "loaded 1 release into" in err and "which holds 1 release (" in err


def test_load_reports_what_the_store_then_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "releases"
    folder.mkdir()
    for index, text in enumerate([KENT, DEVON]):
        (folder / f"r{index}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "db"
    assert main(["load", str(folder), str(folder / "r0.txt"), "--store", str(db)]) == 0
    err = capsys.readouterr().err
    assert main(["releases", "--store", str(db)]) == 0
    listed = capsys.readouterr().out.split()
    assert f"loaded {len(listed)} releases into {db}, which holds {len(listed)} releases" in err


def test_a_load_that_skips_every_file_leaves_no_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    db = tmp_path / "db"
    assert main(["load", str(empty), "--store", str(db)]) == 2
    assert not db.exists()
    assert "not created" in capsys.readouterr().err
    # An existing store stays, even when nothing new went in.
    (tmp_path / "kent.txt").write_text(KENT, encoding="utf-8")
    assert main(["load", str(tmp_path / "kent.txt"), "--store", str(db)]) == 0
    assert main(["load", str(empty), "--store", str(db)]) == 2
    with open_store(db, read_only=True) as store:
        assert len(store.releases()) == 1


def test_a_reader_sees_a_load_that_runs_meanwhile(tmp_path: Path) -> None:
    folder = tmp_path / "releases"
    folder.mkdir()
    (folder / "kent.txt").write_text(KENT, encoding="utf-8")
    db = tmp_path / "db"
    assert main(["load", str(folder), "--store", str(db)]) == 0
    with open_store(db, read_only=True) as reader:
        before = reader.generation
        (folder / "devon.txt").write_text(DEVON, encoding="utf-8")
        loader = subprocess.Popen(
            [sys.executable, "-m", "hmic_graph", "load", str(folder), "--store", str(db)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        _, err = loader.communicate(timeout=120)
        assert loader.returncode == 0, err
        deadline = time.monotonic() + 10
        while not reader.refresh() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert reader.generation > before
        assert len(reader.releases()) == 2
