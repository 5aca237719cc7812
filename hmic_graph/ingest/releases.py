"""Reading release files into graphs, and graphs into a store: the one loading path.

A file is read into a :class:`~hmic_graph.model.records.Source`, split into
its releases, extracted into records and built into one graph per release
(:func:`load_release`, :func:`load_corpus`); :func:`store_release` then
validates one and replaces its graph in a store. :mod:`hmic_graph.ingest.corpus`
does the same for many files on every core.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph
from rdflib.namespace import RDF

from hmic_graph.model.errors import HmicGraphError, NotARelease, ReleaseUnreadable
from hmic_graph.model.iris import IriMinter
from hmic_graph.model.namespaces import DEFAULT_BASE, HMIC
from hmic_graph.model.records import Release, Source
from hmic_graph.rdf.build import build_graph, merge_graphs

if TYPE_CHECKING:
    from hmic_graph.store import ReleaseStore

__all__ = [
    "load_corpus",
    "load_parts",
    "load_release",
    "load_source",
    "release_files",
    "release_name",
    "store_release",
]


def load_release(
    release: str | Path,
    *,
    published: str | None = None,
    base: str = DEFAULT_BASE,
    release_id: str | None = None,
    allow_unrelated: bool = False,
) -> Graph:
    """Read one press release and return its knowledge graph.

    :param release: a :class:`~pathlib.Path` to a text or HTML file, or the
        release text itself. A ``str`` is taken as a path when it has no
        line break and names an existing file (or ends in ``.txt``/``.html``).
    :param published: the publication date ``YYYY-MM-DD``, when the text does not say.
    :param base: the namespace instance IRIs are minted under.
    :param release_id: the id of the release's IRIs (default: the first 16 hex
        digits of the SHA-256 of its text, the same whatever the file is called).
    :param allow_unrelated: load a text that names no inspectorate and no
        policing body too (see :mod:`hmic_graph.ingest.relevance`).
    :raises ReleaseUnreadable: the file is missing, a directory, binary, empty or undecodable.
    :raises NotARelease: the text is no inspection release (unless ``allow_unrelated``).
    :raises HmicGraphError: ``published`` is not a ``YYYY-MM-DD`` date.
    :returns: an :class:`rdflib.Graph` with every prefix bound.

    >>> graph = load_release("Kent Police has improved\\n\\nKent Police works well with councils.")
    >>> from hmic_graph.model.namespaces import HMIC
    >>> len(list(graph.subjects(predicate=HMIC.about)))
    1
    """
    from hmic_graph.extract.sources import read_source, source_from_text

    if isinstance(release, Path) or (
        "\n" not in release
        and (Path(release).is_file() or release.lower().endswith((".txt", ".html", ".htm")))
    ):
        source = read_source(release)
    else:
        source = source_from_text(release)
    return load_source(
        source,
        published=published,
        base=base,
        release_id=release_id,
        allow_unrelated=allow_unrelated,
    )


def load_source(
    source: Source,
    *,
    published: str | None = None,
    base: str = DEFAULT_BASE,
    release_id: str | None = None,
    allow_unrelated: bool = False,
) -> Graph:
    """The graph of a release already read into a :class:`~hmic_graph.model.records.Source`.

    :raises NotARelease: the text is no inspection release (unless ``allow_unrelated``).
    :raises HmicGraphError: ``published`` is not a ``YYYY-MM-DD`` date.
    """
    graphs = load_parts(
        source,
        published=published,
        base=base,
        release_id=release_id,
        allow_unrelated=allow_unrelated,
    )
    if len(graphs) == 1:
        return next(iter(graphs.values()))
    return merge_graphs(graphs.values(), base=base)


def load_parts(
    source: Source,
    *,
    published: str | None = None,
    base: str = DEFAULT_BASE,
    release_id: str | None = None,
    allow_unrelated: bool = False,
) -> dict[str, Graph]:
    """One graph per release in ``source`` (a saved page may hold several), keyed by release IRI.

    A part that is no inspection release (:mod:`hmic_graph.ingest.relevance`)
    is left out unless ``allow_unrelated``; if no part is a release, the
    source is refused.

    :raises NotARelease: no part of ``source`` is an inspection release
        (unless ``allow_unrelated``).
    :raises HmicGraphError: ``published`` is not a ``YYYY-MM-DD`` date.
    """
    from hmic_graph.extract import extract_release
    from hmic_graph.extract.sources import split_releases
    from hmic_graph.ingest.relevance import check_release, is_release

    if published is not None:
        _check_date(published)
    parts = split_releases(source)
    graphs: dict[str, Graph] = {}
    unrelated: Release | None = None
    for index, part in enumerate(parts, start=1):
        part_id = release_id if len(parts) == 1 or release_id is None else f"{release_id}-{index}"
        release = extract_release(part, release_id=part_id, published=published)
        if not allow_unrelated and not is_release(release):
            unrelated = release
            continue
        iri = str(IriMinter(base, release.release_id).release())
        if iri in graphs:
            release = extract_release(
                part, release_id=f"{release.release_id}-{index}", published=published
            )
            iri = str(IriMinter(base, release.release_id).release())
        graphs[iri] = build_graph(release, base=base)
    if not graphs and unrelated is not None:
        check_release(unrelated)  # raises: not one part is a release
    return graphs


def release_name(graph: Graph) -> str:
    """The IRI of the one ``hmic:PressRelease`` in ``graph``: the name of its graph in a store.

    :raises HmicGraphError: the graph has no press release, or more than one.
    """
    releases = sorted({str(s) for s in graph.subjects(RDF.type, HMIC.PressRelease)})
    if len(releases) != 1:
        raise HmicGraphError(
            f"the graph of a release must have one hmic:PressRelease, not {len(releases)}"
        )
    return releases[0]


def store_release(
    store: ReleaseStore,
    release: str | Path,
    *,
    published: str | None = None,
    base: str = DEFAULT_BASE,
    validate: bool = True,
    release_id: str | None = None,
) -> str:
    """Extract, build and validate one release, then replace its graph in ``store``.

    Loading the same release again gives the same graph, so the store does
    not change (idempotent). A release's IRI comes from its text, so a
    changed text is another release; to replace a release by a corrected
    text, name it with ``release_id`` (as a manifest does): loading it
    again replaces exactly its own graph, and other releases keep theirs.

    :param release: a :class:`~pathlib.Path` or path string to a text or
        HTML file, or the release text itself (as :func:`load_release`).
    :param published: the publication date ``YYYY-MM-DD``, when the text does not say.
    :param base: the namespace instance IRIs are minted under.
    :param validate: check the graph against the SHACL shapes first.
    :param release_id: the id of the release's IRIs (default: from its text).
    :returns: the release IRI, which is also the graph's name.
    :raises ReleaseUnreadable: the file is missing, a directory, binary, empty or undecodable.
    :raises ValidationFailed: the graph does not conform; nothing is written.
    :raises HmicGraphError: the store is closed or read-only, or cannot be written.

    >>> from hmic_graph.store import open_store
    >>> with open_store() as store:
    ...     a = store_release(store, "Kent Police praised\\n\\nKent Police works well.")
    ...     size = len(store)
    ...     b = store_release(store, "Kent Police praised\\n\\nKent Police works well.")
    ...     a == b, len(store) == size, store.releases() == [a]
    (True, True, True)
    """
    store.ensure_writable()
    graph = load_release(release, published=published, base=base, release_id=release_id)
    if validate:
        from hmic_graph.rdf.validation import validate as run_validation

        run_validation(graph).raise_for_results()
    try:
        name = release_name(graph)
    except HmicGraphError as exc:
        raise HmicGraphError(exc.message, path=release if isinstance(release, Path) else None) from None
    store.add_graph(name, graph)
    return name


def _check_date(value: str) -> None:
    from datetime import date

    try:
        if len(value) != 10:
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        raise HmicGraphError(f"the publication date must be YYYY-MM-DD, not {value!r}") from None


RELEASE_SUFFIXES = (".txt", ".html", ".htm")


def release_files(paths: list[str | Path]) -> list[Path]:
    """The release files named by ``paths``: files as given, folders expanded (sorted).

    :raises ReleaseUnreadable: a path does not exist, or a folder holds no release files.
    """
    files: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in RELEASE_SUFFIXES
            )
            if not found:
                raise ReleaseUnreadable("this folder holds no .txt or .html releases", path=path)
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise ReleaseUnreadable("no such file or folder", path=path)
    return files


def load_corpus(
    paths: list[str | Path],
    *,
    published: str | None = None,
    base: str = DEFAULT_BASE,
    progress: Callable[[int, int, Path], None] | None = None,
    manifest: str | Path | None = None,
    allow_unrelated: bool = False,
    skipped: Callable[[NotARelease], None] | None = None,
) -> dict[str, Graph]:
    """Load many releases; returns one graph per release, keyed by the release's IRI.

    Shared entities (forces, inspectorates, people, titled reports) get the
    same IRI in every release, so the union of the graphs is one coherent
    dataset; pass the mapping to :func:`hmic_graph.rdf.export.to_dataset` for
    one named graph per release.

    What a manifest says about a file (:mod:`hmic_graph.ingest.manifest`:
    the ``manifest`` given, and the ``manifest.csv`` or ``manifest.jsonl`` of
    each folder in ``paths``) wins over ``published`` and over the text.
    A file that is no inspection release is passed to ``skipped`` (by
    default a warning) and the load goes on, unless ``allow_unrelated``.

    :param progress: called as ``progress(done, total, path)`` after each release.
    :param manifest: a manifest for files anywhere in ``paths``.
    :param allow_unrelated: load texts that are no inspection release too.
    :param skipped: called with the error of each file left out as no release.
    :raises ReleaseUnreadable: as :func:`load_release`, naming the failing file.
    :raises ManifestError: a manifest is unreadable or gives a bad value.
    :raises HmicGraphError: two files give one release IRI but different graphs
        (a manifest gives them one id): the second would silently replace the first.
    """
    from dataclasses import replace

    from hmic_graph.extract.sources import read_source
    from hmic_graph.ingest.manifest import corpus_entries

    graphs: dict[str, Graph] = {}
    origin: dict[str, Path] = {}
    files = release_files(paths)
    entries = corpus_entries(paths, manifest)
    for done, path in enumerate(files, start=1):
        source, entry = read_source(path), entries.get(path.resolve())
        if entry is not None and entry.source is not None:
            source = replace(source, url=entry.source)
        try:
            parts = load_parts(
                source,
                published=(entry.published or published) if entry is not None else published,
                base=base,
                release_id=entry.release_id if entry is not None else None,
                allow_unrelated=allow_unrelated,
            )
        except NotARelease as exc:
            if skipped is None:
                warnings.warn(f"{exc}; skipped", stacklevel=2)
            else:
                skipped(exc)
            parts = {}
        for name, graph in parts.items():
            earlier = graphs.get(name)
            if earlier is not None and set(earlier) != set(graph):
                raise HmicGraphError(
                    f"has the release IRI <{name}> of {origin[name]}, but another text; "
                    "give each release its own id",
                    path=path,
                )
            graphs[name] = graph
            origin.setdefault(name, path)
        if progress is not None:
            progress(done, len(files), path)
    return graphs
