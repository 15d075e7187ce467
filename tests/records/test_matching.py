"""Matching leavers to AWS identities the way an auditor would, and naming the identities
whose owner is uncertain instead of guessing."""

from __future__ import annotations

import datetime as dt

import pytest

from soc2_checks.records.hr import Person
from soc2_checks.records.matching import By, Candidate, match, matches_for
from soc2_checks.views.records import Identity

LAST_DAY = dt.date(2026, 2, 27)


def person(name, email=None, last_day=LAST_DAY, aws=(), employee_id=None):
    return Person(name, email, employee_id, tuple(aws), last_day, "hr-terminations.csv", (2, 2))


def iam(user):
    return Candidate(Identity("iam_user", user), user)


def sso(user, emails=(), names=()):
    return Candidate(Identity("identity_center_user", user), user, tuple(emails), tuple(names))


JANE = person("Jane Doe", "jane.doe@example.com")


@pytest.mark.parametrize(
    ("candidate", "expected"),
    [
        (sso("jane.doe@example.com"), By.EMAIL),
        (sso("jdoe-sso", emails=["Jane.Doe@Example.com"]), By.EMAIL),
        (iam("jane.doe@example.com"), By.EMAIL),
        (iam("jane.doe"), By.USER_NAME),
        (sso("jane.doe@contractor.example"), By.USER_NAME),
        (iam("janedoe"), By.USER_NAME),
        (sso("u-1931", names=["Jane  Doe"]), By.NAME),
        (iam("jdoe"), By.INITIAL),
        (iam("jane.smith"), None),
        (iam("john.doe"), None),
    ],
)
def test_how_an_identity_matches_a_leaver(candidate, expected):
    assert match(JANE, candidate) == expected


def test_without_an_email_the_name_and_initial_still_match():
    no_email = person("Jane Doe")
    assert [match(no_email, iam(u)) for u in ("jane_doe", "jdoe", "jane.smith")] == [By.NAME, By.INITIAL, None]


def test_accents_and_case_do_not_hide_a_match():
    assert match(person("José Álvarez"), iam("JOSE.ALVAREZ")) == By.NAME


def test_an_identity_hr_lists_for_the_person():
    assert match(person("Jane Doe", aws=["svc-reporting"]), iam("svc-reporting")) == By.LISTED


def test_unique_match_is_the_leavers():
    found = matches_for(JANE, [JANE, person("Priya Raman", "priya@example.com", None)], [iam("jdoe"), iam("priya")])
    assert [i.name for i in found.identities] == ["jdoe"] and found.ambiguous == ()


def test_leaver_who_is_also_a_current_employee_under_another_name():
    """Maria left as a contractor and was hired as Maria Garcia-Lopez with the same e-mail:
    the Identity Center user may be the new employee's, so nobody can say it is a leftover."""
    leaver = person("Maria Garcia", "maria.garcia@example.com", dt.date(2025, 12, 31))
    current = person("Maria Garcia-Lopez", "maria.garcia@example.com", None, employee_id="E1233")
    found = matches_for(leaver, [current, leaver], [sso("maria.garcia@example.com")])
    assert found.identities == ()
    (doubt,) = found.ambiguous
    assert doubt.identity.name == "maria.garcia@example.com"
    assert doubt.reason == "matches by e-mail, but its e-mail belongs to current employee Maria Garcia-Lopez"


def test_a_name_match_contradicted_by_another_persons_email():
    current = person("Jane Roe", "jane.doe@example.org", None)
    found = matches_for(person("Jane Doe"), [current], [sso("jane.doe@example.org", names=["Jane Doe"])])
    (doubt,) = found.ambiguous
    assert doubt.reason == "matches by name, but its e-mail belongs to current employee Jane Roe"


def test_an_email_match_is_not_shaken_by_a_namesake():
    namesake = person("Jane Doe", "jane.doe2@example.com", None)
    found = matches_for(JANE, [namesake], [sso("jane.doe@example.com", names=["Jane Doe"])])
    assert [i.name for i in found.identities] == ["jane.doe@example.com"] and found.ambiguous == ()


def test_two_leavers_sharing_an_initial_and_surname():
    john = person("John Smith", "john.smith@example.com")
    jenny = person("Jenny Smith", "jenny.smith@example.com", dt.date(2026, 1, 9))
    found = matches_for(john, [john, jenny], [iam("jsmith")])
    (doubt,) = found.ambiguous
    assert (
        doubt.reason
        == "matches by initial and surname, but its user name belongs to leaver (last day 2026-01-09) Jenny Smith"
    )


def test_an_identity_hr_lists_for_someone_else_is_theirs():
    owner = person("Jane Smith", "jane.smith@example.com", None, aws=["jdoe"])
    assert matches_for(person("John Doe", "john.doe@example.com"), [owner], [iam("jdoe")]) == matches_for(
        person("John Doe", "john.doe@example.com"), [], []
    )
