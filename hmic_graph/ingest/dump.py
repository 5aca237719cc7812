"""Writing a store out as one deterministic file (what ``hmic-graph export`` does).

The store gives graphs (:meth:`~hmic_graph.store.ReleaseStore.graphs`,
:meth:`~hmic_graph.store.ReleaseStore.merged`); :mod:`hmic_graph.rdf.export`
writes them and :mod:`hmic_graph.rdf.describe` describes them. This module
only puts the three together.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Dataset, Graph

from hmic_graph.model.errors import ExportError
from hmic_graph.model.namespaces import DEFAULT_BASE
from hmic_graph.rdf.export import RdfFormat, serialize, to_dataset

if TYPE_CHECKING:
    from hmic_graph.store import ReleaseStore

__all__ = ["dump_graph", "dump_store"]


def dump_graph(
    store: ReleaseStore,
    fmt: RdfFormat,
    *,
    releases: Iterable[str] | None = None,
    describe: bool = False,
    base: str = DEFAULT_BASE,
    title: str | None = None,
    sparql_endpoint: str | None = None,
    build_time: datetime | None = None,
) -> Graph:
    """The graph :func:`dump_store` writes: a Dataset for TriG/N-Quads, else the merged graph.

    :raises HmicGraphError: a named release is not in the store, or the store is closed.
    """
    selected = sorted(set(releases)) if releases is not None else None
    # Per-release graphs only when needed: a merged dump reads the union directly,
    # and the whole store is described from its statistics (counted by the store).
    graphs = store.graphs(selected) if selected is not None or fmt.is_dataset_format else {}
    output: Graph = to_dataset(graphs) if fmt.is_dataset_format else store.merged(selected)
    if describe:
        from hmic_graph.rdf.describe import DEFAULT_TITLE, describe_dataset

        description = describe_dataset(
            store.statistics() if selected is None else graphs,
            title=title or DEFAULT_TITLE,
            base=base,
            sparql_endpoint=sparql_endpoint,
            build_time=build_time,
        )
        target = output.default_graph if isinstance(output, Dataset) else output
        for triple in description:
            target.add(triple)
    return output


def dump_store(
    store: ReleaseStore,
    path: str | Path | None = None,
    *,
    format: RdfFormat | str | None = None,
    releases: Iterable[str] | None = None,
    describe: bool = False,
    base: str = DEFAULT_BASE,
    title: str | None = None,
    sparql_endpoint: str | None = None,
    build_time: datetime | None = None,
) -> str:
    """The store (or some releases) as text in one RDF format, deterministically.

    TriG and N-Quads keep one named graph per release; Turtle, N-Triples
    and JSON-LD hold the merged graph. Output is sorted (see
    :mod:`hmic_graph.rdf.export`), so the same store gives the same text;
    write it with :func:`hmic_graph.rdf.export.write_text`.

    :param path: only to choose the format from its extension.
    :param format: a :class:`~hmic_graph.rdf.export.RdfFormat` or a name;
        default: from ``path``'s extension, else TriG.
    :param releases: the release IRIs to write (default: all).
    :param describe: add the VoID/DCAT/PROV description
        (:func:`hmic_graph.rdf.describe.describe_dataset`), in the default
        graph for TriG/N-Quads, merged in for the other formats.
    :param base: the namespace the description's IRIs are minted under.
    :param title: the description's title (default: the standard one).
    :param sparql_endpoint: the description's ``void:sparqlEndpoint``.
    :param build_time: the description's build time.
    :raises ExportError: the format is unknown or cannot be guessed.
    :raises HmicGraphError: a named release is not in the store, or the store is closed.

    >>> from hmic_graph.ingest.releases import store_release
    >>> from hmic_graph.store import open_store
    >>> with open_store() as store:
    ...     _ = store_release(store, "Kent Police praised\\n\\nKent Police works well.")
    ...     dump_store(store, format="trig") == dump_store(store, format="trig")
    True
    """
    if format is not None:
        fmt = format if isinstance(format, RdfFormat) else RdfFormat.from_name(format)
    elif path is not None:
        fmt = RdfFormat.from_path(Path(path))
    else:
        fmt = RdfFormat.TRIG
    graph = dump_graph(
        store,
        fmt,
        releases=releases,
        describe=describe,
        base=base,
        title=title,
        sparql_endpoint=sparql_endpoint,
        build_time=build_time,
    )
    try:
        return serialize(graph, format=fmt)
    except ExportError as exc:
        raise ExportError(exc.message, path=path) from exc
