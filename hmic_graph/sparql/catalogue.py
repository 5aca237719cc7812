"""The named questions: the bundled ``queries/*.rq`` files, and how a query argument is resolved.

Each bundled query has three accepted names: the short name (``"quotes"``),
the number (``"cq02"``, also ``"cq2"``) and the file stem
(``"cq02-quotes"``). :func:`resolve` turns what a caller passes (a name, a
``.rq`` path or SPARQL text) into the text to run; every engine and every
caller (the Python API, the CLI, the store, the server) resolves through it,
so a name means the same query everywhere.

Some questions also have an **Oxigraph form** (``queries/oxigraph/NAME.rq``):
the same rows in the same order, written so that Oxigraph joins the patterns
on hash tables instead of one index lookup per pattern and row, which is
several times faster on an on-disk store. rdflib evaluates those forms far
more slowly, so only the Oxigraph engine uses them, chosen by the question's
name (:func:`oxigraph_form`); ``tests/test_query_forms.py`` checks that each
form gives the rows of the text it stands for on a generated store of 250
releases. A form has its text's patterns, partitioned into sub-selects
that each project every variable of their patterns (or hide one used
nowhere else), and its text's ``ORDER BY``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from hmic_graph.model import resources
from hmic_graph.model.errors import InvalidQuery, ResourceError

__all__ = [
    "NamedQuery",
    "QueryText",
    "list_queries",
    "named_query",
    "oxigraph_form",
    "resolve",
    "resolve_name_or_text",
]

_STEM = re.compile(r"^(cq\d+)-([a-z0-9-]+)$")
# A bare word such as "quotes" or "cq2" is meant as a name, never as SPARQL.
_LOOKS_LIKE_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True, slots=True)
class NamedQuery:
    """One bundled query.

    :param name: the short name, e.g. ``"quotes"``.
    :param aliases: the other accepted names, e.g. ``("cq02", "cq02-quotes")``.
    :param description: the first comment line of the file, without ``#``.
    :param text: the SPARQL text as shipped.
    """

    name: str
    aliases: tuple[str, ...]
    description: str
    text: str

    @property
    def resource(self) -> str:
        """The file's path inside the package, for messages: ``queries/cq02-quotes.rq``."""
        return f"queries/{self.aliases[-1] if self.aliases else self.name}.rq"


@dataclass(frozen=True, slots=True)
class QueryText:
    """A query argument resolved by :func:`resolve`.

    :param text: the SPARQL text to run.
    :param label: how messages name it: ``'quotes'`` (quoted) for a named
        query, the path for a file, ``text`` for SPARQL text.
    :param path: the file it was read from (a bundled query's resource path), if any.
    :param name: the short name of a bundled query, else ``None``.
    """

    text: str
    label: str
    path: str | None = None
    name: str | None = None


def list_queries() -> list[NamedQuery]:
    """The bundled named queries, in file order (``cq01`` first).

    :raises ResourceError: the bundled query folder is missing.

    >>> [q.name for q in list_queries()][:2]
    ['release-subject', 'quotes']
    """
    return list(_catalogue().values())


def named_query(key: str) -> NamedQuery:
    """The bundled query called ``key`` (any accepted name, any case).

    :raises InvalidQuery: no bundled query has that name; the message lists them.

    >>> named_query("CQ2").name
    'quotes'
    """
    name = _aliases().get(key.strip().lower())
    if name is None:
        names = ", ".join(_catalogue())
        raise InvalidQuery(f"unknown query {key.strip()!r}; the named queries are: {names}")
    return _catalogue()[name]


def resolve(query: str | Path) -> QueryText:
    """What ``query`` names: a bundled query, a ``.rq`` file or SPARQL text.

    A :class:`~pathlib.Path`, or a one-line string ending in ``.rq``, is a
    file; a bare word (letters, digits, ``-``, ``_``) is a name; anything
    else is SPARQL text.

    :raises InvalidQuery: an unknown name, or a file that cannot be read.

    >>> resolve("cq02").name, resolve("ASK { ?s ?p ?o }").label
    ('quotes', 'text')
    """
    if isinstance(query, Path) or (query.strip().endswith(".rq") and "\n" not in query):
        path = Path(query).expanduser() if isinstance(query, Path) else Path(query.strip())
        try:
            return QueryText(path.read_text(encoding="utf-8"), str(path), str(path))
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidQuery(f"cannot read query file: {exc}", path=path) from exc
    return resolve_name_or_text(query)


def resolve_name_or_text(query: str) -> QueryText:
    """What ``query`` names, as :func:`resolve` reads it, but never a file: a bundled query or SPARQL text.

    For queries from people who may not read the server's files (the
    SPARQL endpoint): ``"/etc/x.rq"`` is text here, and malformed.

    :raises InvalidQuery: a bare word that names no bundled query.

    >>> resolve_name_or_text("quotes").name, resolve_name_or_text("q.rq").label
    ('quotes', 'text')
    """
    if _LOOKS_LIKE_NAME.match(query.strip()):
        named = named_query(query)
        return QueryText(named.text, repr(named.name), named.resource, named.name)
    return QueryText(query, "text")


def oxigraph_form(name: str) -> str | None:
    """The Oxigraph form of the bundled query ``name`` (its short name), if it has one.

    >>> oxigraph_form("quotes") is not None, oxigraph_form("alliances")
    (True, None)
    """
    return _oxigraph_forms().get(name)


@functools.cache
def _catalogue() -> dict[str, NamedQuery]:
    """Short name -> query, read from the package once."""
    folder = files("hmic_graph").joinpath("queries")
    if not folder.is_dir():
        raise ResourceError("bundled query folder is missing; reinstall hmic-graph", path="queries")
    found: dict[str, NamedQuery] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".rq"):
            continue
        stem = entry.name[: -len(".rq")]
        text = resources.read_text("queries", entry.name)
        match = _STEM.match(stem)
        if match:
            number, name = match.groups()
            aliases: tuple[str, ...] = (number, stem)
        else:
            name, aliases = stem, ()
        description = ""
        for line in text.splitlines():
            if line.startswith("#"):
                description = line.lstrip("#").strip()
                break
        found[name] = NamedQuery(name, aliases, description, text)
    return found


@functools.cache
def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for named in _catalogue().values():
        table[named.name] = named.name
        for alias in named.aliases:
            table[alias] = named.name
            # "cq2" as well as "cq02": people drop the leading zero.
            number = re.fullmatch(r"cq0*(\d+)", alias)
            if number:
                table[f"cq{number.group(1)}"] = named.name
    return table


@functools.cache
def _oxigraph_forms() -> dict[str, str]:
    """Short name -> Oxigraph form, from ``queries/oxigraph/NAME.rq``.

    :raises ResourceError: a form is named after no bundled query.
    """
    forms: dict[str, str] = {}
    folder = files("hmic_graph").joinpath("queries").joinpath("oxigraph")
    if not folder.is_dir():
        return forms
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".rq"):
            continue
        name = entry.name.removesuffix(".rq")
        if name not in _catalogue():
            raise ResourceError(
                "an Oxigraph form of no bundled query", path=f"queries/oxigraph/{entry.name}"
            )
        forms[name] = entry.read_text(encoding="utf-8")
    return forms
