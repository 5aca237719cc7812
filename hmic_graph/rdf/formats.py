"""The built-in exporters of :mod:`hmic_graph.rdf.export`: each format, byte-for-byte reproducibly.

See :mod:`hmic_graph.rdf.export` for what each gives; this module holds how:
Turtle over a copy with the model's prefixes bound, N-Triples and N-Quads
with their lines sorted, TriG one sorted block per named graph, JSON-LD
compacted with the curated context and sorted.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from hmic_graph.model import resources
from hmic_graph.model.errors import ExportError
from hmic_graph.model.namespaces import bind_prefixes

__all__ = ["jsonld", "nquads", "nt", "trig", "turtle"]


def _union(graph: Graph, *, like: Graph | None = None) -> Graph:
    """A fresh graph with all of ``graph``'s triples and only the model's prefixes.

    With ``like``, the prefixes are ``like``'s instead, so several parts of
    one dataset share one prefix table.
    """
    out = Graph(bind_namespaces="none")
    if like is None:
        bind_prefixes(out)
    else:
        for prefix, namespace in like.namespaces():
            out.bind(prefix, namespace, override=True, replace=True)
    if isinstance(graph, Dataset):
        for s, p, o, _g in graph.quads((None, None, None, None)):
            out.add((s, p, o))
    else:
        for triple in graph:
            out.add(triple)
    return out


def _pre_bind_predicate_namespaces(graph: Graph) -> None:
    # rdflib's Turtle writer invents ns1, ns2... for unbound predicate
    # namespaces in the order it meets them, which is hash order; inventing
    # them here in sorted order makes the names stable.
    for predicate in sorted(set(graph.predicates()), key=str):
        try:
            graph.namespace_manager.compute_qname(str(predicate), generate=True)
        except ValueError:
            continue


def _turtle_of(graph: Graph) -> str:
    _pre_bind_predicate_namespaces(graph)
    return graph.serialize(format="turtle")


def turtle(graph: Graph) -> str:
    return _turtle_of(_union(graph))


def _sorted_lines(text: str) -> str:
    # Split on "\n" only: str.splitlines() also breaks at U+2028, form feeds
    # and the like, which N-Triples allows unescaped inside literals.
    lines = sorted({line for line in text.split("\n") if line.strip()})
    return "".join(f"{line}\n" for line in lines)


def nt(graph: Graph) -> str:
    return _sorted_lines(_union(graph).serialize(format="nt"))


def _as_dataset(graph: Graph) -> Dataset:
    if isinstance(graph, Dataset):
        return graph
    dataset = Dataset()
    name = graph.identifier
    target: Graph = dataset.graph(name) if isinstance(name, URIRef) else dataset.default_graph
    for triple in graph:
        target.add(triple)
    return dataset


def _named_graphs(dataset: Dataset) -> list[tuple[URIRef | None, Graph]]:
    """(name, graph) pairs, default graph first (name None), then by name."""
    graphs: list[tuple[URIRef | None, Graph]] = []
    for graph in dataset.graphs():
        if len(graph) == 0:
            continue
        name = graph.identifier
        if name == DATASET_DEFAULT_GRAPH_ID:
            graphs.append((None, graph))
        elif isinstance(name, URIRef):
            graphs.append((name, graph))
        else:
            raise ExportError("a named graph has a blank-node name; name it with an IRI")
    graphs.sort(key=lambda pair: (pair[0] is not None, str(pair[0] or "")))
    return graphs


def nquads(graph: Graph) -> str:
    # Built from each graph's N-Triples rather than rdflib's N-Quads writer,
    # which goes through deprecated Dataset APIs and leaves "<o>  ." for the
    # default graph.
    lines: list[str] = []
    for name, part in _named_graphs(_as_dataset(graph)):
        suffix = " ." if name is None else f" <{name}> ."
        for line in _union(part).serialize(format="nt").splitlines():
            if line.strip():
                lines.append(line.rstrip().removesuffix(" .") + suffix)
    return _sorted_lines("\n".join(lines))


def trig(graph: Graph) -> str:
    dataset = _as_dataset(graph)
    whole = _union(dataset)
    _pre_bind_predicate_namespaces(whole)
    prefixes: set[str] = set()
    blocks: list[str] = []
    for name, part in _named_graphs(dataset):
        body: list[str] = []
        for line in _union(part, like=whole).serialize(format="turtle").splitlines():
            if line.startswith("@prefix "):
                prefixes.add(line)
            elif line.strip() or body:
                body.append(line)
        while body and not body[-1].strip():
            body.pop()
        indented = "\n".join(f"    {line}" if line else "" for line in body)
        opener = "{" if name is None else f"<{name}> {{"
        blocks.append(f"{opener}\n{indented}\n}}\n")
    header = "".join(f"{line}\n" for line in sorted(prefixes))
    return header + ("\n" if header else "") + "\n".join(blocks)


@functools.cache
def _jsonld_context() -> Any:
    try:
        document = json.loads(resources.read_text("data", "context.jsonld"))
    except json.JSONDecodeError as exc:
        raise ExportError(
            f"the bundled JSON-LD context is not valid JSON: {exc.msg}",
            path="data/context.jsonld",
            line=exc.lineno,
            column=exc.colno,
        ) from exc
    if isinstance(document, dict) and "@context" in document:
        return document["@context"]
    return document


def jsonld(graph: Graph) -> str:
    context = _jsonld_context()
    raw = _union(graph).serialize(format="json-ld", context=context)
    document = json.loads(raw)
    ordered = _list_terms(context)
    if isinstance(document, dict) and "@graph" in document:
        document["@graph"] = sorted(
            (_sort_values(node, ordered) for node in document["@graph"]),
            key=lambda node: (str(node.get("@id", "")), _canonical(node)),
        )
    else:
        document = _sort_values(document, ordered)
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _list_terms(context: Any) -> frozenset[str]:
    """Terms the context declares as ``"@container": "@list"``: their order is data."""
    terms: set[str] = {"@list"}
    for part in context if isinstance(context, list) else [context]:
        if isinstance(part, dict):
            for term, definition in part.items():
                if isinstance(definition, dict) and definition.get("@container") == "@list":
                    terms.add(term)
    return frozenset(terms)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _sort_values(value: Any, ordered: frozenset[str], *, key: str | None = None) -> Any:
    """Sort JSON-LD arrays whose order carries no meaning.

    Arrays under ``@context`` (processing order), ``@list`` and list-container
    terms (RDF lists) keep their order; every other array is a set of values.
    """
    if isinstance(value, dict):
        return {
            k: (v if k == "@context" else _sort_values(v, ordered, key=k)) for k, v in value.items()
        }
    if isinstance(value, list):
        items = [_sort_values(item, ordered) for item in value]
        return items if key in ordered else sorted(items, key=_canonical)
    return value
