"""The SPARQL side of the server without the web framework: answers and their writers.

Queries are checked by :func:`hmic_graph.sparql.guard.check_query` and run
by worker processes (:mod:`hmic_graph.serve.workers`), whose answers
:func:`outcome_of` turns into plain data (:class:`SelectOutcome`,
:class:`AskOutcome`, :class:`GraphOutcome`) or a :class:`ProtocolError`.
The functions here write outcomes in the SPARQL 1.1 results formats (JSON,
XML, CSV, TSV) or, for ``CONSTRUCT``/``DESCRIBE``, with
:func:`hmic_graph.rdf.export.serialize`. Workers stop reading rows at the
row limit, which is why results are not streamed straight from the
engine's own serialisers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias
from xml.sax.saxutils import escape, quoteattr

from hmic_graph.model.errors import InvalidQuery
from hmic_graph.sparql.guard import QueryForm

if TYPE_CHECKING:
    from rdflib import Graph

__all__ = [
    "ASK_MEDIA_TYPES",
    "GRAPH_MEDIA_TYPES",
    "SELECT_MEDIA_TYPES",
    "AskOutcome",
    "GraphOutcome",
    "JsonTerm",
    "Outcome",
    "ProtocolError",
    "QueryForm",
    "SelectOutcome",
    "media_types_for",
    "outcome_of",
    "write_outcome",
]

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

class ProtocolError(InvalidQuery):
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


# --- answers ------------------------------------------------------------------


def outcome_of(reply: Mapping[str, Any]) -> tuple[QueryForm, Outcome]:
    """The form and outcome of a worker's answer (see :mod:`hmic_graph.serve.worker`).

    :raises ProtocolError: the worker answered with an error: its status
        (400 malformed or failed, 422 more rows than the limit, with
        ``X-Result-Limit``).
    """
    if "error" in reply:
        status = int(reply.get("status", 500))
        if status == 422:
            limit = int(reply["max_rows"])
            raise ProtocolError(
                f"the result has more than {limit} rows, the limit of this endpoint; "
                "add LIMIT (and OFFSET to page through it) or narrow the query",
                status=422,
                headers={"X-Result-Limit": str(limit)},
            )
        raise ProtocolError(str(reply["error"]), status=status)
    form = reply["form"]
    if form == "ASK":
        return "ASK", AskOutcome(bool(reply["value"]))
    if form == "SELECT":
        return "SELECT", SelectOutcome(tuple(reply["variables"]), list(reply["rows"]))
    from rdflib import Graph

    graph = Graph()
    for triple in reply["triples"]:
        graph.add((_rdflib_term(triple[0]), _rdflib_term(triple[1]), _rdflib_term(triple[2])))
    return "CONSTRUCT", GraphOutcome(graph)


def _rdflib_term(term: Mapping[str, str]) -> Any:
    from rdflib import BNode, Literal, URIRef

    if term["type"] == "uri":
        return URIRef(term["value"])
    if term["type"] == "bnode":
        return BNode(term["value"])
    if "xml:lang" in term:
        return Literal(term["value"], lang=term["xml:lang"])
    datatype = term.get("datatype")
    return Literal(term["value"], datatype=URIRef(datatype) if datatype else None)


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
