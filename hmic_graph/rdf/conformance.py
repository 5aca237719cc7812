"""A fast proof that a graph conforms to SHACL shapes, or "don't know": pySHACL decides the rest.

Almost every release graph a corpus load validates conforms, and pySHACL
spends tens of milliseconds proving it. :class:`ConformanceCheck` reads the
shapes once into plain Python checks of the SHACL Core constraints the
bundled shapes use and evaluates them on a graph in a few milliseconds.
Every check answers ``PASS`` or ``FAIL`` only where its answer is
pySHACL's own (the rules below follow pySHACL 0.40's constraint
components), and ``UNKNOWN`` wherever it could differ; ``sh:not`` and
``sh:or`` combine the three values so that an ``UNKNOWN`` never turns into
a verdict. :meth:`ConformanceCheck.conforms` is true only when every focus
node of every shape passes; anything else (a failure, an unknown, a graph
stating ``rdfs:subClassOf``) is left to pySHACL, which alone writes every
report with results. Shapes using a constraint it does not know are not
compiled at all (:meth:`ConformanceCheck.compile` returns ``None``).

``tests/test_validation_once.py`` checks the verdicts against pySHACL's on
every bundled release and on every broken graph of ``tests/test_shapes.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import cast

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from hmic_graph.model.namespaces import XSD_INTEGER_NAMES

__all__ = ["FAIL", "PASS", "TARGETS", "UNKNOWN", "ConformanceCheck", "Target", "focus_nodes"]

PASS, FAIL, UNKNOWN = 1, 0, -1

#: A check of one node (a focus node, or a value) in a data graph.
Check = Callable[[Graph, Node], int]

#: Shape properties that describe rather than constrain.
DESCRIPTIVE = frozenset(
    (
        RDF.type,
        RDFS.label,
        RDFS.comment,
        SH.name,
        SH.description,
        SH.message,
        SH.severity,
        SH.order,
        SH.group,
    )
)
#: The target declarations the checks (and the shared-node reuse) compute focus nodes for.
TARGETS = frozenset((SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf))
_INTEGERS = frozenset(XSD[name] for name in XSD_INTEGER_NAMES)
_NODE_KINDS = {
    SH.IRI: (URIRef,),
    SH.BlankNode: (BNode,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}


class _Unsupported(Exception):
    """The shapes use something the check does not evaluate; pySHACL does it all."""


def _all(results: Iterable[int]) -> int:
    """SHACL's conjunction: a failure fails, else an unknown is unknown."""
    verdict = PASS
    for result in results:
        if result == FAIL:
            return FAIL
        if result == UNKNOWN:
            verdict = UNKNOWN
    return verdict


def _any(results: Iterable[int]) -> int:
    verdict = FAIL
    for result in results:
        if result == PASS:
            return PASS
        if result == UNKNOWN:
            verdict = UNKNOWN
    return verdict


def _verdict(ok: bool) -> int:
    return PASS if ok else FAIL


#: A target declaration of a shape: ``(sh:targetClass, class)``, ``(sh:targetNode, node)``...
Target = tuple[URIRef, Node]


class ConformanceCheck:
    """The bundled (or any) shapes as Python checks that can prove a graph conforms.

    Use :meth:`compile`; the constructor takes the compiled parts.
    """

    def __init__(self, shapes: list[tuple[tuple[Target, ...], Check]]) -> None:
        self._shapes = shapes

    @classmethod
    def compile(cls, shapes: Graph) -> ConformanceCheck | None:
        """``shapes`` as checks, or ``None`` if they use a constraint the checks do not evaluate."""
        compiler = _Compiler(shapes)
        try:
            return cls(compiler.top_level())
        except _Unsupported:
            return None

    def conforms(self, graph: Graph) -> bool:
        """True only if pySHACL (no inference) would find ``graph`` conforming; False: don't know."""
        if (None, RDFS.subClassOf, None) in graph:
            return False  # class membership would follow subclasses: left to pySHACL
        for targets, check in self._shapes:
            for node in focus_nodes(graph, targets):
                if check(graph, node) != PASS:
                    return False
        return True


def focus_nodes(graph: Graph, targets: Iterable[Target]) -> set[Node]:
    """The focus nodes of a shape with these targets, as pySHACL finds them in a graph
    that states no ``rdfs:subClassOf`` (pySHACL would also follow those)."""
    nodes: set[Node] = set()
    for kind, value in targets:
        if kind == SH.targetClass:
            nodes.update(graph.subjects(RDF.type, value))
        elif kind == SH.targetObjectsOf:
            nodes.update(graph.objects(None, cast(URIRef, value)))
        elif kind == SH.targetSubjectsOf:
            nodes.update(graph.subjects(cast(URIRef, value), None))
        else:
            nodes.add(value)
    return nodes


class _Compiler:
    def __init__(self, shapes: Graph) -> None:
        self.shapes = shapes
        self.compiled: dict[Node, Check] = {}
        self.compiling: set[Node] = set()
        if (None, SH.deactivated, None) in shapes or (
            None,
            SH.qualifiedValueShapesDisjoint,
            None,
        ) in shapes:
            raise _Unsupported
        for shape in shapes.subjects(RDF.type, SH.NodeShape):
            if (shape, RDF.type, RDFS.Class) in shapes:
                raise _Unsupported  # an implicit class target

    def top_level(self) -> list[tuple[tuple[Target, ...], Check]]:
        found = []
        subjects = {s for t in TARGETS for s in self.shapes.subjects(t, None)}
        if (None, SH.target, None) in self.shapes:
            raise _Unsupported
        for shape in sorted(subjects, key=str):
            targets = tuple(
                (cast(URIRef, p), o)
                for p, o in sorted(self.shapes.predicate_objects(shape), key=str)
                if p in TARGETS
            )
            found.append((targets, self.shape(shape)))
        return found

    def shape(self, shape: Node) -> Check:
        """The check of ``shape`` on a node: a node shape, or a property shape (it has sh:path)."""
        found = self.compiled.get(shape)
        if found is None:
            if shape in self.compiling:
                raise _Unsupported  # a shape that refers to itself
            self.compiling.add(shape)
            found = self.compiled[shape] = (
                self._property(shape)
                if (shape, SH.path, None) in self.shapes
                else self._node(shape)
            )
            self.compiling.discard(shape)
        return found

    def _node(self, shape: Node) -> Check:
        checks: list[Check] = []
        for parameter, value in self.shapes.predicate_objects(shape):
            if parameter in DESCRIPTIVE or parameter in TARGETS:
                continue
            if parameter == SH.property:
                checks.append(self.shape(value))
            else:
                value_check = self._value(parameter, value, shape)
                checks.append(value_check)
        return lambda graph, node: _all(check(graph, node) for check in checks)

    def _property(self, shape: Node) -> Check:
        path = self.shapes.value(shape, SH.path)
        values = self._path(path)
        per_value: list[Check] = []
        per_set: list[Callable[[Graph, Node, set[Node]], int]] = []
        qualified: Node | None = None
        low = high = None
        for parameter, value in self.shapes.predicate_objects(shape):
            if parameter in DESCRIPTIVE or parameter in TARGETS or parameter == SH.path:
                continue
            if parameter == SH.minCount:
                per_set.append(_min_count(_integer(value)))
            elif parameter == SH.maxCount:
                per_set.append(_max_count(_integer(value)))
            elif parameter == SH.hasValue:
                if not isinstance(value, URIRef):
                    raise _Unsupported
                per_set.append(_has_value(value))
            elif parameter == SH.lessThan:
                per_set.append(_less_than(cast(URIRef, value)))
            elif parameter == SH.qualifiedValueShape:
                qualified = value
            elif parameter == SH.qualifiedMinCount:
                low = _integer(value)
            elif parameter == SH.qualifiedMaxCount:
                high = _integer(value)
            elif parameter == SH.property:
                raise _Unsupported
            else:
                per_value.append(self._value(parameter, value, shape))
        if qualified is not None:
            per_set.append(_qualified(self.shape(qualified), low, high))
        elif low is not None or high is not None:
            raise _Unsupported

        def check(graph: Graph, focus: Node) -> int:
            found = values(graph, focus)
            results = [rule(graph, focus, found) for rule in per_set]
            results.extend(rule(graph, value) for rule in per_value for value in found)
            return _all(results)

        return check

    def _path(self, path: Node | None) -> Callable[[Graph, Node], set[Node]]:
        if isinstance(path, URIRef):
            return lambda graph, focus: set(graph.objects(focus, path))
        inverse = self.shapes.value(path, SH.inversePath) if isinstance(path, BNode) else None
        if isinstance(inverse, URIRef) and len(list(self.shapes.predicate_objects(path))) == 1:
            return lambda graph, focus: set(graph.subjects(inverse, focus))
        raise _Unsupported

    def _value(self, parameter: Node, value: Node, shape: Node) -> Check:
        """The check a constraint makes of each value node (of a node shape: of the focus node)."""
        if parameter == SH.node:
            return self.shape(value)
        if parameter == SH["not"]:
            inner = self.shape(value)
            return lambda graph, node: {PASS: FAIL, FAIL: PASS}.get(inner(graph, node), UNKNOWN)
        if parameter in (SH["or"], SH["and"]):
            members = [self.shape(m) for m in Collection(self.shapes, value)]
            combine = _any if parameter == SH["or"] else _all
            return lambda graph, node: combine(m(graph, node) for m in members)
        if parameter == SH["class"]:
            return lambda graph, node: (
                FAIL if isinstance(node, Literal) else _verdict((node, RDF.type, value) in graph)
            )
        if parameter == SH.datatype:
            return lambda _graph, node: _datatype(node, value)
        if parameter == SH.nodeKind:
            kinds = _NODE_KINDS.get(cast(URIRef, value))
            if kinds is None:
                raise _Unsupported
            return lambda _graph, node: _verdict(isinstance(node, kinds))
        if parameter == SH.pattern:
            if (shape, SH.flags, None) in self.shapes:
                raise _Unsupported
            matcher = re.compile(str(value))
            return lambda _graph, node: (
                FAIL if isinstance(node, BNode) else _verdict(bool(matcher.search(_string(node))))
            )
        if parameter in (SH.minLength, SH.maxLength):
            limit = _integer(value)
            longest = parameter == SH.maxLength
            return lambda _graph, node: _length(node, limit, longest=longest)
        if parameter == SH["in"]:
            choices = list(Collection(self.shapes, value))
            if not all(isinstance(m, URIRef) for m in choices):
                raise _Unsupported
            allowed = frozenset(choices)
            return lambda _graph, node: _verdict(isinstance(node, URIRef) and node in allowed)
        if parameter == SH.hasValue and isinstance(value, URIRef):
            return lambda _graph, node: _verdict(node == value)
        if parameter == SH.minInclusive:
            bound = _integer(value)
            return lambda _graph, node: _at_least(node, bound)
        if str(parameter).startswith(str(SH)):
            raise _Unsupported
        return lambda _graph, _node: PASS  # not SHACL: pySHACL ignores it too


def _integer(value: Node) -> int:
    if (
        isinstance(value, Literal)
        and isinstance(value.value, int)
        and not isinstance(value.value, bool)
    ):
        return value.value
    raise _Unsupported


def _min_count(limit: int) -> Callable[[Graph, Node, set[Node]], int]:
    return lambda _graph, _focus, found: _verdict(len(found) >= limit)


def _max_count(limit: int) -> Callable[[Graph, Node, set[Node]], int]:
    return lambda _graph, _focus, found: _verdict(len(found) <= limit)


def _has_value(wanted: URIRef) -> Callable[[Graph, Node, set[Node]], int]:
    return lambda _graph, _focus, found: _verdict(wanted in found)


def _qualified(
    shape: Check, low: int | None, high: int | None
) -> Callable[[Graph, Node, set[Node]], int]:
    def check(graph: Graph, _focus: Node, found: set[Node]) -> int:
        results = [shape(graph, value) for value in found]
        if UNKNOWN in results:
            return UNKNOWN
        count = results.count(PASS)
        return _verdict((low is None or count >= low) and (high is None or count <= high))

    return check


def _whole(node: Node) -> int | None:
    """The value of an integer literal of an integer datatype, else ``None``."""
    if (
        isinstance(node, Literal)
        and node.datatype in _INTEGERS
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    ):
        return node.value
    return None


def _less_than(other: URIRef) -> Callable[[Graph, Node, set[Node]], int]:
    def check(graph: Graph, focus: Node, found: set[Node]) -> int:
        results = []
        for value in found:
            for compared in graph.objects(focus, other):
                a, b = _whole(value), _whole(compared)
                results.append(UNKNOWN if a is None or b is None else _verdict(a < b))
        return _all(results)

    return check


def _at_least(node: Node, bound: int) -> int:
    number = _whole(node)
    return UNKNOWN if number is None else _verdict(number >= bound)


def _string(node: Node) -> str:
    """A value as pySHACL's string constraints read it."""
    if (
        isinstance(node, Literal)
        and node.value is not None
        and node.datatype in (None, RDF.langString, XSD.string)
    ):
        return str(node.value)
    return str(node)


def _length(node: Node, limit: int, *, longest: bool) -> int:
    if not longest and limit == 0:
        return PASS
    if isinstance(node, BNode):
        return FAIL
    size = len(_string(node))
    return _verdict(size <= limit if longest else size >= limit)


_PYTHON_TYPES: dict[URIRef, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


def _datatype(node: Node, datatype: Node) -> int:
    """pySHACL's sh:datatype rule (DatatypeConstraintComponent), for the datatypes it checks."""
    if not isinstance(node, Literal):
        return FAIL
    if datatype in (RDFS.Literal, RDFS.Datatype):
        return UNKNOWN
    if node.datatype == datatype:
        if getattr(node, "ill_typed", None) is True:
            return FAIL
    elif not (
        (node.datatype is None and node.language is None and datatype == XSD.string)
        or (datatype == RDF.langString and node.language)
    ):
        return FAIL
    expected = _PYTHON_TYPES.get(cast(URIRef, datatype))
    if expected is None:
        return PASS  # pySHACL checks no more than the datatype IRI for the others
    return _verdict(isinstance(node.value, expected))
