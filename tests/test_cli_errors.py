"""The CLI's one table of exit codes, and bugs reported as bugs (exit 3), not as user errors."""

from __future__ import annotations

import argparse

import pytest

from hmic_graph.cli import common
from hmic_graph.cli import main as cli
from hmic_graph.model.errors import (
    ExportError,
    HmicGraphError,
    InvalidQuery,
    ReleaseUnreadable,
    ResourceError,
    StoreLocked,
    StoreNotFound,
    ValidationFailed,
)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (ValidationFailed("does not conform", report=None), 1),
        (ReleaseUnreadable("binary"), 2),
        (InvalidQuery("unknown query"), 2),
        (StoreNotFound("no store here"), 2),
        (StoreLocked("in use"), 2),
        (ResourceError("missing"), 2),
        (ExportError("cannot write"), 2),
        (HmicGraphError("anything else"), 2),
    ],
)
def test_each_error_has_its_code_from_the_table(
    error: HmicGraphError,
    code: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert common.exit_code(error) == code

    def handler(args: argparse.Namespace) -> int:
        raise error

    monkeypatch.setattr(cli, "_cmd_stats", handler)
    assert cli.main(["stats"]) == code
    assert capsys.readouterr().err == f"hmic-graph: error: {error}\n"


@pytest.mark.parametrize("bug", [ValueError("bad value"), KeyError("k"), AssertionError("no")])
def test_a_bug_exits_3_and_asks_for_a_report(
    bug: Exception, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def handler(args: argparse.Namespace) -> int:
        raise bug

    monkeypatch.setattr(cli, "_cmd_stats", handler)
    assert cli.main(["stats"]) == common.EXIT_INTERNAL == 3
    err = capsys.readouterr().err
    assert err.startswith(f"hmic-graph: internal error: {type(bug).__name__}")
    assert "please report it" in err and "Traceback" not in err


def test_query_list_is_the_same_with_and_without_a_store(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["query", "--list"]) == 0
    plain = capsys.readouterr().out
    assert cli.main(["query", "--list", "--store", "nowhere"]) == 0
    assert capsys.readouterr().out == plain
    assert "quotes" in plain


def test_bind_is_parsed_once_for_every_engine(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["query", "quotes", "--bind", "nope"]) == 2
    assert "--bind takes VAR=VALUE, got 'nope'" in capsys.readouterr().err
    assert common.parse_bindings(["?a=1", "b==2"]) == {"a": "1", "b": "=2"}


def test_every_user_error_is_listed_in_the_exit_code_table() -> None:
    """The one table names each error class, not only their base."""
    from hmic_graph.cli.common import EXIT_CODES
    from hmic_graph.model import errors

    classes = {getattr(errors, name) for name in errors.__all__}
    assert classes == set(EXIT_CODES)
