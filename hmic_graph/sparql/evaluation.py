"""How every caller evaluates a query on a :class:`pyoxigraph.Store`: :func:`solve`.

The Python API and the CLI (through :func:`hmic_graph.sparql.oxigraph.run`)
and the server's SPARQL workers (:mod:`hmic_graph.serve.worker`) all run
queries here, so a question gives the same rows on every path:

* a bundled question (a :class:`~hmic_graph.sparql.catalogue.QueryText`
  with a ``name``) runs in its Oxigraph form when it has one
  (:func:`~hmic_graph.sparql.catalogue.oxigraph_form`); any other text runs
  as given;
* a final ``ORDER BY`` of plain variables is applied to the rows in Python
  (:mod:`hmic_graph.sparql.order`) when it can be, else by Oxigraph;
* rows are read one at a time, and with ``max_rows`` reading stops at
  ``max_rows + 1`` (:class:`TooManyRows`), so a large answer never sits in
  memory whole;
* ``limit`` and ``offset`` page a SELECT answer after its ``ORDER BY``
  (an unordered one is read no further than the page);
* with ``kept`` (:class:`~hmic_graph.sparql.answers.AnswerFiles`), a bundled
  question asked without bindings is read from its kept answer, a page
  costing only its rows, and its whole answer, once evaluated, is kept.

Answers hold pyoxigraph's own terms: each caller writes them its way
(:class:`~hmic_graph.sparql.query.QueryResult` strings, SPARQL JSON terms).
This module imports no rdflib, so a server worker that imports it still
starts in a fraction of a second. Engine errors (``SyntaxError`` for a
malformed query, ``OSError``/``RuntimeError``/``ValueError`` when evaluation
fails) pass through unchanged: each caller words them for its own users.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from hmic_graph.model.errors import InvalidQuery
from hmic_graph.sparql.catalogue import QueryText, oxigraph_form
from hmic_graph.sparql.order import final_order, ordered, row_of

if TYPE_CHECKING:
    from hmic_graph.sparql.answers import AnswerFiles

__all__ = ["Answer", "Constructed", "Selected", "TooManyRows", "engine_text", "solve"]


class TooManyRows(InvalidQuery):
    """A query gave more rows (or triples) than the caller's ``max_rows``.

    :param max_rows: the limit that was passed.
    """

    def __init__(self, max_rows: int) -> None:
        super().__init__(f"the query gives more than {max_rows} rows")
        self.max_rows = max_rows


@dataclass(frozen=True, slots=True)
class Selected:
    """A ``SELECT`` answer, in the query's order.

    :param variables: the projected variables' names.
    :param terms: per row, pyoxigraph's terms (``None`` where unbound).
    :param rows: per row, the plain values of those terms (:func:`~hmic_graph.sparql.order.row_of`).
    """

    variables: tuple[str, ...]
    terms: list[tuple[Any, ...]]
    rows: list[tuple[str | None, ...]]


@dataclass(frozen=True, slots=True)
class Constructed:
    """A ``CONSTRUCT`` or ``DESCRIBE`` answer: ``(subject, predicate, object)`` terms, as the engine gave them."""

    triples: list[tuple[Any, Any, Any]]


Answer = Selected | Constructed | bool
"""What :func:`solve` gives: rows, triples, or an ``ASK``'s answer."""


def engine_text(resolved: QueryText) -> str:
    """The text Oxigraph runs for ``resolved``: a bundled question's Oxigraph form, else its text."""
    if resolved.name is not None:
        form = oxigraph_form(resolved.name)
        if form is not None:
            return form
    return resolved.text


def solve(
    db: ox.Store,
    resolved: QueryText,
    *,
    prefixes: Mapping[str, str],
    substitutions: Mapping[Any, Any] | None = None,
    max_rows: int | None = None,
    limit: int | None = None,
    offset: int = 0,
    kept: AnswerFiles | None = None,
) -> Answer:
    """Evaluate ``resolved`` on ``db``'s default graph; see the module docstring.

    :param prefixes: prefixes the query may use without declaring them.
    :param substitutions: pyoxigraph variables -> terms, bound without touching the text.
    :param max_rows: the most rows (or triples) to read; ``None`` for all.
    :param limit: the most rows of a SELECT answer to return (``None``: all).
    :param offset: the rows of a SELECT answer to skip first.
    :param kept: the store's kept answers, read and written for bundled questions.
    :raises TooManyRows: more than ``max_rows`` rows had to be read.

    >>> db = ox.Store()
    >>> solve(db, QueryText("ASK { ?s ?p ?o }", "text"), prefixes={})
    False
    """
    name = resolved.name if kept is not None and not substitutions else None
    if name is not None:
        assert kept is not None
        found = kept.read(name, limit=limit, offset=offset, max_rows=max_rows)
        if found is not None:
            return found
    # The whole answer is read when it is to be kept; else an unordered one
    # no further than the page.
    keeping = name is not None and kept is not None and kept.current is not None
    stop = None if limit is None or keeping else offset + limit
    text = engine_text(resolved)
    # Sorting in Python needs every row decoded, which the callers do anyway;
    # Oxigraph sorts instead when a key is of a kind whose order is not known
    # here (hmic_graph.sparql.order), at the cost of a second evaluation.
    plan = final_order(text)
    answer: Answer | None = None
    if plan is not None:
        try:
            result = _evaluate(db, plan[0], prefixes, substitutions)
        except SyntaxError:
            result = None  # the whole text gives the right error below
        if result is not None:
            answer = _read(result, plan[1], max_rows, None)
    if answer is None:
        answer = _read(_evaluate(db, text, prefixes, substitutions), (), max_rows, stop)
        assert answer is not None  # with no order to apply, every answer reads
    if not isinstance(answer, Selected):
        return answer
    if keeping:
        assert name is not None and kept is not None
        kept.keep(name, answer)
    if limit is None and offset == 0:
        return answer
    end = None if limit is None else offset + limit
    return Selected(answer.variables, answer.terms[offset:end], answer.rows[offset:end])


def _evaluate(
    db: ox.Store, text: str, prefixes: Mapping[str, str], substitutions: Mapping[Any, Any] | None
) -> Any:
    try:
        return db.query(
            text, prefixes=dict(prefixes), substitutions=dict(substitutions or {}) or None
        )
    except RuntimeError as exc:
        # Oxigraph substitutes only variables a SELECT projects; bind the
        # others with a trailing VALUES clause, joined before the projection,
        # of terms written by pyoxigraph (never raw text).
        if not substitutions or "projection" not in str(exc):
            raise
        return db.query(text + _values_clause(substitutions), prefixes=dict(prefixes))


def _values_clause(substitutions: Mapping[Any, Any]) -> str:
    variables = " ".join(f"?{variable.value}" for variable in substitutions)
    terms = " ".join(str(term) for term in substitutions.values())
    return f"\nVALUES ({variables}) {{ ({terms}) }}\n"


def _read(
    result: Any, order: tuple[tuple[str, bool], ...], max_rows: int | None, stop: int | None
) -> Answer | None:
    """``result`` read up to ``max_rows``, sorted by ``order`` (variable, descending) if given;
    the solutions of an unordered one read no further than ``stop`` if given.

    ``None`` when ``order`` cannot be applied here (a variable is not
    projected, or :func:`~hmic_graph.sparql.order.ordered` does not know how
    to order a key): the caller then lets Oxigraph sort.
    """
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QueryTriples):
        found = _bounded(((t.subject, t.predicate, t.object) for t in result), max_rows)
        return Constructed(found)
    variables = tuple(v.value for v in result.variables)
    if any(name not in variables for name, _ in order):
        return None
    rows: Iterable[tuple[Any, ...]] = (tuple(solution) for solution in result)
    if stop is not None and not order:
        rows = itertools.islice(rows, stop)
    solutions = _bounded(rows, max_rows)
    if not order:
        return Selected(variables, solutions, list(map(row_of, solutions)))
    sorted_rows = ordered(solutions, [(variables.index(name), desc) for name, desc in order])
    if sorted_rows is None:
        return None
    return Selected(variables, *sorted_rows)


def _bounded(items: Iterable[Any], max_rows: int | None) -> list[Any]:
    """The items as a list, or :class:`TooManyRows` as soon as there are more than ``max_rows``."""
    if max_rows is None:
        return list(items)
    found = list(itertools.islice(items, max_rows + 1))
    if len(found) > max_rows:
        raise TooManyRows(max_rows)
    return found
