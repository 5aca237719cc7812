"""The Oxigraph engine: a query (named, a ``.rq`` file or SPARQL text) on a :class:`pyoxigraph.Store`.

:func:`run` gives the :class:`~hmic_graph.sparql.query.QueryResult` that
:func:`hmic_graph.sparql.query.query` gives on rdflib for the same data: the
query is resolved by :func:`hmic_graph.sparql.catalogue.resolve`, the
model's prefixes are predeclared (:func:`hmic_graph.model.namespaces.sparql_prefixes`),
bindings are checked by :func:`hmic_graph.sparql.query.checked_bindings` and
passed as pyoxigraph ``substitutions`` (never pasted into the text), and a
bundled question with an Oxigraph form runs in that form
(:func:`~hmic_graph.sparql.catalogue.oxigraph_form`). :func:`evaluate` is the
same up to pyoxigraph's own result object, for callers that write results
themselves (the server).

The store's default graph is queried as it is: a release store keeps the
union of its release graphs there (see :mod:`hmic_graph.store.oxigraph`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef

from hmic_graph.model.errors import InvalidQuery
from hmic_graph.model.namespaces import sparql_prefixes
from hmic_graph.rdf.terms import from_oxigraph, to_oxigraph
from hmic_graph.sparql import frames
from hmic_graph.sparql.catalogue import QueryText, oxigraph_form, resolve
from hmic_graph.sparql.order import final_order, ordered_rows, row_of
from hmic_graph.sparql.query import (
    BindingValue,
    QueryResult,
    check_page,
    checked_bindings,
    is_update,
)

__all__ = ["evaluate", "run"]

_SYNTAX_POSITION = re.compile(r"^error at (\d+):(\d+): ", re.DOTALL)
_VARIABLE = re.compile(r"[?$]([A-Za-z0-9_]+)")


def run(
    db: ox.Store,
    query: str | Path | QueryText,
    *,
    bindings: Mapping[str, BindingValue] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> QueryResult:
    """Run ``query`` on ``db``'s default graph; rows as :func:`hmic_graph.sparql.query.query` gives them.

    :param limit: return at most this many rows of the ordered answer.
    :param offset: skip this many rows of the ordered answer first.
    :raises InvalidQuery: as :func:`hmic_graph.sparql.query.query`.

    >>> db = ox.Store()
    >>> db.add(ox.Quad(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://schema.org/name"), ox.Literal("A")))
    >>> run(db, "SELECT ?n WHERE { ?s schema:name ?n }").rows
    (('A',),)
    """
    check_page(limit, offset)
    resolved = query if isinstance(query, QueryText) else resolve(query)
    substitutions = _substitutions(resolved, bindings)
    text = _engine_text(resolved)
    try:
        # A final ORDER BY of plain variables is applied to the decoded rows
        # (see hmic_graph.sparql.order) when every key is of a kind whose
        # order is known there; otherwise Oxigraph sorts.
        plan = final_order(text)
        if plan is not None:
            try:
                result = _evaluate(db, plan[0], substitutions)
            except SyntaxError:
                result = None  # the whole text gives the right error below
            if result is not None:
                answer = _answer(result, plan[1])
                if answer is not None:
                    return answer.page(limit=limit, offset=offset)
        answer = _answer(_evaluate(db, text, substitutions), ())
        assert answer is not None
        return answer.page(limit=limit, offset=offset)
    except SyntaxError as exc:
        raise _syntax_error(exc, resolved) from exc
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        raise InvalidQuery(f"query {resolved.label} failed: {exc}") from exc


def evaluate(
    db: ox.Store,
    query: str | Path | QueryText,
    *,
    bindings: Mapping[str, BindingValue] | None = None,
) -> Any:
    """pyoxigraph's result of ``query`` on ``db``: ``QuerySolutions``, ``QueryBoolean`` or ``QueryTriples``.

    Rows come in the order of the query's ``ORDER BY`` as Oxigraph applies it.

    :raises InvalidQuery: as :func:`run`.
    """
    resolved = query if isinstance(query, QueryText) else resolve(query)
    substitutions = _substitutions(resolved, bindings)
    try:
        return _evaluate(db, _engine_text(resolved), substitutions)
    except SyntaxError as exc:
        raise _syntax_error(exc, resolved) from exc
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        raise InvalidQuery(f"query {resolved.label} failed: {exc}") from exc


def _engine_text(resolved: QueryText) -> str:
    if resolved.name is not None:
        form = oxigraph_form(resolved.name)
        if form is not None:
            return form
    return resolved.text


def _evaluate(db: ox.Store, text: str, substitutions: dict[Any, Any]) -> Any:
    prefixes = sparql_prefixes()
    try:
        return db.query(text, prefixes=prefixes, substitutions=substitutions or None)
    except RuntimeError as exc:
        # Oxigraph substitutes only variables a SELECT projects; bind the
        # others with a trailing VALUES clause, joined before the projection,
        # of terms written by pyoxigraph (never raw text).
        if not substitutions or "projection" not in str(exc):
            raise
        return db.query(text + _values_clause(substitutions), prefixes=prefixes)


def _answer(result: Any, order: tuple[tuple[str, bool], ...]) -> QueryResult | None:
    """The result as rows; sorted by ``order`` (variable, descending) if given.

    ``None`` when ``order`` cannot be applied here (a variable is not
    projected, or :func:`~hmic_graph.sparql.order.ordered_rows` does not know
    how to order a key): the caller then lets Oxigraph sort.
    """
    if isinstance(result, ox.QueryBoolean):
        answer = "true" if bool(result) else "false"
        return QueryResult(("ask",), ((answer,),), ((frames.XSD_BOOLEAN,),))
    if isinstance(result, ox.QueryTriples):
        found = [(t.subject, t.predicate, t.object) for t in result]
        triples = sorted({tuple(from_oxigraph(term) for term in triple) for triple in found})
        return QueryResult(
            ("subject", "predicate", "object"),
            tuple(tuple(str(term) for term in triple) for triple in triples),
            _kinds(found, 3),
        )
    columns = tuple(v.value for v in result.variables)
    if any(name not in columns for name, _ in order):
        return None
    solutions = [tuple(solution) for solution in result]
    if not order:
        rows: tuple[tuple[str | None, ...], ...] | None = tuple(map(row_of, solutions))
    else:
        rows = ordered_rows(solutions, [(columns.index(name), desc) for name, desc in order])
    return None if rows is None else QueryResult(columns, rows, _kinds(solutions, len(columns)))


def _kinds(solutions: list[tuple[Any, ...]], width: int) -> tuple[tuple[str, ...], ...]:
    """Per column, the kinds of its terms (see :func:`hmic_graph.sparql.frames.column_kinds`).

    Column by column, with one ``type()`` per term and a datatype read only
    for literals: a few per cent of decoding the rows.
    """
    literal, named, unbound = ox.Literal, ox.NamedNode, type(None)
    kinds = []
    for column in range(width):
        terms = [row[column] for row in solutions]
        types = set(map(type, terms))
        found = {term.datatype.value for term in terms if type(term) is literal}
        if named in types:
            found.add(frames.IRI)
        if types - {literal, named, unbound}:
            found.add(frames.BNODE)
        kinds.append(tuple(sorted(found)))
    return tuple(kinds)


def _substitutions(
    resolved: QueryText, bindings: Mapping[str, BindingValue] | None
) -> dict[Any, Any]:
    if not bindings:
        return {}
    used = set(_VARIABLE.findall(resolved.text))
    out: dict[Any, Any] = {}
    for name, term in checked_bindings(bindings, used, resolved.label):
        if not isinstance(term, URIRef | Literal):
            raise InvalidQuery(f"cannot bind ?{name} to {term!r}; use an IRI or a literal")
        try:
            out[ox.Variable(name)] = to_oxigraph(term)
        except ValueError as exc:
            raise InvalidQuery(f"cannot bind ?{name}: {exc}") from exc
    return out


def _values_clause(substitutions: Mapping[Any, Any]) -> str:
    variables = " ".join(f"?{variable.value}" for variable in substitutions)
    terms = " ".join(str(term) for term in substitutions.values())
    return f"\nVALUES ({variables}) {{ ({terms}) }}\n"


def _syntax_error(exc: SyntaxError, resolved: QueryText) -> InvalidQuery:
    message = str(exc.msg if exc.msg else exc)
    line = column = None
    position = _SYNTAX_POSITION.match(message)
    if position:
        line, column = int(position.group(1)), int(position.group(2))
        message = message[position.end() :]
    if is_update(resolved.text):
        return InvalidQuery(f"query {resolved.label} is a SPARQL UPDATE; only queries are run")
    reason = message.splitlines()[0] if message else "syntax error"
    return InvalidQuery(
        f"query {resolved.label} is not valid SPARQL: {reason}",
        path=resolved.path,
        line=line,
        column=column,
    )
