"""NIP and grade rules, which depend on the employment status."""

import pytest

from elearn.people.nip import birth_date_from_nip, grade_error, nip_errors, normalize_grade


@pytest.mark.parametrize("nip", ["199204112019031005", "198507202010012001", "200002292024011001"])
def test_valid_pns_nip_has_no_errors(nip):
    assert nip_errors(nip, "PNS") == []


def test_valid_pppk_number_has_no_errors():
    # Digits 13-14 are the PPPK code 21, which is not a month.
    assert nip_errors("198703152023212001", "PPPK") == []


@pytest.mark.parametrize(
    ("nip", "fragment"),
    [
        ("19920411201903100", "exactly 18 digits"),
        ("1992041120190310055", "exactly 18 digits"),
        ("19920411201903100a", "exactly 18 digits"),
        ("１９９２０４１１２０１９０３１００５", "exactly 18 digits"),  # full-width digits
        ("199213112019031005", "valid birth date"),
        ("199202302019031005", "valid birth date"),
        ("199204112019131005", "appointment year and month"),
        ("199204112019001005", "appointment year and month"),
        ("199204111990011005", "before the birth date"),
        ("199204112019033005", "Digit 15"),
        ("199204112019030005", "Digit 15"),
    ],
)
def test_invalid_pns_nip_names_the_broken_part(nip, fragment):
    errors = nip_errors(nip, "PNS")
    assert any(fragment in e for e in errors), errors


def test_pppk_rule_rejects_a_month_in_digits_13_14():
    errors = nip_errors("199204112019031005", "PPPK")
    assert any("PPPK" in e for e in errors)


def test_pns_rule_rejects_a_pppk_number():
    assert any("appointment year and month" in e for e in nip_errors("198703152023212001", "PNS"))


def test_appointment_in_birth_month_is_allowed():
    assert nip_errors("200005012000051001", "PNS") == []


def test_unknown_status_is_an_error():
    assert nip_errors("199204112019031005", "HONORER") == ["Employment status must be PNS or PPPK."]


def test_birth_date_is_read_from_the_nip():
    assert birth_date_from_nip("199204112019031005").isoformat() == "1992-04-11"
    assert birth_date_from_nip("199213112019031005") is None


@pytest.mark.parametrize("grade", ["I/a", "II/d", "III/b", "IV/e"])
def test_pns_grades(grade):
    assert grade_error(grade, "PNS") is None
    assert grade_error(grade, "PPPK") is not None


@pytest.mark.parametrize("grade", ["I", "IX", "XVII"])
def test_pppk_grades(grade):
    assert grade_error(grade, "PPPK") is None
    assert grade_error(grade, "PNS") is not None


@pytest.mark.parametrize("grade", ["IV/f", "V/a", "XVIII", "", "3b"])
def test_unknown_grades_are_rejected(grade):
    assert grade_error(grade, "PNS") and grade_error(grade, "PPPK")


def test_grade_spelling_is_normalised():
    assert normalize_grade("iii/B") == "III/b"
    assert normalize_grade(" iv / a ".strip()) == "IV/a"
    assert normalize_grade("ix") == "IX"
