"""The one check a SPARQL query passes before an endpoint runs it: no reaching out, no writing.

:func:`check_query` refuses (with :class:`QueryRefused`, which carries an HTTP status):

* ``SERVICE`` (a federated query would make the engine send requests to any
  address named, from the server) and ``LOAD`` anywhere in the text, even in
  a comment;
* a SPARQL Update (``INSERT``, ``DELETE``, ``CLEAR``, ``DROP``, ...);
* ``FROM`` / ``FROM NAMED`` with a graph IRI outside the namespaces the
  caller allows (the store's own graphs): some engines fetch such graphs
  from the web;
* an empty query, or one that opens with no query form.

The check is lexical and deliberately conservative, because it must agree
with the engine that runs the query, not with another parser. rdflib ends a
``#`` comment at ``\\n`` only; Oxigraph also at a bare ``\\r``, so
``ASK { # x\\rSERVICE <http://127.0.0.1:9999/> {...} }`` looked like one
comment to an rdflib-based check and like a federated query to the engine.
So the text is read in every way an engine might read it, and refused when
any reading finds a forbidden keyword:

* comments end at ``\\n`` (rdflib), at ``\\n`` or ``\\r`` (Oxigraph, and the
  SPARQL grammar) or at any Unicode line end; ``SERVICE`` and ``LOAD`` count
  inside comments too, so where a comment ends cannot hide them;
* ``\\uXXXX``/``\\UXXXXXXXX`` escapes are read as written and as expanded
  (the SPARQL specification expands them before parsing; Oxigraph only
  inside strings and IRIs), repeatedly, so an escaped escape cannot hide a
  keyword either;
* a keyword counts wherever its letters stand outside a string literal or a
  ``<scheme://...>`` IRI, in any case, even glued to what precedes it
  (Oxigraph reads ``?o 1SERVICE<...>`` as ``1`` then ``SERVICE``), except
  right inside a variable, a prefixed name or a language tag (``?service``,
  ``schema:serviceType``, ``ex:police-service``);
* string literals follow the grammar exactly (short ones end at a line end),
  so a quote cannot open a "string" that the engine reads as code.

It therefore refuses some harmless queries, e.g. a comment that mentions a
service, or ``ex:a.service``; the message says which word was refused.
Engines are not trusted to honour the check alone: the server also runs
queries in worker processes with no network (see
:mod:`hmic_graph.serve.worker`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from hmic_graph.model.errors import InvalidQuery

__all__ = ["CheckedQuery", "QueryForm", "QueryRefused", "check_query"]

QueryForm = Literal["SELECT", "ASK", "CONSTRUCT", "DESCRIBE"]


class QueryRefused(InvalidQuery):
    """A query :func:`check_query` will not let run.

    :param message: why, in words for the person who wrote the query.
    :param status: the HTTP status an endpoint answers with: 400 malformed
        (empty, no query form, broken escapes), 403 forbidden (SERVICE, LOAD,
        an update, FROM with a foreign graph).
    """

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class CheckedQuery:
    """A query that passed :func:`check_query`.

    :param text: the query exactly as given: run this, unchanged.
    :param form: ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``, as its
        first keyword says (the engine's parse has the last word).
    :param dataset: the graph IRIs named by ``FROM`` and ``FROM NAMED``.
    """

    text: str
    form: QueryForm
    dataset: tuple[str, ...] = ()


# Comment ends in each reading: rdflib's, the grammar's (Oxigraph's), any Unicode line end.
_COMMENT_ENDS: tuple[str, ...] = ("\n", "\n\r", "\n\r\x0b\x0c\x85\u2028\u2029")
# Keywords refused wherever they stand, comments included.
_ANYWHERE = ("SERVICE", "LOAD")
_UPDATES = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
_FORMS: frozenset[str] = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
# A string literal exactly as the grammar has it (ECHAR and UCHAR escapes).
_ESCAPE = r"\\(?:[tbnrf\\\"']|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})"
_STRINGS = {
    "'''": re.compile(rf"'''(?:(?:'|'')?(?:[^'\\]|{_ESCAPE}))*'''"),
    '"""': re.compile(rf'"""(?:(?:"|"")?(?:[^"\\]|{_ESCAPE}))*"""'),
    "'": re.compile(rf"'(?:[^'\\\n\r]|{_ESCAPE})*'"),
    '"': re.compile(rf'"(?:[^"\\\n\r]|{_ESCAPE})*"'),
}
# An absolute IRI with "://": the engine cannot read it as "<" and an expression.
_IRI = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]*://[^<>\"{}|^`\\\x00-\x20]*>")
# Where a comment, a string or an IRI may begin.
_SPECIAL = re.compile("[#'\"<]")
# Any IRIREF, for finding the query form only.
_ANY_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Runs of characters that continue a name (variable, prefixed name, language tag).
_NAME_RUN = re.compile(r"[A-Za-z0-9_\-\u00b7\u00c0-\U000effff]+")
_NAME_STARTS = "?$:@"
_WORD = re.compile(r"\s*([A-Za-z]+)")
_PROLOGUE = re.compile(r"\s*(?:PREFIX\s*[^\s:]*:|BASE(?![A-Za-z]))", re.IGNORECASE)
_MAX_EXPANSIONS = 4


def check_query(text: str, *, graph_namespaces: tuple[str, ...] = ()) -> CheckedQuery:
    """Check that an endpoint may run ``text``; see the module docstring for the rules.

    :param graph_namespaces: IRI prefixes ``FROM``/``FROM NAMED`` may name
        (e.g. the store's base); with none, every dataset clause is refused.
    :raises QueryRefused: 400 for an empty or formless query or escapes nested
        too deeply, 403 for ``SERVICE``, ``LOAD``, an update or a foreign
        ``FROM`` graph.

    >>> check_query("SELECT ?s WHERE { ?s ?p ?o }").form
    'SELECT'
    >>> check_query("ASK { # x\\rSERVICE <http://127.0.0.1:9999/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    hmic_graph.sparql.guard.QueryRefused: federated queries (SERVICE) are not allowed here; the query says 'SERVICE' at character 11 (refused even in a comment or next to other words)
    """
    if not text.strip():
        raise QueryRefused("the query is empty", status=400)
    readings = _expansions(text)
    dataset: list[str] = []
    for reading in readings:
        for ends in _COMMENT_ENDS:
            scanned = _scan(reading, comment_ends=ends)
            _refuse_anywhere(scanned.with_comments)
            dataset.extend(_dataset(scanned, graph_namespaces))
    form = _form(readings)
    return CheckedQuery(text=text, form=form, dataset=tuple(sorted(set(dataset))))


def _expansions(text: str) -> list[str]:
    """``text`` and its unicode-escape expansions, until nothing changes."""
    readings = [text]
    for _ in range(_MAX_EXPANSIONS):
        try:
            expanded = _UNICODE_ESCAPE.sub(_unescape, readings[-1])
        except ValueError as exc:
            raise QueryRefused(f"malformed query: {exc}", status=400) from None
        if expanded == readings[-1]:
            return readings
        readings.append(expanded)
    raise QueryRefused(
        "malformed query: unicode escapes nested more than "
        f"{_MAX_EXPANSIONS} deep; write the characters themselves",
        status=400,
    )


def _unescape(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    if code > 0x10FFFF:
        raise ValueError(f"{match.group(0)} is not a Unicode character")
    return chr(code)


@dataclass(frozen=True, slots=True)
class _Scanned:
    """One reading of a query: strings and ``<scheme://>`` IRIs blanked out.

    ``with_comments`` keeps comments as text; ``code`` blanks them too.
    ``iris`` maps the start of each blanked IRI to its value.
    """

    with_comments: str
    code: str
    iris: dict[int, str]


def _scan(text: str, *, comment_ends: str) -> _Scanned:
    with_comments = list(text)
    code = list(text)
    iris: dict[int, str] = {}
    comment_end = re.compile("[" + re.escape(comment_ends) + "]")
    at = 0
    while (special := _SPECIAL.search(text, at)) is not None:
        at = special.start()
        char = text[at]
        if char == "#":
            found_end = comment_end.search(text, at)
            end = found_end.start() if found_end is not None else len(text)
            code[at:end] = " " * (end - at)
            at = end
            continue
        if char == "<":
            found = _IRI.match(text, at)
            if found is not None:
                end = found.end()
                iris[at] = text[at + 1 : end - 1]
                with_comments[at:end] = code[at:end] = " " * (end - at)
                at = end
                continue
        else:
            opener = text[at : at + 3] if text.startswith(char * 3, at) else char
            found = _STRINGS[opener].match(text, at)
            if found is None and len(opener) == 3:  # three quotes that open no long string
                found = _STRINGS[char].match(text, at)
            if found is not None:
                end = found.end()
                with_comments[at:end] = code[at:end] = " " * (end - at)
                at = end
                continue
        at += 1
    return _Scanned("".join(with_comments), "".join(code), iris)


def _keyword_at(text: str, keyword: str) -> list[int]:
    """Where ``keyword`` stands in ``text`` as the engine might read it (see the module docstring).

    A keyword is all letters, so it lies within one run of name characters;
    a run right after ``?``, ``$``, ``:`` or ``@`` is a variable, a prefixed
    name or a language tag, and what it holds is no keyword.
    """
    pattern = re.compile(re.escape(keyword), re.IGNORECASE)
    found: list[int] = []
    for run in _NAME_RUN.finditer(text):
        start = run.start()
        if start > 0 and text[start - 1] in _NAME_STARTS:
            continue
        found.extend(match.start() for match in pattern.finditer(text, start, run.end()))
    return found


def _refuse_anywhere(text: str) -> None:
    for keyword in _ANYWHERE:
        places = _keyword_at(text, keyword)
        if not places:
            continue
        word = text[places[0] : places[0] + len(keyword)]
        what = (
            "federated queries (SERVICE) are not allowed here"
            if keyword == "SERVICE"
            else "LOAD is not allowed: this endpoint is read-only"
        )
        raise QueryRefused(
            f"{what}; the query says {word!r} at character {places[0] + 1} "
            "(refused even in a comment or next to other words)",
            status=403,
        )


def _dataset(scanned: _Scanned, namespaces: tuple[str, ...]) -> list[str]:
    graphs = []
    code = scanned.code
    for start in _keyword_at(code, "FROM"):
        at = _skip_space(scanned, start + len("FROM"))
        if code[at : at + 5].upper() == "NAMED":
            at = _skip_space(scanned, at + 5)
        iri = scanned.iris.get(at)
        if iri is None:
            raise QueryRefused(
                "FROM and FROM NAMED must name a graph by its full IRI, <https://...>",
                status=403,
            )
        if not any(iri.startswith(namespace) for namespace in namespaces):
            allowed = ", ".join(f"<{n}...>" for n in namespaces) or "none here"
            raise QueryRefused(
                f"FROM <{iri}> names a graph outside this store; the graphs it may name: {allowed}",
                status=403,
            )
        graphs.append(iri)
    return graphs


def _skip_space(scanned: _Scanned, at: int) -> int:
    """The first position from ``at`` that is not white space (nor a blanked comment or string)."""
    while at < len(scanned.code) and scanned.code[at].isspace() and at not in scanned.iris:
        at += 1
    return at


def _form(readings: list[str]) -> QueryForm:
    """The query form from the first keyword after the prologue (as written, comments per the grammar)."""
    code = _scan(readings[0], comment_ends="\n\r").code
    code = _ANY_IRI.sub(lambda m: " " * len(m.group(0)), code)
    at = 0
    while (declaration := _PROLOGUE.match(code, at)) is not None:
        at = declaration.end()
    first = _WORD.match(code, at)
    word = first.group(1).upper() if first is not None else ""
    if word in _FORMS:
        return word  # type: ignore[return-value]
    if word in _UPDATES:
        raise QueryRefused("SPARQL Update is not allowed: this endpoint is read-only", status=403)
    raise QueryRefused(
        "malformed query: expected SELECT, ASK, CONSTRUCT or DESCRIBE after the prologue",
        status=400,
    )
