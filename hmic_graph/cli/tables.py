"""Query results as tables a person reads in a terminal.

IRIs are shown with prefixes (``hmic:Strength``, ``hmicid:force/kent-police``),
runs of white space (line breaks inside a quote) as one space, and the
longest columns are cut, with ``…``, so that each line fits the terminal.
``--wide`` keeps every value whole. CSV and JSON output are not touched by
any of this: they keep full IRIs and full text.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence

from hmic_graph.sparql.frames import compact, display_prefixes
from hmic_graph.sparql.query import QueryResult

__all__ = ["MIN_COLUMN", "column_widths", "render_table", "terminal_width"]

MIN_COLUMN = 8
"""No column is cut narrower than this (or its header, if that is longer)."""

_GAP = "  "


def terminal_width() -> int:
    """The width to fit: the terminal's, ``$COLUMNS`` if set, else 80."""
    return shutil.get_terminal_size().columns


def render_table(
    result: QueryResult,
    *,
    width: int | None = None,
    wide: bool = False,
    prefixes: Mapping[str, str] | None = None,
) -> str:
    """``result`` as an aligned text table whose lines fit in ``width`` characters.

    :param width: the line length to fit (default: :func:`terminal_width`).
    :param wide: keep every value whole, however long the lines get.
    :param prefixes: prefix -> namespace used to shorten IRIs (default: the
        model's prefixes and ``hmicid:``).

    >>> r = QueryResult(("kind", "text"), (
    ...     ("https://w3id.org/hmic-graph/ontology#Strength", "The force  works\\nwell with partners."),
    ...     ("https://w3id.org/hmic-graph/ontology#AreaForImprovement", None)))
    >>> print(render_table(r, width=50))
    kind                     text
    -----------------------  -------------------------
    hmic:Strength            The force works well wit…
    hmic:AreaForImprovement
    >>> print(render_table(r, wide=True))
    kind                     text
    -----------------------  -----------------------------------
    hmic:Strength            The force works well with partners.
    hmic:AreaForImprovement
    """
    table = display_prefixes() if prefixes is None else prefixes
    header = list(result.columns)
    body = [
        ["" if value is None else " ".join(compact(value, table).split()) for value in row]
        for row in result.rows
    ]
    natural = [max([len(name)] + [len(row[i]) for row in body]) for i, name in enumerate(header)]
    widths = natural if wide else column_widths(natural, header, width or terminal_width())
    lines = [_line(header, widths), _GAP.join("-" * w for w in widths)]
    lines += [_line(row, widths) for row in body]
    return "\n".join(line.rstrip() for line in lines)


def column_widths(natural: Sequence[int], header: Sequence[str], width: int) -> list[int]:
    """How wide each column may be so that a line fits in ``width``.

    The widest columns are cut to one common width, the largest that fits;
    narrower columns keep theirs. No column goes below :data:`MIN_COLUMN` or
    its header, so a very narrow terminal gives lines longer than ``width``.

    >>> column_widths([4, 50, 30], ["id", "text", "name"], 60)
    [4, 26, 26]
    >>> column_widths([4, 50, 12], ["id", "text", "name"], 60)
    [4, 40, 12]
    """
    room = width - len(_GAP) * (len(natural) - 1)
    floors = [min(n, max(MIN_COLUMN, len(h))) for n, h in zip(natural, header, strict=True)]
    cap = max(natural, default=0)
    while cap > 0 and sum(max(f, min(n, cap)) for n, f in zip(natural, floors, strict=True)) > room:
        cap -= 1
    return [max(f, min(n, cap)) for n, f in zip(natural, floors, strict=True)]


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return _GAP.join(
        _cut(cell, width).ljust(width) for cell, width in zip(cells, widths, strict=True)
    )


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"
