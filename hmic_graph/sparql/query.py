"""Run the bundled competency queries, or any SPARQL SELECT/ASK/CONSTRUCT, on an rdflib graph.

This is the rdflib engine and the result type every engine returns. The
named queries are the ``.rq`` files in ``hmic_graph/queries/``
(:mod:`hmic_graph.sparql.catalogue` resolves names, files and text for every
engine; :mod:`hmic_graph.sparql.oxigraph` is the Oxigraph engine). Queries are
parsed on first use and then kept for the life of the process, because
rdflib's first SPARQL parse is slow (RDFLib/rdflib#618) and importing this
module must stay cheap.

Values reach a query only as rdflib ``initBindings``, never by formatting text
into SPARQL, so a binding value cannot change the query's meaning.

Every query, named or not, may use the model's prefixes (``hmic:``,
``schema:``, ``org:``, ``dcterms:``, ``skos:``, ``oa:``, ``prov:``, ``owl:``,
``rdf:``, ``rdfs:``, ``xsd:``, ``wd:`` and ``hmicid:``) without declaring them.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.term import Identifier, Node

from hmic_graph.model.errors import InvalidQuery
from hmic_graph.model.namespaces import is_absolute_iri, sparql_prefixes
from hmic_graph.sparql import frames
from hmic_graph.sparql.catalogue import NamedQuery, list_queries, resolve

if TYPE_CHECKING:
    import pandas

__all__ = [
    "BindingValue",
    "NamedQuery",
    "QueryResult",
    "checked_bindings",
    "iri",
    "is_update",
    "list_queries",
    "query",
]

BindingValue = Node | str | int | float | bool
"""What :func:`query` accepts as a binding value (see :func:`query`)."""

_VARIABLE_NAME = re.compile(r"^[?$]?([A-Za-z0-9_]+)$")


@dataclass(frozen=True, slots=True)
class QueryResult:
    """The answer to a query, as plain strings.

    IRIs are given in full, literals by their lexical form, and ``None``
    stands for an unbound variable. An ASK query gives one column ``ask``
    holding ``"true"`` or ``"false"``; a CONSTRUCT or DESCRIBE query gives the
    columns ``subject``, ``predicate``, ``object``, one sorted row per triple.

    Iterating yields one ``dict`` per row, keyed by column. ``datatypes``
    gives, per column, the sorted kinds of term its values came from (see
    :func:`hmic_graph.sparql.frames.column_kinds`), from which
    :meth:`to_dataframe` types the columns; empty when not known.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]
    datatypes: tuple[tuple[str, ...], ...] = field(default=(), compare=False)

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, str | None]]:
        for row in self.rows:
            yield dict(zip(self.columns, row, strict=True))

    def page(self, *, limit: int | None = None, offset: int = 0) -> QueryResult:
        """The rows from ``offset`` on, at most ``limit`` of them (all of them with ``None``).

        Every engine pages this way, after ordering the whole answer by the
        query's ``ORDER BY``, so consecutive pages never skip or repeat a row.

        :raises InvalidQuery: ``limit`` or ``offset`` is negative.

        >>> QueryResult(("a",), (("1",), ("2",), ("3",))).page(limit=1, offset=1).rows
        (('2',),)
        """
        check_page(limit, offset)
        if limit is None and offset == 0:
            return self
        end = None if limit is None else offset + limit
        return QueryResult(self.columns, self.rows[offset:end], self.datatypes)

    def to_table(self) -> str:
        """The rows as an aligned text table with a header; unbound shows as empty.

        >>> print(QueryResult(("a", "bb"), (("x", None), ("long", "y"))).to_table())
        a     bb
        ----  --
        x
        long  y
        """
        cells = [list(self.columns)] + [[v or "" for v in row] for row in self.rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(self.columns))]
        lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(line.rstrip() for line in lines)

    def to_csv(self) -> str:
        """The rows as CSV (RFC 4180, ``\\r\\n`` line ends) with a header; unbound is empty.

        >>> QueryResult(("a", "b"), (("x, y", None),)).to_csv()
        'a,b\\r\\n"x, y",\\r\\n'
        """
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.columns)
        writer.writerows(["" if v is None else v for v in row] for row in self.rows)
        return out.getvalue()

    def to_json(self) -> str:
        """The rows as a JSON array of objects keyed by column, ``null`` for unbound.

        Every object has every column, in column order, so the output is
        stable; it is not the SPARQL 1.1 results format because values have
        already been reduced to plain strings.

        >>> print(QueryResult(("a",), (("x",), (None,))).to_json())
        [
          {
            "a": "x"
          },
          {
            "a": null
          }
        ]
        """
        return json.dumps(list(self), indent=2, ensure_ascii=False)

    def to_dataframe(self) -> pandas.DataFrame:
        """The rows as a pandas ``DataFrame`` with typed columns: dates as
        dates, numbers as numbers, IRIs as strings (the table in
        :mod:`hmic_graph.sparql.frames`).

        :raises HmicGraphError: pandas is missing (``pip install 'hmic-graph[analysis]'``).
        """
        return frames.to_dataframe(self)

    def _repr_html_(self) -> str:
        """The table a notebook shows: :func:`hmic_graph.sparql.frames.to_html`."""
        return frames.to_html(self)


def check_page(limit: int | None, offset: int) -> None:
    """Refuse a page that cannot be: a negative ``limit`` or ``offset``.

    :raises InvalidQuery: either is negative (or not a whole number).
    """
    for name, value in (("limit", limit), ("offset", offset)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            raise InvalidQuery(
                f"the {name} must be a whole number of rows, 0 or more, not {value!r}"
            )


def iri(value: str) -> URIRef:
    """An IRI to use as a binding value (plain strings are bound as literals).

    :param value: an absolute IRI such as ``"https://w3id.org/hmic-graph/id/force/x"``.
    :raises InvalidQuery: ``value`` is not an absolute IRI.

    >>> iri("https://schema.org/name")
    rdflib.term.URIRef('https://schema.org/name')
    """
    if not is_absolute_iri(value):
        raise InvalidQuery(f"not an absolute IRI: {value!r}")
    return URIRef(value)


def query(
    graph: Graph,
    query: str | Path,
    *,
    bindings: Mapping[str, BindingValue] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> QueryResult:
    """Run a query on ``graph``.

    :param graph: the graph to query. A ``Dataset`` is queried as the union
        of its graphs (``GRAPH`` patterns still see each named graph), so the
        named queries work on a dataset with one graph per release.
    :param query: a bundled query's name (``"quotes"``, ``"cq02"`` or
        ``"cq02-quotes"``), a path to a ``.rq`` file (a :class:`~pathlib.Path`
        or a string ending in ``.rq``), or SPARQL text.
    :param bindings: values for variables, keyed by name with or without the
        leading ``?``. An rdflib term is used as it is; a ``str`` is always a
        plain literal (even if it looks like an IRI: wrap it with :func:`iri`);
        ``int``, ``float`` and ``bool`` become typed literals. Values are
        passed as rdflib ``initBindings``, never pasted into the query text.
    :param limit: return at most this many rows (a page; see :meth:`QueryResult.page`).
    :param offset: skip this many rows of the ordered answer first.
    :raises InvalidQuery: the name is unknown (the message lists the names), the
        file cannot be read, the text is not valid SPARQL (with line and
        column), it is an UPDATE, a binding names a variable the query does not
        use, or evaluation fails.

    >>> from rdflib import Graph, Literal, URIRef
    >>> from hmic_graph.model.namespaces import SCHEMA
    >>> g = Graph()
    >>> g.add((URIRef("https://w3id.org/hmic-graph/id/person/a"), SCHEMA.name, Literal("A")))
    <Graph identifier=... (<class 'rdflib.graph.Graph'>)>
    >>> r = query(g, "SELECT ?n WHERE { ?p schema:name ?n }")
    >>> r.columns, r.rows
    (('n',), (('A',),))
    >>> query(g, "ASK { ?p schema:name ?n }", bindings={"n": "B"}).rows
    (('false',),)
    """
    check_page(limit, offset)
    prepared, label = _resolve(query)
    init = _bindings(bindings, prepared, label)
    if isinstance(graph, Dataset) and not graph.default_union:
        # A second view on the same store: the caller's dataset is not changed.
        graph = Dataset(store=graph.store, default_union=True)
    try:
        result = graph.query(prepared, initBindings=init)
        if result.type == "ASK":
            answer = "true" if result.askAnswer else "false"
            return QueryResult(("ask",), ((answer,),), ((frames.XSD_BOOLEAN,),))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            assert result.graph is not None
            solutions: list[tuple[Any, ...]] = sorted(result.graph.triples((None, None, None)))
            columns: tuple[str, ...] = ("subject", "predicate", "object")
        else:
            columns = tuple(str(v) for v in (result.vars or ()))
            solutions = [tuple(row) for row in result]  # type: ignore[arg-type]
    except InvalidQuery:
        raise
    except Exception as exc:  # rdflib's evaluator raises many unrelated types
        raise InvalidQuery(f"query {label} failed: {exc}") from exc
    return QueryResult(
        columns,
        tuple(tuple(_plain(term) for term in row) for row in solutions),
        frames.column_kinds(([_kind(term) for term in row] for row in solutions), len(columns)),
    ).page(limit=limit, offset=offset)


def _plain(term: Any) -> str | None:
    return None if term is None else str(term)


def _kind(term: Any) -> str | None:
    """The kind of an rdflib term, as :func:`hmic_graph.sparql.frames.column_kinds` takes it."""
    if term is None:
        return None
    if isinstance(term, Literal):
        if term.datatype is not None:
            return str(term.datatype)
        return frames.RDF_LANG_STRING if term.language else frames.XSD_STRING
    return frames.BNODE if isinstance(term, BNode) else frames.IRI


@functools.lru_cache(maxsize=64)
def _prepared(text: str, label: str, path: str | None) -> Any:
    from rdflib.plugins.sparql import prepareQuery

    try:
        return prepareQuery(text, initNs=sparql_prefixes())
    except Exception as exc:
        if is_update(text):
            raise InvalidQuery(f"query {label} is a SPARQL UPDATE; only queries are run") from exc
        line = getattr(exc, "lineno", None)
        column = getattr(exc, "col", None)
        reason = getattr(exc, "msg", None) or str(exc)
        raise InvalidQuery(
            f"query {label} is not valid SPARQL: {reason}", path=path, line=line, column=column
        ) from exc


def _resolve(query: str | Path) -> tuple[Any, str]:
    resolved = resolve(query)
    return _prepared(resolved.text, resolved.label, resolved.path), resolved.label


def is_update(text: str) -> bool:
    """Whether ``text`` is a SPARQL Update request (rather than a query), as rdflib parses it.

    Every engine asks this only of a text its query parser rejected, to say
    "an UPDATE; only queries are run" instead of a syntax error.

    >>> is_update("DELETE WHERE { ?s ?p ?o }"), is_update("SELECT * { ?s ?p ?o }")
    (True, False)
    """
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:  # rdflib's parser raises several unrelated types
        return False
    return True


def checked_bindings(
    bindings: Mapping[str, BindingValue], used: set[str], label: str
) -> list[tuple[str, Identifier]]:
    """``(variable name, term)`` pairs for ``bindings``, each checked against the
    variables the query ``used`` (every engine binds through this).

    :raises InvalidQuery: a key is not a variable name, the query has no such
        variable, or a value cannot be a term.
    """
    pairs = []
    for key, value in bindings.items():
        match = _VARIABLE_NAME.match(key)
        if not match:
            raise InvalidQuery(f"not a SPARQL variable name: {key!r}")
        name = match.group(1)
        if used and name not in used:
            listed = ", ".join(f"?{v}" for v in sorted(used))
            raise InvalidQuery(f"query {label} has no variable ?{name}; it uses {listed}")
        pairs.append((name, _term(value)))
    return pairs


def _bindings(
    bindings: Mapping[str, BindingValue] | None, prepared: Any, label: str
) -> dict[str, Identifier]:
    if not bindings:
        return {}
    used = {str(v) for v in getattr(prepared.algebra, "_vars", ())}
    # Keys are rdflib Variables (a str subclass), as initBindings expects.
    return {Variable(name): term for name, term in checked_bindings(bindings, used, label)}


def _term(value: BindingValue) -> Identifier:
    if isinstance(value, BNode):
        raise InvalidQuery("cannot bind a blank node; use an IRI")
    if isinstance(value, Identifier):
        return value
    if isinstance(value, str | int | float | bool):
        # A str is deliberately never turned into an IRI: text that looks
        # like an IRI is still data, and guessing would make bindings ambiguous.
        return Literal(value)
    raise InvalidQuery(f"cannot bind a value of type {type(value).__name__}; use an rdflib term")
