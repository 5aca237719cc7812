"""Quote attribution (hmic_graph.extract.quotes): one test per surface pattern of
docs/patterns.md. Every text here is invented."""

from __future__ import annotations

from hmic_graph import extract_release
from hmic_graph.model.records import Release

HEAD = "Kent Police praised\n\nKent Police works well with councils.\n\n"


def _said(text: str) -> list[tuple[tuple[str, ...], str]]:
    release: Release = extract_release(HEAD + text)
    return [(tuple(sorted(q.speakers)), " ".join(q.text.split()[:3])) for q in release.quotes]


# Pattern 1: interrupted quotes, attribution after the quote, pronouns.


def test_interrupted_quote_in_curly_single_marks_resumes_after_she_said() -> None:
    text = (
        "HM Inspector of Constabulary Jo Marsh led the inspection.\n\n"
        "\u2018Inspectors saw good work,\u2019 she said, \u2018and the public are safer.\n\n"
        "\u2018But more is needed.\u2019\n"
    )
    assert _said(text) == [(("Jo Marsh",), "Inspectors saw good"), (("Jo Marsh",), "But more is")]


def test_in_a_joint_statement_they_said() -> None:
    text = (
        "The inspection was led by Ann Roe, HM Chief Inspector of Prisons, and Jo Marsh, HM "
        "Inspector of Constabulary. In a joint statement they said:\n\n"
        "\u201cStaff in both suites were kind.\u201d\n"
    )
    assert _said(text) == [(("Ann Roe", "Jo Marsh"), "Staff in both")]


def test_led_by_name_then_post_and_post_then_name_both_speak() -> None:
    text = (
        "The inspection was led by Ann Roe, Ofsted's Regional Director for the North, and HM "
        "Inspector of Constabulary Jo Marsh. In a joint statement they said:\n\n"
        "\u201cChildren in Weald are safer.\u201d\n"
    )
    assert _said(text) == [(("Ann Roe", "Jo Marsh"), "Children in Weald")]
    release = extract_release(HEAD + text)
    assert ("Ofsted's Regional Director for the North", ("Ann Roe",)) in {
        (p.label, p.holders) for p in release.posts
    }


def test_interrupted_quote_is_one_quote_with_its_speaker() -> None:
    text = (
        '"We found real progress in the force," said Jane Doe, HM Inspector of Constabulary '
        'for the Northern Region. "Victims told us they feel heard."\n'
    )
    assert _said(text) == [(("Jane Doe",), "We found real")]
    release = extract_release(HEAD + text)
    assert [p.name for p in release.people] == ["Jane Doe"]
    labels = {p.label for p in release.posts}
    assert "HM Inspector of Constabulary for the Northern Region" in labels


def test_she_said_after_a_quote_is_the_last_speaker() -> None:
    text = (
        '"The force has listened to victims," said Jane Doe, HM Inspector of Constabulary.\n\n'
        '"There is more to do, and we will be back," she said.\n'
    )
    assert _said(text)[1] == (("Jane Doe",), "There is more")


def test_added_name_after_a_quote() -> None:
    text = (
        "Jane Doe, HM Inspector of Constabulary, said:\n\n\"The force is improving well.\"\n\n"
        "\"But it must now record crime properly,\" added Ms Doe.\n"
    )
    assert _said(text)[1] == (("Jane Doe",), "But it must")


def test_pronoun_after_a_person_named_in_the_same_paragraph() -> None:
    text = (
        '"Files go back and forth too often," said Ann Roe, HM Chief Inspector of Prisons.\n\n'
        "HM Inspector of Constabulary John Smith agreed. \"The force has the right building "
        'blocks," he said. "Supervisors must check the files."\n'
    )
    assert _said(text)[1] == (("John Smith",), "The force has")


# Pattern 2: continuation paragraphs.


def test_same_line_introduction_keeps_its_speaker_over_the_next_paragraphs() -> None:
    text = (
        'Jane Doe, HM Inspector of Constabulary, said: "The force has listened to us.\n\n'
        '"But the first call matters most, and the force must get it right.\n\n'
        '"I want one set of questions for every caller."\n'
    )
    assert [s for s, _ in _said(text)] == [("Jane Doe",)] * 3


def test_he_added_introduces_the_next_paragraphs() -> None:
    text = (
        "John Smith, HM Inspector of Constabulary, said:\n\n\"The force has improved.\"\n\n"
        "He added:\n\n\"There is more to do on crime recording.\n\n"
        "\"I will return next year to check the progress made.\"\n"
    )
    assert [s for s, _ in _said(text)] == [("John Smith",)] * 3


def test_interrupted_quote_left_open_continues_into_the_next_paragraph() -> None:
    text = (
        '"The service keeps people safe," said Ann Roe, HM Inspector of Fire & Rescue '
        'Services. "Its work with partners is strong.\n\n'
        '"But staff must feel able to speak up."\n'
    )
    assert [s for s, _ in _said(text)] == [("Ann Roe",), ("Ann Roe",)]


# Pattern 3: plural speakers and back-references; nobody named stays nobody.


def test_the_chief_inspectors_said_gives_both_people_named_in_that_role() -> None:
    text = (
        "The inspection was led by HM Chief Inspector of Prisons Ann Roe and by HM Chief "
        "Inspector of Constabulary John Smith.\n\nThe Chief Inspectors said:\n\n"
        '"Custody is well run, and staff deserve credit."\n'
    )
    assert _said(text) == [(("Ann Roe", "John Smith"), "Custody is well")]


def test_the_inspector_said_is_the_one_inspector_named() -> None:
    text = (
        "HM Inspector of Constabulary John Smith led the inspection.\n\n"
        '"Victims in every town deserve the same service," the inspector said.\n'
    )
    assert _said(text) == [(("John Smith",), "Victims in every")]


def test_hmi_surname_resolves_to_the_person_named_before() -> None:
    text = (
        "John Smith, HM Inspector of Constabulary, said:\n\n\"The force has improved.\"\n\n"
        "Ann Roe, Chief Constable of Kent Police, said the force welcomed the report.\n\n"
        "HMI Smith added:\n\n\"The force now needs to sustain this.\"\n"
    )
    assert _said(text)[1] == (("John Smith",), "The force now")


def test_a_statement_by_an_inspectorate_has_no_speaker() -> None:
    text = (
        "Ann Roe, HM Chief Inspector of Prisons, said:\n\n\"Custody is safe.\"\n\n"
        "In a joint statement, the inspectorates said:\n\n\"Agencies must work together.\"\n"
    )
    assert _said(text)[1] == ((), "Agencies must work")


def test_a_pronoun_that_could_be_two_people_gives_no_speaker() -> None:
    text = (
        "The inspection was led by Ann Roe, HM Chief Inspector of Prisons, and John Smith, "
        "HM Inspector of Constabulary.\n\n\"Cells are no place for children,\" she said.\n"
    )
    assert _said(text) == [((), "Cells are no")]


def test_indirect_speech_names_people_but_makes_no_quote() -> None:
    release = extract_release(
        HEAD + "The Police and Crime Commissioner for Kent, Ann Roe, said that the report was fair.\n"
    )
    assert release.quotes == ()
    assert [p.name for p in release.people] == ["Ann Roe"]


def test_single_quotation_marks() -> None:
    text = (
        "‘We found real progress,’ said Jane Doe, HM Inspector of Constabulary.\n\n"
        "John Smith, Chief Constable of Kent Police, said: ‘We welcome the report's findings.’\n\n"
        "'The force must keep improving,' added Ms Doe.\n"
    )
    assert _said(text) == [
        (("Jane Doe",), "We found real"),
        (("John Smith",), "We welcome the"),
        (("Jane Doe",), "The force must"),
    ]


def test_a_straight_single_mark_after_a_colon_opens_a_whole_sentence() -> None:
    assert _said(
        "HM Inspector of Constabulary Ann Roe said: 'I am pleased with what I have seen.'\n"
    ) == [(("Ann Roe",), "I am pleased")]
    # An apostrophe after a colon opens nothing: "the force's" stays a word.
    assert _said("The finding: the force's records were poor.\n") == []


def test_according_to_a_person_introduces_speech() -> None:
    assert _said(
        'According to Chief Constable Ann Roe: "This shows the hard work of our officers."\n'
    ) == [(("Ann Roe",), "This shows the")]


def test_responded_and_a_relative_clause_before_the_verb() -> None:
    assert _said(
        "Deputy Chief Constable Bo Lee, who leads on the subject for the force, responded: "
        '"We welcome the report."\n'
    ) == [(("Bo Lee",), "We welcome the")]


def test_the_hmi_said_is_the_one_inspector_named() -> None:
    text = (
        '"Victims deserve better," said Ann Roe, HM Inspector of Constabulary.\n\n'
        '"More must be done," the HMI said, "to reach people who call more than once."\n'
    )
    assert _said(text)[1] == (("Ann Roe",), "More must be")


def test_speech_after_the_findings_is_no_report_title() -> None:
    release = extract_release(
        HEAD + "Asked about the findings, Ms Roe added: \"Victims deserve better.\"\n"
    )
    assert [r.title for r in release.reports] == []


def test_a_name_and_a_colon_introduce_speech_without_a_verb() -> None:
    assert _said(
        'Sir Ann Roe, HM Chief Inspector of Constabulary: "Forces must do better for victims."\n'
    ) == [(("Ann Roe",), "Forces must do")]
    assert _said('Key findings: "The force has improved a great deal, and victims are safer."\n') == [
        ((), "The force has")
    ]


def test_a_dash_after_the_quote_gives_its_speaker() -> None:
    assert _said(
        '"We found real progress in the force." – Ann Roe, HM Inspector of Constabulary\n'
    ) == [(("Ann Roe",), "We found real")]


def test_she_went_on_to_say_introduces_the_next_paragraph() -> None:
    text = (
        'HMI Ann Roe said:\n\n"The force has improved a great deal."\n\n'
        'She went on to say:\n\n"There is more to do on victims."\n'
    )
    assert _said(text)[1] == (("Ann Roe",), "There is more")


def test_speech_in_straight_single_marks_left_open_for_the_next_paragraph() -> None:
    text = (
        "HM Inspector of Constabulary Jane Doe said: 'Kent has real strengths, particularly "
        "in how it tackles burglary.\n\n"
        "'It must now give the same attention to vulnerable victims.'\n"
    )
    assert _said(text) == [(("Jane Doe",), "Kent has real"), (("Jane Doe",), "It must now")]


def test_an_apostrophe_in_a_single_marked_paragraph_left_open_is_still_speech() -> None:
    text = "Jane Doe, HM Inspector of Constabulary, said: 'The force's progress is real.\n"
    assert _said(text) == [(("Jane Doe",), "The force's progress")]


def test_two_people_said_in_a_joint_statement_then_quote_paragraphs() -> None:
    text = (
        "Ofsted's regional director for the North, Ann Roe, and HM Inspector of "
        "Constabulary Jane Doe said in a joint statement:\n\n"
        '"Agencies in Kent share an understanding of neglect.\n\n'
        '"The challenge now is to act on every referral."\n'
    )
    assert _said(text) == [
        (("Ann Roe", "Jane Doe"), "Agencies in Kent"),
        (("Ann Roe", "Jane Doe"), "The challenge now"),
    ]


def test_a_report_said_in_a_statement_names_no_speaker() -> None:
    text = 'The report said in a summary:\n\n"Most victims are satisfied with the service."\n'
    assert all(speakers == () for speakers, _ in _said(text))


def _posts(text: str) -> set[tuple[str, tuple[str, ...]]]:
    return {(p.label, p.holders) for p in extract_release(HEAD + text).posts}


def test_who_is_before_a_post_is_no_part_of_it() -> None:
    text = (
        "Jane Doe, who is HM Inspector of Constabulary for the Northern Region, said:\n\n"
        '"The force has improved."\n'
    )
    assert _posts(text) == {("HM Inspector of Constabulary for the Northern Region", ("Jane Doe",))}


def test_a_two_word_owner_before_a_post_is_one_post() -> None:
    text = 'East Kent\'s Police and Crime Commissioner, Ann Roe, said:\n\n"We welcome the report."\n'
    labels = {label for label, _ in _posts(text)}
    assert "East Kent's Police and Crime Commissioner" in labels
    assert "Kent's Police and Crime Commissioner" not in labels
