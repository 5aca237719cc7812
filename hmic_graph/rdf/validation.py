"""Check a graph against the SHACL shapes and report the results as typed, sorted records.

pySHACL returns an untyped ``(conforms, graph, text)`` tuple whose text has
not always been deterministic (RDFLib/pySHACL#304). :func:`validate` reads
the results graph instead and returns a frozen :class:`ValidationReport`
whose results are sorted, so two runs on the same graph print the same
report byte for byte.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, cast

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from hmic_graph.model.errors import HmicGraphError, ValidationFailed
from hmic_graph.model.namespaces import DEFAULT_BASE, HMICSH, PREFIXES
from hmic_graph.rdf import ontology

__all__ = ["ValidationReport", "ValidationResult", "shorten", "validate"]

_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_SEVERITY_RANK = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """One SHACL validation result.

    IRIs are given in full; a literal value by its lexical form. A path that
    is not a single property is written in SPARQL property-path syntax.

    :param severity: ``"Violation"``, ``"Warning"`` or ``"Info"``.
    :param focus_node: the node that failed.
    :param path: the property path checked, or ``None`` for a node constraint.
    :param message: what is wrong (several messages are joined with ``"; "``).
    :param source_shape: the shape's IRI; for a blank-node property shape,
        the IRI of the node shape that declares it; ``None`` if neither is known.
    :param value: the offending value, if the result names one.
    """

    severity: str
    focus_node: str
    path: str | None
    message: str
    source_shape: str | None = None
    value: str | None = None

    def sort_key(self) -> tuple[int, str, str, str, str, str]:
        """The order results are reported in: severity, focus node, path, message."""
        return (
            _SEVERITY_RANK.get(self.severity, 3),
            self.focus_node,
            self.path or "",
            self.message,
            self.source_shape or "",
            self.value or "",
        )

    def to_text(self) -> str:
        """One line: ``Violation: <focus> <path>: <message> (value: ...)``, with short names.

        >>> ValidationResult(
        ...     "Violation", "https://w3id.org/hmic-graph/id/force/x",
        ...     "https://schema.org/name", "Missing name").to_text()
        'Violation: hmicid:force/x schema:name: Missing name'
        """
        head = f"{self.severity}: {shorten(self.focus_node)}"
        if self.path is not None:
            head += f" {shorten(self.path)}"
        line = f"{head}: {self.message}"
        if self.value is not None:
            line += f" (value: {shorten(self.value)})"
        return line


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """The outcome of :func:`validate`.

    :param conforms: SHACL's verdict: true only when there are no results of
        any severity.
    :param results: the results, sorted by severity, focus node, path, message.
    :param results_graph: pySHACL's results graph, for callers who want the
        standard RDF report; not compared, not printed.
    """

    conforms: bool
    results: tuple[ValidationResult, ...] = ()
    results_graph: Graph | None = field(default=None, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self) -> Iterator[ValidationResult]:
        return iter(self.results)

    def raise_for_results(self) -> None:
        """Raise if the graph does not conform; do nothing if it does.

        :raises ValidationFailed: with a message listing every result, one per
            line; the exception's ``report`` is this report.

        >>> ValidationReport(conforms=True).raise_for_results()
        """
        if self.conforms:
            return
        count = len(self.results)
        lines = [f"graph does not conform to the shapes ({count} result{'s' * (count != 1)}):"]
        lines.extend(f"  {result.to_text()}" for result in self.results)
        raise ValidationFailed("\n".join(lines), report=self)

    def to_text(self) -> str:
        """A human summary: a verdict line, then one line per result.

        >>> print(ValidationReport(conforms=True).to_text())
        Conforms: yes (0 results)
        """
        count = len(self.results)
        verdict = "yes" if self.conforms else "no"
        lines = [f"Conforms: {verdict} ({count} result{'s' * (count != 1)})"]
        lines.extend(result.to_text() for result in self.results)
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The report as plain data: ``{"conforms": ..., "results": [{...}, ...]}``.

        >>> ValidationReport(conforms=True).to_dict()
        {'conforms': True, 'results': []}
        """
        return {"conforms": self.conforms, "results": [asdict(r) for r in self.results]}

    def to_json(self) -> str:
        """:meth:`to_dict` as indented JSON with sorted keys.

        >>> print(ValidationReport(conforms=True).to_json())
        {
          "conforms": true,
          "results": []
        }
        """
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False)


def validate(graph: Graph, *, shapes: Graph | None = None) -> ValidationReport:
    """Validate ``graph`` against SHACL ``shapes`` (by default the bundled shapes).

    Runs pySHACL with no inference: the builder writes every type the shapes
    target, and RDFS/OWL inference is what makes pySHACL slow
    (RDFLib/pySHACL#2). ``graph`` is not modified.

    :param graph: the data graph.
    :param shapes: a parsed shapes graph; defaults to ``shapes/hmic.shacl.ttl``,
        parsed once per process.
    :raises ResourceError: the bundled shapes are missing or broken.
    :raises HmicGraphError: pySHACL could not run the shapes (e.g. an
        unsupported constraint).

    >>> from rdflib import Graph
    >>> shapes = Graph().parse(format="turtle", data='''
    ...     @prefix sh: <http://www.w3.org/ns/shacl#> .
    ...     @prefix schema: <https://schema.org/> .
    ...     <urn:s> a sh:NodeShape ; sh:targetClass schema:Person ;
    ...         sh:property [ sh:path schema:name ; sh:minCount 1 ;
    ...                       sh:message "needs a name" ] .''')
    >>> data = Graph().parse(format="turtle", data='''
    ...     <https://w3id.org/hmic-graph/id/person/x> a <https://schema.org/Person> .''')
    >>> report = validate(data, shapes=shapes)
    >>> report.conforms, len(report)
    (False, 1)
    >>> print(report.results[0].to_text())
    Violation: hmicid:person/x schema:name: needs a name
    >>> report.results[0].source_shape
    'urn:s'
    """
    import pyshacl

    shapes_graph = shapes if shapes is not None else ontology.shapes_graph()
    try:
        conforms, results_graph, _text = pyshacl.validate(
            graph,
            shacl_graph=shapes_graph,
            inference="none",
            abort_on_first=False,
            allow_infos=False,
            allow_warnings=False,
        )
    except Exception as exc:  # pySHACL raises its own hierarchy plus rdflib errors
        raise HmicGraphError(f"SHACL validation could not run: {exc}") from exc
    results = tuple(
        sorted(
            (
                _result(results_graph, node, shapes_graph)
                for node in results_graph.subjects(RDF.type, SH.ValidationResult)
            ),
            key=ValidationResult.sort_key,
        )
    )
    return ValidationReport(bool(conforms), results, results_graph)


def _result(report: Graph, node: Node, shapes: Graph) -> ValidationResult:
    severity_node = report.value(node, SH.resultSeverity)
    severity = _SEVERITIES.get(cast(URIRef, severity_node), _local(severity_node))
    focus = report.value(node, SH.focusNode)
    path = report.value(node, SH.resultPath)
    value = report.value(node, SH.value)
    messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
    return ValidationResult(
        severity=severity,
        focus_node=_term_text(focus, report) or "",
        path=_path_text(path, report) if path is not None else None,
        message="; ".join(messages) or "(no message)",
        source_shape=_shape_text(report.value(node, SH.sourceShape), report, shapes),
        value=_term_text(value, report),
    )


def _local(node: Node | None) -> str:
    text = str(node) if node is not None else "Violation"
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _term_text(node: Node | None, graph: Graph) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef | Literal):
        return str(node)
    if isinstance(node, BNode):
        # Blank node ids change from run to run; describe the node by its
        # triples instead so the report stays deterministic.
        pairs = sorted(f"{shorten(str(p))} {_term_text(o, graph)}" for p, o in graph[node])
        return "[" + "; ".join(pairs) + "]"
    return str(node)


def _path_text(node: Node, graph: Graph, *, nested: bool = False) -> str:
    if isinstance(node, URIRef):
        return str(node) if not nested else f"<{node}>"
    if not isinstance(node, BNode):
        return str(node)
    for predicate, suffix in (
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        inner = graph.value(node, predicate)
        if inner is not None:
            return f"({_path_text(inner, graph, nested=True)}){suffix}"
    inverse = graph.value(node, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(inverse, graph, nested=True)
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        parts = [_path_text(p, graph, nested=True) for p in Collection(graph, alternatives)]
        return "(" + "|".join(parts) + ")"
    if graph.value(node, RDF.first) is not None:
        return "/".join(_path_text(p, graph, nested=True) for p in Collection(graph, node))
    return _term_text(node, graph) or ""


def _shape_text(node: Node | None, report: Graph, shapes: Graph) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return str(node)
    # A blank-node id means nothing to a reader and changes between runs;
    # name the node shape that declares it instead. pySHACL reports the
    # shapes graph's own blank node, so it can be looked up there.
    owners = sorted(str(o) for o in shapes.subjects(SH.property, node) if isinstance(o, URIRef))
    return owners[0] if owners else None


@functools.cache
def _short_forms() -> tuple[tuple[str, str], ...]:
    pairs = [(str(ns), prefix) for prefix, ns in PREFIXES.items()]
    pairs += [(DEFAULT_BASE, "hmicid"), (str(HMICSH), "hmicsh"), (str(SH), "sh")]
    # Longest namespace first, so the most specific prefix wins.
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[1])))


def shorten(text: str) -> str:
    """``text`` with a leading model namespace replaced by its prefix (``schema:name``).

    Works on the full-IRI strings a :class:`ValidationResult` holds; anything
    else is returned as it is. Complex paths (``^<...>``, ``<a>/<b>``) are
    shortened term by term.

    >>> shorten("https://schema.org/name"), shorten("^<http://www.w3.org/ns/org#holds>")
    ('schema:name', '^org:holds')
    """
    if "<" in text:
        out = []
        for piece in text.split("<"):
            iri, sep, rest = piece.partition(">")
            out.append(_shorten_iri(iri) + rest if sep else piece)
        return "".join(out)
    return _shorten_iri(text)


def _shorten_iri(text: str) -> str:
    for namespace, prefix in _short_forms():
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return text
