"""Check a graph against the SHACL shapes and report the results as typed, sorted records.

pySHACL returns an untyped ``(conforms, graph, text)`` tuple whose text has
not always been deterministic (RDFLib/pySHACL#304). :func:`validate` reads
the results graph instead and returns a frozen :class:`ValidationReport`
whose results are sorted, so two runs on the same graph print the same
report byte for byte.

Over 500 lines on purpose: the report types, the reuse of shared nodes'
results across runs (:class:`SharedNodeValidator`) and the reading of
pySHACL's results graph back into records are one job, validation, and the
equal-verdict tests (``tests/test_validation_once.py``) exercise them together.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, cast

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from hmic_graph.model.errors import HmicGraphError, ValidationFailed
from hmic_graph.model.namespaces import DEFAULT_BASE, HMICSH, PREFIXES
from hmic_graph.rdf import ontology
from hmic_graph.rdf.conformance import DESCRIPTIVE, TARGETS, ConformanceCheck, focus_nodes

__all__ = [
    "SharedNodeValidator",
    "ValidationReport",
    "ValidationResult",
    "shorten",
    "validate",
]

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


def validate(graph: Graph, *, shapes: Graph | None = None, full: bool = False) -> ValidationReport:
    """Validate ``graph`` against SHACL ``shapes`` (by default the bundled shapes).

    Runs pySHACL with no inference: the builder writes every type the shapes
    target, and RDFS/OWL inference is what makes pySHACL slow
    (RDFLib/pySHACL#2). ``graph`` is not modified.

    Unless ``full`` is set, two things make it cheaper, with the same report
    as ``full=True`` (which runs pySHACL over every shape and node): a graph
    that :class:`~hmic_graph.rdf.conformance.ConformanceCheck` proves
    conforming is not given to pySHACL at all; and, for any other, the
    checks of a shared node (forces, inspectorates, concepts, people, which
    every release repeats) that read only its own values are run once per
    process for each distinct set of values and then reused (see
    :class:`SharedNodeValidator`).

    :param graph: the data graph.
    :param shapes: a parsed shapes graph; defaults to ``shapes/hmic.shacl.ttl``,
        parsed once per process.
    :param full: validate every node with every shape, reusing nothing.
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
    shapes_graph = shapes if shapes is not None else ontology.shapes_graph()
    return _validator_for(shapes_graph).validate(graph, full=full)


def _validator_for(shapes: Graph) -> SharedNodeValidator:
    """The validator of ``shapes``, made once per shapes graph (the same object, unchanged).

    A few are kept, the most recently used, so that callers passing many
    shapes graphs do not keep them all alive.
    """
    with _VALIDATORS_LOCK:
        key = id(shapes)
        found = _VALIDATORS.get(key)
        # The same object with as many triples: a changed graph gets a new validator.
        if found is None or found[0] is not shapes or found[1] != len(shapes):
            found = _VALIDATORS[key] = (shapes, len(shapes), SharedNodeValidator(shapes))
        _VALIDATORS.move_to_end(key)
        while len(_VALIDATORS) > _KEPT_VALIDATORS:
            _VALIDATORS.popitem(last=False)
        return found[2]


_VALIDATORS: OrderedDict[int, tuple[Graph, int, SharedNodeValidator]] = OrderedDict()
_VALIDATORS_LOCK = threading.Lock()
_KEPT_VALIDATORS = 8

# What a shape may say and still read nothing but the value it is given: no
# other node's triples (sh:class, sh:property), no other predicate (sh:lessThan).
_VALUE_PARAMETERS = frozenset(
    (
        SH.nodeKind,
        SH.datatype,
        SH.pattern,
        SH.flags,
        SH.minLength,
        SH.maxLength,
        SH.minInclusive,
        SH.maxInclusive,
        SH.minExclusive,
        SH.maxExclusive,
        SH["in"],
        SH.hasValue,
        SH.languageIn,
    )
)
_LOGICAL = frozenset((SH.node, SH["not"], SH["and"], SH["or"], SH.xone))
_LIST_LOGICAL = frozenset((SH["and"], SH["or"], SH.xone))
# Properties that describe a shape without constraining anything.
_DESCRIPTIVE = DESCRIPTIVE | {SH.path}
_COUNTS = frozenset((SH.minCount, SH.maxCount, SH.uniqueLang))
#: Shared-node verdicts kept per process (least recently used are dropped).
MEMO_SIZE = 100_000


@dataclass(frozen=True)
class _NodeShapePlan:
    """How one targeted node shape splits into checks a shared node can reuse and the rest."""

    shape: URIRef
    targets: tuple[tuple[URIRef, Node], ...]  # (target predicate, class or property or node)
    local_predicates: tuple[URIRef, ...]  # what the reusable checks read of the focus node
    removed: tuple[tuple[Node, Node, Node], ...]  # shapes-graph triples of the reusable checks


class SharedNodeValidator:
    """pySHACL over a fixed shapes graph, checking shared nodes' own facts once per process.

    A node shape splits into *local* checks, which read only the focus node
    itself and its values for some predicates (cardinality, datatype,
    pattern, node kind, ``sh:in``, ``sh:hasValue``, and ``sh:node``/``sh:not``/
    ``sh:or`` of shapes made of those), and the rest (``sh:class`` of a
    value, paths that are not one predicate, ``sh:lessThan``...). A local
    check's results are a function of the shape, the focus node and its
    values for those predicates, so they are computed once per distinct
    ``(shape, node, values)`` and kept. That is done only for a node shape
    whose focus nodes in the graph are all *shared*: IRIs outside every
    release's own namespace (``.../release/<id>/...``), which other
    releases describe again. The graph itself is then validated by pySHACL
    with the other checks only, and the two sets of results are joined.

    Equal verdicts to full validation are tested on every bundled release
    and on deliberately broken graphs (``tests/test_validation_once.py``).
    Whenever the split could differ from full validation (the graph states
    ``rdfs:subClassOf``, a node shape has a target it cannot compute, a
    value is a blank node), the graph is validated in full.

    :param shapes: the parsed shapes graph; it must not change afterwards.
    :raises HmicGraphError: as :func:`validate`, from :meth:`validate`.
    """

    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self._plans = _plans(shapes)
        self._lock = threading.RLock()
        self._variants: dict[frozenset[URIRef], Any] = {}
        self._local: tuple[Graph, Any] | None = None
        self._memo: OrderedDict[tuple[Any, ...], tuple[_MemoResult, ...]] = OrderedDict()
        self._proof = ConformanceCheck.compile(shapes)

    def validate(self, graph: Graph, *, full: bool = False) -> ValidationReport:
        """``graph``'s report, equal to pySHACL's over every shape and node.

        A graph the :class:`~hmic_graph.rdf.conformance.ConformanceCheck`
        proves conforming gets the conforming report at once; any other goes
        through pySHACL.

        :param full: run pySHACL over every shape and node, reusing nothing.
        :raises HmicGraphError: pySHACL could not run the shapes.
        """
        if not full and self._proof is not None and self._proof.conforms(graph):
            return ValidationReport(True, (), self._conforming_report())
        with self._lock:
            memoised = {} if full else self._memoised(graph)
            variant = frozenset(memoised)
            conforms, report = self._run(graph, self._variant(variant))
            reused = [
                result
                for plan_shape, nodes in sorted(memoised.items())
                for node in nodes
                for result in self._local_results(graph, self._plans[plan_shape], node)
            ]
        results = [_result(report, node, self.shapes) for node in _result_nodes(report)]
        if reused:
            conforms = False
            results.extend(item.result for item in reused)
            _merge_into(report, reused)
        return ValidationReport(
            bool(conforms), tuple(sorted(results, key=ValidationResult.sort_key)), report
        )

    def _conforming_report(self) -> Graph:
        """pySHACL's RDF report for a graph with no results."""
        report = Graph(bind_namespaces="core")
        for prefix, namespace in self.shapes.namespaces():
            report.bind(prefix, namespace)
        root = BNode()
        report.add((root, RDF.type, SH.ValidationReport))
        report.add((root, SH.conforms, Literal(True)))
        return report

    # -- which node shapes are reused for this graph -------------------------------

    def _memoised(self, graph: Graph) -> dict[URIRef, list[URIRef]]:
        """Node shape -> its focus nodes, for the node shapes whose local checks are reused."""
        if not self._plans or (None, RDFS.subClassOf, None) in graph:
            return {}
        own = tuple(str(r) for r in graph.subjects(RDF.type, _PRESS_RELEASE))
        if not own:
            return {}
        prefixes = tuple(f"{r}/" for r in own)
        found: dict[URIRef, list[URIRef]] = {}
        for plan in self._plans.values():
            nodes = focus_nodes(graph, plan.targets)
            if nodes and all(
                isinstance(n, URIRef) and str(n) not in own and not str(n).startswith(prefixes)
                for n in nodes
            ):
                found[plan.shape] = sorted(cast(set[URIRef], nodes))
        return found

    def _local_results(
        self, graph: Graph, plan: _NodeShapePlan, node: URIRef
    ) -> tuple[_MemoResult, ...]:
        values = []
        for predicate in plan.local_predicates:
            objects = frozenset(graph.objects(node, predicate))
            values.append((predicate, objects))
        key = (plan.shape, node, tuple(values))
        found = self._memo.get(key)
        if found is not None:
            self._memo.move_to_end(key)
            return found
        mini = Graph(bind_namespaces="none")
        for prefix, namespace in graph.namespaces():
            mini.bind(prefix, namespace, override=True, replace=True)
        for predicate, objects in values:
            for value in objects:
                mini.add((node, predicate, value))
        local_graph, local_shapes = self._local_shapes()
        _conforms, report = self._run(
            mini, (local_graph, local_shapes), use_shapes=[str(plan.shape)], focus=[str(node)]
        )
        found = tuple(
            _MemoResult(_result(report, r, self.shapes), tuple(_closure(report, r)))
            for r in _result_nodes(report)
        )
        self._memo[key] = found
        if len(self._memo) > MEMO_SIZE:
            self._memo.popitem(last=False)
        return found

    # -- shapes graphs, parsed into pySHACL shapes once ----------------------------

    def _variant(self, memoised: frozenset[URIRef]) -> tuple[Graph, Any]:
        """The shapes graph without the local checks of ``memoised`` node shapes, and its pySHACL form."""
        found = self._variants.get(memoised)
        if found is None:
            # A copy even when nothing is removed: pySHACL adds triples to the
            # shapes graph it is given, and the caller's graph stays as it was.
            graph = _copy(self.shapes)
            for shape in memoised:
                for triple in self._plans[shape].removed:
                    graph.remove(triple)
            found = self._variants[memoised] = (graph, _shapes_graph(graph))
        return cast(tuple[Graph, Any], found)

    def _local_shapes(self) -> tuple[Graph, Any]:
        """The shapes graph with only the local checks of each node shape that has a plan."""
        if self._local is None:
            graph = _copy(self.shapes)
            for plan in self._plans.values():
                keep = set(plan.removed)
                for triple in list(graph.triples((plan.shape, None, None))):
                    if triple not in keep and triple[1] not in _DESCRIPTIVE:
                        graph.remove(triple)
            self._local = (graph, _shapes_graph(graph))
        return self._local

    def _run(
        self,
        data: Graph,
        shapes: tuple[Graph, Any],
        *,
        use_shapes: list[str] | None = None,
        focus: list[str] | None = None,
    ) -> tuple[bool, Graph]:
        from pyshacl import Validator
        from pyshacl.graph_abstraction import DataGraph

        graph, parsed = shapes
        options = {
            "inference": "none",
            "abort_on_first": False,
            "allow_infos": False,
            "allow_warnings": False,
            "use_shapes": use_shapes,
            "focus_nodes": focus,
            "logger": _LOGGER,
        }
        try:
            validator: Any = Validator(
                DataGraph.from_rdflib(data), shacl_graph=graph, options=options
            )
            # pySHACL reads the shapes graph into Shape objects on every run, which
            # costs more than validating a small graph; the parsed shapes do not
            # depend on the data, so the ones read once are used instead.
            validator.shacl_graph = parsed
            conforms, report, _text = validator.run()
        except Exception as exc:  # pySHACL raises its own hierarchy plus rdflib errors
            raise HmicGraphError(f"SHACL validation could not run: {exc}") from exc
        return bool(conforms), cast(Graph, report)


_LOGGER = logging.getLogger("hmic_graph.validation")
_PRESS_RELEASE = URIRef("https://w3id.org/hmic-graph/ontology#PressRelease")


@dataclass(frozen=True)
class _MemoResult:
    result: ValidationResult
    triples: tuple[tuple[Node, Node, Node], ...]  # the result's node in the RDF report


def _shapes_graph(graph: Graph) -> Any:
    from pyshacl.shapes_graph import ShapesGraph

    parsed = ShapesGraph(graph, False, _LOGGER)
    try:
        _ = parsed.shapes  # read every shape now, so later runs share them
    except Exception as exc:  # pySHACL raises its own hierarchy for bad shapes
        raise HmicGraphError(f"SHACL validation could not run: {exc}") from exc
    return parsed


def _copy(graph: Graph) -> Graph:
    copy = Graph(bind_namespaces="none")
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace, override=True, replace=True)
    copy += graph
    return copy


def _result_nodes(report: Graph) -> list[Node]:
    return list(report.subjects(RDF.type, SH.ValidationResult))


def _closure(graph: Graph, node: Node) -> Iterator[tuple[Node, Node, Node]]:
    """The triples about ``node`` and, recursively, about the blank nodes they reach."""
    seen = {node}
    todo = [node]
    while todo:
        for triple in graph.triples((todo.pop(), None, None)):
            yield triple
            if isinstance(triple[2], BNode) and triple[2] not in seen:
                seen.add(triple[2])
                todo.append(triple[2])


def _merge_into(report: Graph, reused: list[_MemoResult]) -> None:
    """Add reused results to pySHACL's RDF report and mark it as not conforming."""
    root = report.value(None, RDF.type, SH.ValidationReport, any=True)
    if root is None:
        return
    report.set((root, SH.conforms, Literal(False)))
    for item in reused:
        if item.triples:
            report.add((root, SH.result, item.triples[0][0]))
        for triple in item.triples:
            report.add(triple)


def _plans(shapes: Graph) -> dict[URIRef, _NodeShapePlan]:
    """The node shapes whose local checks can be reused, and what those checks are."""
    referenced = {
        o for p in _LOGICAL | {SH.qualifiedValueShape, SH.property} for o in shapes.objects(None, p)
    }
    for lst in (
        list(shapes.objects(None, SH["or"]))
        + list(shapes.objects(None, SH["and"]))
        + list(shapes.objects(None, SH.xone))
    ):
        referenced.update(Collection(shapes, lst))
    plans: dict[URIRef, _NodeShapePlan] = {}
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        if not isinstance(shape, URIRef) or shape in referenced:
            continue
        targets = [(cast(URIRef, p), o) for p, o in shapes.predicate_objects(shape) if p in TARGETS]
        if not targets or any(isinstance(o, BNode) for _p, o in targets):
            continue
        if (shape, RDF.type, RDFS.Class) in shapes or (shape, SH.target, None) in shapes:
            continue  # implicit class targets and SPARQL targets are left to pySHACL
        if (shape, SH.message, None) not in shapes or (shape, SH.deactivated, None) in shapes:
            continue  # pySHACL would word the message from the data graph's prefixes
        node_level = [
            (shape, p, o)
            for p, o in shapes.predicate_objects(shape)
            if p not in TARGETS and p not in _DESCRIPTIVE and p != SH.property
        ]
        removed: list[tuple[Node, Node, Node]] = []
        predicates: set[URIRef] = set()
        if node_level and all(_local_parameter(shapes, p, o) for _s, p, o in node_level):
            removed.extend(node_level)
        for prop in shapes.objects(shape, SH.property):
            path = shapes.value(prop, SH.path)
            if isinstance(path, URIRef) and _local_property(shapes, prop):
                removed.append((shape, SH.property, prop))
                predicates.add(path)
        if removed:
            plans[shape] = _NodeShapePlan(
                shape,
                tuple(sorted(targets, key=str)),
                tuple(sorted(predicates, key=str)),
                tuple(removed),
            )
    return plans


def _local_parameter(shapes: Graph, parameter: Node, value: Node) -> bool:
    """Whether a constraint reads nothing but the value node it checks."""
    if parameter in _VALUE_PARAMETERS:
        return True
    if parameter in _LIST_LOGICAL:
        return all(_value_local(shapes, member) for member in Collection(shapes, value))
    if parameter in _LOGICAL:
        return _value_local(shapes, value)
    return False


def _value_local(shapes: Graph, shape: Node, depth: int = 0) -> bool:
    """Whether a shape checked against a value reads nothing but that value."""
    if depth > 8:
        return False
    for parameter, value in shapes.predicate_objects(shape):
        if parameter in _DESCRIPTIVE and parameter != SH.path:
            continue
        if parameter in _LOGICAL and parameter not in _LIST_LOGICAL:
            if not _value_local(shapes, value, depth + 1):
                return False
        elif parameter in _LIST_LOGICAL:
            if not all(_value_local(shapes, m, depth + 1) for m in Collection(shapes, value)):
                return False
        elif parameter not in _VALUE_PARAMETERS:
            return False
    return True


def _local_property(shapes: Graph, prop: Node) -> bool:
    """Whether a property shape reads nothing but its focus node's values of its one predicate."""
    if (prop, SH.message, None) not in shapes:
        return False
    for parameter, value in shapes.predicate_objects(prop):
        if parameter in _DESCRIPTIVE or parameter in _COUNTS:
            continue
        if not _local_parameter(shapes, parameter, value):
            return False
    return True


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
