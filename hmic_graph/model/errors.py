"""The exceptions hmic-graph raises for problems a user can fix.

Every error a user sees is an :class:`HmicGraphError`; the CLI prints it as
``path:line:column: message`` and exits with status 2, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ExportError",
    "HmicGraphError",
    "QueryError",
    "ReleaseReadError",
    "ResourceError",
    "ValidationFailed",
]


class HmicGraphError(Exception):
    """Base class of every error hmic-graph raises on purpose.

    :param message: what went wrong, in one sentence.
    :param path: the file concerned, if any.
    :param line: 1-based line in that file, if known.
    :param column: 1-based column in that line, if known.
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


class ReleaseReadError(HmicGraphError):
    """A release could not be read: missing, a directory, binary, empty..."""


class ResourceError(HmicGraphError):
    """A bundled data file (ontology, shapes, gazetteer, query) is missing or broken."""


class QueryError(HmicGraphError):
    """A SPARQL query is unknown, unreadable or failed to run."""


class ValidationFailed(HmicGraphError):
    """A graph does not conform to the shapes; ``report`` holds the details."""

    def __init__(self, message: str, *, report: object) -> None:
        super().__init__(message)
        self.report = report


class ExportError(HmicGraphError):
    """A graph could not be written in the requested format or place."""
