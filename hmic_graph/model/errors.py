"""The exceptions hmic-graph raises for problems a user can fix.

Every error a user can cause is an :class:`HmicGraphError`; callers that
handle one case catch its subclass. The CLI prints each as
``path:line:column: message`` and exits with the status its table gives
(:data:`hmic_graph.cli.main.EXIT_CODES`), never with a traceback; anything
that is not an :class:`HmicGraphError` is a bug and exits with status 3.

=======================  ===================================================
class                    raised when
=======================  ===================================================
:class:`ReleaseUnreadable`  a release file is missing, binary, empty, ...
:class:`NotARelease`        a text names no inspectorate and no policing body
:class:`ManifestError`      a corpus manifest is unreadable or names a bad value
:class:`ValidationFailed`   a graph does not conform to the shapes
:class:`InvalidQuery`       a query is unknown, malformed, an update, or fails
:class:`StoreNotFound`      no store in the folder named (read-only commands)
:class:`StoreLocked`        another process holds the store for writing
:class:`ResourceError`      a bundled data file is missing or broken
:class:`ExportError`        a graph cannot be written in a format or place
:class:`InvalidRelation`    a network is asked to follow ``rdf:type``
=======================  ===================================================
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ExportError",
    "HmicGraphError",
    "InvalidQuery",
    "InvalidRelation",
    "ManifestError",
    "NotARelease",
    "ReleaseUnreadable",
    "ResourceError",
    "StoreLocked",
    "StoreNotFound",
    "ValidationFailed",
]


class HmicGraphError(Exception):
    """Base class of every error hmic-graph raises on purpose.

    :param message: what went wrong, in one sentence.
    :param path: the file concerned, if any.
    :param line: 1-based line in that file, if known.
    :param column: 1-based column in that line, if known.

    >>> str(HmicGraphError("no such file", path="a.txt", line=3))
    'a.txt:3: no such file'
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return where + self.message


class ReleaseUnreadable(HmicGraphError):
    """A release could not be read: missing, a directory, binary, empty, undecodable..."""


class NotARelease(HmicGraphError):
    """A text is no inspection release: it names no inspectorate (nor an
    inspector's post) and no police force or fire and rescue service.

    Such a text is refused unless the caller allows unrelated texts; a corpus
    load reports it and goes on with the other files.
    """


class ManifestError(HmicGraphError):
    """A corpus manifest cannot be read, or a row gives a bad value (with its line)."""


class ResourceError(HmicGraphError):
    """A bundled data file (ontology, shapes, gazetteer, query) is missing or broken."""


class InvalidQuery(HmicGraphError):
    """A SPARQL query is unknown, unreadable, malformed, an update, or failed to run."""


class StoreNotFound(HmicGraphError):
    """The folder named holds no store (and the caller did not ask to create one)."""


class StoreLocked(HmicGraphError):
    """Another process (or another handle in this one) has the store open for writing.

    Only one writer at a time: a second ``load`` waits (``wait=``) or fails
    with this error. Reading is never locked out: open the store with
    ``read_only=True``.
    """


class ValidationFailed(HmicGraphError):
    """A graph does not conform to the shapes; ``report`` holds the details."""

    def __init__(self, message: str, *, report: object) -> None:
        super().__init__(message)
        self.report = report


class ExportError(HmicGraphError):
    """A graph could not be written in the requested format or place."""


class InvalidRelation(HmicGraphError, ValueError):
    """A predicate cannot be a relation of the network (``rdf:type`` links
    instances to classes, not to each other).

    Also a :class:`ValueError`, which it was before it was a user error.
    """
