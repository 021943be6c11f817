"""One vocabulary: the models, the migrations and the pages agree on it."""

from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy.dialects import sqlite

from elearn import vocabulary
from elearn.extensions import db
from elearn.vocabulary import audit_target, label

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"

# (table, CHECK constraint, the vocabulary it must allow)
CHECKS = [
    ("courses", "competency_known", vocabulary.COMPETENCIES),
    ("courses", "level_known", vocabulary.LEVELS),
    ("courses", "status_known", vocabulary.PUBLICATION_STATUSES),
    ("modules", "status_known", vocabulary.PUBLICATION_STATUSES),
    ("modules", "kind_known", vocabulary.MODULE_KINDS),
    ("modules", "review_policy_known", vocabulary.REVIEW_POLICIES),
    ("certificates", "status_known", vocabulary.CERTIFICATE_STATUSES),
    ("certificates", "revoke_category_known", vocabulary.REVOKE_CATEGORIES),
    ("users", "role_known", vocabulary.ROLES),
    ("users", "status_known", vocabulary.EMPLOYMENT_STATUSES),
]


@pytest.mark.parametrize(("table", "name", "values"), CHECKS,
                         ids=[f"{t}.{n}" for t, n, _ in CHECKS])
def test_model_constraints_are_the_migrations_and_allow_the_vocabulary(app, table, name,
                                                                         values):
    check = next(c for c in db.metadata.tables[table].constraints
                 if c.name and c.name.endswith(name) and hasattr(c, "sqltext"))
    sql = str(check.sqltext.compile(dialect=sqlite.dialect(),
                                    compile_kwargs={"literal_binds": True}))
    assert sql.endswith("IN (" + ", ".join(f"'{v}'" for v in values) + ")")
    migrations = "".join(p.read_text() for p in MIGRATIONS.glob("*.py"))
    assert f'"{sql}"' in migrations


def test_labels_are_shown_in_the_reader_language(app):
    with app.test_request_context():
        template = app.jinja_env.from_string(
            "{{ c|label('competency') }}/{{ l|label('level') }}/{{ r|label('role') }}/"
            "{{ s|label('certificate_status') }}/{{ p|label('publication') }}/"
            "{{ c|certificate_competency }}")
        values = {"c": "sosial-kultural", "l": "lanjut", "r": "learner", "s": "revoked",
                  "p": "draft"}
        with force_locale("id"):
            assert template.render(values) == \
                "Sosial kultural/Lanjut/Peserta/Dicabut/Draf/Sosial Kultural"
        with force_locale("en"):
            assert template.render(values) == \
                "Socio-cultural/Advanced/Learner/Revoked/Draft/Sosial Kultural"


def test_an_unknown_value_is_shown_as_it_is():
    assert vocabulary.label("ahli", "level") == "ahli"
    assert vocabulary.certificate_competency("lain") == "lain"


def test_choices_keep_the_vocabulary_order():
    assert vocabulary.choices("level") == [
        ("dasar", "Basic"), ("menengah", "Intermediate"), ("lanjut", "Advanced")]


def test_audit_entries_read_as_sentences_not_codes():
    """The audit log names an action and its object in words; an unknown code or
    a file name is shown as it is, never lost."""
    def indonesian(message):
        return {"Certificate revoked": "Sertifikat dicabut",
                "certificate %(id)s": "sertifikat %(id)s",
                "%(course)s, for %(target)s": "%(course)s, untuk %(target)s",
                "%(name)s (NIP %(id)s)": "%(name)s (NIP %(id)s)",
                "unit %(id)s": "unit kerja %(id)s"}.get(message, message)

    assert label("certificate.revoke", "audit_action", indonesian) == "Sertifikat dicabut"
    assert label("people.merge", "audit_action", indonesian) == "people.merge"
    assert audit_target("certificate 0042/ELN/2026", indonesian) == "sertifikat 0042/ELN/2026"
    names = {"pelayanan-publik": "Pelayanan Publik", "user 199204112019031005": "Andi"}
    assert audit_target("pelayanan-publik -> user 199204112019031005", indonesian, names) == (
        "Pelayanan Publik, untuk Andi (NIP 199204112019031005)")
    assert audit_target("etika -> unit BKPSDM", indonesian) == "etika, untuk unit kerja BKPSDM"
    assert audit_target("pegawai.csv", indonesian) == "pegawai.csv"
