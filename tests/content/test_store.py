"""Importing, re-importing and exporting courses through the database."""

import sqlalchemy as sa

from elearn.content import read_folder, write_folder
from elearn.courses.store import ContentError, course_files, get_course, save_course
from elearn.extensions import db
from elearn.models import Course, Module, ModuleProgress
from elearn.models.people import utcnow

from .helpers import COURSE_MD, LESSON_MD, QUIZ_MD, make_course

PNG = b"\x89PNG\r\n\x1a\n" + b"\1" * 16


def _lesson(title="Pengantar", extra=""):
    return LESSON_MD.replace("title: Pengantar", f"title: {title}") + extra


def test_import_creates_the_course_with_rendered_modules(app):
    with app.app_context():
        result = save_course(make_course())
        db.session.commit()
        assert result.outcome == "created"
        course = get_course("pelayanan-publik")
        assert (course.version, course.status, course.jp) == (1, "published", 2)
        assert course.instructor_nips == ["198507202010012001"]
        assert [m.slug for m in course.modules] == ["pengantar", "kuis"]
        quiz = course.modules[1].quiz
        assert [q["kind"] for q in quiz["questions"]] == [
            "single", "multiple", "true_false", "short_answer"]
        assert "<h2" in course.modules[0].body_html
        assert len(course.content_hash) == 64


def test_second_import_of_unchanged_files_changes_nothing(app):
    with app.app_context():
        save_course(make_course())
        db.session.commit()
        before = db.session.scalar(sa.select(Course.updated_at))
        result = save_course(make_course())
        assert result.outcome == "unchanged"
        assert not db.session.dirty and not db.session.new
        db.session.commit()
        # Read the row again: the session keeps objects across commits, and the
        # one in memory holds an aware datetime where SQLite gives back a naive one.
        after = db.session.execute(sa.select(Course.version, Course.updated_at)).one()
        assert tuple(after) == (1, before)


def test_invalid_course_is_refused_and_nothing_is_written(app):
    with app.app_context():
        broken = make_course({"course.md": COURSE_MD.replace("jp: 2", "jp: banyak")})
        try:
            save_course(broken)
            raise AssertionError("imported a broken course")
        except ContentError as exc:
            assert "course.md:4: jp must be a whole number" in str(exc)
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0


def test_invalid_update_leaves_the_previous_version_intact(app):
    with app.app_context():
        save_course(make_course())
        db.session.commit()
        try:
            save_course(make_course({"02-kuis.md": QUIZ_MD.replace("[x]", "[ ]")}))
        except ContentError:
            db.session.rollback()
        course = get_course("pelayanan-publik")
        assert course.version == 1
        assert course.modules[1].source == QUIZ_MD


def test_reimport_keeps_progress_on_unchanged_slugs_and_retires_vanished_modules(
        app, make_user):
    learner = make_user("learner")
    with app.app_context():
        save_course(make_course({"03-penutup.md": _lesson("Penutup")}))
        db.session.commit()
        modules = {m.slug: m.id for m in db.session.scalars(sa.select(Module))}
        for slug in ("pengantar", "penutup"):
            db.session.add(ModuleProgress(user_id=learner.id, module_id=modules[slug],
                                          completed_at=utcnow()))
        db.session.commit()

        changed = make_course({
            "01-pengantar.md": _lesson("Pengantar Baru", "\nParagraf tambahan.\n"),
            "03-penutup.md": None,
            "04-studi-kasus.md": _lesson("Studi Kasus"),
        })
        result = save_course(changed)
        db.session.commit()
        assert (result.outcome, result.added, result.updated, result.retired) == (
            "updated", ["studi-kasus"], ["pengantar"], ["penutup"])
        course = get_course("pelayanan-publik")
        assert course.version == 2
        pengantar = db.session.get(Module, modules["pengantar"])
        assert pengantar.title == "Pengantar Baru"
        assert "Paragraf tambahan." in pengantar.body_html
        penutup = db.session.get(Module, modules["penutup"])
        assert penutup.retired_at is not None
        assert [m.slug for m in course.active_modules] == ["pengantar", "kuis", "studi-kasus"]
        progress = {p.module.slug for p in db.session.scalars(sa.select(ModuleProgress))}
        assert progress == {"pengantar", "penutup"}  # history stays

        # A retired module that comes back is the same module, with its progress.
        save_course(make_course({"03-penutup.md": _lesson("Penutup")}))
        db.session.commit()
        assert db.session.get(Module, modules["penutup"]).retired_at is None


def test_export_then_import_changes_nothing(app, tmp_path):
    source = make_course({
        "01-pengantar.md": _lesson(extra="\n![Alur](media/alur.png)\n"),
        "media/alur.png": PNG,
    })
    with app.app_context():
        save_course(source)
        db.session.commit()
        target = write_folder(course_files(get_course("pelayanan-publik")), tmp_path)
        assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*")
                      if p.is_file()) == ["01-pengantar.md", "02-kuis.md", "course.md",
                                          "media/alur.png"]
        exported = read_folder(target)
        assert exported.files == source.files
        assert save_course(exported).outcome == "unchanged"
        assert get_course("pelayanan-publik").version == 1


def test_windows_line_endings_round_trip_byte_for_byte(app, tmp_path):
    crlf = make_course({path: text.replace("\n", "\r\n") for path, text in
                        {"course.md": COURSE_MD, "01-pengantar.md": LESSON_MD,
                         "02-kuis.md": QUIZ_MD}.items()})
    with app.app_context():
        save_course(crlf)
        db.session.commit()
        exported = course_files(get_course("pelayanan-publik"))
        assert exported.files == crlf.files
        assert save_course(exported).outcome == "unchanged"


def test_assets_are_stored_with_content_types(app):
    with app.app_context():
        save_course(make_course({"media/alur.png": PNG, "media/sop.pdf": b"%PDF-1.4 x"}))
        db.session.commit()
        assets = {a.path: a.content_type for a in get_course("pelayanan-publik").assets}
        assert assets == {"media/alur.png": "image/png", "media/sop.pdf": "application/pdf"}


def test_page_views_never_run_markdown_or_bleach(app, client, make_user, auth, monkeypatch):
    """Rendering happens once at import; a learner's page view only reads stored HTML."""
    with app.app_context():
        save_course(make_course())
        db.session.commit()
    auth.login(make_user("learner").nip)

    def forbidden(*args, **kwargs):
        raise AssertionError("rendering during a page view")

    import bleach
    import markdown

    monkeypatch.setattr(markdown.Markdown, "convert", forbidden)
    monkeypatch.setattr(bleach, "clean", forbidden)
    for path in ("/courses/pelayanan-publik", "/courses/pelayanan-publik/pengantar",
                 "/courses/pelayanan-publik/kuis"):
        response = client.get(path)
        assert response.status_code == 200, path


def test_cover_image_is_shown_on_the_course_page(app, client, make_user, auth):
    with app.app_context():
        save_course(make_course({
            "course.md": COURSE_MD.replace("jp: 2", "jp: 2\ncover: media/sampul.png"),
            "media/sampul.png": PNG}))
        db.session.commit()
        url = get_course("pelayanan-publik").cover_url
    assert url.startswith("/courses/pelayanan-publik/files/") and url.endswith("/media/sampul.png")
    auth.login(make_user("learner").nip)
    assert f'src="{url}"' in client.get("/courses/pelayanan-publik").get_data(as_text=True)
    assert client.get(url).status_code == 200
