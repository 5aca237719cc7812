"""The Oxigraph engine: a query (named, a ``.rq`` file or SPARQL text) on a :class:`pyoxigraph.Store`.

:func:`run` gives the :class:`~hmic_graph.sparql.query.QueryResult` that
:func:`hmic_graph.sparql.query.query` gives on rdflib for the same data: the
query is resolved by :func:`hmic_graph.sparql.catalogue.resolve`, the
model's prefixes are predeclared (:func:`hmic_graph.model.namespaces.sparql_prefixes`),
bindings are checked by :func:`hmic_graph.sparql.query.checked_bindings` and
passed as pyoxigraph ``substitutions`` (never pasted into the text), and the
query is evaluated by :func:`hmic_graph.sparql.evaluation.solve`, as the
server's ``/sparql`` evaluates it (a bundled question in its Oxigraph form,
the final ``ORDER BY`` in Python).

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
from hmic_graph.sparql.answers import AnswerFiles
from hmic_graph.sparql.catalogue import QueryText, resolve
from hmic_graph.sparql.evaluation import Selected, solve
from hmic_graph.sparql.query import (
    BindingValue,
    QueryResult,
    check_page,
    checked_bindings,
    is_update,
)

__all__ = ["run"]

_SYNTAX_POSITION = re.compile(r"^error at (\d+):(\d+): ", re.DOTALL)
_VARIABLE = re.compile(r"[?$]([A-Za-z0-9_]+)")


def run(
    db: ox.Store,
    query: str | Path | QueryText,
    *,
    bindings: Mapping[str, BindingValue] | None = None,
    limit: int | None = None,
    offset: int = 0,
    max_rows: int | None = None,
    kept: AnswerFiles | None = None,
) -> QueryResult:
    """Run ``query`` on ``db``'s default graph; rows as :func:`hmic_graph.sparql.query.query` gives them.

    :param limit: return at most this many rows of the ordered answer.
    :param offset: skip this many rows of the ordered answer first.
    :param max_rows: refuse an answer of more rows (or triples) than this,
        reading no further than one past it (the server's bound on memory).
    :param kept: the store's kept answers of the bundled questions (see
        :mod:`hmic_graph.sparql.answers`), read and written for a named
        question asked without bindings.
    :raises InvalidQuery: as :func:`hmic_graph.sparql.query.query`;
        :class:`~hmic_graph.sparql.evaluation.TooManyRows` past ``max_rows``.

    >>> db = ox.Store()
    >>> db.add(ox.Quad(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://schema.org/name"), ox.Literal("A")))
    >>> run(db, "SELECT ?n WHERE { ?s schema:name ?n }").rows
    (('A',),)
    """
    check_page(limit, offset)
    resolved = query if isinstance(query, QueryText) else resolve(query)
    substitutions = _substitutions(resolved, bindings)
    try:
        answer = solve(
            db,
            resolved,
            prefixes=sparql_prefixes(),
            substitutions=substitutions,
            max_rows=max_rows,
            limit=limit,
            offset=offset,
            kept=kept,
        )
    except SyntaxError as exc:
        raise _syntax_error(exc, resolved) from exc
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        raise InvalidQuery(f"query {resolved.label} failed: {exc}") from exc
    if isinstance(answer, Selected):  # paged by solve
        width = len(answer.variables)
        return QueryResult(answer.variables, tuple(answer.rows), _kinds(answer.terms, width))
    if isinstance(answer, bool):
        value = "true" if answer else "false"
        result = QueryResult(("ask",), ((value,),), ((frames.XSD_BOOLEAN,),))
    else:
        found = answer.triples
        triples = sorted({tuple(from_oxigraph(term) for term in triple) for triple in found})
        result = QueryResult(
            ("subject", "predicate", "object"),
            tuple(tuple(str(term) for term in triple) for triple in triples),
            _kinds(found, 3),
        )
    return result.page(limit=limit, offset=offset)


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
