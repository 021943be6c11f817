"""The name lookup behind the bulk assignment form: active people by name or NIP
prefix, at least two characters, at most ten, LIKE wildcards taken literally."""

import pytest

from elearn.extensions import db
from elearn.models import User
from elearn.people import directory


@pytest.fixture
def people(app):
    with app.app_context():
        for i in range(12):
            db.session.add(User(nip=f"1990010120150110{i:02d}", full_name=f"Budi Santoso {i:02d}",
                                password_hash="!"))
        db.session.add(User(nip="198501012010012001", full_name="Siti 100%_Aman",
                            password_hash="!"))
        db.session.add(User(nip="198501012010012002", full_name="Budi Pensiun",
                            password_hash="!", active=False))
        db.session.commit()
        yield


def _names(q):
    return [u.full_name for u in directory.lookup_people(q)]


def test_finds_by_part_of_the_name_in_any_case_at_most_ten(app, people):
    with app.app_context():
        found = _names("santoso")
        assert len(found) == 10 and found[0] == "Budi Santoso 00"
        assert _names("BUDI  santoso 11") == ["Budi Santoso 11"]


def test_finds_by_the_start_of_the_nip_only(app, people):
    with app.app_context():
        assert _names("198501") == ["Siti 100%_Aman"]
        assert _names("2010012001") == []


@pytest.mark.parametrize("q", ["", "b", " s ", "%", "_"])
def test_fewer_than_two_characters_find_nobody(app, people, q):
    with app.app_context():
        assert _names(q) == []


@pytest.mark.parametrize(("q", "expected"), [("%%", []), ("__", []), ("0%_", ["Siti 100%_Aman"]),
                                             ("u%i", [])])
def test_wildcards_match_themselves(app, people, q, expected):
    with app.app_context():
        assert _names(q) == expected


def test_deactivated_accounts_are_not_suggested(app, people):
    with app.app_context():
        assert _names("pensiun") == []
