"""Write graphs as Turtle, JSON-LD, N-Triples, TriG or N-Quads, byte-for-byte reproducibly.

The same graph always gives the same bytes, whatever ``PYTHONHASHSEED`` is:

* Turtle: rdflib's sorted ``turtle`` serializer over a copy with the model's
  prefixes bound (our graphs have no blank nodes, so sorting is enough).
* N-Triples and N-Quads: rdflib's output with its lines sorted, because
  rdflib writes them in hash order (RDFLib/rdflib#3546).
* JSON-LD: compacted with the curated context ``hmic_graph/data/context.jsonld``
  (embedded in the output so it re-parses offline), then nodes sorted by
  ``@id``, value arrays sorted and keys sorted.
* TriG: one block per named graph, sorted by graph name, each block sorted
  Turtle.

A :class:`~rdflib.Dataset` written as Turtle, N-Triples or JSON-LD gives the
union of its graphs; a plain :class:`~rdflib.Graph` written as TriG or
N-Quads goes into a named graph if its identifier is an IRI, else into the
default graph.

Exporters are found by name in a small registry; :func:`register_exporter`
adds one, given as a function or as a lazily imported ``"module:function"``.
"""

from __future__ import annotations

import functools
import json
import os
import stat
import sys
from collections.abc import Callable, Mapping
from enum import Enum
from importlib import import_module
from pathlib import Path
from typing import Any

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from hmic_graph.model import resources
from hmic_graph.model.errors import ExportError, HmicGraphError
from hmic_graph.model.namespaces import bind_prefixes

__all__ = [
    "Exporter",
    "RdfFormat",
    "exporter_names",
    "register_exporter",
    "serialize",
    "to_dataset",
    "unregister_exporter",
    "write",
    "write_bytes",
    "write_text",
]

Exporter = Callable[[Graph], str]
"""An exporter turns a graph (or dataset) into text."""


class RdfFormat(Enum):
    """The RDF formats hmic-graph writes; the value is the registry name.

    >>> RdfFormat.from_name("ttl"), RdfFormat.TURTLE.media_type
    (<RdfFormat.TURTLE: 'turtle'>, 'text/turtle')
    """

    TURTLE = "turtle"
    JSON_LD = "json-ld"
    NT = "nt"
    TRIG = "trig"
    NQUADS = "nquads"

    @property
    def media_type(self) -> str:
        """The IANA media type, e.g. ``"application/ld+json"``."""
        return _MEDIA_TYPES[self]

    @property
    def file_extension(self) -> str:
        """The usual file extension without the dot, e.g. ``"ttl"``."""
        return _EXTENSIONS[self]

    @property
    def is_dataset_format(self) -> bool:
        """Whether the format keeps named graphs (TriG, N-Quads)."""
        return self in (RdfFormat.TRIG, RdfFormat.NQUADS)

    @classmethod
    def from_name(cls, name: str) -> RdfFormat:
        """The format called ``name``: a value, member name, extension or media type.

        Case is ignored; ``"ttl"``, ``"jsonld"``, ``"n-triples"``, ``"nq"`` and
        ``"application/n-quads"`` are all understood.

        :raises ExportError: no format has that name (the message lists them).

        >>> RdfFormat.from_name("application/ld+json")
        <RdfFormat.JSON_LD: 'json-ld'>
        """
        found = _aliases().get(name.strip().lower())
        if found is None:
            raise ExportError(f"unknown RDF format {name!r}; choose one of: {_format_names()}")
        return found

    @classmethod
    def from_path(cls, path: str | os.PathLike[str]) -> RdfFormat:
        """The format a file name's extension stands for (``.ttl``, ``.jsonld``, ...).

        :raises ExportError: the extension is missing or unknown.

        >>> RdfFormat.from_path("out/graph.nq")
        <RdfFormat.NQUADS: 'nquads'>
        """
        suffix = Path(path).suffix.lower().lstrip(".")
        found = _SUFFIXES.get(suffix)
        if found is None:
            known = ", ".join(f".{s}" for s in sorted(_SUFFIXES))
            raise ExportError(
                f"cannot tell the RDF format from the file extension; use one of {known} "
                "or pass format=",
                path=Path(path),
            )
        return found


_MEDIA_TYPES = {
    RdfFormat.TURTLE: "text/turtle",
    RdfFormat.JSON_LD: "application/ld+json",
    RdfFormat.NT: "application/n-triples",
    RdfFormat.TRIG: "application/trig",
    RdfFormat.NQUADS: "application/n-quads",
}
_EXTENSIONS = {
    RdfFormat.TURTLE: "ttl",
    RdfFormat.JSON_LD: "jsonld",
    RdfFormat.NT: "nt",
    RdfFormat.TRIG: "trig",
    RdfFormat.NQUADS: "nq",
}
_SUFFIXES = {
    "ttl": RdfFormat.TURTLE,
    "turtle": RdfFormat.TURTLE,
    "jsonld": RdfFormat.JSON_LD,
    "json": RdfFormat.JSON_LD,
    "nt": RdfFormat.NT,
    "trig": RdfFormat.TRIG,
    "nq": RdfFormat.NQUADS,
    "nquads": RdfFormat.NQUADS,
}


@functools.cache
def _aliases() -> dict[str, RdfFormat]:
    table: dict[str, RdfFormat] = {}
    for fmt in RdfFormat:
        for alias in (fmt.value, fmt.name.lower(), fmt.media_type, fmt.file_extension):
            table[alias.lower()] = fmt
    table.update(
        {
            "ttl": RdfFormat.TURTLE,
            "jsonld": RdfFormat.JSON_LD,
            "json_ld": RdfFormat.JSON_LD,
            "ntriples": RdfFormat.NT,
            "n-triples": RdfFormat.NT,
            "nquads": RdfFormat.NQUADS,
            "n-quads": RdfFormat.NQUADS,
            "nq": RdfFormat.NQUADS,
        }
    )
    return table


def _format_names() -> str:
    return ", ".join(exporter_names())


# name -> exporter, or "module:function" imported on first use.
_REGISTRY: dict[str, Exporter | str] = {}


def register_exporter(name: str, exporter: Exporter | str, *, replace: bool = False) -> None:
    """Make ``exporter`` available to :func:`serialize` and :func:`write` as ``name``.

    :param name: the format name; a :class:`RdfFormat` value replaces a
        built-in exporter (with ``replace=True``), any other name adds one.
    :param exporter: a function from graph to text, or ``"module:function"``
        naming one, imported only when first used.
    :raises ExportError: ``name`` is taken and ``replace`` is false.

    >>> register_exporter("line-count", lambda g: f"{len(g)}\\n")
    >>> serialize(Graph(), format="line-count")
    '0\\n'
    >>> unregister_exporter("line-count")
    """
    key = name.strip().lower()
    _ensure_builtins()
    if key in _REGISTRY and not replace:
        raise ExportError(f"an exporter named {key!r} is already registered")
    _REGISTRY[key] = exporter


def unregister_exporter(name: str) -> None:
    """Remove the exporter registered as ``name``; built-ins are restored, not removed.

    >>> unregister_exporter("no-such-exporter")
    """
    key = name.strip().lower()
    _REGISTRY.pop(key, None)
    if key in _BUILTINS:
        _REGISTRY[key] = _BUILTINS[key]


def exporter_names() -> list[str]:
    """The names :func:`serialize` accepts, sorted.

    >>> exporter_names()[:3]
    ['json-ld', 'nquads', 'nt']
    """
    _ensure_builtins()
    return sorted(_REGISTRY)


def _exporter(fmt: RdfFormat | str) -> tuple[str, Exporter]:
    _ensure_builtins()
    if isinstance(fmt, RdfFormat):
        key = fmt.value
    else:
        key = fmt.strip().lower()
        if key not in _REGISTRY:
            known = _aliases().get(key)
            if known is None:
                raise ExportError(f"unknown RDF format {fmt!r}; choose one of: {_format_names()}")
            key = known.value
    target = _REGISTRY.get(key)
    if target is None:
        raise ExportError(f"no exporter for {key!r}; choose one of: {_format_names()}")
    if isinstance(target, str):
        module_name, _, attribute = target.partition(":")
        try:
            loaded: Exporter = getattr(import_module(module_name), attribute)
        except (ImportError, AttributeError) as exc:
            raise ExportError(f"cannot load the exporter {target!r} for {key!r}: {exc}") from exc
        _REGISTRY[key] = loaded
        target = loaded
    return key, target


def serialize(graph: Graph, *, format: RdfFormat | str = RdfFormat.TURTLE) -> str:
    """``graph`` (a Graph or Dataset) as text in ``format``, deterministically.

    :param graph: what to write; not modified.
    :param format: a :class:`RdfFormat` or any name :meth:`RdfFormat.from_name`
        or :func:`exporter_names` accepts.
    :raises ExportError: the format is unknown (the message lists the valid
        names) or the graph cannot be written in it.
    :raises ResourceError: JSON-LD was asked for and the bundled context is
        missing or broken.

    >>> from rdflib import Graph, Literal, URIRef
    >>> from hmic_graph.model.namespaces import SCHEMA
    >>> g = Graph()
    >>> g.add((URIRef("https://w3id.org/hmic-graph/id/person/a"), SCHEMA.name, Literal("A")))
    <Graph identifier=... (<class 'rdflib.graph.Graph'>)>
    >>> print(serialize(g, format="nt"), end="")
    <https://w3id.org/hmic-graph/id/person/a> <https://schema.org/name> "A" .
    """
    key, exporter = _exporter(format)
    try:
        return exporter(graph)
    except HmicGraphError:
        raise
    except Exception as exc:  # rdflib serializers raise many unrelated types
        raise ExportError(f"cannot write the graph as {key}: {exc}") from exc


def write(
    graph: Graph,
    path: str | os.PathLike[str],
    *,
    format: RdfFormat | str | None = None,
) -> Path:
    """Write ``graph`` to ``path`` atomically and return the path.

    The text is built first, written to a temporary file in the same folder,
    flushed to disk and then renamed over ``path``, so ``path`` holds either
    its old content or the complete new content, never a partial file. A new
    file gets the usual permissions (``0o666`` less the umask); an existing
    file keeps its mode. Missing parent folders are created. A symbolic link
    stays a link: the file it points to is replaced, atomically as above.
    ``"-"`` writes to standard output, and so does any path that is not a
    regular file or a link to one (``/dev/stdout``, a named pipe, a
    terminal): those are written in place, as a stream, never replaced.

    :param format: the format; guessed from the extension when ``None``.
    :raises ExportError: the format is unknown or cannot be guessed, the graph
        cannot be written in it, or the file cannot be written (the error
        names the path).

    >>> import tempfile, pathlib
    >>> from rdflib import Graph
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write(Graph(), pathlib.Path(tmp) / "empty.nt")
    ...     out.read_text(), sorted(p.name for p in out.parent.iterdir())
    ('', ['empty.nt'])
    """
    target = Path(path)
    fmt: RdfFormat | str = format if format is not None else RdfFormat.from_path(target)
    try:
        text = serialize(graph, format=fmt)
    except ExportError as exc:
        raise ExportError(exc.message, path=target) from exc
    return write_text(text, target)


def write_text(text: str, path: str | os.PathLike[str]) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically, as :func:`write` does, and return the path.

    For text already serialized, e.g. while a graph was being validated.

    :raises ExportError: the file cannot be written (the error names the path).
    """
    return write_bytes(text.encode("utf-8"), path)


def write_bytes(data: bytes, path: str | os.PathLike[str]) -> Path:
    """Write ``data`` to ``path`` atomically, as :func:`write` does, and return the path.

    For files that are not text, such as a PNG picture of the network.

    :raises ExportError: the file cannot be written, or ``path`` is a folder
        (the error names the path).
    """
    if os.fspath(path) == "-":
        _stream(data, None)
        return Path("-")
    given = Path(path)
    # A link is followed to the file it names, which is what gets replaced:
    # replacing the link itself would cut it from its target.
    target = Path(os.path.realpath(given))
    try:
        mode = given.stat().st_mode  # through links: /dev/stdout is a link to a pipe or terminal
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ExportError(f"cannot write file: {exc.strerror or exc}", path=given) from exc
    if mode is not None and stat.S_ISDIR(mode):
        raise ExportError("this is a folder; name a file to write", path=given)
    if mode is not None and not stat.S_ISREG(mode):
        _stream(data, given)  # a device or a pipe: written through, never replaced
        return given
    temp = target.with_name(f".{target.name}.{os.urandom(6).hex()}.tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # os.open applies the umask, which tempfile's 0o600 files would not.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(temp, stat.S_IMODE(mode))
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ExportError(f"cannot write file: {exc.strerror or exc}", path=given) from exc
    return given


def _stream(data: bytes, path: Path | None) -> None:
    """Write ``data`` to standard output (``path`` None) or through the non-regular file ``path``."""
    try:
        if path is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            with path.open("ab") as handle:  # append: a device or pipe has nothing to truncate
                handle.write(data)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise ExportError(f"cannot write: {exc.strerror or exc}", path=path or "-") from exc


def to_dataset(graphs: Mapping[str, Graph]) -> Dataset:
    """A Dataset with one named graph per entry, named by the key (an IRI).

    :raises ExportError: a key is not an absolute IRI.

    >>> from rdflib import Graph
    >>> ds = to_dataset({"https://w3id.org/hmic-graph/id/release/r1": Graph()})
    >>> sorted(str(g.identifier) for g in ds.graphs())
    ['https://w3id.org/hmic-graph/id/release/r1', 'urn:x-rdflib:default']
    """
    dataset = Dataset()
    for name in sorted(graphs):
        if ":" not in name or any(c in name for c in ' <>"{}|\\^`'):
            raise ExportError(f"a graph name must be an absolute IRI, not {name!r}")
        named = dataset.graph(URIRef(name))
        for triple in graphs[name]:
            named.add(triple)
    return dataset


# --- built-in exporters ------------------------------------------------------


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


def _turtle(graph: Graph) -> str:
    return _turtle_of(_union(graph))


def _sorted_lines(text: str) -> str:
    # Split on "\n" only: str.splitlines() also breaks at U+2028, form feeds
    # and the like, which N-Triples allows unescaped inside literals.
    lines = sorted({line for line in text.split("\n") if line.strip()})
    return "".join(f"{line}\n" for line in lines)


def _nt(graph: Graph) -> str:
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


def _nquads(graph: Graph) -> str:
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


def _trig(graph: Graph) -> str:
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


def _jsonld(graph: Graph) -> str:
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


_BUILTINS: dict[str, Exporter | str] = {
    RdfFormat.TURTLE.value: _turtle,
    RdfFormat.JSON_LD.value: _jsonld,
    RdfFormat.NT.value: _nt,
    RdfFormat.TRIG.value: _trig,
    RdfFormat.NQUADS.value: _nquads,
}


def _ensure_builtins() -> None:
    for name, exporter in _BUILTINS.items():
        _REGISTRY.setdefault(name, exporter)
