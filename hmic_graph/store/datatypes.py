"""Datatypes Oxigraph rewrites, put back when a store's graphs are read.

Oxigraph stores some literals in a canonical form (oxigraph/oxigraph#526):
every type derived from ``xsd:integer`` becomes ``xsd:integer`` and
``xsd:dateTimeStamp`` becomes ``xsd:dateTime``. The model's shapes give each
such property one datatype (``oa:start`` and ``oa:end`` are
``xsd:nonNegativeInteger``); :func:`restore_datatype` puts it back, so a
store's exports equal those of ``hmic-graph build``. Other data keeps the
canonical type.
"""

from __future__ import annotations

import functools

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from hmic_graph.rdf.ontology import shapes_graph

__all__ = ["NORMALISED_TO", "restore_datatype"]

_INTEGER_BOUNDS: dict[str, tuple[int | None, int | None]] = {
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}
NORMALISED_TO: dict[URIRef, frozenset[URIRef]] = {
    XSD.integer: frozenset(URIRef(str(XSD) + name) for name in _INTEGER_BOUNDS),
    XSD.dateTime: frozenset({XSD.dateTimeStamp}),
}


@functools.cache
def _declared_datatypes() -> dict[URIRef, URIRef]:
    """Property -> the one datatype the shapes give it, for datatypes Oxigraph rewrites."""
    sh = "http://www.w3.org/ns/shacl#"
    rewritten = frozenset().union(*NORMALISED_TO.values())
    found: dict[URIRef, set[URIRef]] = {}
    shapes = shapes_graph()
    for shape, datatype in shapes.subject_objects(URIRef(sh + "datatype")):
        path = shapes.value(shape, URIRef(sh + "path"))
        if isinstance(path, URIRef) and isinstance(datatype, URIRef):
            found.setdefault(path, set()).add(datatype)
    return {
        path: next(iter(types))
        for path, types in found.items()
        if len(types) == 1 and next(iter(types)) in rewritten
    }


def restore_datatype(predicate: URIRef, literal: Literal) -> Literal:
    """``literal`` with the datatype the shapes give ``predicate``, when Oxigraph rewrote it.

    >>> from hmic_graph.model.namespaces import OA
    >>> restore_datatype(OA.start, Literal("3", datatype=XSD.integer)).datatype == XSD.nonNegativeInteger
    True
    """
    declared = _declared_datatypes().get(predicate)
    if declared is None or literal.datatype is None:
        return literal
    if declared not in NORMALISED_TO.get(literal.datatype, frozenset()):
        return literal
    bounds = _INTEGER_BOUNDS.get(declared[len(str(XSD)) :])
    if bounds is not None:
        try:
            number = int(str(literal))
        except ValueError:
            return literal
        low, high = bounds
        if (low is not None and number < low) or (high is not None and number > high):
            return literal
    return Literal(str(literal), datatype=declared)
