"""A final ``ORDER BY`` of plain variables, applied to decoded rows in Python.

Oxigraph's ``ORDER BY`` compares terms by decoding both from the store at
every comparison: n log n dictionary reads from RocksDB. The rows are decoded
once anyway to be returned, so when a query ends with an ``ORDER BY`` of plain
variables (``?v``, ``ASC(?v)``, ``DESC(?v)``), the Oxigraph engine runs it
without that clause and sorts the rows here, in the order SPARQL 1.1 (section
15.1) defines: unbound, then IRIs by their text, then literals by value.
Only literals whose order Oxigraph and this code agree on are ordered here
(one datatype per key: strings, integers, booleans, and dates and times
without time zone or fraction); any other key gives ``None`` and lets
Oxigraph sort, so the rows are always those of its ``ORDER BY`` (rows the
``ORDER BY`` leaves tied may come in another order, as SPARQL allows).
``benchmarks/query_scale.py --breakdown`` measures what it saves.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

__all__ = ["final_order", "ordered", "row_of"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_ORDER_TAIL = re.compile(
    r"\s*ORDER\s+BY((?:\s*(?:(?:ASC|DESC)\s*\(\s*[?$][A-Za-z0-9_]+\s*\)|[?$][A-Za-z0-9_]+))+)\s*",
    re.IGNORECASE,
)
_ORDER_KEY = re.compile(r"(ASC|DESC)?\s*\(?\s*[?$]([A-Za-z0-9_]+)", re.IGNORECASE)
_REDUCED = re.compile(r"\bREDUCED\b", re.IGNORECASE)
_INTEGER = _XSD + "integer"
# Literal datatypes ordered by their lexical form, when it matches the pattern.
_LEXICAL_ORDER: dict[str, re.Pattern[str] | None] = {
    _XSD + "string": None,
    _XSD + "boolean": re.compile(r"true|false"),
    _XSD + "date": re.compile(r"\d{4}-\d\d-\d\d"),
    _XSD + "time": re.compile(r"\d\d:\d\d:\d\d"),
    _XSD + "dateTime": re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d"),
}
_UNKNOWN = re.compile(r"(?!)")  # matches nothing: datatypes not ordered here
_UNBOUND = (0, "")


@functools.lru_cache(maxsize=64)
def final_order(text: str) -> tuple[str, tuple[tuple[str, bool], ...]] | None:
    """``(text without its ORDER BY, ((variable, descending), ...))`` when the
    query ends with an ORDER BY of plain variables (``?v``, ``ASC(?v)``,
    ``DESC(?v)``) and nothing else; ``None`` otherwise (and for REDUCED, whose
    rows may depend on the order).

    >>> final_order("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s DESC(?o)")
    ('SELECT * WHERE { ?s ?p ?o }', (('s', False), ('o', True)))
    >>> final_order("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 1") is None
    True
    """
    end = text.rfind("}")
    if end < 0 or _REDUCED.search(text):
        return None
    tail = _ORDER_TAIL.fullmatch(text, end + 1)
    if tail is None:
        return None
    keys = tuple(
        (name, (direction or "").upper() == "DESC")
        for direction, name in _ORDER_KEY.findall(tail.group(1))
    )
    return text[: end + 1], keys


def ordered(
    solutions: Iterable[tuple[Any, ...]], keys: list[tuple[int, bool]]
) -> tuple[list[tuple[Any, ...]], list[tuple[str | None, ...]]] | None:
    """The solutions (tuples of terms) and their rows of plain values (:func:`row_of`),
    both sorted by ``keys`` (column, descending) as SPARQL's ORDER BY does, or
    ``None`` when a key holds a term whose order this code does not know (then
    Oxigraph must sort)."""
    named = ox.NamedNode
    literal = ox.Literal
    datatypes: dict[int, str] = {}  # each key's literal datatype: one per key
    keyed: list[tuple[tuple[Any, ...], tuple[str | None, ...], tuple[Any, ...]]] = []
    for terms in solutions:
        row = row_of(terms)
        key: list[Any] = []
        for column, _ in keys:
            term = terms[column]
            kind = type(term)
            if kind is named:
                key += (1, row[column])
            elif term is None:
                key += _UNBOUND
            elif kind is literal:
                value = _literal_key(term, row[column], datatypes, column)
                if value is None:
                    return None
                key += (2, value)
            else:
                return None
        keyed.append((tuple(key), row, terms))
    if not any(descending for _, descending in keys):
        keyed.sort(key=_first)
    else:
        # Stable sorts from the last key to the first; each key is (rank, value).
        for position in range(len(keys) - 1, -1, -1):
            keyed.sort(
                key=lambda entry, at=2 * position: entry[0][at : at + 2],  # type: ignore[misc]
                reverse=keys[position][1],
            )
    return [terms for _, _, terms in keyed], [row for _, row, _ in keyed]


def _literal_key(term: Any, value: Any, datatypes: dict[int, str], column: int) -> Any:
    """What orders a literal (whose lexical form is ``value``) among the
    literals of its key as SPARQL does, or ``None`` (a language tag, an
    unknown datatype or form, or a second datatype in the key)."""
    if term.language:
        return None
    datatype = term.datatype.value
    if datatypes.setdefault(column, datatype) != datatype:
        return None
    if datatype == _INTEGER:
        digits = value[1:] if value[:1] == "-" else value
        # Short ASCII digits only: within Oxigraph's 64-bit integers.
        return (
            int(value) if 0 < len(digits) <= 18 and digits.isascii() and digits.isdigit() else None
        )
    pattern = _LEXICAL_ORDER.get(datatype, _UNKNOWN)
    if pattern is None or (pattern is not _UNKNOWN and pattern.fullmatch(value)):
        return value
    return None


def _first(entry: tuple[Any, ...]) -> Any:
    return entry[0]


def row_of(terms: tuple[Any, ...]) -> tuple[str | None, ...]:
    """One solution's terms as plain strings (``None`` for unbound)."""
    try:
        return tuple([None if term is None else term.value for term in terms])
    except AttributeError:  # an RDF-star triple, which has no value
        return tuple([_plain_value(term) for term in terms])


def _plain_value(term: Any) -> str | None:
    """The plain string of a pyoxigraph term as a query row holds it (``None`` for unbound).

    IRIs give their text, literals their lexical form, blank nodes their
    label, and a triple term its N-Triples form.

    >>> _plain_value(ox.NamedNode("https://schema.org/name")), _plain_value(None)
    ('https://schema.org/name', None)
    """
    if term is None:
        return None
    value = getattr(term, "value", None)
    return value if isinstance(value, str) else str(term)
