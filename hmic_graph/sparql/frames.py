"""Query results for analysis: typed pandas data frames, notebook tables, short IRI names.

A :class:`~hmic_graph.sparql.query.QueryResult` keeps every value as a plain
string, and, per column, the kinds of RDF term it came from (see
:func:`column_kinds`). From those kinds :func:`to_dataframe` gives each
column a pandas type:

===============================================  ================================
values of the column                             pandas column
===============================================  ================================
IRIs, blank nodes, text, mixed kinds             ``string``
``xsd:integer`` and its derived types            ``Int64`` (nullable integer)
``xsd:decimal``, ``xsd:double``, ``xsd:float``   ``Float64``
``xsd:boolean``                                  ``boolean``
``xsd:date``, ``xsd:dateTime``                   ``datetime64``
``xsd:gYear`` / ``xsd:gYearMonth``               ``period[Y]`` / ``period[M]``
``xsd:time``                                     ``object`` (:class:`datetime.time`)
===============================================  ================================

A column whose values mix kinds (a report's ``issued`` as a year for one
report and a full date for another) stays text, so nothing is lost; so does
a column holding a value that is not a valid form of its datatype. An
unbound value is ``<NA>`` (``NaT`` for dates). pandas is an optional
dependency: ``pip install 'hmic-graph[analysis]'``.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hmic_graph.model.errors import HmicGraphError
from hmic_graph.model.namespaces import XSD_INTEGER_NAMES

if TYPE_CHECKING:
    import pandas

    from hmic_graph.sparql.query import QueryResult

__all__ = [
    "BNODE",
    "IRI",
    "RDF_LANG_STRING",
    "XSD_BOOLEAN",
    "XSD_STRING",
    "column_kinds",
    "compact",
    "display_prefixes",
    "to_dataframe",
    "to_html",
]

IRI = "iri"
"""The kind of a value that is an IRI (see :func:`column_kinds`)."""
BNODE = "bnode"
"""The kind of a value that is a blank node."""

_XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = _XSD + "string"
"""The kind of a plain literal."""
XSD_BOOLEAN = _XSD + "boolean"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
"""The kind of a literal with a language tag."""
_INTEGERS = frozenset(_XSD + name for name in XSD_INTEGER_NAMES)
_FLOATS = frozenset(_XSD + name for name in ("decimal", "double", "float"))


def column_kinds(rows: Iterable[Sequence[str | None]], width: int) -> tuple[tuple[str, ...], ...]:
    """Per column, the sorted distinct kinds of its bound values.

    ``rows`` holds one kind per cell, as each query engine names it: :data:`IRI`,
    :data:`BNODE`, a literal's datatype IRI (``xsd:string`` for a plain
    literal, ``rdf:langString`` for one with a language tag), or ``None`` for
    an unbound value.

    >>> column_kinds([("iri", None), ("iri", "http://www.w3.org/2001/XMLSchema#date")], 2)
    (('iri',), ('http://www.w3.org/2001/XMLSchema#date',))
    """
    found: list[set[str]] = [set() for _ in range(width)]
    for row in rows:
        for column, kind in enumerate(row):
            if kind is not None:
                found[column].add(kind)
    return tuple(tuple(sorted(kinds)) for kinds in found)


def display_prefixes() -> dict[str, str]:
    """The prefixes short names use: the model's (``hmic:``, ``schema:`` ...) and ``hmicid:``.

    >>> display_prefixes()["hmicid"]
    'https://w3id.org/hmic-graph/id/'
    """
    from hmic_graph.model.namespaces import DEFAULT_BASE, PREFIXES

    table = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    table["hmicid"] = DEFAULT_BASE
    return table


def compact(value: str, prefixes: Mapping[str, str]) -> str:
    """``value`` as ``prefix:rest`` when it starts with one of ``prefixes``'
    namespaces (the longest that matches), else unchanged.

    >>> p = display_prefixes()
    >>> compact("https://w3id.org/hmic-graph/ontology#Strength", p)
    'hmic:Strength'
    >>> compact("https://w3id.org/hmic-graph/id/force/kent-police", p)
    'hmicid:force/kent-police'
    >>> compact("Kent Police", p)
    'Kent Police'
    """
    chosen, namespace_length = "", 0
    for prefix, namespace in prefixes.items():
        if namespace_length < len(namespace) < len(value) and value.startswith(namespace):
            chosen, namespace_length = prefix, len(namespace)
    return f"{chosen}:{value[namespace_length:]}" if namespace_length else value


def to_dataframe(result: QueryResult) -> pandas.DataFrame:
    """``result`` as a pandas ``DataFrame`` with one typed column per variable.

    The types follow the table in this module's docstring; IRIs stay full
    strings. Rows keep the result's order.

    :raises HmicGraphError: pandas is not installed (install the
        ``hmic-graph[analysis]`` extra).

    >>> from hmic_graph import load_release, query
    >>> graph = load_release("Kent Police has improved\\n\\nKent Police works well with councils.")
    >>> frame = query(graph, "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s").to_dataframe()
    >>> str(frame["n"].dtype), str(frame["s"].dtype)
    ('Int64', 'string')
    """
    pd = _pandas()
    kinds = result.datatypes or tuple(() for _ in result.columns)
    data: dict[str, Any] = {}
    for index, (name, column_kind) in enumerate(zip(result.columns, kinds, strict=True)):
        values = [row[index] for row in result.rows]
        data[name] = _column(pd, values, column_kind)
    return pd.DataFrame(data, columns=list(result.columns))


def to_html(result: QueryResult, *, max_rows: int = 50) -> str:
    """``result`` as an HTML table for notebooks: short names for IRIs (the
    full IRI in the cell's ``title``), every value escaped, at most
    ``max_rows`` rows with a note of how many there are.

    >>> from hmic_graph.sparql.query import QueryResult
    >>> print(to_html(QueryResult(("kind",), (("https://w3id.org/hmic-graph/ontology#Quote",),))))
    <table class="hmic-graph-result">
    <thead><tr><th>kind</th></tr></thead>
    <tbody>
    <tr><td title="https://w3id.org/hmic-graph/ontology#Quote">hmic:Quote</td></tr>
    </tbody>
    </table>
    <p>1 row</p>
    """
    prefixes = display_prefixes()
    head = "".join(f"<th>{html.escape(name)}</th>" for name in result.columns)
    body = []
    for row in result.rows[:max_rows]:
        cells = []
        for value in row:
            if value is None:
                cells.append("<td></td>")
                continue
            short = compact(value, prefixes)
            title = f' title="{html.escape(value)}"' if short != value else ""
            cells.append(f"<td{title}>{html.escape(short)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    count = len(result.rows)
    note = f"{count} row{'' if count == 1 else 's'}"
    if count > max_rows:
        note = f"the first {max_rows} of {note}"
    return "\n".join(
        [
            '<table class="hmic-graph-result">',
            f"<thead><tr>{head}</tr></thead>",
            "<tbody>",
            *body,
            "</tbody>",
            "</table>",
            f"<p>{note}</p>",
        ]
    )


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise HmicGraphError(
            "data frames need pandas: pip install 'hmic-graph[analysis]'"
        ) from None
    return pandas


def _family(kinds: tuple[str, ...]) -> str:
    """What a column of these kinds becomes: one of the converters' names."""
    if not kinds:
        return "text"
    if all(kind in _INTEGERS for kind in kinds):
        return "integer"
    if all(kind in _FLOATS or kind in _INTEGERS for kind in kinds):
        return "float"
    if len(kinds) == 1:
        return _BY_DATATYPE.get(kinds[0], "text")
    return "text"


_BY_DATATYPE = {
    _XSD + "boolean": "boolean",
    _XSD + "date": "date",
    _XSD + "dateTime": "date",
    _XSD + "gYear": "year",
    _XSD + "gYearMonth": "month",
    _XSD + "time": "time",
}


def _column(pd: Any, values: list[str | None], kinds: tuple[str, ...]) -> Any:
    family = _family(kinds)
    if family != "text":
        try:
            return _CONVERTERS[family](pd, values)
        except (ValueError, TypeError, OverflowError):
            pass  # a value that is no valid form of its datatype: keep the text
    return pd.array(values, dtype="string")


def _integers(pd: Any, values: list[str | None]) -> Any:
    return pd.array([None if v is None else int(v) for v in values], dtype="Int64")


def _floats(pd: Any, values: list[str | None]) -> Any:
    return pd.array([None if v is None else float(v) for v in values], dtype="Float64")


def _booleans(pd: Any, values: list[str | None]) -> Any:
    table = {"true": True, "1": True, "false": False, "0": False}
    return pd.array([None if v is None else table[v.strip()] for v in values], dtype="boolean")


def _dates(pd: Any, values: list[str | None]) -> Any:
    return pd.to_datetime(pd.Series(values, dtype="object"), format="ISO8601").array


def _periods(freq: str) -> Callable[[Any, list[str | None]], Any]:
    def convert(pd: Any, values: list[str | None]) -> Any:
        return pd.PeriodIndex(values, freq=freq).array

    return convert


def _times(pd: Any, values: list[str | None]) -> Any:
    return pd.array(
        [None if v is None else datetime.time.fromisoformat(v) for v in values], dtype="object"
    )


_CONVERTERS: dict[str, Callable[[Any, list[str | None]], Any]] = {
    "integer": _integers,
    "float": _floats,
    "boolean": _booleans,
    "date": _dates,
    "year": _periods("Y"),
    "month": _periods("M"),
    "time": _times,
}
