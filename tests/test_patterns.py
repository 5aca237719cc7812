"""The surface patterns of docs/patterns.md beyond quotes (those are in
test_quotes.py) and partner kinds (test_partner_kinds.py): subjects written
as places, alliances written with verbs, report titles without the usual
cues, named bodies the gazetteer lacks, and posts. Every text is invented."""

from __future__ import annotations

from hmic_graph import extract_release
from hmic_graph.model.records import Release


def _read(text: str) -> Release:
    return extract_release(text)


def _names(release: Release) -> set[str]:
    return {o.name for o in release.organisations if o.spans}


# Subjects written as places, possessives and PCC areas; pages of several releases.


def test_custody_in_a_place_is_its_force() -> None:
    release = _read(
        "Police custody in North Wales - good overall\n\n"
        "Custody suites in Wrexham and Caernarfon are safe, inspectors found. The force "
        "treats detainees well.\n"
    )
    assert release.about == ("north-wales-police",)


def test_custody_in_two_places_gives_two_subjects() -> None:
    release = _read("Custody in Norfolk and Suffolk is safe\n\nThe two forces share suites.\n")
    assert release.about == ("norfolk-constabulary", "suffolk-constabulary")


def test_a_possessive_place_in_the_headline_is_its_force() -> None:
    release = _read(
        "Greater Manchester's response to missing children needs to improve\n\n"
        "Inspectors looked at how officers respond.\n"
    )
    assert release.about == ("greater-manchester-police",)


def test_the_force_area_of_a_place_is_its_force() -> None:
    release = _read(
        "Vulnerable people are well protected\n\n"
        "Police in the force area of Devon and Cornwall protect vulnerable people well.\n"
    )
    assert release.about == ("devon-and-cornwall-police",)


def test_a_place_named_in_passing_is_no_force() -> None:
    release = _read(
        "Kent Police praised\n\nKent Police patrols stations in Essex and Sussex well.\n"
    )
    assert {o.key for o in release.organisations} == {"kent-police"}


def test_a_list_of_places_after_forces_is_forces() -> None:
    release = _read(
        "Stalking is still missed\n\n"
        "Inspectors visited five forces – Kent, Essex, the Met, Surrey and Sussex – and read "
        "90 case files. In the east, the three forces of Norfolk, Suffolk and Cambs share a "
        "records system. Other forces that were inspected last year, such as Dorset and Gwent, "
        "had improved. Inspectors looked in depth at six, including Herts and Notts.\n"
    )
    assert {o.key for o in release.organisations} >= {
        "kent-police",
        "essex-police",
        "metropolitan-police-service",
        "surrey-police",
        "sussex-police",
        "norfolk-constabulary",
        "suffolk-constabulary",
        "cambridgeshire-constabulary",
        "dorset-police",
        "gwent-police",
        "hertfordshire-constabulary",
        "nottinghamshire-police",
    }


def test_more_lists_of_places_that_are_forces() -> None:
    release = _read(
        "Honour crimes are still missed\n\n"
        "The work is led through the Norfolk, Suffolk and Essex collaboration. Kent and "
        "Surrey's joint unit reviews every case. Other forces still in review include Dorset "
        "and Gwent. The forces visited were Durham, Cleveland and Cumbria. They included "
        "Lancashire and Cheshire. Inspectors visited Humberside, Lincolnshire and Merseyside.\n"
    )
    assert {o.key for o in release.organisations} >= {
        "norfolk-constabulary",
        "suffolk-constabulary",
        "essex-police",
        "kent-police",
        "surrey-police",
        "dorset-police",
        "gwent-police",
        "durham-constabulary",
        "cleveland-police",
        "cumbria-constabulary",
        "lancashire-constabulary",
        "cheshire-constabulary",
        "humberside-police",
        "lincolnshire-police",
        "merseyside-police",
    }


def test_a_list_after_forces_that_runs_on_into_a_name_is_no_forces() -> None:
    release = _read(
        "Partnerships praised\n\n"
        "Kent Police works with other forces, such as Essex Wildlife Trust volunteers, "
        "on rural crime. Officers met the Met Office about flood warnings.\n"
    )
    keys = {o.key for o in release.organisations}
    assert "essex-police" not in keys and "metropolitan-police-service" not in keys


def test_places_called_the_two_forces_are_forces() -> None:
    release = _read(
        "Misconduct cases take too long\n\n"
        "Durham and Cleveland, the two forces that merged their professional standards units, "
        "were the quickest. Kent and Essex were both visited in May.\n"
    )
    assert {o.key for o in release.organisations} >= {
        "durham-constabulary",
        "cleveland-police",
        "kent-police",
        "essex-police",
    }


def test_forces_an_early_sentence_says_were_inspected_are_the_subjects() -> None:
    release = _read(
        "Regional forces work well together against organised crime\n\n"
        "The police forces of the region have built a strong joint response, inspectors said "
        "today.\n\n"
        "Inspectors looked at how Kent Police and Essex Police tackle organised crime "
        "through their joint unit.\n"
    )
    assert release.about == ("kent-police", "essex-police")
    letter = _read(
        "Weald: agencies protect children well\n\n"
        "Four inspectorates today published the findings of a joint inspection in Weald.\n\n"
        "The findings are set out in a letter to Weald Borough Council and Sussex Police.\n"
    )
    assert letter.about == ("sussex-police",)


def test_forces_named_through_their_commissioners() -> None:
    release = _read(
        "National report on vetting\n\nThe report was sent to the PCCs for Cumbria, "
        "Lancashire and Cheshire, and to every chief constable in England and Wales.\n"
    )
    keys = {o.key for o in release.organisations}
    assert {"cumbria-constabulary", "lancashire-constabulary", "cheshire-constabulary"} <= keys
    assert release.about == ()


def test_each_numbered_section_of_a_listing_page_has_its_subject() -> None:
    release = _read(
        "Efficiency 2015: results for three forces\n\nHMIC published three reports today.\n\n"
        "1. Kent Police – good\n\nKent Police plans well.\n\n"
        "2. Essex Police – requires improvement\n\nEssex Police must plan better.\n"
    )
    assert release.about == ("kent-police", "essex-police")


# Alliances written with verbs; two forces in one sentence are no alliance.


def _alliances(text: str) -> set[tuple[str, ...]]:
    return {a.members for a in _read("Kent Police praised\n\n" + text).alliances}


def test_a_unit_the_force_runs_with_named_forces() -> None:
    assert _alliances(
        "Weald, the regional organised crime unit that the force runs with Essex Police and "
        "Surrey Police, has disrupted county lines.\n"
    ) == {("essex-police", "kent-police", "surrey-police")}


def test_two_forces_that_run_a_joint_thing() -> None:
    assert _alliances(
        "The force and Essex Police run a joint firearms training range near Dover.\n"
    ) == {("essex-police", "kent-police")}


def test_officers_who_train_with_another_forces_at_a_range_the_two_forces_share() -> None:
    assert _alliances(
        "Kent's firearms officers train with Essex's at a range the two forces share.\n"
    ) == {("essex-police", "kent-police")}
    assert _alliances("Officers train with paramedics every month.\n") == set()


def test_two_collaborations_in_one_sentence() -> None:
    assert _alliances(
        "Essex Police and Surrey merged their dog teams, and the force shares a major incident "
        "room with Sussex Police.\n"
    ) == {("essex-police", "surrey-police"), ("kent-police", "sussex-police")}
    assert _alliances(
        "A joint unit run by Essex Police and Surrey Police serves both forces; Sussex Police, "
        "which considered joining it, kept its own.\n"
    ) == {("essex-police", "surrey-police")}


def test_a_thing_the_force_shares_with_named_forces() -> None:
    assert _alliances(
        "Vetting is done by a unit that the force shares with Essex Police and Surrey Police.\n"
    ) == {("essex-police", "kent-police", "surrey-police")}
    assert _alliances("Essex Police and Surrey Police also share a driver training school.\n") == {
        ("essex-police", "surrey-police")
    }


def test_more_ways_of_writing_a_collaboration() -> None:
    assert _alliances(
        "Surrey Police and Sussex Police have run a single digital forensics unit since 2019.\n"
    ) == {("surrey-police", "sussex-police")}
    assert _alliances(
        "Operation Wren, which Essex Police and Surrey Police run together, targets drug lines.\n"
    ) == {("essex-police", "surrey-police")}
    assert _alliances(
        "The criminal justice command that Kent shares with Essex Police has a new checklist.\n"
    ) == {("essex-police", "kent-police")}
    assert _alliances(
        "Calls are answered at a centre which also takes calls for Essex Police, under an "
        "agreement made by the two forces in 2009.\n"
    ) == {("essex-police", "kent-police")}
    assert _alliances(
        "The force also works with Essex, Surrey and Sussex Police through the regional "
        "organised crime unit.\n"
    ) == {("essex-police", "kent-police", "surrey-police", "sussex-police")}


def test_a_place_the_subject_has_joined_stands_for_its_force() -> None:
    assert _alliances(
        "Kent has joined Essex and Surrey in a three-force collaboration on firearms.\n"
    ) == {("essex-police", "kent-police", "surrey-police")}


def test_works_jointly_with_two_forces() -> None:
    assert _alliances(
        "Kent Police works jointly with Essex Police and Surrey Police on firearms."
    ) == {("essex-police", "kent-police", "surrey-police")}


def test_shares_its_service_with_a_force() -> None:
    assert _alliances("The force shares its dog unit with Essex Police.") == {
        ("essex-police", "kent-police")
    }


def test_a_strategic_alliance_between_two_places() -> None:
    release = _read(
        "Sussex Police praised\n\nSussex Police works in a strategic alliance between "
        "Surrey and Sussex on major crime.\n"
    )
    assert {a.members for a in release.alliances} == {("surrey-police", "sussex-police")}


def test_two_forces_in_one_sentence_are_no_alliance() -> None:
    assert _alliances("Like Essex Police and Surrey Police, Kent Police was graded good.") == set()


def test_places_of_forces_named_elsewhere_in_an_alliance_sentence() -> None:
    release = _read(
        "Custody in Kent and Essex\n\nKent Police and Essex Police were inspected. Kent "
        "shares its custody nursing contract with Essex, and the two forces have worked "
        "together since 2014.\n"
    )
    assert {a.members for a in release.alliances} == {("essex-police", "kent-police")}


def test_run_in_collaboration_with_counts_the_subject_in() -> None:
    assert _alliances(
        "Roads policing is run in collaboration with Essex Police and Surrey Police."
    ) == {("essex-police", "kent-police", "surrey-police")}


def test_a_joint_team_of_two_forces() -> None:
    assert _alliances(
        "Kent Police and Essex Police have a joint major crime team based in Chelmsford."
    ) == {("essex-police", "kent-police")}


def test_the_force_on_a_page_of_several_releases_is_the_section_subject() -> None:
    release = _read(
        "Force press releases\n\n1. Kent Police makes progress\n\nKent Police has made "
        "progress.\n\n2. Essex Police makes progress\n\nEssex Police has made progress. "
        "The force shares its training programme with Surrey Police.\n"
    )
    assert {a.members for a in release.alliances} == {("essex-police", "surrey-police")}


def test_places_where_something_happens_are_no_forces_or_alliance() -> None:
    release = _read(
        "Kent Police praised\n\nJoint patrols with rail staff at stations in Essex and "
        "Surrey have reduced assaults. British Transport Police in Essex and Surrey works "
        "in collaboration with rail companies.\n"
    )
    assert "essex-police" not in {o.key for o in release.organisations}
    assert release.alliances == ()


def test_a_joint_inspection_team_is_no_alliance() -> None:
    assert (
        _alliances("A joint inspection team visited Essex Police and Surrey Police in May.")
        == set()
    )


# Report titles without the usual cues; short and full forms are one report.


def _titles(text: str) -> list[str]:
    return [r.title for r in _read("Kent Police praised\n\n" + text).reports if r.title]


def test_get_the_report_with_the_title_on_the_same_line() -> None:
    assert _titles("Get the report : Calm Roads: policing the motorways of Kent\n") == [
        "Calm Roads: policing the motorways of Kent"
    ]


def test_the_national_report_followed_by_its_title() -> None:
    assert _titles(
        "The national report Safe at Home: the police response to burglary finds that "
        "most forces have improved.\n"
    ) == ["Safe at Home: the police response to burglary"]


def test_a_quoted_title_then_which() -> None:
    assert _titles(
        "The force has acted on a report, 'Safe at Home: the police response to burglary', "
        "which was published in 2014.\n"
    ) == ["Safe at Home: the police response to burglary"]


def test_short_and_full_forms_of_one_title_are_one_report() -> None:
    titles = _titles(
        "The report, 'Safe at Home: the police response to burglary', is published today.\n\n"
        "Notes to editors\n\n1. 'Safe at Home' was published in May 2015.\n"
    )
    assert titles == ["Safe at Home: the police response to burglary"]


def test_a_title_in_title_case_after_the_national_report() -> None:
    assert _titles(
        "The inspection was published alongside the national report Calm Roads Ahead.\n"
    ) == ["Calm Roads Ahead"]


def test_a_person_after_in_the_report_is_no_title() -> None:
    assert _titles("In the report, Sir Ann Roe says that too many victims wait.\n") == []


def test_and_inside_a_title_is_not_two_titles() -> None:
    assert _titles(
        "The report, Fire and Rescue Service Inspection 2019: Kent Fire and Rescue "
        "Service, is published today.\n"
    ) == ["Fire and Rescue Service Inspection 2019: Kent Fire and Rescue Service"]


def test_a_title_ends_where_other_documents_begin() -> None:
    assert _titles(
        "Notes to editors\n\n1. Calm Roads: policing 2016 and reports on all 43 forces are "
        "available online.\n"
    ) == ["Calm Roads: policing 2016"]


def test_a_titled_short_form_of_a_longer_title_is_one_report() -> None:
    assert _titles(
        "Get the national report\nCalm Roads: policing 2016 – A national overview\n\n"
        "Notes to editors\n\n1. Calm Roads: policing 2016 and reports on all 43 forces are "
        "available online.\n"
    ) == ["Calm Roads: policing 2016 – A national overview"]


def test_a_follow_up_with_a_longer_title_is_another_report() -> None:
    titles = _titles(
        "Its report, 'Calm Roads: Kent Police', published in May 2012, made four "
        "recommendations.\n\nNotes to editors\n\n1. The report, 'Calm Roads: Kent Police "
        "– A Follow-up', is available.\n"
    )
    assert sorted(titles) == ["Calm Roads: Kent Police", "Calm Roads: Kent Police – A Follow-up"]


def test_a_title_with_a_question() -> None:
    assert _titles(
        "The report, Built to Last? A joint inspection of case files, makes six recommendations.\n"
    ) == ["Built to Last? A joint inspection of case files"]


# Named bodies the gazetteer lacks.


def test_bodies_named_where_an_organisation_is_expected() -> None:
    release = _read(
        "Kent Police praised\n\nThe force works with Coastway Rail and with UK Finance, and "
        "reports go to NHS England. Healthcare is provided by Brightwell Medical, which "
        "also serves Essex. Evidence was given to the Marden Inquiry into Road Deaths.\n"
    )
    assert {
        "Coastway Rail",
        "UK Finance",
        "NHS England",
        "Brightwell Medical",
        "Marden Inquiry into Road Deaths",
    } <= _names(release)


def test_a_body_in_apposition_to_its_kind() -> None:
    release = _read(
        "Kent Police praised\n\nHealthcare is run by a private provider, Copperleaf Health "
        "Partners, under contract.\n"
    )
    assert "Copperleaf Health Partners" in _names(release)


def test_bodies_opening_a_sentence_a_bullet_or_following_in_a_list() -> None:
    release = _read(
        "Kent Police praised\n\nCoastway Rail told inspectors that delays had fallen.\n\n"
        "- Harbour Fraud, the reporting centre, passes reports on quickly;\n\n"
        "The force works with Coastway Rail, Transport for Medway and bus companies. "
        "Reports made to Harbour Fraud results in few charges. The report calls for links "
        "with the industry body UK Lending.\n"
    )
    assert {"Coastway Rail", "Harbour Fraud", "Transport for Medway", "UK Lending"} <= _names(
        release
    )


def test_a_sentence_opening_needs_a_word_that_ends_names_of_bodies() -> None:
    release = _read("Kent Police praised\n\nVictims told inspectors they felt safe.\n")
    assert _names(release) == {"Kent Police"}


def test_people_days_and_headings_are_not_bodies() -> None:
    release = _read(
        "Kent Police praised\n\nJane Doe, HM Inspector of Constabulary, said the force "
        "works with Jane Doe's team from Monday to Friday.\n"
    )
    assert _names(release) == {"Kent Police"}


# Posts before the name, in lower case, with His or Her Majesty's.


def _posts(text: str) -> set[tuple[str, tuple[str, ...]]]:
    release = _read("Kent Police praised\n\n" + text)
    return {(p.label, p.holders) for p in release.posts}


def test_post_before_the_name_with_commas() -> None:
    assert _posts(
        "HM Inspector of Constabulary for the northern region, Roger Baker, said:\n\n"
        '"The force has improved."\n'
    ) == {("HM Inspector of Constabulary for the northern region", ("Roger Baker",))}


def test_post_in_lower_case_before_the_name() -> None:
    assert _posts('HM inspector of constabulary Ann Roe said:\n\n"The force has improved."\n') == {
        ("HM inspector of constabulary", ("Ann Roe",))
    }


def test_an_all_lower_case_inspectors_post_before_the_name() -> None:
    assert _posts(
        "The inspection was led by her majesty's chief inspector of probation, Ann Roe.\n"
    ) == {("her majesty's chief inspector of probation", ("Ann Roe",))}


def test_his_majestys_inspector_after_the_name() -> None:
    assert _posts(
        '"The force has improved a great deal," said Ann Roe, His Majesty\'s Inspector of '
        "Constabulary.\n"
    ) == {("His Majesty's Inspector of Constabulary", ("Ann Roe",))}


def test_post_then_name_said_the_in_reported_speech() -> None:
    assert _posts(
        "The chief inspector of prisons, Ann Roe, said the findings were encouraging.\n"
    ) == {("chief inspector of prisons", ("Ann Roe",))}


def test_a_body_name_in_a_post_does_not_swallow_the_name() -> None:
    assert _posts(
        "The inspection was led by HM Chief Inspector of the Crown Prosecution Service "
        "Ann Roe and HM Chief Inspector of Probation Bo Lee.\n"
    ) == {
        ("HM Chief Inspector of the Crown Prosecution Service", ("Ann Roe",)),
        ("HM Chief Inspector of Probation", ("Bo Lee",)),
    }


def test_a_post_whose_body_name_runs_on_into_the_first_name() -> None:
    release = _read(
        "Stalking is still missed\n\n"
        "The inspection was led by HM Inspector of Constabulary Jo Marsh and HM Chief "
        "Inspector of the Crown Prosecution Service Inspectorate Ann Roe.\n\n"
        "The inspectors said:\n\n"
        "\u201cEvery force must act on stalking.\u201d\n"
    )
    assert {(p.label, p.holders) for p in release.posts} >= {
        ("HM Chief Inspector of the Crown Prosecution Service Inspectorate", ("Ann Roe",))
    }
    assert [q.speakers for q in release.quotes] == [("Jo Marsh", "Ann Roe")]


def test_a_post_for_an_area_of_several_places() -> None:
    assert _posts(
        "The Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly, "
        "Ann Roe, said she would hold the chief constable to account.\n"
    ) == {("Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly", ("Ann Roe",))}


def test_a_post_in_the_plural_is_no_one_persons_post() -> None:
    release = _read(
        "Kent Police and Essex Police praised\n\n"
        "The chief constables of both forces, Ann Roe and Bo Lee, said in a joint statement "
        "that they accepted the findings.\n"
    )
    assert {p.name for p in release.people} == {"Ann Roe", "Bo Lee"}
    assert not release.posts


def test_reported_speech_with_a_clause_after_said() -> None:
    assert _posts(
        "Ann Roe, the National Police Chiefs' Council lead for rural crime, said forces would "
        "study the findings.\n"
    ) == {("National Police Chiefs' Council lead for rural crime", ("Ann Roe",))}


def test_a_post_and_name_after_led_by_before_does() -> None:
    assert _posts(
        "The force led by Chief Constable Ann Roe does not do enough to find corrupt staff.\n"
    ) == {("Chief Constable", ("Ann Roe",))}


def test_people_of_a_body_before_its_name_are_no_part_of_it() -> None:
    release = _read(
        "Kent Police praised\n\n"
        "Tenants of Weald Valley Homes told inspectors that officers came quickly. Officers "
        "and Marsh Roads Agency staff patrol the bypass together.\n"
    )
    names = {o.name for o in release.organisations}
    assert {"Weald Valley Homes", "Marsh Roads Agency"} <= names
    assert not any(n.startswith(("Tenants", "Officers")) for n in names)


def test_an_organisation_named_in_the_possessive_is_the_body() -> None:
    release = _read(
        "Kent Police praised\n\n"
        "The force uses the Weald Institute of Policing's new training on coercive control.\n"
    )
    names = {o.name for o in release.organisations}
    assert "Weald Institute of Policing" in names
    assert not any(n.endswith("'s") for n in names)


def test_an_adverbial_before_a_post_is_no_part_of_it() -> None:
    assert _posts(
        "In response, Chief Constable Ann Roe said the force would act on every finding.\n"
    ) == {("Chief Constable", ("Ann Roe",))}


def test_the_inspection_was_led_by_post_and_name() -> None:
    assert _posts(
        "The inspection was led by HM Inspector of Fire & Rescue Services Ann Roe, who said:\n\n"
        '"The service is safe."\n'
    ) == {("HM Inspector of Fire & Rescue Services", ("Ann Roe",))}


def test_two_forces_sharing_a_control_room_or_joining_forces() -> None:
    assert _alliances("Essex Police and Surrey Police share a control room.") == {
        ("essex-police", "surrey-police")
    }
    release = _read(
        "Essex Police and Surrey Police join forces on firearms\n\n"
        "The two forces have set up a joint firearms unit.\n"
    )
    assert {a.members for a in release.alliances} == {("essex-police", "surrey-police")}


def test_the_two_forces_counts_the_subjects_of_the_release() -> None:
    release = _read(
        "Custody in Essex and Surrey\n\nEssex Police and Surrey Police were inspected in May. "
        "The two forces have run a joint custody unit since 2013.\n"
    )
    assert {a.members for a in release.alliances} == {("essex-police", "surrey-police")}


def test_a_headline_place_is_the_subject_where_the_body_speaks_of_the_force() -> None:
    release = _read(
        "Crime data integrity inspection: Thames Valley\n\n"
        "Inspectors found that the force records crime well.\n"
    )
    assert release.about == ("thames-valley-police",)
    national = _read("Knife crime in London: a national problem\n\nForces must act.\n")
    assert national.about == ()


def test_a_post_and_a_name_in_apposition_whatever_the_verb() -> None:
    assert _posts(
        "The force's chief constable, Ann Roe, has said she will act. The Home Secretary, "
        "Bo Lee, has asked for a review.\n"
    ) == {("chief constable", ("Ann Roe",)), ("Home Secretary", ("Bo Lee",))}


def test_a_post_of_a_body_then_a_name_then_a_verb() -> None:
    assert _posts("Chief Constable of Kent Police Ann Roe welcomed the report.\n") == {
        ("Chief Constable of Kent Police", ("Ann Roe",))
    }


def test_words_before_a_name_that_are_no_post_give_none() -> None:
    assert (
        _posts(
            "Inspectors found that the force, Kent Police, has improved. In Kent, Ann Roe has "
            "led the changes. The Chief Constable, who joined in 2015, has made changes.\n"
        )
        == set()
    )


def test_an_untitled_post_keeps_a_capitalised_word_after_and() -> None:
    assert _posts("A superintendent is the force lead for neighbourhood policing and ASB.\n") == {
        ("force lead for neighbourhood policing and ASB", ())
    }


def test_titles_after_published_set_out_in_read_the_report_dashes_and_titled() -> None:
    cases = {
        "Today HMIC publishes Calm Roads: policing the motorways, the final report.": (
            "Calm Roads: policing the motorways"
        ),
        "HMIC has today published its report, Calm Roads: policing the motorways.": (
            "Calm Roads: policing the motorways"
        ),
        "The findings are set out in Calm Roads: a national overview, which is published "
        "today.": "Calm Roads: a national overview",
        "Read the full report: Kent Police – Calm Roads inspection 2018.": (
            "Kent Police – Calm Roads inspection 2018"
        ),
        "The report - Calm Roads: policing the motorways - looks at speeding.": (
            "Calm Roads: policing the motorways"
        ),
        "In its report titled Calm Roads Ahead, HMIC found that forces must act.": (
            "Calm Roads Ahead"
        ),
    }
    for text, title in cases.items():
        assert _titles(text + "\n") == [title], text


def test_published_guidance_or_a_plan_is_no_title() -> None:
    assert (
        _titles(
            "The force published its plan in May. The force has published guidance on stop and "
            "search, which officers follow.\n"
        )
        == []
    )


def test_a_capitalised_owner_stays_in_the_post_as_written() -> None:
    assert _posts("Essex's police and crime commissioner, Ann Roe, has welcomed the report.\n") == {
        ("Essex's police and crime commissioner", ("Ann Roe",))
    }


def test_both_forces_graded_gives_each_subject_its_grade() -> None:
    release = _read(
        "Essex and Surrey join forces\n\nEssex Police and Surrey Police were inspected. "
        "Both forces were graded good at efficiency.\n"
    )
    assert all(i.judgements for i in release.inspections)


def test_a_title_with_a_comma_after_titled() -> None:
    assert _titles(
        "The report titled Two Roads, One Plan, which is published today, says more.\n"
    ) == ["Two Roads, One Plan"]


def test_the_headline_place_taken_for_the_subject_is_a_mention_of_it() -> None:
    release = _read(
        "Crime data integrity inspection: Thames Valley\n\n"
        "Inspectors found that the force records crime well.\n"
    )
    assert "Thames Valley Police" in _names(release)


def test_forces_collaborating_with_partners_that_are_no_force_are_no_alliance() -> None:
    assert (
        _alliances(
            "Essex Police and Surrey Police were both found to have collaborated well with "
            "partners such as councils. Essex Police, like Surrey Police, works in collaboration "
            "with the local authority.\n"
        )
        == set()
    )
    assert _alliances("Essex Police and Surrey Police collaborate with each other.") == {
        ("essex-police", "surrey-police")
    }


def test_its_after_a_named_force_means_that_force_not_the_subject() -> None:
    release = _read(
        "Kent Police praised\n\nEssex Police and Surrey Police were visited. Essex shares "
        "its custody contract with Surrey.\n"
    )
    assert {a.members for a in release.alliances} == {("essex-police", "surrey-police")}


def test_hmi_as_a_post_after_the_name() -> None:
    assert _posts(
        'Ann Roe, HMI for the Northern Region, said: "The force has come a long way."\n'
    ) == {("HMI for the Northern Region", ("Ann Roe",))}


# Third pass of issue 12: more places a report title stands in.


def test_titles_after_report_on_overview_letter_and_set_out_their_findings_in() -> None:
    assert _titles(
        "The national report on the 2014 review, Quiet Streets Again, is also published today.\n"
    ) == ["Quiet Streets Again"]
    assert _titles(
        "All force reports and the national overview, CALM: Roads policing 2016, are online.\n"
    ) == ["CALM: Roads policing 2016"]
    assert _titles(
        "The joint letter, Joint inspection of the response to missing children in Kent, "
        "is published today.\n"
    ) == ["Joint inspection of the response to missing children in Kent"]
    assert _titles(
        "Inspectors set out their findings in Open Doors: Kent Police custody review 2019, "
        "alongside a data sheet.\n"
    ) == ["Open Doors: Kent Police custody review 2019"]


def test_a_title_opening_a_sentence_before_found_or_an_inspectorate_verb() -> None:
    assert _titles("Open Doors: an inspection of Kent Police found a force that listens.\n") == [
        "Open Doors: an inspection of Kent Police"
    ]
    assert _titles(
        "In Open Doors: an inspection of police custody, HMICFRS examined six forces.\n"
    ) == ["Open Doors: an inspection of police custody"]
    assert _titles(
        "Open Doors: The Police Response to Lost Property was carried out in four forces.\n"
    ) == ["Open Doors: The Police Response to Lost Property"]
    assert _titles(
        "Today the chief inspector published his annual assessment of policing in Kent, "
        "Kent Matters: The Annual Assessment 2019.\n"
    ) == ["Kent Matters: The Annual Assessment 2019"]


def test_a_title_opening_a_sentence_before_is_one_of_or_was_commissioned() -> None:
    assert _titles(
        "Calm Roads in Kent: Answering the Call is one of 43 force reports published today.\n"
    ) == ["Calm Roads in Kent: Answering the Call"]
    assert _titles(
        "Open Doors: an inspection of vetting in the police service was commissioned in 2021 "
        "after the Marden Inquiry found that checks had failed.\n"
    ) == ["Open Doors: an inspection of vetting in the police service"]


def test_a_title_opening_a_sentence_before_grades_the_force_or_examined_how() -> None:
    assert _titles(
        "Calm Roads in Kent: A Crime Inspection 2013 grades the force good at preventing "
        "crime.\n"
    ) == ["Calm Roads in Kent: A Crime Inspection 2013"]
    assert _titles(
        "Open Fields: a spotlight report on rural crime examined how six forces deal with "
        "farm theft.\n"
    ) == ["Open Fields: a spotlight report on rural crime"]
    assert _titles(
        "The findings are set out in Open Roads in Kent: 2015 and the force's grades for "
        "other areas will follow.\n"
    ) == ["Open Roads in Kent: 2015"]


def test_a_numbered_note_title_then_was_published() -> None:
    release = _read(
        "Honour crimes are still missed\n\nInspectors looked at eight forces.\n\n"
        "Notes to editors\n\n"
        "1. A Matter of Trust? Policing Forced Marriage and Honour Crime was published today "
        "and is online.\n"
    )
    assert [r.title for r in release.reports] == [
        "A Matter of Trust? Policing Forced Marriage and Honour Crime"
    ]


def test_a_force_report_of_a_series_after_a_colon_is_its_own_report() -> None:
    assert _titles(
        "The force report, Fair Play? Legitimacy 2015: Kent Police, is one of 43 published "
        "today. The national report, Fair Play? Legitimacy 2015, is also published today.\n"
    ) == ["Fair Play? Legitimacy 2015: Kent Police", "Fair Play? Legitimacy 2015"]


def test_a_blank_line_after_get_the_reports_comes_before_the_titles() -> None:
    assert _titles(
        "Today HMICFRS published three reports.\n\nGet the reports\n\n"
        "Open Doors 2021/22 – Kent Fire and Rescue Service\n"
        "Open Doors 2021/22 – Essex County Fire and Rescue Service\n\n"
        "Kent Fire and Rescue Service improves\n"
    ) == [
        "Open Doors 2021/22 – Kent Fire and Rescue Service",
        "Open Doors 2021/22 – Essex County Fire and Rescue Service",
    ]


def test_a_refused_title_pattern_gives_way_to_the_next() -> None:
    assert _titles(
        "The report, entitled Logged On: cyber crime and the force, was commissioned by the "
        "policing board.\n"
    ) == ["Logged On: cyber crime and the force"]


def test_more_unquoted_titles() -> None:
    assert _titles(
        "The inspection, Down the Line: forces and county lines, looked at how forces work.\n"
    ) == ["Down the Line: forces and county lines"]
    assert _titles(
        "Two Roads, One Plan: police and fire working together sets out eight "
        "recommendations.\n"
    ) == ["Two Roads, One Plan: police and fire working together"]


def test_a_year_in_brackets_after_a_title_dates_it() -> None:
    release = _read(
        "Kent custody is safe\n\nInspectors found custody safe.\n\nNotes to editors\n\n"
        "1. Held in Kent: a joint inspection of police custody (2024) is available online.\n"
    )
    assert [(r.title, r.issued) for r in release.reports] == [
        ("Held in Kent: a joint inspection of police custody", "2024")
    ]


def test_a_quoted_title_holding_a_question() -> None:
    assert _titles(
        "It follows the first review, 'Fair Play? Stop and search in Kent', published in "
        "July 2013.\n"
    ) == ["Fair Play? Stop and search in Kent"]


def test_titles_under_get_the_reports_lose_their_list_markers() -> None:
    assert _titles(
        "Kent, Essex and Surrey inspected\n\nToday HMICFRS published three reports.\n\n"
        "Get the reports\n"
        "- Open Doors: an inspection of Kent Police\n"
        "- Open Doors: an inspection of Essex Police\n"
    ) == ["Open Doors: an inspection of Kent Police", "Open Doors: an inspection of Essex Police"]


def test_a_title_opening_with_a_force_name_and_a_quoted_title_then_available() -> None:
    assert _titles(
        "The report, Kent Police custody suites: joint unannounced inspection, was published "
        "today.\n"
    ) == ["Kent Police custody suites: joint unannounced inspection"]
    assert _titles("'Kent Police: Open Doors follow-up 2012' is available online.\n") == [
        "Kent Police: Open Doors follow-up 2012"
    ]


def test_a_force_report_of_a_series_and_its_overview_are_two_reports() -> None:
    titles = _titles(
        "The report, CALM: Roads policing 2016 – Kent Police, is one of 43 published today.\n\n"
        "All force reports and the national overview, CALM: Roads policing 2016, are online.\n"
    )
    assert titles == ["CALM: Roads policing 2016 – Kent Police", "CALM: Roads policing 2016"]


def test_a_title_under_get_the_report_is_dated_only_if_published_today() -> None:
    undated = _read(
        "published: 2019-03-04\n\nKent Police praised\n\nGet the report\nOpen Doors: Kent\n"
    )
    assert [r.issued for r in undated.reports] == [None]
    dated = _read(
        "published: 2019-03-04\n\nKent Police praised\n\nGet the report\nOpen Doors: Kent\n\n"
        "HMICFRS has today published its inspection of Kent Police.\n"
    )
    assert [r.issued for r in dated.reports] == ["2019-03-04"]


def test_bodies_named_in_the_third_pass_wordings() -> None:
    names = _names(
        _read(
            "Kent Police praised\n\n"
            "Kent Police and Tarn Probation Trust run a team. Harbour for Wessex shares CCTV "
            "footage with the force. Data comes from the Department for Coastal Roads and from "
            "councils. The force oversees the National Parcel Intelligence Bureau. Its work with "
            "Harbour Force at the port was praised. Mentors from Second Wind Wessex, a charity, "
            "meet offenders. Victims are referred by pharmacies and Age UK Wessex & Tarn. "
            "Transport for Kent shares data with the force.\n"
        )
    )
    assert {
        "Tarn Probation Trust",
        "Harbour for Wessex",
        "Department for Coastal Roads",
        "National Parcel Intelligence Bureau",
        "Harbour Force",
        "Second Wind Wessex",
        "Age UK Wessex & Tarn",
        "Transport for Kent",
    } <= names
    assert not any(n.startswith("Kent Police and") for n in names)


def _grades(release: Release) -> list[str]:
    return [j.split("/")[-1] for i in release.inspections for j in i.judgements]


def test_a_lead_after_a_bare_get_the_report_is_body_text() -> None:
    release = _read(
        "Kent: crime recording now good\n\nGet the report\n\nPolicing in Kent now records crime "
        "accurately, HMICFRS said today. Kent's crime recording was graded good, a marked "
        "improvement since the force's last inspection.\n"
    )
    assert [r.title for r in release.reports if r.title] == []
    assert _grades(release) == ["good"]


def test_grades_in_headlines_with_makes_and_now() -> None:
    caps = _read("ANTI-SOCIAL BEHAVIOUR: KENT POLICE MAKES SIGNIFICANT PROGRESS\n\nKent Police.\n")
    assert _grades(caps) == ["significant-progress"]
    now = _read("Kent Police: crime recording now good\n\nKent Police records crimes.\n")
    assert _grades(now) == ["good"]
    said = _read("Kent Police praised\n\nThe inspector said: the force is now good at this.\n")
    assert _grades(said) == []


def test_a_place_paired_with_the_subjects_place_as_a_body_is_its_force() -> None:
    shared = _read(
        "Kent Police praised\n\nKent Police is good. Kent and Essex, which share a dog "
        "unit, were praised.\n"
    )
    assert {"Kent Police", "Essex Police"} <= {o.name for o in shared.organisations}
    assert [a.members for a in shared.alliances] == [("essex-police", "kent-police")]
    inspected = _read(
        "Kent Police praised\n\nKent Police is good. Kent and Essex were both inspected this "
        "year.\n"
    )
    assert "Essex Police" in {o.name for o in inspected.organisations}
    passing = _read("Kent Police praised\n\nKent Police patrols between Kent and Essex.\n")
    assert "Essex Police" not in {o.name for o in passing.organisations}
    coast = _read(
        "Kent Police praised\n\nKent Police is good. Crime in Kent and Essex, which share a "
        "coastline, fell.\n"
    )
    assert "Essex Police" not in {o.name for o in coast.organisations}


def test_prose_before_found_that_is_no_title() -> None:
    assert _titles("Kent Police: the inspection found that the force is good.\n") == []
    assert _titles("In Kent: HMIC found that the force is good.\n") == []


def test_a_person_or_a_group_opening_a_sentence_before_told_is_no_body() -> None:
    for text in (
        "Ann Roe told inspectors she was pleased.",
        "Call Handlers told inspectors they lacked training.",
    ):
        assert _names(_read("Kent Police praised\n\n" + text + "\n")) == {"Kent Police"}
    assert "Kent Council" in _names(_read("Kent Police praised\n\nIn March Kent Council agreed.\n"))


# Places for forces the release does not otherwise name, in an alliance sentence.


def _forces(text: str) -> set[str]:
    release = _read("Kent Police praised\n\n" + text)
    return {o.key for o in release.organisations if o.spans and o.key.endswith("police")}


def test_a_place_paired_with_a_counted_force_stands_for_that_force() -> None:
    text = "Kent and Sussex run a joint serious crime command."
    assert _alliances(text) == {("kent-police", "sussex-police")}
    assert "sussex-police" in _forces(text)


def test_places_after_with_in_a_sharing_sentence_stand_for_forces() -> None:
    assert _alliances("Kent shares its dog unit with Surrey and Sussex.") == {
        ("kent-police", "surrey-police", "sussex-police")
    }


def test_its_neighbours_in_a_collaboration_stand_for_forces() -> None:
    assert _alliances("It shares a firearms unit with its neighbours Surrey and Sussex.") == {
        ("kent-police", "surrey-police", "sussex-police")
    }


def test_the_slash_collaboration_of_two_places() -> None:
    assert _alliances("The Surrey/Sussex collaboration runs roads policing.") == {
        ("surrey-police", "sussex-police")
    }


def test_shares_a_thing_and_pools_a_service_with_a_named_force() -> None:
    assert _alliances("Kent shares a helicopter and a training school with Essex Police.") == {
        ("essex-police", "kent-police")
    }
    assert _alliances("It pools its collision investigation with Essex Police.") == {
        ("essex-police", "kent-police")
    }


def test_places_compared_or_located_in_an_alliance_sentence_are_no_forces() -> None:
    assert _alliances("It shares a control room, and crime fell compared with Surrey.") == set()
    assert _alliances("Its joint dog unit patrols in Surrey and Sussex.") == set()
    assert _alliances("The force shares its findings with councils in Surrey and Sussex.") == set()


def test_a_name_read_from_inside_a_known_body_begins_after_and() -> None:
    release = _read(
        "Kent Fire and Rescue Service praised\n\nThe service works well with Kent Police "
        "and South of Weald Ambulance Service NHS Trust on joint training.\n"
    )
    named = {o.name for o in release.organisations if o.spans}
    assert "Kent Police" in named
    assert "South of Weald Ambulance Service NHS Trust" in named
    assert not any(n.startswith("Police and") for n in named)


# Report titles: more shapes around an unquoted title with a subtitle.


def test_a_title_opening_a_sentence_before_is_published_or_looked_at() -> None:
    assert _titles("Calm Roads 2031/32: An inspection of Kent Police is published today.\n") == [
        "Calm Roads 2031/32: An inspection of Kent Police"
    ]
    assert _titles(
        "A Quiet Harm: an inspection of the police response to fraud looked at how forces "
        "protect victims.\n"
    ) == ["A Quiet Harm: an inspection of the police response to fraud"]


def test_in_a_title_then_the_inspectorate_by_its_full_name() -> None:
    assert _titles(
        "In Call Handling Inspection 2031: Kent Police, His Majesty's Inspectorate of "
        "Constabulary estimates that most calls are answered.\n"
    ) == ["Call Handling Inspection 2031: Kent Police"]


def test_a_title_with_a_colon_straight_after_the_national_report() -> None:
    assert _titles("It is published alongside HMIC's national report Calm Roads: Revisited.\n") == [
        "Calm Roads: Revisited"
    ]


def test_set_out_in_a_title_then_and() -> None:
    assert _titles(
        "The findings are set out in Safer Roads in Kent: 2031 and the other grades will follow.\n"
    ) == ["Safer Roads in Kent: 2031"]


def test_an_assessment_in_apposition_ending_the_sentence() -> None:
    assert _titles(
        "The chief inspector laid his annual assessment, State of the Roads: The Annual "
        "Assessment of Roads Policing 2031.\n"
    ) == ["State of the Roads: The Annual Assessment of Roads Policing 2031"]
    assert _titles(
        "The inspectorate's assessment, Calm Roads: effectiveness, efficiency and "
        "legitimacy 2031 – Kent Police, was published today.\n"
    ) == ["Calm Roads: effectiveness, efficiency and legitimacy 2031 – Kent Police"]


def test_a_report_word_then_was_and_a_quoted_title() -> None:
    assert _titles("The 2030 review of roads policing was 'Calm Roads: A Baseline'.\n") == [
        "Calm Roads: A Baseline"
    ]
    assert _titles("The review of the scheme was 'very effective'.\n") == []


def test_a_place_and_a_colon_opening_a_sentence_is_no_title() -> None:
    assert _titles("Kent Police: the report is published today.\n") == []


def test_together_with_a_force_running_something_is_an_alliance() -> None:
    assert _alliances("Together with Essex Police, the force runs a serious crime unit.") == {
        ("essex-police", "kent-police")
    }
    assert _alliances("The force runs a roads unit together with Essex Police.") == {
        ("essex-police", "kent-police")
    }
    assert _alliances("Together with Essex Police, the force was inspected in 2014.") == set()


def test_its_service_is_shared_with_and_works_with_its_neighbours() -> None:
    assert _alliances("Its firearms training is shared with Essex and Surrey.") == {
        ("essex-police", "kent-police", "surrey-police")
    }
    assert _alliances("It shares a control room with its neighbours, Essex and Surrey.") == {
        ("essex-police", "kent-police", "surrey-police")
    }
    assert _alliances("Kent Police works with its neighbours Essex and Surrey on roads.") == {
        ("essex-police", "kent-police", "surrey-police")
    }
    assert _alliances("Information is shared with Essex Police.") == set()
    assert _alliances("Crime is lower than in its neighbours Essex and Surrey.") == set()


def test_pools_resources_with_a_force() -> None:
    assert _alliances("The force pools resources with Essex Police.") == {
        ("essex-police", "kent-police")
    }
    assert _alliances("The force pools resources with councils in Essex.") == set()


def test_a_police_and_fire_collaboration_is_no_alliance() -> None:
    assert _alliances("The force shares a headquarters with Kent Fire and Rescue Service.") == set()


def test_it_grades_the_force_with_grades_joined() -> None:
    release = _read(
        "Kent Police praised\n\nIt grades the force good for effectiveness, good for "
        "efficiency and outstanding for legitimacy.\n"
    )
    assert _grades(release) == ["good", "outstanding"]


def test_a_name_opening_a_sentence_in_apposition_to_its_kind() -> None:
    release = _read(
        "Kent Police praised\n\nInspectors visited Kent. Tir Glas, a rural safety charity, "
        "runs joint patrols with the force. Weald Stalking Advocacy, a charity that supports "
        "victims, told inspectors it was pleased. Ann Roe, the charity's director, told "
        "inspectors it helps. Bo Lee, a trust manager, said so.\n"
    )
    named = {o.name for o in release.organisations if o.spans}
    assert {"Tir Glas", "Weald Stalking Advocacy"} <= named
    assert not {"Ann Roe", "Bo Lee"} & named


def test_sharing_a_border_or_learning_is_no_alliance() -> None:
    assert _alliances("Kent shares a border with Essex and Surrey.") == set()
    assert _alliances("The force shares its learning with other forces such as Essex Police.") == set()
    assert _alliances(
        "Kent Police, Essex Police and Surrey Police share a regional intelligence unit."
    ) == {("essex-police", "kent-police", "surrey-police")}


# Layout: a notes heading that also heads a section of the body.


def test_background_before_notes_to_editors_heads_a_body_section() -> None:
    release = _read(
        "Kent Police protects children well\n\n"
        "Kent Police protects children well, inspectors found.\n\n"
        "Background\n\n"
        "The force works with health visitors and school nurses on child protection.\n\n"
        "Notes to editors\n\n"
        "1. The force works with allotment societies.\n"
    )
    kinds = {k.label for k in release.partner_kinds}
    assert {"health visitor", "school nurse"} <= kinds
    assert not any("allotment" in k for k in kinds)  # the notes are still notes


def test_background_as_the_only_notes_heading_begins_the_notes() -> None:
    release = _read(
        "Kent Police protects children well\n\n"
        "Kent Police protects children well, inspectors found.\n\n"
        "Background\n\n"
        "The force works with health visitors on child protection.\n"
    )
    assert not release.partner_kinds
