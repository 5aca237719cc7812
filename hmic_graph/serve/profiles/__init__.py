"""The pages people read: a release with its text marked up, a force, a person, search, results.

Where :mod:`hmic_graph.serve.pages` shows any node as a table of its facts,
this package builds the views of the three kinds of page readers come for,
as plain data for the templates (which escape everything):

* a **release**: the article in full, every extracted span highlighted by
  kind (:data:`KINDS`) and linking to its node, and what the graph says
  about the release beside it;
* a **force**: its identifiers and links out, its inspections in date order,
  strengths and areas for improvement apart, alliances, partners by kind and
  the quotes of the releases about it;
* a **person**: the posts held over time and every quote with its release.

Spans come from two places. Quotes, findings, reports, alliances, posts and
contact points carry evidence selectors (``oa:start``/``oa:end`` into the
release text). Forces, people and partners have none, so the names the graph
gives the organisations and people the release mentions are found in its
text. Highlights may nest (a force named inside a quote): the text is cut at
every span boundary and each piece links to the innermost span covering it.

One module per page: :mod:`~hmic_graph.serve.profiles.release`,
:mod:`~hmic_graph.serve.profiles.force`, :mod:`~hmic_graph.serve.profiles.person`,
:mod:`~hmic_graph.serve.profiles.search` (search and SPARQL results as a
table), and what they share in :mod:`~hmic_graph.serve.profiles.common`
(the kinds of span, cutting a text at its highlights, the store lookups).

The data is read from the union of the release graphs with the backend's
pattern lookups (:meth:`~hmic_graph.serve.backend.Backend.triples`,
``objects_of``, ``objects_of_many``), not with SPARQL joins: pyoxigraph
evaluated the joins over the whole store before applying the page's IRI
(seconds per page on 1,000 releases, against milliseconds). Search looks
through an index of names kept per version of the store, so the text
searched for never becomes part of a query.
"""

from hmic_graph.serve.profiles.common import KINDS, Highlight, Kind, Segment, page_kind, segments
from hmic_graph.serve.profiles.force import ForceView, force_view
from hmic_graph.serve.profiles.person import PersonView, person_view
from hmic_graph.serve.profiles.release import ReleaseView, release_view
from hmic_graph.serve.profiles.search import ResultsView, SearchView, results_view, search_view

__all__ = [
    "KINDS",
    "ForceView",
    "Highlight",
    "Kind",
    "PersonView",
    "ReleaseView",
    "ResultsView",
    "SearchView",
    "Segment",
    "force_view",
    "page_kind",
    "person_view",
    "release_view",
    "results_view",
    "search_view",
    "segments",
]
