"""One release text in, its N-Quads and its validation report out: the work any runner spreads.

:func:`process_file` and :func:`process_text` read, extract, build, validate
and encode one release, and return a :class:`ReleaseOutput`. They touch no
store and keep nothing between calls but per-process caches (the shapes,
the gazetteer, shared nodes' validation results), so a worker of any runner
can call them: :func:`hmic_graph.ingest.corpus.load_releases` on local
processes, :mod:`hmic_graph.ingest.dask_runner` on a Dask cluster. The bytes
are what :meth:`~hmic_graph.store.ReleaseStore.add_encoded` loads, so every
runner's store ends up the same.

>>> out = process_text("Kent Police praised\\n\\nKent Police works well with councils.", name="k.txt")
>>> out.name
'https://w3id.org/hmic-graph/id/release/d5e213ec634863c9'
>>> out.report.conforms, out.data.startswith(b"<https://w3id.org/hmic-graph/id/")
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hmic_graph.model.errors import HmicGraphError, NotARelease
from hmic_graph.model.namespaces import DEFAULT_BASE

if TYPE_CHECKING:
    from hmic_graph.model.records import Source
    from hmic_graph.rdf.validation import ValidationReport

__all__ = ["ReleaseOutput", "process_file", "process_text"]


@dataclass(frozen=True)
class ReleaseOutput:
    """What the pipeline made of one text.

    Exactly one of three outcomes: loaded (``name`` and ``data`` set),
    invalid (``report`` does not conform; ``data`` is empty) or failed
    (``error`` set; ``unrelated`` when the text is no inspection release).

    :param source: the file (or name) the text came from.
    :param name: the release IRI, the name of its graph in a store.
    :param data: the release graph as :func:`hmic_graph.store.encode_graph`
        N-Quads, sorted; empty unless the release is to be loaded.
    :param report: the validation report; ``None`` when not validated or
        not built.
    :param error: why the text could not be read or built.
    :param located: whether ``error`` already names the file.
    :param unrelated: the error is that the text is no inspection release.
    """

    source: str
    name: str | None = None
    data: bytes = b""
    report: ValidationReport | None = None
    error: str | None = None
    located: bool = False
    unrelated: bool = False

    @property
    def loaded(self) -> bool:
        """Whether the release is to be loaded (built, and conforming if validated)."""
        return self.name is not None and self.error is None

    def to_dict(self) -> dict[str, Any]:
        """Everything but the N-Quads, as JSON-ready data (what a shard's manifest keeps)."""
        return {
            "source": self.source,
            "name": self.name,
            "report": self.report.to_dict() if self.report is not None else None,
            "error": self.error,
            "located": self.located,
            "unrelated": self.unrelated,
        }


def process_file(
    path: str | Path,
    *,
    published: str | None = None,
    url: str | None = None,
    release_id: str | None = None,
    base: str = DEFAULT_BASE,
    validate: bool = True,
    allow_unrelated: bool = False,
) -> ReleaseOutput:
    """Read the release file ``path`` and run :func:`process_text`'s steps on it.

    The release IRI comes from ``release_id``, else the release number, else
    a checksum of the text, never from where the file is, so the same file
    gives the same graph wherever it is processed. Problems with the file or
    its text are returned (``error``), not raised.

    :param url: where the release was published (what a manifest says).
    """
    from hmic_graph.extract.sources import read_source

    try:
        source = read_source(path)
    except HmicGraphError as exc:
        return ReleaseOutput(str(path), error=str(exc), located=exc.path is not None)
    if url is not None:
        source = replace(source, url=url)
    return _process(str(path), source, published, release_id, base, validate, allow_unrelated)


def process_text(
    text: str,
    *,
    name: str | None = None,
    published: str | None = None,
    url: str | None = None,
    release_id: str | None = None,
    base: str = DEFAULT_BASE,
    validate: bool = True,
    allow_unrelated: bool = False,
) -> ReleaseOutput:
    """Extract, build, validate and encode the release ``text``.

    :param name: the file name the text had: errors name it, and it is the
        output's ``source``. The release IRI does not depend on it.
    :param published: the publication date ``YYYY-MM-DD``, when the text does not say.
    :param url: where the release was published.
    :param release_id: the id of the release's IRIs (default: its release
        number, else a checksum of its text).
    :param base: the namespace instance IRIs are minted under.
    :param validate: check the graph against the shapes; a release that does
        not conform is returned with its report and no data.
    :param allow_unrelated: process a text that names no inspectorate and no
        policing body too.
    :returns: the outcome; problems with the text are returned (``error``), not raised.
    """
    from hmic_graph.extract.sources import source_from_text

    key = name if name is not None else "<text>"
    try:
        source = source_from_text(text, path=name, url=url)
    except HmicGraphError as exc:
        return ReleaseOutput(key, error=str(exc), located=exc.path is not None)
    return _process(key, source, published, release_id, base, validate, allow_unrelated)


def _process(
    key: str,
    source: Source,
    published: str | None,
    release_id: str | None,
    base: str,
    validate: bool,
    allow_unrelated: bool,
) -> ReleaseOutput:
    from hmic_graph.ingest.releases import load_source, release_name
    from hmic_graph.store import encode_graph

    try:
        graph = load_source(
            source,
            published=published,
            base=base,
            release_id=release_id,
            allow_unrelated=allow_unrelated,
        )
        report = None
        if validate:
            from hmic_graph.rdf.validation import validate as run_validation

            report = run_validation(graph)
            if not report.conforms:
                return ReleaseOutput(key, report=report)
        name = release_name(graph)
        data = encode_graph(name, graph)
    except HmicGraphError as exc:
        return ReleaseOutput(
            key,
            error=str(exc),
            located=exc.path is not None,
            unrelated=isinstance(exc, NotARelease),
        )
    return ReleaseOutput(key, name=name, data=data, report=report)
