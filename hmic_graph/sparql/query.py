"""Run the bundled competency queries, or any SPARQL SELECT/ASK/CONSTRUCT, on a graph.

The named queries are the ``.rq`` files in ``hmic_graph/queries/``. Each has
three accepted names: the short name (``"quotes"``), the number (``"cq02"``)
and the file stem (``"cq02-quotes"``). They are found and parsed on first use
and then kept for the life of the process, because rdflib's first SPARQL parse
is slow (RDFLib/rdflib#618) and importing this module must stay cheap.

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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef, Variable
from rdflib.term import Identifier, Node

from hmic_graph.model import resources
from hmic_graph.model.errors import QueryError, ResourceError
from hmic_graph.model.namespaces import DEFAULT_BASE, PREFIXES

__all__ = [
    "BindingValue",
    "NamedQuery",
    "QueryResult",
    "iri",
    "list_queries",
    "query",
]

BindingValue = Node | str | int | float | bool
"""What :func:`query` accepts as a binding value (see :func:`query`)."""

_STEM = re.compile(r"^(cq\d+)-([a-z0-9-]+)$")
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
_VARIABLE_NAME = re.compile(r"^[?$]?([A-Za-z0-9_]+)$")
# A bare word such as "quotes" or "cq2" is meant as a name, never as SPARQL.
_LOOKS_LIKE_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True, slots=True)
class NamedQuery:
    """One bundled query.

    :param name: the short name, e.g. ``"quotes"``.
    :param aliases: the other accepted names, e.g. ``("cq02", "cq02-quotes")``.
    :param description: the first comment line of the file, without ``#``.
    :param text: the SPARQL text as shipped.
    """

    name: str
    aliases: tuple[str, ...]
    description: str
    text: str


@dataclass(frozen=True, slots=True)
class QueryResult:
    """The answer to a query, as plain strings.

    IRIs are given in full, literals by their lexical form, and ``None``
    stands for an unbound variable. An ASK query gives one column ``ask``
    holding ``"true"`` or ``"false"``; a CONSTRUCT or DESCRIBE query gives the
    columns ``subject``, ``predicate``, ``object``, one sorted row per triple.

    Iterating yields one ``dict`` per row, keyed by column.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[dict[str, str | None]]:
        for row in self.rows:
            yield dict(zip(self.columns, row, strict=True))

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


def iri(value: str) -> URIRef:
    """An IRI to use as a binding value (plain strings are bound as literals).

    :param value: an absolute IRI such as ``"https://w3id.org/hmic-graph/id/force/x"``.
    :raises QueryError: ``value`` is not an absolute IRI.

    >>> iri("https://schema.org/name")
    rdflib.term.URIRef('https://schema.org/name')
    """
    if not _ABSOLUTE_IRI.match(value):
        raise QueryError(f"not an absolute IRI: {value!r}")
    return URIRef(value)


def list_queries() -> list[NamedQuery]:
    """The bundled named queries, in file order (``cq01`` first).

    :raises ResourceError: the bundled query folder is missing.

    >>> [q.name for q in list_queries()][:2]
    ['release-subject', 'quotes']
    """
    return list(_catalogue().values())


def query(
    graph: Graph,
    query: str | Path,
    *,
    bindings: Mapping[str, BindingValue] | None = None,
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
    :raises QueryError: the name is unknown (the message lists the names), the
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
    prepared, label = _resolve(query)
    init = _bindings(bindings, prepared, label)
    if isinstance(graph, Dataset) and not graph.default_union:
        # A second view on the same store: the caller's dataset is not changed.
        graph = Dataset(store=graph.store, default_union=True)
    try:
        result = graph.query(prepared, initBindings=init)
        if result.type == "ASK":
            return QueryResult(("ask",), (("true" if result.askAnswer else "false",),))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            assert result.graph is not None
            triples = sorted(result.graph.triples((None, None, None)))
            return QueryResult(
                ("subject", "predicate", "object"),
                tuple(tuple(_plain(t) for t in triple) for triple in triples),
            )
        columns = tuple(str(v) for v in (result.vars or ()))
        rows = tuple(tuple(_plain(term) for term in row) for row in result)  # type: ignore[union-attr]
    except QueryError:
        raise
    except Exception as exc:  # rdflib's evaluator raises many unrelated types
        raise QueryError(f"query {label} failed: {exc}") from exc
    return QueryResult(columns, rows)


def _plain(term: Any) -> str | None:
    return None if term is None else str(term)


def _init_ns() -> dict[str, str]:
    ns = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    ns["hmicid"] = DEFAULT_BASE
    return ns


@functools.cache
def _catalogue() -> dict[str, NamedQuery]:
    """Short name -> query, read from the package once."""
    from importlib.resources import files

    folder = files("hmic_graph").joinpath("queries")
    if not folder.is_dir():
        raise ResourceError("bundled query folder is missing; reinstall hmic-graph", path="queries")
    found: dict[str, NamedQuery] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".rq"):
            continue
        stem = entry.name[: -len(".rq")]
        text = resources.read_text("queries", entry.name)
        match = _STEM.match(stem)
        if match:
            number, name = match.groups()
            aliases: tuple[str, ...] = (number, stem)
        else:
            name, aliases = stem, ()
        description = ""
        for line in text.splitlines():
            if line.startswith("#"):
                description = line.lstrip("#").strip()
                break
        found[name] = NamedQuery(name, aliases, description, text)
    return found


@functools.cache
def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for named in _catalogue().values():
        table[named.name] = named.name
        for alias in named.aliases:
            table[alias] = named.name
            # "cq2" as well as "cq02": people drop the leading zero.
            number = re.fullmatch(r"cq0*(\d+)", alias)
            if number:
                table[f"cq{number.group(1)}"] = named.name
    return table


@functools.cache
def _prepared_named(name: str) -> Any:
    named = _catalogue()[name]
    stem = named.aliases[-1] if named.aliases else named.name
    return _prepare(named.text, repr(name), path=f"queries/{stem}.rq")


@functools.lru_cache(maxsize=64)
def _prepared_text(text: str) -> Any:
    return _prepare(text, "text")


def _prepare(text: str, label: str, *, path: str | None = None) -> Any:
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        return prepareQuery(text, initNs=_init_ns())
    except Exception as exc:
        try:
            parseUpdate(text)
        except Exception:
            pass
        else:
            raise QueryError(f"query {label} is a SPARQL UPDATE; only queries are run") from exc
        line = getattr(exc, "lineno", None)
        column = getattr(exc, "col", None)
        reason = getattr(exc, "msg", None) or str(exc)
        raise QueryError(
            f"query {label} is not valid SPARQL: {reason}", path=path, line=line, column=column
        ) from exc


def _resolve(query: str | Path) -> tuple[Any, str]:
    if isinstance(query, Path) or (query.strip().endswith(".rq") and "\n" not in query):
        path = Path(query).expanduser() if isinstance(query, Path) else Path(query.strip())
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryError(f"cannot read query file: {exc}", path=path) from exc
        try:
            return _prepared_text(text), str(path)
        except QueryError as exc:
            raise QueryError(exc.message, path=path, line=exc.line, column=exc.column) from exc
    key = query.strip()
    if _LOOKS_LIKE_NAME.match(key):
        name = _aliases().get(key.lower())
        if name is None:
            names = ", ".join(_catalogue())
            raise QueryError(f"unknown query {key!r}; the named queries are: {names}")
        return _prepared_named(name), repr(name)
    return _prepared_text(query), "text"


def checked_bindings(
    bindings: Mapping[str, BindingValue], used: set[str], label: str
) -> list[tuple[str, Identifier]]:
    """``(variable name, term)`` pairs for ``bindings``, each checked against the
    variables the query ``used`` (every engine binds through this).

    :raises QueryError: a key is not a variable name, the query has no such
        variable, or a value cannot be a term.
    """
    pairs = []
    for key, value in bindings.items():
        match = _VARIABLE_NAME.match(key)
        if not match:
            raise QueryError(f"not a SPARQL variable name: {key!r}")
        name = match.group(1)
        if used and name not in used:
            listed = ", ".join(f"?{v}" for v in sorted(used))
            raise QueryError(f"query {label} has no variable ?{name}; it uses {listed}")
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
        raise QueryError("cannot bind a blank node; use an IRI")
    if isinstance(value, Identifier):
        return value
    if isinstance(value, str | int | float | bool):
        # A str is deliberately never turned into an IRI: text that looks
        # like an IRI is still data, and guessing would make bindings ambiguous.
        return Literal(value)
    raise QueryError(f"cannot bind a value of type {type(value).__name__}; use an rdflib term")
