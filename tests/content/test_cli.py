"""flask content check | import | export."""

from pathlib import Path

import sqlalchemy as sa

from elearn.extensions import db
from elearn.models import Course

from .helpers import COURSE_MD, make_course

ROOT = Path(__file__).resolve().parents[2]


def _write(tmp_path, changes=None, slug="pelayanan-publik"):
    cf = make_course(changes, slug)
    folder = tmp_path / slug
    for path, data in cf.files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    return folder


def test_the_shipped_sample_courses_pass_the_checker(runner):
    result = runner.invoke(args=["content", "check", str(ROOT / "content")])
    assert result.exit_code == 0, result.output
    assert "5 kursus diperiksa, tidak ada masalah." in result.output


def test_check_of_a_broken_course_prints_file_line_messages_and_exits_1(runner, tmp_path):
    folder = _write(tmp_path, {"course.md": COURSE_MD.replace("jp: 2", "jp: dua")})
    result = runner.invoke(args=["content", "check", str(folder)])
    assert result.exit_code == 1
    assert f"{folder}/course.md:4: jp harus bilangan bulat antara 1 dan 100, tertulis 'dua'" \
        in result.output
    assert "1 masalah di 1 kursus." in result.output


def test_check_of_a_folder_of_courses_checks_each(runner, tmp_path):
    _write(tmp_path, slug="kursus-satu")
    _write(tmp_path, {"course.md": COURSE_MD.replace("jp: 2", "jp: 3")}, slug="kursus-dua")
    result = runner.invoke(args=["content", "check", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "2 kursus diperiksa" in result.output


def test_check_of_a_folder_without_courses_is_an_error(runner, tmp_path):
    result = runner.invoke(args=["content", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "Galat: " in result.output and "tidak ada folder kursus" in result.output


def test_import_twice_reports_unchanged_the_second_time(app, runner, tmp_path):
    folder = _write(tmp_path)
    first = runner.invoke(args=["content", "import", str(folder)])
    assert first.exit_code == 0, first.output
    assert "pelayanan-publik: dibuat, versi 1 (2 ditambahkan)." in first.output
    second = runner.invoke(args=["content", "import", str(folder)])
    assert "pelayanan-publik: tidak berubah (versi 1)." in second.output
    (folder / "01-pengantar.md").write_text(
        (folder / "01-pengantar.md").read_text() + "\nTambahan.\n")
    third = runner.invoke(args=["content", "import", str(folder)])
    assert "pelayanan-publik: diperbarui, versi 2 (1 diperbarui)." in third.output


def test_import_is_all_or_nothing_across_courses(app, runner, tmp_path):
    _write(tmp_path, slug="kursus-baik")
    _write(tmp_path, {"course.md": COURSE_MD.replace("competency: teknis", "competency: x")},
           slug="kursus-rusak")
    result = runner.invoke(args=["content", "import", str(tmp_path)])
    assert result.exit_code == 1
    assert "kursus-rusak/course.md:5: competency harus salah satu dari" in result.output
    assert "Tidak ada yang diimpor." in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0


def test_export_writes_the_folder_and_reimport_is_unchanged(app, runner, tmp_path):
    folder = _write(tmp_path / "src")
    runner.invoke(args=["content", "import", str(folder)])
    out = tmp_path / "out"
    result = runner.invoke(args=["content", "export", "pelayanan-publik", str(out)])
    assert result.exit_code == 0, result.output
    for path in ("course.md", "01-pengantar.md", "02-kuis.md"):
        assert (out / "pelayanan-publik" / path).read_bytes() == (folder / path).read_bytes()
    again = runner.invoke(args=["content", "import", str(out / "pelayanan-publik")])
    assert "tidak berubah" in again.output


def test_export_of_an_unknown_course_is_an_error(runner, tmp_path):
    result = runner.invoke(args=["content", "export", "tidak-ada", str(tmp_path)])
    assert result.exit_code == 1
    assert "tidak ada kursus dengan slug 'tidak-ada'" in result.output


def test_sample_courses_are_substantial_and_use_every_question_type():
    import re

    from elearn.content import check_course, find_course_folders, read_folder

    folders = find_course_folders(ROOT / "content")
    assert len(folders) >= 5
    for folder in folders:
        course, problems = check_course(read_folder(folder))
        assert problems == []
        lessons = [m for m in course.modules if m.kind == "lesson"]
        assert len(lessons) >= 3, folder.name
        for lesson in lessons:
            words = len(re.sub(r"[|#>*`-]", " ", lesson.body).split())
            assert words >= 400, f"{lesson.filename}: {words} words"
        quiz = course.modules[-1]
        assert quiz.kind == "quiz", f"{folder.name} does not end with a quiz"
        assert len(quiz.questions) >= 8
        assert {q.kind for q in quiz.questions} == {
            "single", "multiple", "true_false", "short_answer"}


def test_two_sample_quizzes_draw_from_a_larger_pool():
    """The samples show both kinds of draw: from the whole pool, and per lesson group."""
    from collections import Counter

    from elearn.content import check_course, read_folder

    def final_quiz(slug):
        course, problems = check_course(read_folder(ROOT / "content" / slug))
        assert problems == []
        return course.modules[-1]

    prima = final_quiz("pelayanan-publik-prima")
    assert prima.draw == {"*": 10} and len(prima.questions) >= 14
    assert "\nreview: after_pass\n" in prima.source  # the default, written as an example
    literasi = final_quiz("literasi-digital-spbe")
    assert literasi.draw == {"spbe": 3, "keamanan": 3, "hoaks": 3}
    pool = Counter(q.group for q in literasi.questions)
    assert all(pool[group] > n for group, n in literasi.draw.items()), pool
