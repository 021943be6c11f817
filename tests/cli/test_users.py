"""The users and demo commands."""

import sqlalchemy as sa

from elearn.extensions import db
from elearn.models import Unit, User
from elearn.people.services import upsert_unit


def _count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_users_create_makes_an_account_that_can_sign_in(app, runner, auth):
    with app.app_context():
        upsert_unit("DISKOMINFO", "Dinas Komunikasi dan Informatika")
        db.session.commit()
    result = runner.invoke(args=["users", "create", "--nip", "199001012015012003", "--name",
                                 "Siti Aminah", "--role", "instructor", "--email",
                                 "Siti@Medan.go.id", "--unit", "diskominfo", "--grade", "iii/c",
                                 "--password", "sandi-kuat-1"])
    assert result.exit_code == 0, result.output
    assert "Akun 199001012015012003 (Siti Aminah) dibuat, peran Pengajar." in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.nip == "199001012015012003"))
        assert (user.role, user.email, user.unit.code, user.grade) == (
            "instructor", "siti@medan.go.id", "DISKOMINFO", "III/c")
        assert not user.must_change_password
    assert auth.login("199001012015012003", "sandi-kuat-1").status_code == 302


def test_users_create_prompts_for_the_password(app, runner):
    result = runner.invoke(args=["users", "create", "--nip", "199204112019031005", "--name", "A",
                                 "--role", "learner", "--temporary"],
                           input="sandi-kuat-1\nsandi-kuat-1\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert user.check_password("sandi-kuat-1")
        assert user.must_change_password


def test_invalid_nip_is_a_clear_error_and_writes_nothing(app, runner):
    result = runner.invoke(args=["users", "create", "--nip", "199213112019031005", "--name", "A",
                                 "--role", "learner", "--password", "sandi-kuat-1"])
    assert result.exit_code == 1
    assert "--nip: Angka ke-1 sampai ke-8 NIP harus berupa tanggal lahir" in result.output
    assert _count(app, User) == 0


def test_duplicate_nip_and_email_are_clear_errors(app, runner):
    args = ["users", "create", "--nip", "199204112019031005", "--name", "A", "--role", "learner",
            "--email", "a@medan.go.id", "--password", "sandi-kuat-1"]
    assert runner.invoke(args=args).exit_code == 0
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert "--nip: NIP 199204112019031005 sudah terdaftar." in result.output
    assert "--email: Email a@medan.go.id sudah dipakai akun lain." in result.output
    other = runner.invoke(args=["users", "create", "--nip", "198507202010012001", "--name", "B",
                                "--role", "learner", "--email", "A@MEDAN.GO.ID",
                                "--password", "sandi-kuat-1"])
    assert other.exit_code == 1
    assert "sudah dipakai akun lain" in other.output
    assert _count(app, User) == 1


def test_unknown_role_is_a_clear_error(app, runner):
    result = runner.invoke(args=["users", "create", "--nip", "199204112019031005", "--name", "A",
                                 "--role", "boss", "--password", "sandi-kuat-1"])
    assert result.exit_code == 2
    assert "'boss' is not one of 'learner', 'instructor', 'admin'" in result.output
    assert _count(app, User) == 0


def test_unknown_unit_and_weak_password_are_reported_together(app, runner):
    result = runner.invoke(args=["users", "create", "--nip", "199204112019031005", "--name", "A",
                                 "--role", "learner", "--unit", "NOPE", "--password", "12345678"])
    assert result.exit_code == 1
    assert "--unit: Kode unit NOPE tidak dikenal." in result.output
    assert "--password: Kata sandi tidak boleh hanya berisi angka." in result.output
    assert _count(app, User) == 0


def test_a_name_longer_than_its_column_is_a_clear_error(app, runner):
    # The same length rule as the admin form and the staff import.
    result = runner.invoke(args=["users", "create", "--nip", "199204112019031005", "--name",
                                 "A" * 201, "--role", "learner", "--password", "sandi-kuat-1"])
    assert result.exit_code == 1
    assert "--name: Paling banyak 200 karakter." in result.output
    assert _count(app, User) == 0


def test_pppk_account_with_pppk_grade(app, runner):
    result = runner.invoke(args=["users", "create", "--nip", "198703152023212001", "--name", "B",
                                 "--role", "learner", "--status", "pppk", "--grade", "ix",
                                 "--password", "sandi-kuat-1"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        assert (user.employment_status, user.grade) == ("PPPK", "IX")


def test_demo_is_idempotent_and_prints_the_accounts(app, runner, auth):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        hashes = dict(db.session.execute(sa.select(User.nip, User.password_hash)).all())
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert "0 baru" in second.output
    for role in ("Admin", "Pengajar", "Peserta"):
        assert role in second.output
    assert "belajar-asn" in second.output
    assert _count(app, User) == 3
    assert _count(app, Unit) == 4
    with app.app_context():
        assert dict(db.session.execute(sa.select(User.nip, User.password_hash)).all()) == hashes
        roles = set(db.session.scalars(sa.select(User.role)))
    assert roles == {"admin", "instructor", "learner"}
    assert auth.login("peserta@demo.example", "belajar-asn").status_code == 302
