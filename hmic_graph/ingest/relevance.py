"""Is this text an inspection release at all? Decided from what extraction found.

A press release of HMIC or HMICFRS names an inspectorate (or an inspector's
post, from which the publisher follows) or a body it inspects: a police
force, an agency, a fire and rescue service. A text that names none of them
(a recipe, a newsletter about allotments) is no release: loading it would
put a five-triple ``hmic:PressRelease`` into the graph, the home page and
the dataset description. The loader refuses such a text with
:class:`~hmic_graph.model.errors.NotARelease` unless told to allow it.
"""

from __future__ import annotations

from hmic_graph.model.errors import NotARelease
from hmic_graph.model.records import OrganisationKind, Release

__all__ = ["check_release", "is_release"]

_POLICING_BODIES = (OrganisationKind.POLICE_FORCE, OrganisationKind.INSPECTED_BODY)


def is_release(release: Release) -> bool:
    """Whether ``release`` names an inspectorate, an inspector's post or a policing body.

    >>> from hmic_graph.extract import extract_release
    >>> is_release(extract_release("Lemon loaf\\n\\nBeat the butter and sugar until pale."))
    False
    >>> is_release(extract_release("Kent Police improves\\n\\nKent Police has improved."))
    True
    """
    return release.publisher is not None or any(
        organisation.kind is OrganisationKind.INSPECTORATE or organisation.kind in _POLICING_BODIES
        for organisation in release.organisations
    )


def check_release(release: Release) -> None:
    """Refuse ``release`` if it is no inspection release (see :func:`is_release`).

    :raises NotARelease: naming the release's file, if it has one.
    """
    if not is_release(release):
        raise NotARelease(
            "not an inspection release: it names no inspectorate or inspector and no police "
            "force, agency or fire and rescue service; allow unrelated texts "
            "(--allow-unrelated) to load it anyway",
            path=release.source.path,
        )
