"""Upload release graphs to a SPARQL server: Graph Store Protocol or SPARQL Update.

:func:`push` replaces each release's named graph on the server, one HTTP
request per release, so pushing again gives the same graphs (idempotent):

- ``protocol="gsp"`` (default): SPARQL 1.1 Graph Store HTTP Protocol,
  ``PUT {endpoint}?graph={release IRI}`` with the graph as N-Triples. Works
  with Oxigraph server (``/store``), Apache Jena Fuseki (``/DATASET/data``),
  GraphDB (``/repositories/REPO/rdf-graphs/service``) and Virtuoso
  (``/sparql-graph-crud-auth``, digest authentication).
- ``protocol="update"``: SPARQL 1.1 Update, ``POST`` of
  ``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> { ... } }`` to the update
  endpoint. The data part is N-Triples written by rdflib, one triple per
  line, and the graph name is checked to be an IRI, so no text from a
  release can change the request's meaning. ``xsd:time`` literals (contact
  points' opening hours) are inserted by a second operation that builds
  them with ``STRDT``: Virtuoso 7's parser rejects them as constants in
  ``INSERT DATA`` ("Cannot convert T17:30:00 to time"), and the
  ``STRDT`` form is standard SPARQL that every server stores alike.

Only the standard library's :mod:`urllib.request` is used; HTTP basic and
digest authentication are supported (``auth=(user, password)``).
Each request stands alone: if one fails, the graphs pushed before it stay
replaced, and pushing again is safe.
"""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from hmic_graph.model.errors import HmicGraphError

if TYPE_CHECKING:
    from rdflib import Graph

    from hmic_graph.store import ReleaseStore

__all__ = ["PushReport", "PushedGraph", "ntriples_of", "push", "update_request"]

Protocol = Literal["gsp", "update"]

_OK = frozenset({200, 201, 204})
_MAX_MESSAGE = 500


@dataclass(frozen=True, slots=True)
class PushedGraph:
    """One graph sent: its name, its number of triples and the HTTP status."""

    name: str
    triples: int
    status: int


@dataclass(frozen=True, slots=True)
class PushReport:
    """What :func:`push` sent, in the order sent (sorted by graph name).

    >>> report = PushReport("http://localhost:7878/store", "gsp",
    ...                     (PushedGraph("https://example.org/g", 3, 201),))
    >>> report.triples, len(report)
    (3, 1)
    >>> print(report.to_text())
    pushed 1 graph (3 triples) to http://localhost:7878/store with the Graph Store Protocol
      201  https://example.org/g  3 triples
    """

    endpoint: str
    protocol: str
    graphs: tuple[PushedGraph, ...]
    seconds: float = field(default=0.0, compare=False)

    @property
    def triples(self) -> int:
        """The number of triples sent, over all graphs."""
        return sum(graph.triples for graph in self.graphs)

    def __len__(self) -> int:
        return len(self.graphs)

    def to_text(self) -> str:
        """A summary line, then one line per graph."""
        how = "the Graph Store Protocol" if self.protocol == "gsp" else "SPARQL Update"
        count = len(self.graphs)
        lines = [
            f"pushed {count} graph{'s' * (count != 1)} ({self.triples} triples) "
            f"to {self.endpoint} with {how}"
        ]
        lines.extend(f"  {g.status}  {g.name}  {g.triples} triples" for g in self.graphs)
        return "\n".join(lines)


def push(
    store: ReleaseStore | Mapping[str, Graph],
    endpoint: str,
    *,
    protocol: Protocol = "gsp",
    releases: Iterable[str] | None = None,
    timeout: float = 30.0,
    auth: tuple[str, str] | None = None,
    content_type: str = "application/n-triples",
) -> PushReport:
    """Replace each release's named graph on the server at ``endpoint``.

    :param store: a :class:`~hmic_graph.store.ReleaseStore`, or graphs keyed
        by their name (an IRI).
    :param endpoint: for ``"gsp"``, the Graph Store endpoint (the request
        goes to ``{endpoint}?graph={IRI}``); for ``"update"``, the SPARQL
        Update endpoint.
    :param protocol: ``"gsp"`` (HTTP PUT, one graph per request) or ``"update"``.
    :param releases: the graph names to push (default: all, sorted).
    :param timeout: seconds to wait for each answer.
    :param auth: ``(user, password)`` for HTTP basic or digest authentication,
        answered when the server asks (401).
    :param content_type: for ``"gsp"``: ``"application/n-triples"`` or
        ``"text/turtle"`` (the body is N-Triples, which is also Turtle).
    :returns: a :class:`PushReport`.
    :raises HmicGraphError: the endpoint is not an http(s) URL, the protocol
        is unknown, a release is not in the store, the server refused the
        connection or did not answer in time, or answered with an HTTP error
        (the message has the status and the server's message).

    >>> push({}, "ftp://example.org/store")
    Traceback (most recent call last):
    ...
    hmic_graph.model.errors.HmicGraphError: the endpoint must be an http:// or https:// URL, not 'ftp://example.org/store'
    """
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise HmicGraphError(f"the endpoint must be an http:// or https:// URL, not {endpoint!r}")
    if protocol not in ("gsp", "update"):
        raise HmicGraphError(f"unknown protocol {protocol!r}; choose gsp or update")
    if content_type not in ("application/n-triples", "text/turtle"):
        raise HmicGraphError(
            f"unknown content type {content_type!r}; choose application/n-triples or text/turtle"
        )
    if isinstance(store, Mapping):
        names = sorted(store) if releases is None else sorted(set(releases))
        missing = [name for name in names if name not in store]
        if missing:
            raise HmicGraphError(f"no graph named <{missing[0]}> to push")
        graphs = {name: store[name] for name in names}
    else:
        graphs = store.graphs(releases)

    opener = _opener(endpoint, auth)
    started = time.monotonic()
    pushed: list[PushedGraph] = []
    for name, graph in graphs.items():
        _check_graph_name(name)
        ntriples = ntriples_of(graph)
        if protocol == "gsp":
            separator = "&" if parts.query else "?"
            url = f"{endpoint}{separator}{urllib.parse.urlencode({'graph': name})}"
            request = urllib.request.Request(
                url,
                data=ntriples.encode("utf-8"),
                method="PUT",
                headers={"Content-Type": f"{content_type}; charset=utf-8"},
            )
        else:
            url = endpoint
            request = urllib.request.Request(
                url,
                data=update_request(name, ntriples).encode("utf-8"),
                method="POST",
                headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            )
        status = _send(opener, request, endpoint=endpoint, graph=name, timeout=timeout)
        pushed.append(PushedGraph(name, len(graph), status))
    return PushReport(endpoint, protocol, tuple(pushed), time.monotonic() - started)


def update_request(name: str, ntriples: str) -> str:
    """The SPARQL Update that replaces graph ``name`` with the N-Triples ``ntriples``.

    A triple whose object is an ``xsd:time`` literal and whose subject is an
    IRI is inserted by a last operation that makes the literal with
    ``STRDT`` (see the module docstring: Virtuoso rejects such constants).

    :raises HmicGraphError: ``name`` is not an absolute IRI.

    >>> print(update_request("https://example.org/g", '<https://example.org/a> <https://example.org/p> "x" .\\n'))
    DROP SILENT GRAPH <https://example.org/g> ;
    INSERT DATA { GRAPH <https://example.org/g> {
    <https://example.org/a> <https://example.org/p> "x" .
    } }
    >>> print(update_request("https://example.org/g",
    ...     '<https://example.org/h> <https://schema.org/opens> "08:30:00"^^<%s> .\\n' % _XSD_TIME))
    DROP SILENT GRAPH <https://example.org/g> ;
    INSERT DATA { GRAPH <https://example.org/g> {
    } } ;
    INSERT { GRAPH <https://example.org/g> {
    <https://example.org/h> <https://schema.org/opens> ?time0 .
    } } WHERE {
    BIND(STRDT("08:30:00", <http://www.w3.org/2001/XMLSchema#time>) AS ?time0)
    }
    """
    _check_graph_name(name)
    plain: list[str] = []
    times: list[tuple[str, str]] = []  # (subject and predicate, quoted lexical form)
    # Split on "\n" only: N-Triples escapes it in literals, but not U+2028
    # and the other characters str.splitlines() also breaks at.
    for line in ntriples.split("\n"):
        if not line.strip():
            continue
        # rdflib writes "<s> <p> object ." with single spaces, and IRIs hold no
        # spaces; a string literal ending in this text would end in '\"' + '" .'.
        if line.endswith(_TIME_SUFFIX) and line.startswith("<"):
            subject, predicate, literal = line.split(" ", 2)
            times.append((f"{subject} {predicate}", literal[: -len(_TIME_SUFFIX) + 1]))
        else:
            plain.append(line + "\n")
    text = f"DROP SILENT GRAPH <{name}> ;\nINSERT DATA {{ GRAPH <{name}> {{\n{''.join(plain)}}} }}"
    if not times:
        return text
    template = "".join(f"{head} ?time{i} .\n" for i, (head, _) in enumerate(times))
    binds = "".join(
        f"BIND(STRDT({lexical}, <{_XSD_TIME}>) AS ?time{i})\n"
        for i, (_, lexical) in enumerate(times)
    )
    return f"{text} ;\nINSERT {{ GRAPH <{name}> {{\n{template}}} }} WHERE {{\n{binds}}}"


_XSD_TIME = "http://www.w3.org/2001/XMLSchema#time"
_TIME_SUFFIX = f'"^^<{_XSD_TIME}> .'


def ntriples_of(graph: Graph) -> str:
    """``graph`` as N-Triples, lines sorted, written by rdflib.

    Lines are split on ``\\n`` only (what N-Triples ends a line with), so a
    literal holding U+2028 or a form feed stays on its line.

    :raises HmicGraphError: rdflib cannot write a term (an invalid IRI).

    >>> from rdflib import Graph, Literal, URIRef
    >>> g = Graph()
    >>> _ = g.add((URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("x\\u2028y")))
    >>> len(ntriples_of(g).split("\\n"))
    2
    """
    from rdflib import Graph as RdfGraph

    plain = RdfGraph(bind_namespaces="none")
    for triple in graph:
        plain.add(triple)
    try:
        text = plain.serialize(format="nt")
    except Exception as exc:  # rdflib raises a bare Exception for invalid IRIs
        raise HmicGraphError(f"cannot write the graph as N-Triples: {exc}") from exc
    lines = sorted({line for line in text.split("\n") if line.strip()})
    return "".join(line + "\n" for line in lines)


def _check_graph_name(name: str) -> None:
    bad = set(' <>"{}|\\^`')
    if ":" not in name or any(c in bad or ord(c) <= 0x20 for c in name):
        raise HmicGraphError(f"a graph name must be an absolute IRI, not {name!r}")


def _opener(endpoint: str, auth: tuple[str, str] | None) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
    if auth is not None:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, endpoint, auth[0], auth[1])
        handlers.append(urllib.request.HTTPBasicAuthHandler(passwords))
        handlers.append(urllib.request.HTTPDigestAuthHandler(passwords))
    return urllib.request.build_opener(*handlers)


def _send(
    opener: urllib.request.OpenerDirector,
    request: urllib.request.Request,
    *,
    endpoint: str,
    graph: str,
    timeout: float,
) -> int:
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read()
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        try:
            body = exc.read().decode("utf-8", "replace")
        except OSError:
            body = ""
        message = " ".join(body.split())[:_MAX_MESSAGE]
        hint = ""
        if exc.code == 401:
            hint = " (the server wants credentials: pass auth=(user, password) or --user)"
        elif exc.code == 404:
            hint = " (is the endpoint URL right?)"
        raise HmicGraphError(
            f"{endpoint} answered HTTP {exc.code} {exc.reason} to the upload of <{graph}>"
            f"{hint}" + (f": {message}" if message else "")
        ) from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ConnectionRefusedError):
            raise HmicGraphError(
                f"cannot connect to {endpoint}: connection refused; is the server running "
                "and the URL right?"
            ) from exc
        if isinstance(reason, TimeoutError | socket.timeout):
            raise HmicGraphError(f"{endpoint} did not answer within {timeout:g} s") from exc
        raise HmicGraphError(f"cannot reach {endpoint}: {reason}") from exc
    except TimeoutError as exc:
        raise HmicGraphError(f"{endpoint} did not answer within {timeout:g} s") from exc
    except (ConnectionError, OSError) as exc:
        raise HmicGraphError(f"the connection to {endpoint} failed: {exc}") from exc
    if status not in _OK:
        raise HmicGraphError(
            f"{endpoint} answered HTTP {status} to the upload of <{graph}>; expected 200, 201 or 204"
        )
    return status
