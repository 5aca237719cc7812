"""The Jinja2 environment of the HTML pages, with templates read by :mod:`importlib.resources`.

Templates live in ``hmic_graph/serve/templates/`` and ship in the wheel.
Autoescaping is on for every template, so any text from the graph (names,
quotes, release text) is HTML-escaped unless a template explicitly marks it
safe; only the bundled stylesheet is. Links are written by :func:`link_html`
(the templates' ``l|link``, and ``ls|links`` for a list separated by commas),
which escapes every value it puts in.

This module does not import Starlette: ``hmic-graph docs`` renders with it too.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from collections.abc import Iterable
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from hmic_graph.model.errors import HmicGraphError, ResourceError

if TYPE_CHECKING:
    from jinja2 import Environment
    from markupsafe import Markup

__all__ = [
    "environment",
    "link_html",
    "links_html",
    "render",
    "stylesheet",
    "stylesheet_csp_hash",
]

_PACKAGE = "hmic_graph.serve"
_NAME = re.compile(r"^[a-z][a-z0-9_-]*\.(html|css)$")


def _read_template(name: str) -> str:
    """The text of the bundled template ``name``; only plain file names are allowed."""
    if not _NAME.match(name):
        raise ResourceError(f"not a bundled template name: {name!r}")
    node = files(_PACKAGE).joinpath("templates").joinpath(name)
    if not node.is_file():
        raise ResourceError(
            "bundled template is missing from the installed package; reinstall hmic-graph",
            path=f"serve/templates/{name}",
        )
    return node.read_text(encoding="utf-8")


@functools.cache
def environment() -> Environment:
    """The shared Jinja2 environment (autoescape on, undefined variables are errors).

    :raises HmicGraphError: Jinja2 is not installed (it comes with the
        ``serve`` and ``docs`` extras).
    """
    try:
        from jinja2 import Environment, FunctionLoader, StrictUndefined
    except ImportError as exc:
        raise HmicGraphError(
            "HTML pages need Jinja2: pip install 'hmic-graph[serve]' (or 'hmic-graph[docs]')"
        ) from exc

    def load(name: str) -> tuple[str, None, Any]:
        # (source, filename, uptodate): bundled templates never change while running.
        return _read_template(name), None, lambda: True

    env = Environment(
        loader=FunctionLoader(load),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # bundled templates never change: compile each once per process
    )
    # Filters rather than globals: Jinja calls a filter directly, a global
    # through the context, which costs more than the link itself.
    env.filters["link"] = link_html
    env.filters["links"] = links_html
    return env


def _escape(text: str) -> str:
    """``markupsafe.escape(text)`` as a plain string, in half the time (no Markup built per value)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def link_html(link: Any) -> Markup:
    """The HTML of a link (a :class:`hmic_graph.serve.pages.Link`), as the templates' ``l|link``.

    ``<a href="HREF" title="IRI">TEXT</a>`` (with ``rel="external noopener
    noreferrer"`` when it leaves the server), or ``<span title="IRI">TEXT</span>``
    when there is nowhere to go; every value is escaped as markupsafe does. A
    function rather than a template macro because pages hold hundreds of
    links and a Jinja macro call costs several times more.

    >>> from hmic_graph.serve.pages import Link
    >>> str(link_html(Link("<b>", "https://x/a?b&c", "https://x/a?b&c")))
    '<a href="https://x/a?b&amp;c" title="https://x/a?b&amp;c" rel="external noopener noreferrer">&lt;b&gt;</a>'
    >>> str(link_html(Link("A", "https://x/a", None)))
    '<span title="https://x/a">A</span>'
    """
    from markupsafe import Markup

    return Markup(_link(link))


def links_html(links: Iterable[Any]) -> Markup:
    """The HTML of several links separated by ``", "``, as the templates' ``ls|links``.

    >>> from hmic_graph.serve.pages import Link
    >>> str(links_html([Link("A", "https://x/a", "/id/a"), Link("B", "https://x/b", None)]))
    '<a href="/id/a" title="https://x/a">A</a>, <span title="https://x/b">B</span>'
    """
    from markupsafe import Markup

    return Markup(", ".join(_link(link) for link in links))


def _link(link: Any) -> str:
    if link.href:
        rel = "" if link.local else ' rel="external noopener noreferrer"'
        return (
            f'<a href="{_escape(link.href)}" title="{_escape(link.iri)}"{rel}>'
            f"{_escape(link.text)}</a>"
        )
    return f'<span title="{_escape(link.iri)}">{_escape(link.text)}</span>'


def render(name: str, **context: Any) -> str:
    """Render the bundled template ``name`` with ``context``; the stylesheet is always available.

    :raises HmicGraphError: Jinja2 is not installed.
    :raises ResourceError: the template is missing from the installed package.
    """
    template = environment().get_template(name)
    return template.render(stylesheet=stylesheet(), **context)


@functools.cache
def stylesheet() -> str:
    """The bundled CSS, inlined into every page (no external requests, no CDN)."""
    return _read_template("style.css")


@functools.cache
def stylesheet_csp_hash() -> str:
    """The CSP source expression (``'sha256-...'``) allowing exactly the inlined stylesheet."""
    digest = hashlib.sha256(stylesheet().encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"
