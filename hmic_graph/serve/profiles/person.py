"""The person page: the posts held over time and every quote with its release."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.namespace import ORG, PROV
from rdflib.term import Node

from hmic_graph.model.namespaces import SCHEMA
from hmic_graph.serve.profiles.common import (
    QuoteRow,
    _dates,
    _facts,
    _first_iri,
    _iris,
    _linker,
    _quotes,
    _sorted_links,
    _subjects,
    _text_labels,
)
from hmic_graph.serve.views import Link

if TYPE_CHECKING:
    from hmic_graph.serve.pages import EntityPages

# --- the person page -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PostHeld:
    """A post a person is said to hold, with the dates of the releases that say so."""

    post: Link
    organisation: Link | None
    first: str
    last: str
    releases: list[Link]


@dataclass(frozen=True, slots=True)
class PersonView:
    """Everything a person page shows besides the generic facts."""

    posts: list[PostHeld]
    quotes: list[QuoteRow]
    releases: list[tuple[Link, str]]


def person_view(pages: EntityPages, person: URIRef, description: Graph) -> PersonView:
    """The view of the page of the person ``person``, described by ``description``.

    A post is dated by the releases that state it and name the person; a
    post held by several people over time (an inspectorate's HM Inspector)
    is dated by this person's releases only.
    """
    posts = _iris(description.objects(person, ORG.holds))
    quoted = _subjects(pages, SCHEMA.spokenByCharacter, person)
    naming = _subjects(pages, SCHEMA.mentions, person)
    facts = _facts(pages, quoted, (SCHEMA.text, SCHEMA.isPartOf))
    parent = {q: _first_iri(facts[q][SCHEMA.isPartOf]) for q in quoted}
    releases = sorted({*naming, *(r for r in parent.values() if r)}, key=str)
    dates = _dates(pages, releases)
    # A shared post (an inspectorate's HM Inspector) is stated by hundreds of
    # releases: ask only whether this person's releases state it.
    said_in = {
        post: [
            r for r in releases if pages.backend.triples((post, PROV.wasDerivedFrom, r), limit=1)
        ]
        for post in posts
    }
    organisation = {
        post: _first_iri(pages.backend.objects_of(post, (ORG.postIn,))[ORG.postIn])
        for post in posts
    }
    iris: set[Node] = {person, *posts, *naming, *releases}
    iris.update(o for o in organisation.values() if o is not None)
    link = _linker(pages, {**pages.labels_of(iris), **_text_labels(facts, quoted)})

    held = []
    for post in posts:
        when = sorted(d for r in said_in[post] if (d := dates[r]))
        organisation_of = organisation[post]
        held.append(
            PostHeld(
                link(post),
                link(organisation_of) if organisation_of else None,
                when[0] if when else "",
                when[-1] if when else "",
                _sorted_links(link(r) for r in said_in[post]),
            )
        )
    held.sort(key=lambda p: (p.first or "~", p.last, p.post.text.casefold()))
    return PersonView(
        held,
        _quotes(quoted, facts, parent, dates, link),
        sorted(((link(r), dates.get(r, "")) for r in naming), key=lambda p: (p[1], p[0].text)),
    )
