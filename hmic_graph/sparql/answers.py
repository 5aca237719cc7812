"""Ordered answers of the named questions, kept in files per store generation: :class:`AnswerFiles`.

On a large store a named question's whole answer takes seconds (evidence:
49,458 rows at 10,000 releases, every selector walked and the rows sorted),
and no evaluation order gives its first rows sooner: Oxigraph's indexes
hold terms by hash, not in the order ``ORDER BY`` asks for. Yet the answer
of a question asked without bindings depends only on the data, so once
evaluated it is kept, in its order, in a file named after the store's
generation: ``ROOT/GENERATION/QUESTION.tsv``, in the SPARQL 1.1 TSV results
format (each term written by pyoxigraph in N-Triples syntax, which escapes
line breaks and tabs, and parsed back by pyoxigraph). A page is the header
and a slice of lines, so it costs the rows it returns, not the answer.

A commit moves the generation, so files of older data are never read again;
the next write removes them. Files are written only by a handle that may
write (the Python API, ``hmic-graph load`` through
:meth:`hmic_graph.store.OxigraphStore.prepare_answers`), and only when the
generation on disk is still the one the answer was evaluated at; the
server's workers only read them. Any failure to read or write a file is
not an error: the question is then evaluated as usual.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from hmic_graph.model.errors import HmicGraphError
from hmic_graph.sparql.evaluation import Selected, TooManyRows
from hmic_graph.sparql.order import row_of

__all__ = ["AnswerFiles"]

_KEPT_TERMS = (ox.NamedNode, ox.Literal, type(None))


@dataclass(frozen=True, slots=True)
class AnswerFiles:
    """The kept answers of one store generation.

    :param root: the folder that holds a sub-folder per generation.
    :param generation: the generation of the data the handle reads.
    :param current: the generation on disk now, read again before a write;
        ``None`` for a reader, which never writes.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> kept = AnswerFiles(root, 3, current=lambda: 3)
    >>> kept.keep("names", Selected(("n",), [(ox.Literal("a"),), (ox.Literal("b"),)], [("a",), ("b",)]))
    >>> kept.read("names", limit=1, offset=1).rows
    [('b',)]
    """

    root: Path
    generation: int
    current: Callable[[], int] | None = None

    def _path(self, name: str) -> Path:
        return self.root / str(self.generation) / f"{name}.tsv"

    def read(
        self, name: str, *, limit: int | None = None, offset: int = 0, max_rows: int | None = None
    ) -> Selected | None:
        """The kept answer of question ``name``, rows ``offset`` to ``offset + limit``; ``None`` if none is kept.

        :raises TooManyRows: the page has more than ``max_rows`` rows.
        """
        end = None if limit is None else offset + limit
        if max_rows is not None and (end is None or end - offset > max_rows):
            end = offset + max_rows + 1
        try:
            with self._path(name).open("rb") as handle:
                header = handle.readline()
                body = b"".join(itertools.islice(handle, offset, end))
            solutions = ox.parse_query_results(header + body, ox.QueryResultsFormat.TSV)
        except (OSError, SyntaxError, ValueError):
            return None
        if isinstance(solutions, ox.QueryBoolean):
            return None
        variables = tuple(variable.value for variable in solutions.variables)
        terms = [tuple(solution) for solution in solutions]
        if max_rows is not None and len(terms) > max_rows:
            raise TooManyRows(max_rows)
        return Selected(variables, terms, list(map(row_of, terms)))

    def keep(self, name: str, answer: Selected) -> None:
        """Keep ``answer``, the whole ordered answer of question ``name``, if this handle may write.

        Nothing is kept when the data moved on since it was read, or when a
        term has no TSV form this module reads back unchanged (a blank node,
        a triple term).
        """
        if self.current is None or self.current() != self.generation:
            return
        if any(type(term) not in _KEPT_TERMS for terms in answer.terms for term in terms):
            return
        from hmic_graph.rdf.files import write_bytes  # only writers pay for the import

        lines = ["\t".join(f"?{variable}" for variable in answer.variables)]
        lines.extend(
            "\t".join("" if term is None else str(term) for term in terms) for terms in answer.terms
        )
        text = "\n".join(lines) + "\n"
        # A folder this handle may not write only means the answer is not kept.
        with contextlib.suppress(OSError, HmicGraphError):
            write_bytes(text.encode("utf-8"), self._path(name))
            self._remove_older()

    def _remove_older(self) -> None:
        for entry in self.root.iterdir():
            if entry.name.isdigit() and int(entry.name) < self.generation:
                shutil.rmtree(entry, ignore_errors=True)
