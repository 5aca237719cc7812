"""Kinds of partner as an open vocabulary (hmic_graph.extract.partner_kinds) and
their concepts in the graph. Every text here is invented."""

from __future__ import annotations

from rdflib import URIRef
from rdflib.namespace import SKOS

from hmic_graph import build_graph, extract_release
from hmic_graph.extract.concepts import PARTNER_KINDS
from hmic_graph.extract.partner_kinds import kinds_in


def _labels(text: str) -> list[str]:
    return [k.label for k in kinds_in(text)]


def test_kinds_are_kept_as_written_in_the_singular() -> None:
    text = "parish councils, registered social landlords and third-sector organisations take part"
    assert _labels(text) == [
        "parish council",
        "registered social landlord",
        "third-sector organisation",
    ]


def test_and_inside_a_kind_is_not_a_list() -> None:
    assert _labels("detainees are referred to drug and alcohol services") == [
        "drug and alcohol service"
    ]
    assert _labels("it works with councils and housing associations") == [
        "council",
        "housing association",
    ]


def test_a_kind_in_the_singular_needs_the_article_and_a_modifier() -> None:
    assert _labels("it shares information with the probation service") == ["probation service"]
    assert _labels("information is passed to the council on the day") == []
    assert _labels("a committed team of officers") == []


def test_local_and_other_are_not_part_of_a_kind_unless_the_ontology_says_so() -> None:
    assert _labels("staff from local substance misuse services visit") == [
        "substance misuse service"
    ]
    assert _labels("it works with other local authorities") == ["local authority"]


def test_a_bare_plural_is_a_kind_only_where_its_head_names_one() -> None:
    assert _labels("officers visit schools every week") == ["school"]
    assert _labels("it works with partner agencies") == []


def test_an_owner_in_the_possessive_is_no_part_of_the_kind() -> None:
    assert _labels("works with the county's mental health provider") == ["mental health provider"]
    assert _labels("works with children's services") == ["children's service"]
    assert _labels("works with the city council's anti-social behaviour team") == [
        "anti-social behaviour team"
    ]


def test_a_kind_in_the_singular_after_the_and_local() -> None:
    assert _labels("works with the local liaison and diversion service") == [
        "liaison and diversion service"
    ]


def test_its_names_a_partner_but_not_the_forces_own_service() -> None:
    assert _labels("partners such as its sexual assault referral centre") == [
        "sexual assault referral centre"
    ]
    assert _labels("it shares its dog-handling service with others") == []


def test_a_mass_noun_kind_and_the_longer_phrase() -> None:
    assert _labels("passed on by children's social care") == ["children's social care"]
    assert _labels("passed on by children's social care teams") == ["children's social care team"]


def test_bare_plurals_that_name_kinds_by_themselves() -> None:
    assert _labels("works alongside hospitals and charities") == ["hospital", "charity"]


def test_groups_of_people_are_no_kind() -> None:
    assert _labels("staff from under-represented groups") == []


def test_a_kind_in_apposition_to_a_named_partner_is_not_listed() -> None:
    release = extract_release(
        "Kent Police praised\n\nThe force works closely with its contracted healthcare "
        "provider, Acme Health Ltd, and with mental health providers.\n"
    )
    assert {k.label for k in release.partner_kinds} == {"mental health provider"}


def test_a_sentence_may_open_with_a_kind() -> None:
    assert _labels("Registered social landlords attend the meetings") == [
        "registered social landlord"
    ]


def test_a_finer_kind_is_a_concept_under_its_broader_kind() -> None:
    (kind,) = kinds_in("works with district councils")
    assert kind.concept == f"{PARTNER_KINDS}/district-council"
    assert kind.broader == f"{PARTNER_KINDS}/council"
    (known,) = kinds_in("works with councils")
    assert known.concept == f"{PARTNER_KINDS}/council" and known.broader is None


def test_the_graph_mints_the_finer_kind_in_the_scheme_under_the_broader() -> None:
    release = extract_release(
        "Kent Police praised\n\nKent Police works with parish councils and schools.\n"
    )
    graph = build_graph(release)
    parish = URIRef(f"{PARTNER_KINDS}/parish-council")
    assert str(graph.value(parish, SKOS.prefLabel)) == "parish council"
    assert graph.value(parish, SKOS.broader) == URIRef(f"{PARTNER_KINDS}/council")
    assert graph.value(parish, SKOS.inScheme) == URIRef(PARTNER_KINDS)
    assert str(graph.value(URIRef(f"{PARTNER_KINDS}/council"), SKOS.prefLabel)) == "council"


def test_a_sector_after_the_is_a_kind_under_its_broader_one() -> None:
    kinds = kinds_in("works with the voluntary sector and the private sector")
    assert [k.label for k in kinds] == ["voluntary sector", "private sector"]
    assert kinds[0].broader == f"{PARTNER_KINDS}/voluntary-sector-organisation"
    assert _labels("works with the public sector") == []


def test_kinds_of_worker_are_kinds() -> None:
    assert _labels(
        "Officers sit side by side with social workers, and health visitors and school "
        "nurses are told about incidents"
    ) == ["social worker", "health visitor", "school nurse"]
    assert _labels("crimes reported by train companies and by platform staff") == [
        "train company",
        "platform staff",
    ]
    assert _labels("works with the town's improvement districts and security managers") == [
        "security manager"
    ]
    assert _labels("works with door supervisors and youth workers") == [
        "door supervisor",
        "youth worker",
    ]


def test_workers_of_a_named_body_are_not_a_kind() -> None:
    release = extract_release(
        "Kent Police praised\n\nKent Police works with nurses from Vale Health NHS Trust, "
        "with Tarnmoor Council's safeguarding staff and with mental health providers.\n"
    )
    assert {k.label for k in release.partner_kinds} == {"mental health provider"}


def test_what_the_force_runs_is_not_a_partner() -> None:
    assert _labels("The force runs problem-solving panels alongside borough councils") == [
        "borough council"
    ]
    assert _labels("shares an office with its control room staff") == []


def test_neighbourhood_watch_groups_are_a_kind() -> None:
    assert _labels("works with neighbourhood watch groups") == ["neighbourhood watch group"]
    assert _labels("works with neighbourhood teams") == []


def test_a_kind_before_a_named_partner_in_a_list_is_kept() -> None:
    release = extract_release(
        "Kent Police praised\n\nKent Police works with partners such as the sexual assault "
        "referral centre, Dunmere City Council and independent domestic violence advisers.\n"
    )
    assert {k.label for k in release.partner_kinds} == {
        "sexual assault referral centre",
        "independent domestic violence adviser",
    }


def test_bodies_served_or_regulated_are_not_partners() -> None:
    assert _labels("The service should improve its protection work with businesses") == []
    assert _labels(
        "Officers know the businesses and residents they serve, and work with charities"
    ) == ["charity"]


def test_a_possessive_plural_kind_keeps_its_apostrophe() -> None:
    assert _labels("panels alongside borough councils and tenants' associations") == [
        "borough council",
        "tenants' association",
    ]


def test_adjectives_of_staff_are_no_kinds() -> None:
    assert _labels("The force works with partners and has trained staff in every station") == []
    assert _labels("Officers work alongside experienced staff and volunteer groups") == [
        "volunteer group"
    ]


def test_hubs_and_surgeries_are_heads_and_doctors_is_a_possessive_in_a_kind() -> None:
    text = "reports passed on by doctors' surgeries and the county's multi-agency safeguarding hubs"
    assert _labels(text) == ["doctors' surgery", "multi-agency safeguarding hub"]


def test_workers_a_named_body_funds_are_no_kind() -> None:
    assert _labels("Weald District Council, which funds two mediation workers, said") == []


def test_a_service_provided_by_a_named_body_is_no_kind() -> None:
    assert _labels("Health care is provided by Weald Health Partnership Ltd.") == []


def test_more_kinds_of_worker_and_of_body() -> None:
    assert _labels(
        "officers patrol with street pastors and work alongside approved mental health "
        "professionals, site security guards and local resilience forums"
    ) == [
        "street pastor",
        "approved mental health professional",
        "site security guard",
        "resilience forum",
    ]
    assert _labels("the force works with refuges and schools") == ["refuge", "school"]


def test_workers_may_qualify_a_body_and_the_longer_phrase_wins() -> None:
    assert _labels("it works with the approved mental health professionals service") == [
        "approved mental health professionals service"
    ]


def test_gp_is_a_modifier_of_a_kind() -> None:
    assert _labels("concerns are passed on by GP surgeries and GP practices") == [
        "gp surgery",
        "gp practice",
    ]


def test_working_practices_are_no_kind() -> None:
    assert _labels("it works with partners to change its working practices") == []


def test_what_the_force_shares_with_others_is_no_partner() -> None:
    release = extract_release(
        "Kent Police praised\n\n"
        "Kent Police shares its firearms training centre with Essex Police, and works "
        "with parish councils.\n"
    )
    assert {k.label for k in release.partner_kinds} == {"parish council"}


def test_the_kind_of_a_body_named_before_is_that_body() -> None:
    release = extract_release(
        "Kent Police praised\n\n"
        "A liaison service is run by Weald Valley University Health Board. The force "
        "works with the health board and with district councils.\n"
    )
    assert {k.label for k in release.partner_kinds} == {"district council"}


def test_meetings_with_kinds_are_partnership() -> None:
    release = extract_release(
        "Kent Police praised\n\n"
        "Its neighbourhood teams hold problem-solving meetings with parish councils.\n"
    )
    assert {k.label for k in release.partner_kinds} == {"parish council"}


def test_a_place_after_in_the_is_no_partner() -> None:
    release = extract_release(
        "Kent Police praised\n\n"
        "The force works with district councils to tackle disorder in the city centre.\n"
    )
    assert {k.label for k in release.partner_kinds} == {"district council"}


def test_wardens_officers_leaders_and_marshals_are_kinds_of_worker() -> None:
    assert _labels(
        "neighbourhood teams work alongside community wardens, licensing officers, faith "
        "leaders, taxi marshals and pharmacists"
    ) == [
        "community warden",
        "licensing officer",
        "faith leader",
        "taxi marshal",
        "pharmacist",
    ]


def test_the_forces_own_officers_are_no_kind() -> None:
    assert _labels(
        "response officers, firearms officers, detective officers and dedicated officers "
        "work with partners"
    ) == []
    assert _labels("it has set out how officers and social workers share information") == [
        "social worker"
    ]


def test_a_singular_body_word_may_qualify_a_plural_kind() -> None:
    assert _labels("officers work with university security teams and sexual health clinics") == [
        "university security team",
        "sexual health clinic",
    ]


def test_a_place_patrolled_is_no_partner() -> None:
    release = extract_release(
        "Kent Police praised\n\n"
        "On weekend nights officers patrol the city centre alongside taxi marshals.\n"
    )
    assert {k.label for k in release.partner_kinds} == {"taxi marshal"}


def test_a_verb_before_a_kind_is_no_part_of_it() -> None:
    assert _labels("neighbourhood teams meet community wardens and visit youth clubs") == [
        "community warden",
        "youth club",
    ]
    assert _labels("train operating companies pass footage to the force") == [
        "train operating company"
    ]
    assert _labels("its detention officers and fraud officers work with partners") == []


def test_advocates_prescribers_and_appropriate_adults() -> None:
    assert _labels(
        "officers work with independent stalking advocates, social prescribers, appropriate "
        "adults and building control officers"
    ) == [
        "independent stalking advocate",
        "social prescriber",
        "appropriate adult",
        "building control officer",
    ]
    assert _labels("to support children and vulnerable adults, enough officers and young adults") == []


def test_a_worker_word_may_qualify_a_kind() -> None:
    assert _labels("it works with the appropriate adult service and adult social care") == [
        "appropriate adult service",
        "adult social care",
    ]


def test_meets_is_a_partnership_cue_and_hold_ends_a_phrase() -> None:
    release = extract_release(
        "Kent Police praised\n\n"
        "The criminal justice unit meets court staff and victim advocates every week. "
        "Officers hold regular surgeries alongside parish councils.\n"
    )
    assert {k.label for k in release.partner_kinds} == {
        "court staff",
        "victim advocate",
        "parish council",
    }
