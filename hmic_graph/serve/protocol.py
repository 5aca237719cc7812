"""The SPARQL side of the server without the web framework: checking, results and writers.

A query text goes through :func:`inspect_query` before anything runs it:

* ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes are expanded first (SPARQL 1.1, 19.2),
  and the expanded text is both what is checked and what the engine runs,
  so the check and the engine never read different queries;
* rdflib's SPARQL parser parses it: a syntax error is a 400 with the
  parser's message, a SPARQL Update is refused (403), and a ``SERVICE``
  pattern anywhere in the parse tree (subqueries, ``EXISTS``, ``OPTIONAL``,
  ...) is refused (403), because the engines would fetch the remote endpoint
  from the server. Queries rdflib cannot parse are therefore refused even
  when Oxigraph could run them (SPARQL 1.2 syntax, for instance): the check
  errs on the side of refusing.

Results are held as plain data (:class:`SelectOutcome`, :class:`AskOutcome`,
:class:`GraphOutcome`) and written by the functions here in the SPARQL 1.1
results formats (JSON, XML, CSV, TSV) or, for ``CONSTRUCT``/``DESCRIBE``, by
:func:`hmic_graph.rdf.export.serialize`. The engines stop reading rows at the
row limit or the deadline, which is why results are not streamed straight
from the engine's own serialisers.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeAlias
from xml.sax.saxutils import escape, quoteattr

from hmic_graph.model.errors import QueryError

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = [
    "ASK_MEDIA_TYPES",
    "GRAPH_MEDIA_TYPES",
    "SELECT_MEDIA_TYPES",
    "AskOutcome",
    "GraphOutcome",
    "InspectedQuery",
    "JsonTerm",
    "Outcome",
    "ProtocolError",
    "QueryForm",
    "SelectOutcome",
    "cached_inspection",
    "inspect_query",
    "media_types_for",
    "parser_lock",
    "write_outcome",
]

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]

JsonTerm = dict[str, str]
"""An RDF term as in the SPARQL 1.1 JSON results format, e.g. ``{"type": "uri", "value": "..."}``."""

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
JSON_LD = "application/ld+json"

#: What a SELECT result can be written as, in order of preference (the first is the default).
SELECT_MEDIA_TYPES: tuple[str, ...] = (SPARQL_JSON, SPARQL_XML, CSV, TSV, "application/json")
#: What an ASK result can be written as; CSV and TSV define no boolean form.
ASK_MEDIA_TYPES: tuple[str, ...] = (SPARQL_JSON, SPARQL_XML, "application/json")
#: What a CONSTRUCT or DESCRIBE result can be written as.
GRAPH_MEDIA_TYPES: tuple[str, ...] = (TURTLE, NTRIPLES, JSON_LD)

_FORMS: dict[str, QueryForm] = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}


class ProtocolError(QueryError):
    """A SPARQL request the endpoint will not answer with results.

    :param message: what went wrong, in words meant for the person who wrote the query.
    :param status: the HTTP status to answer with (400 malformed, 403 refused,
        406 no acceptable format, 413/414 too large, 415 wrong content type,
        422 too many results, 503 timed out or busy).
    :param headers: extra response headers, e.g. ``Retry-After``.
    """

    def __init__(
        self, message: str, *, status: int, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.headers: dict[str, str] = dict(headers or {})


@dataclass(frozen=True, slots=True)
class InspectedQuery:
    """A query that passed :func:`inspect_query`.

    :param text: the query with its unicode escapes expanded; run exactly this.
    :param form: ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``.
    :param has_dataset_clause: whether it has ``FROM`` or ``FROM NAMED``.
    """

    text: str
    form: QueryForm
    has_dataset_clause: bool


@dataclass(frozen=True, slots=True)
class SelectOutcome:
    """The rows of a SELECT query.

    :param variables: the projected variables, in order, without ``?``.
    :param rows: one mapping per solution from variable to term; unbound
        variables are absent.
    """

    variables: tuple[str, ...]
    rows: list[dict[str, JsonTerm]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AskOutcome:
    """The answer of an ASK query."""

    value: bool


@dataclass(frozen=True, slots=True)
class GraphOutcome:
    """The triples of a CONSTRUCT or DESCRIBE query, as an rdflib graph."""

    graph: Graph


Outcome: TypeAlias = SelectOutcome | AskOutcome | GraphOutcome
"""What running a query gives."""


def media_types_for(form: QueryForm) -> tuple[str, ...]:
    """The media types a result of ``form`` can be written as, preferred first.

    >>> media_types_for("ASK")[0]
    'application/sparql-results+json'
    """
    if form == "SELECT":
        return SELECT_MEDIA_TYPES
    if form == "ASK":
        return ASK_MEDIA_TYPES
    return GRAPH_MEDIA_TYPES


# --- checking ------------------------------------------------------------------


def inspect_query(text: str, *, deadline: float | None = None) -> InspectedQuery:
    """Parse ``text`` and check that the endpoint may run it.

    rdflib's parser (pyparsing) is not thread-safe: parsed concurrently, its
    parse actions fail at random (``Param.postParse2() missing 1 required
    positional argument``). Queries are therefore parsed one at a time, and
    the result is cached per text (the 256 texts used last), so a query sent
    again is not parsed again and does not wait for the parser (see
    :func:`cached_inspection`).

    :param deadline: a :func:`time.monotonic` time after which to stop
        waiting for the parser; ``None`` waits as long as it takes.
    :raises ProtocolError: status 400 for a malformed query (with the
        parser's message, line and column), 403 for a SPARQL Update or a
        query with ``SERVICE``, 503 when the parser was busy past ``deadline``.

    >>> inspect_query("SELECT ?s WHERE { ?s ?p ?o }").form
    'SELECT'
    >>> inspect_query("ASK { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    hmic_graph.serve.protocol.ProtocolError: federated queries (SERVICE) are not allowed on this endpoint
    """
    found = cached_inspection(text)
    if found is not None:
        return found
    with parser_lock(deadline):
        found = cached_inspection(text)  # parsed by another thread while this one waited
        if found is None:
            found = _inspect(text)
            _remember(text, found)
        return found


def cached_inspection(text: str) -> InspectedQuery | None:
    """What :func:`inspect_query` found for ``text`` if it checked it lately, else ``None``.

    Never parses and never waits for the parser: a query sent again is
    recognised at once. Only queries that passed are remembered.
    """
    with _INSPECTED_LOCK:
        found = _INSPECTED.get(text)
        if found is not None:
            _INSPECTED.move_to_end(text)
        return found


def _remember(text: str, inspected: InspectedQuery) -> None:
    with _INSPECTED_LOCK:
        _INSPECTED[text] = inspected
        while len(_INSPECTED) > _INSPECTED_SIZE:
            _INSPECTED.popitem(last=False)


_PARSER_LOCK = threading.Lock()
# Checked queries by text: the check depends on the text alone, never on the store.
_INSPECTED: OrderedDict[str, InspectedQuery] = OrderedDict()
_INSPECTED_LOCK = threading.Lock()
_INSPECTED_SIZE = 256


@contextlib.contextmanager
def parser_lock(deadline: float | None = None) -> Iterator[None]:
    """Hold the lock that serialises every use of rdflib's SPARQL parser in the server.

    :param deadline: a :func:`time.monotonic` time after which to stop
        waiting; ``None`` waits as long as it takes.
    :raises ProtocolError: 503, the parser was busy past ``deadline``.
    """
    timeout = -1.0 if deadline is None else max(0.0, deadline - time.monotonic())
    if not _PARSER_LOCK.acquire(timeout=timeout):
        raise ProtocolError(
            "the query ran longer than the time limit while waiting for the parser; try again",
            status=503,
            headers={"Retry-After": "1"},
        )
    try:
        yield
    finally:
        _PARSER_LOCK.release()


def _inspect(text: str) -> InspectedQuery:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes, parseQuery

    if not text.strip():
        raise ProtocolError("the query is empty", status=400)
    try:
        expanded = expandUnicodeEscapes(text)
    except ValueError as exc:
        raise ProtocolError(f"malformed query: {exc}", status=400) from exc
    try:
        tree = parseQuery(expanded)
    except ParseBaseException as exc:
        if _is_update(expanded):
            raise ProtocolError(
                "SPARQL Update is not allowed: this endpoint is read-only", status=403
            ) from None
        raise ProtocolError(
            f"malformed query: {exc.msg} at line {exc.lineno}, column {exc.col}", status=400
        ) from None
    except RecursionError:
        raise ProtocolError("malformed query: nested too deeply to parse", status=400) from None
    body = tree[1]
    form = _FORMS.get(getattr(body, "name", ""))
    if form is None:  # pragma: no cover - parseQuery only yields the four forms
        raise ProtocolError(
            "malformed query: not a SELECT, ASK, CONSTRUCT or DESCRIBE query", status=400
        )
    if any(name == "ServiceGraphPattern" for name in _node_names(tree)):
        raise ProtocolError(
            "federated queries (SERVICE) are not allowed on this endpoint", status=403
        )
    has_dataset = bool(dict.get(body, "datasetClause"))
    return InspectedQuery(text=expanded, form=form, has_dataset_clause=has_dataset)


def _is_update(text: str) -> bool:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except (ParseBaseException, RecursionError, ValueError):
        return False
    return True


def _node_names(tree: Any) -> Iterator[str]:
    """The names of every rdflib ``CompValue`` in a parse tree, depth first, without recursion.

    pyparsing registers ``ParseResults`` as a mapping, and ``CompValue.get``
    answers a missing key with the key itself, so both are walked through the
    plain ``list``/``dict`` methods rather than their own.
    """
    from pyparsing import ParseResults

    stack: list[Any] = [tree]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ParseResults):
            stack.extend(list(node))
            continue
        if isinstance(node, dict):
            name = getattr(node, "name", None)
            if isinstance(name, str):
                yield name
            stack.extend(dict.values(node))
        elif isinstance(node, list | tuple | set | frozenset):
            stack.extend(node)


# --- writing -------------------------------------------------------------------


def write_outcome(outcome: Outcome, media_type: str) -> bytes:
    """``outcome`` written as ``media_type`` (one of :func:`media_types_for` its form).

    :raises ProtocolError: status 406 if ``outcome`` cannot be written as ``media_type``.
    """
    if isinstance(outcome, SelectOutcome):
        if media_type in (SPARQL_JSON, "application/json"):
            return _select_json(outcome)
        if media_type == SPARQL_XML:
            return _select_xml(outcome)
        if media_type == CSV:
            return _select_csv(outcome)
        if media_type == TSV:
            return _select_tsv(outcome)
    elif isinstance(outcome, AskOutcome):
        if media_type in (SPARQL_JSON, "application/json"):
            return json.dumps({"head": {}, "boolean": outcome.value}).encode("utf-8")
        if media_type == SPARQL_XML:
            return (
                '<?xml version="1.0" encoding="utf-8"?>\n'
                '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
                f"<head/>\n<boolean>{'true' if outcome.value else 'false'}</boolean>\n</sparql>\n"
            ).encode()
    elif media_type in GRAPH_MEDIA_TYPES:
        from hmic_graph.rdf.export import serialize

        fmt = {TURTLE: "turtle", NTRIPLES: "nt", JSON_LD: "json-ld"}[media_type]
        return serialize(outcome.graph, format=fmt).encode("utf-8")
    raise ProtocolError(f"this result cannot be written as {media_type}", status=406)


def _select_json(outcome: SelectOutcome) -> bytes:
    document = {"head": {"vars": list(outcome.variables)}, "results": {"bindings": outcome.rows}}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# XML 1.0 cannot carry these characters at all, not even escaped.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(value: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", value))


def _select_xml(outcome: SelectOutcome) -> bytes:
    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="utf-8"?>\n')
    out.write('<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>\n')
    for name in outcome.variables:
        out.write(f"<variable name={quoteattr(name)}/>\n")
    out.write("</head>\n<results>\n")
    for row in outcome.rows:
        out.write("<result>")
        for name in outcome.variables:
            term = row.get(name)
            if term is None:
                continue
            out.write(f"<binding name={quoteattr(name)}>")
            kind, value = term["type"], _xml_text(term["value"])
            if kind == "uri":
                out.write(f"<uri>{value}</uri>")
            elif kind == "bnode":
                out.write(f"<bnode>{value}</bnode>")
            elif "xml:lang" in term:
                out.write(f"<literal xml:lang={quoteattr(term['xml:lang'])}>{value}</literal>")
            elif "datatype" in term:
                out.write(f"<literal datatype={quoteattr(term['datatype'])}>{value}</literal>")
            else:
                out.write(f"<literal>{value}</literal>")
            out.write("</binding>")
        out.write("</result>\n")
    out.write("</results>\n</sparql>\n")
    return out.getvalue().encode("utf-8")


def _select_csv(outcome: SelectOutcome) -> bytes:
    # SPARQL 1.1 CSV: IRIs and literals as bare values (no datatype or
    # language), blank nodes as _:label, unbound as empty, CRLF line ends.
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(outcome.variables)
    for row in outcome.rows:
        cells = []
        for name in outcome.variables:
            term = row.get(name)
            if term is None:
                cells.append("")
            elif term["type"] == "bnode":
                cells.append("_:" + term["value"])
            else:
                cells.append(term["value"])
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _tsv_term(term: JsonTerm | None) -> str:
    if term is None:
        return ""
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return f"<{value}>"
    if kind == "bnode":
        return f"_:{value}"
    text = '"' + value.translate(_TSV_ESCAPES) + '"'
    if "xml:lang" in term:
        return f"{text}@{term['xml:lang']}"
    datatype = term.get("datatype")
    if datatype and datatype != XSD_STRING:
        return f"{text}^^<{datatype}>"
    return text


def _select_tsv(outcome: SelectOutcome) -> bytes:
    lines = ["\t".join(f"?{name}" for name in outcome.variables)]
    for row in outcome.rows:
        lines.append("\t".join(_tsv_term(row.get(name)) for name in outcome.variables))
    return ("\n".join(lines) + "\n").encode("utf-8")
