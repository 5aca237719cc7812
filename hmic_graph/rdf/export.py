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
The built-in exporters are in :mod:`hmic_graph.rdf.formats`; files are
written whole or not at all by :mod:`hmic_graph.rdf.files` (:func:`write_text`
and :func:`write_bytes` are named here too).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from enum import Enum
from importlib import import_module
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from hmic_graph.model.errors import ExportError, HmicGraphError
from hmic_graph.rdf import formats
from hmic_graph.rdf.files import write_bytes, write_text

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


_BUILTINS: dict[str, Exporter | str] = {
    RdfFormat.TURTLE.value: formats.turtle,
    RdfFormat.JSON_LD.value: formats.jsonld,
    RdfFormat.NT.value: formats.nt,
    RdfFormat.TRIG.value: formats.trig,
    RdfFormat.NQUADS.value: formats.nquads,
}


def _ensure_builtins() -> None:
    for name, exporter in _BUILTINS.items():
        _REGISTRY.setdefault(name, exporter)
