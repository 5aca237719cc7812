"""The background validator gives pySHACL's verdicts, in a child process or in this one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from hmic_graph import load_release
from hmic_graph.ingest.validator_process import ValidatorProcess
from hmic_graph.model.namespaces import HMIC, SCHEMA
from hmic_graph.rdf.validation import validate

RELEASE = (
    "Durham Constabulary works well with councils, inspectors said\n\n"
    "HMIC found that Durham Constabulary works closely with local councils and "
    "health services to keep people safe."
)


def _broken_graphs():
    """A valid graph and three broken copies, each breaking a different kind of shape."""
    graph = load_release(RELEASE)
    no_name = load_release(RELEASE)
    force = next(no_name.subjects(RDF.type, HMIC.PoliceForce))
    no_name.remove((force, SCHEMA.name, None))
    bad_literal = load_release(RELEASE)
    bad_literal.add((force, SCHEMA.name, Literal(" padded name ")))
    untyped = load_release(RELEASE)
    untyped.add((URIRef("urn:x:not an iri"), RDF.type, HMIC.PoliceForce))
    return {"valid": graph, "no-name": no_name, "bad-literal": bad_literal, "untyped": untyped}


def test_child_and_in_process_validation_agree_on_valid_and_broken_graphs():
    # In a fresh interpreter, so no thread pytest or another test started stops the fork.
    script = textwrap.dedent(
        """
        import json, sys
        sys.path.insert(0, "tests")
        from test_validator_process import _broken_graphs
        from hmic_graph.rdf.validation import validate
        from hmic_graph.ingest.validator_process import ValidatorProcess

        out = {}
        with ValidatorProcess() as validator:
            assert validator.in_background, "no child process was started"
            for name, graph in _broken_graphs().items():
                child = validator.validate(graph)
                here = validate(graph)
                out[name] = {"same": child == here, "conforms": child.conforms,
                             "results": len(child.results),
                             "graph": len(child.results_graph) == len(here.results_graph)}
            assert validator.in_background, "the child stopped on the way"
        print(json.dumps(out))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["valid"] == {"same": True, "conforms": True, "results": 0, "graph": True}
    for name in ("no-name", "bad-literal", "untyped"):
        assert out[name]["same"], name
        assert out[name]["graph"], name
        assert not out[name]["conforms"], name
        assert out[name]["results"] >= 1, name


def test_in_process_mode_gives_the_same_reports():
    with ValidatorProcess(background=False) as validator:
        assert not validator.in_background
        for name, graph in _broken_graphs().items():
            assert validator.validate(graph) == validate(graph), name


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child is forked on Linux only")
def test_a_killed_child_falls_back_to_validating_here():
    graphs = _broken_graphs()
    with ValidatorProcess() as validator:
        if not validator.in_background:
            pytest.skip("another thread is running in this test process, so no child was forked")
        assert validator._pid is not None
        os.kill(validator._pid, signal.SIGKILL)
        report = validator.validate(graphs["no-name"])
        assert not validator.in_background
    assert report == validate(graphs["no-name"])
    assert not report.conforms


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the child is forked on Linux only")
def test_closing_reaps_the_child():
    validator = ValidatorProcess()
    pid = validator._pid
    validator.close()
    assert not validator.in_background
    if pid is not None:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_build_exit_codes_are_unchanged_with_the_child(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(RELEASE, encoding="utf-8")
    out = tmp_path / "out.ttl"
    done = subprocess.run(
        [sys.executable, "-m", "hmic_graph", "build", str(good), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    reference = subprocess.run(
        [sys.executable, "-m", "hmic_graph", "build", str(good), "--no-validate"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.read_text(encoding="utf-8") == reference.stdout


def test_a_child_is_used_only_with_a_spare_core(monkeypatch):
    from hmic_graph.ingest import validator_process

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.2, 0.2, 0.2))
    assert validator_process.spare_core()
    monkeypatch.setattr(os, "getloadavg", lambda: (1.9, 1.0, 1.0))  # the other core is busy
    assert not validator_process.spare_core()
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert not validator_process.spare_core()  # one usable core: parent and child would take turns
