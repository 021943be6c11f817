"""One set of person rules for the admin form, the command line and the staff import;
their messages stay untranslated until the web or the command line shows them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext

import elearn.people
from elearn.errors import N_, DomainError
from elearn.people import rules
from elearn.people.errors import (
    ImportFileError,
    ImportRefused,
    Message,
    PeopleError,
    StaffImportError,
)
from elearn.people.passwords import password_problems
from elearn.people.rules import PersonData

PEOPLE = Path(elearn.people.__file__).parent
#: What a domain package must not import: the request machinery, and gettext (it
#: never translates; the web and the command line do).
FORBIDDEN = {"flask": {"request", "url_for", "current_app", "session", "g", "Blueprint",
                       "flash", "abort"},
             "flask_login": {"current_user"}, "flask_babel": {"gettext", "lazy_gettext"}}


def _imports(path: Path) -> set[tuple[str, str]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found |= {(node.module, alias.name) for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {(alias.name, "*") for alias in node.names}
    return found


@pytest.mark.parametrize("path", sorted(PEOPLE.rglob("*.py")), ids=lambda p: p.name)
def test_the_people_package_never_imports_the_request_machinery(path):
    for module, name in _imports(path):
        assert module not in FORBIDDEN or (name != "*" and name not in FORBIDDEN[module]), (
            f"{path.relative_to(PEOPLE.parent)} imports {name} from {module}")


def test_a_rule_message_reads_in_english_until_it_is_translated(app):
    person = PersonData(nip="199213112019031005", full_name="A").cleaned()
    [problem] = rules.field_problems(person, "nip")
    assert problem == "Digits 1-8 of the NIP must be a valid birth date (YYYYMMDD)."
    with app.app_context(), force_locale("id"):
        assert problem.text(gettext) == (
            "Angka ke-1 sampai ke-8 NIP harus berupa tanggal lahir yang valid (TTTTBBHH).")


def test_the_nip_and_grade_rules_read_the_employment_status():
    pppk = PersonData(nip="198703152023212001", full_name="Rina", employment_status="pppk",
                      grade="ix").cleaned()
    assert [rules.field_problems(pppk, f) for f in ("nip", "grade")] == [[], []]
    pns = PersonData(nip=pppk.nip, full_name="Rina", grade="ix").cleaned()
    assert rules.field_problems(pns, "nip") and rules.field_problems(pns, "grade")
    unknown = PersonData(nip=pppk.nip, full_name="Rina", employment_status="honorer").cleaned()
    assert rules.field_problems(unknown, "employment_status") == [
        "Employment status must be PNS or PPPK."]
    assert rules.field_problems(unknown, "nip") == []  # the status is the one problem


def test_lengths_are_the_columns_sizes():
    assert rules.full_name_problems("a" * 200) == []
    assert rules.full_name_problems("a" * 201) == ["At most 200 characters are allowed."]
    assert rules.length_problems("place_of_birth", "b" * 101) == [
        "At most 100 characters are allowed."]


def test_people_error_keeps_every_field_untranslated(app):
    error = PeopleError({
        "email": [Message(N_("%(email)s is not a valid email address."), email="bukan-email")],
        "unit_code": [Message(N_("Unknown unit code %(code)s."), code="NOPE")],
    })
    assert isinstance(error, DomainError)
    assert error.field_texts() == {"email": ["bukan-email is not a valid email address."],
                                   "unit_code": ["Unknown unit code NOPE."]}
    with app.app_context(), force_locale("id"):
        assert error.field_texts(gettext) == {
            "email": ["bukan-email bukan alamat email yang valid."],
            "unit_code": ["Kode unit NOPE tidak dikenal."]}


def test_staff_import_errors_are_people_errors(app):
    assert issubclass(ImportFileError, StaffImportError)
    assert issubclass(ImportRefused, StaffImportError)
    assert issubclass(StaffImportError, PeopleError)
    refused = ImportRefused(*password_problems("1234567"))
    assert str(refused).startswith("Password must be at least 8 characters. ")
    with app.app_context(), force_locale("id"):
        assert "terlalu umum" in refused.text(gettext)


def test_the_person_form_keeps_the_column_sizes_as_input_limits(client, make_user, auth):
    auth.login(make_user("admin").nip)
    html = client.get("/admin/users/new").get_data(as_text=True)
    for name, limit in (("full_name", 200), ("email", 254), ("position", 200), ("grade", 8),
                        ("place_of_birth", 100)):
        tag = re.search(rf'<input[^>]* name="{name}"[^>]*>', html).group(0)
        assert f'maxlength="{limit}"' in tag, tag
