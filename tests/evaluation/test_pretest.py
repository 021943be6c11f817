"""Pre-test and post-test: the pre-test never blocks, has no pass mark, one attempt,
reveals no answer, and the learner sees their gain once the course is completed."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from elearn.content.check import check_course
from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.models import CourseCompletion, Module, ModuleProgress, QuizAttempt

from .conftest import PRETEST_MD, SLUG, pretest_course


def _problems(**changes) -> list[str]:
    return [str(p) for p in check_course(pretest_course(**changes))[1]]


def test_role_pretest_is_read_with_its_fixed_settings(app):
    parsed, problems = check_course(pretest_course())
    assert problems == []
    pretest = parsed.modules[0]
    assert (pretest.role, pretest.pass_score, pretest.max_attempts, pretest.review,
            pretest.require_lessons) == ("pretest", None, 1, "never", False)
    assert [m.role for m in parsed.modules[1:]] == ["graded", "graded", "graded"]


@pytest.mark.parametrize(("key", "line"), [
    ("pass_score: 60", "pass_score"), ("max_attempts: 2", "max_attempts"),
    ("review: immediately", "review"), ("require_lessons: false", "require_lessons"),
    ("retry_after: 30m", "retry_after")])
def test_a_pretest_refuses_the_keys_of_a_graded_quiz_with_file_and_line(app, key, line):
    text = PRETEST_MD.replace("role: pretest\n", f"role: pretest\n{key}\n")
    assert _problems(**{"01-pretes.md": text}) == [
        f"content/pelayanan-publik/01-pretes.md:6: a pre-test has no pass mark, one attempt "
        f"and no review: remove '{line}'"]


def test_a_pretest_after_a_lesson_is_refused(app):
    problems = _problems(**{"01-pretes.md": None, "03-pretes.md": PRETEST_MD,
                            "03-standar.md": None})
    assert problems == ["content/pelayanan-publik/03-pretes.md:5: the pre-test must come "
                        "before the lessons, but 02-pengantar.md comes first"]


def test_a_course_has_one_pretest_and_needs_a_graded_quiz_after_it(app):
    two = _problems(**{"00-awal.md": PRETEST_MD.replace("title: Kuis", "title: Awal")})
    assert two == ["content/pelayanan-publik/01-pretes.md:5: a course has one pre-test at "
                   "most; the first is 00-awal.md"]
    no_post = _problems(**{"04-kuis.md": None})
    assert no_post == ["content/pelayanan-publik/01-pretes.md:5: a course with a pre-test "
                       "needs a graded quiz after it (the post-test)"]


def test_an_unknown_role_is_refused(app):
    text = PRETEST_MD.replace("role: pretest", "role: posttest")
    assert _problems(**{"01-pretes.md": text}) == [
        "content/pelayanan-publik/01-pretes.md:5: role must be one of graded, pretest, got "
        "'posttest'"]


def _progress(app, user_id, slug):
    with app.app_context():
        return db.session.scalar(sa.select(ModuleProgress).join(Module).where(
            ModuleProgress.user_id == user_id, Module.slug == slug))


def test_the_pretest_records_a_score_without_pass_or_fail_and_one_attempt(app, course, learner):
    assert learner.take("pretes", right=1).status_code == 302
    row = _progress(app, learner.account.id, "pretes")
    assert row.best_score == 20.0 and row.completed_at is not None
    with app.app_context():
        attempt = db.session.scalar(sa.select(QuizAttempt))
        assert (attempt.score, attempt.passed) == (20.0, None)
    learner.take("pretes", right=4)  # a second attempt is refused
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1


def test_the_pretest_reveals_no_answer(app, course, learner):
    response = learner.take("pretes", right=1)
    result = learner.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "20" in result
    assert "Standar memberi kepastian." not in result  # the explanation
    assert "ASN terdiri atas PNS dan PPPK." not in result  # an explanation


def test_the_pretest_never_blocks_completion(app, course, learner):
    learner.finish(right=4)
    with app.app_context():
        completion = db.session.scalar(sa.select(CourseCompletion))
        assert completion is not None and completion.final_score == 100.0
    assert _progress(app, learner.account.id, "pretes") is None


def test_the_pretest_closes_once_a_lesson_is_completed(app, course, learner):
    learner.complete("pengantar")
    page = learner.client.get(f"/courses/{SLUG}/pretes").get_data(as_text=True)
    assert "Pre-test dikerjakan sebelum pelajaran" in page
    learner.take("pretes", right=4)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 0


def test_progress_leaves_the_pretest_out_and_the_learner_sees_the_gain(app, course, learner):
    learner.take("pretes", right=1)
    page = learner.client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "Kemajuan: 0 dari 3 modul" in page
    learner.finish(right=2)
    page = learner.client.get(f"/courses/{SLUG}").get_data(as_text=True)
    assert "Kemajuan: 3 dari 3 modul" in page
    assert "Pre-test 20 → post-test 60" in page
    with app.app_context():
        # The post-test's score alone is the final score: the pre-test is not averaged in.
        assert db.session.scalar(sa.select(CourseCompletion.final_score)) == 60.0


def test_a_module_that_becomes_a_pretest_has_its_course_report_cells_recomputed(app):
    from elearn.models import ReportCell

    with app.app_context():
        save_course(pretest_course(**{"01-pretes.md": PRETEST_MD.replace(
            "role: pretest\n", "pass_score: 10\n")}))
        db.session.commit()
        course_id = db.session.scalar(sa.select(Module.course_id).limit(1))
        db.session.add(ReportCell(course_id=course_id, unit_key=0))
        db.session.commit()
        before = db.session.scalar(sa.select(ReportCell.version))
        result = save_course(pretest_course())
        db.session.commit()
        assert result.roles_changed
        assert db.session.scalar(sa.select(ReportCell.version)) == before + 1


def test_the_browser_editor_keeps_a_pretest_and_a_required_evaluation(app):
    """Saving from the browser writes the files from the editor's fields: a pre-test
    and a required evaluation must come back as written, or a save would undo them."""
    from elearn.courses import authoring

    from ..content.helpers import COURSE_MD

    with app.app_context():
        save_course(pretest_course(COURSE_MD.replace(
            "competency: teknis\n", "competency: teknis\nevaluation: required\n")))
        db.session.commit()
        pretest = db.session.scalar(sa.select(Module).where(Module.slug == "pretes"))
        text = authoring.module_md(authoring.draft_of(pretest))
        assert "role: pretest" in text and "pass_score" not in text
        assert "max_attempts" not in text and "review" not in text
        course = pretest.course
        assert "evaluation: required" in authoring.course_md(authoring.settings_of(course))
        graded = db.session.scalar(sa.select(Module).where(Module.slug == "kuis"))
        assert "role" not in authoring.module_md(authoring.draft_of(graded))
