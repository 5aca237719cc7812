"""Reading release files into graphs: the one loading path from text to RDF.

A file is read into a :class:`~hmic_graph.model.records.Source`, split into
its releases, extracted into records and built into one graph per release.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rdflib import Graph

__all__ = [
    "load_corpus",
    "load_parts",
    "load_release",
    "load_source",
    "release_files",
]

from hmic_graph.model.iris import IriMinter
from hmic_graph.model.namespaces import DEFAULT_BASE
from hmic_graph.model.records import Source
from hmic_graph.rdf.build import build_graph, merge_graphs


def load_release(
    release: str | Path,
    *,
    published: str | None = None,
    base: str = DEFAULT_BASE,
    release_id: str | None = None,
) -> Graph:
    """Read one press release and return its knowledge graph.

    :param release: a :class:`~pathlib.Path` to a text or HTML file, or the
        release text itself. A ``str`` is taken as a path when it has no
        line break and names an existing file (or ends in ``.txt``/``.html``).
    :param published: the publication date ``YYYY-MM-DD``, when the text does not say.
    :param base: the namespace instance IRIs are minted under.
    :param release_id: the id of the release's IRIs (default: its release
        number, else its file name, else a checksum of its text).
    :raises ReleaseReadError: the file is missing, a directory, binary, empty or undecodable.
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
    return load_source(source, published=published, base=base, release_id=release_id)


def load_source(
    source: Source,
    *,
    published: str | None = None,
    base: str = DEFAULT_BASE,
    release_id: str | None = None,
) -> Graph:
    """The graph of a release already read into a :class:`~hmic_graph.model.records.Source`.

    :raises HmicGraphError: ``published`` is not a ``YYYY-MM-DD`` date.
    """
    graphs = load_parts(source, published=published, base=base, release_id=release_id)
    if len(graphs) == 1:
        return next(iter(graphs.values()))
    return merge_graphs(graphs.values(), base=base)


def load_parts(
    source: Source,
    *,
    published: str | None = None,
    base: str = DEFAULT_BASE,
    release_id: str | None = None,
) -> dict[str, Graph]:
    """One graph per release in ``source`` (a saved page may hold several), keyed by release IRI.

    :raises HmicGraphError: ``published`` is not a ``YYYY-MM-DD`` date.
    """
    from hmic_graph.extract import extract_release
    from hmic_graph.extract.sources import split_releases

    if published is not None:
        _check_date(published)
    parts = split_releases(source)
    graphs: dict[str, Graph] = {}
    for index, part in enumerate(parts, start=1):
        part_id = release_id if len(parts) == 1 or release_id is None else f"{release_id}-{index}"
        release = extract_release(part, release_id=part_id, published=published)
        iri = str(IriMinter(base, release.release_id).release())
        if iri in graphs:
            release = extract_release(
                part, release_id=f"{release.release_id}-{index}", published=published
            )
            iri = str(IriMinter(base, release.release_id).release())
        graphs[iri] = build_graph(release, base=base)
    return graphs


def _check_date(value: str) -> None:
    from datetime import date

    from hmic_graph.model.errors import HmicGraphError

    try:
        if len(value) != 10:
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        raise HmicGraphError(f"the publication date must be YYYY-MM-DD, not {value!r}") from None


RELEASE_SUFFIXES = (".txt", ".html", ".htm")


def release_files(paths: list[str | Path]) -> list[Path]:
    """The release files named by ``paths``: files as given, folders expanded (sorted).

    :raises ReleaseReadError: a path does not exist, or a folder holds no release files.
    """
    from hmic_graph.model.errors import ReleaseReadError

    files: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in RELEASE_SUFFIXES
            )
            if not found:
                raise ReleaseReadError("this folder holds no .txt or .html releases", path=path)
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise ReleaseReadError("no such file or folder", path=path)
    return files


def load_corpus(
    paths: list[str | Path],
    *,
    published: str | None = None,
    base: str = DEFAULT_BASE,
    progress: Callable[[int, int, Path], None] | None = None,
) -> dict[str, Graph]:
    """Load many releases; returns one graph per release, keyed by the release's IRI.

    Shared entities (forces, inspectorates, people, titled reports) get the
    same IRI in every release, so the union of the graphs is one coherent
    dataset; pass the mapping to :func:`hmic_graph.rdf.export.to_dataset` for
    one named graph per release.

    :param progress: called as ``progress(done, total, path)`` after each release.
    :raises ReleaseReadError: as :func:`load_release`, naming the failing file.
    """
    from hmic_graph.extract.sources import read_source

    graphs: dict[str, Graph] = {}
    files = release_files(paths)
    for done, path in enumerate(files, start=1):
        graphs.update(load_parts(read_source(path), published=published, base=base))
        if progress is not None:
            progress(done, len(files), path)
    return graphs
