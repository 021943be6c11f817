"""The schema comes from the Alembic migrations, and they match the models."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from elearn.extensions import db
from elearn.models import User


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_database_refuses_a_duplicate_nip_even_without_the_service(app):
    with app.app_context():
        for _ in range(2):
            db.session.add(User(nip="199204112019031005", full_name="A", password_hash="x"))
        try:
            db.session.commit()
            raise AssertionError("duplicate NIP was stored")
        except sa.exc.IntegrityError:
            db.session.rollback()


def test_database_refuses_an_unknown_role_and_a_short_nip(app):
    with app.app_context():
        for values in ({"nip": "199204112019031005", "role": "boss"}, {"nip": "123"}):
            db.session.add(User(full_name="A", password_hash="x", **values))
            try:
                db.session.commit()
                raise AssertionError(f"{values} was stored")
            except sa.exc.IntegrityError:
                db.session.rollback()


def test_the_report_cell_triggers_are_all_in_place_at_head(app):
    """A later migration that rebuilds one of their tables (SQLite's batch mode copies
    the table and drops its triggers) must create them again: the report relies on them."""
    from elearn.reporting.cell_triggers import TRIGGERS

    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            rows = conn.execute(sa.text(
                "SELECT t.tgname, c.relname FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"))
        else:
            rows = conn.execute(sa.text(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"))
        found = {(name, table) for name, table in rows if name.startswith("report_cells")}
    assert found == {(t.name, t.table) for t in TRIGGERS}


def test_the_evaluation_migration_keeps_every_learners_progress_and_checks_roles(app):
    """0012 adds the module role in place: a batch copy of ``modules`` on SQLite, with
    foreign keys on, would have cascaded to every progress row when it dropped the
    old table."""
    from flask_migrate import downgrade, upgrade

    from elearn.courses.store import save_course
    from elearn.models import Module, ModuleProgress

    from .content.helpers import make_course

    with app.app_context():
        save_course(make_course())
        user = User(nip="199204112019031005", full_name="A", password_hash="x")
        db.session.add(user)
        db.session.flush()
        for module in db.session.scalars(sa.select(Module)):
            db.session.add(ModuleProgress(user_id=user.id, module_id=module.id))
        db.session.commit()
        db.session.remove()
        downgrade(revision="0011")
        upgrade()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ModuleProgress)) == 2
        assert set(db.session.scalars(sa.select(Module.role))) == {"graded"}
        for kind, role in (("quiz", "final"), ("lesson", "pretest")):
            module = db.session.scalar(sa.select(Module).where(Module.kind == kind))
            module.role = role
            try:
                db.session.commit()
                raise AssertionError(f"a {kind} with role {role} was stored")
            except sa.exc.IntegrityError:
                db.session.rollback()
