"""Faults lose nothing: a load killed half-way, and no network at run time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Graph

from hmic_graph.ingest.releases import load_corpus
from hmic_graph.rdf.build import merge_graphs
from hmic_graph.store import open_store

DEV = Path(__file__).parent / "releases" / "dev"


def test_a_load_killed_half_way_leaves_the_store_readable_and_complete(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    seed = tmp_path / "first"
    seed.mkdir()
    first = sorted(DEV.glob("*.txt"))[0]
    (seed / first.name).write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "hmic_graph", "load", str(seed), "--store", str(store_dir)],
        check=True,
        capture_output=True,
    )
    expected = load_corpus([DEV])
    # Kill the second load at several moments: before, during and after some commits.
    for delay in (0.3, 1.0, 1.8):
        process = subprocess.Popen(
            [sys.executable, "-m", "hmic_graph", "load", str(DEV), "--store", str(store_dir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        with open_store(store_dir, wait=10) as store:
            releases = store.releases()
            assert releases, "the release loaded before the crash is gone"
            for name in releases:
                # Every graph present is the whole graph of its release, never a part.
                assert len(store.graph(name)) == len(expected[name]), name


def test_build_needs_no_network(tmp_path: Path) -> None:
    out = tmp_path / "seed.ttl"
    code = (
        "import socket, sys\n"
        "def refuse(*args, **kwargs):\n"
        "    raise OSError('network access attempted')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from hmic_graph.cli.main import main\n"
        f"sys.exit(main(['build', '-o', {str(out)!r}]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 1000


@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_killed_build_leaves_no_partial_output(tmp_path: Path) -> None:
    out = tmp_path / "out.ttl"
    out.write_text("previous\n", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "hmic_graph", "build", str(DEV), "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.8)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    text = out.read_text(encoding="utf-8")
    # Either the old file, untouched, or the whole new graph: never a part.
    if text != "previous\n":
        graph = Graph().parse(data=text, format="turtle")
        assert len(graph) == len(merge_graphs(load_corpus([DEV]).values()))
