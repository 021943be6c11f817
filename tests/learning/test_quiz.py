"""Quiz services without HTTP: the review policy, question pools, attempt
rules, time limits and front-matter rules as the server enforces them."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.learning import completion, progress, quiz
from elearn.learning.errors import LearningError
from elearn.models import AttemptItem, Course, Module, QuizAttempt, User
from elearn.models.people import utcnow

from ..certificates.conftest import certificate_settings
from ..learn.conftest import SLUG, configure_quiz, course_files

# -- review policy -------------------------------------------------------------------

def test_after_last_attempt_keeps_answers_hidden_after_a_pass_with_attempts_left(app):
    with app.app_context():
        module = Module(review_policy="after_last_attempt", max_attempts=3)
        passed = QuizAttempt(number=1, submitted_at=utcnow(), passed=True, score=90.0)
        assert quiz.review_of(module, [passed]) == quiz.Review(True, False, False)
        module.review_policy = "after_pass"
        assert quiz.review_of(module, [passed]) == quiz.Review(True, True, True)
        # An attempt still open keeps the key hidden even with no attempt left after it.
        module.max_attempts = 1
        open_attempt = QuizAttempt(number=1, submitted_at=None)
        assert quiz.review_of(module, [open_attempt]).answers is False


# -- pools -----------------------------------------------------------------------------

POOL_MD = "---\ntitle: Kuis\ntype: quiz\nminutes: 5\npass_score: 50\nmax_attempts: 0\n---\n" + \
    "\n".join(f"## Soal nomor {n}?\n- [x] Benar {n}\n- [ ] Keliru {n}\n" for n in range(1, 9))


@pytest.fixture
def pool(app, make_user):
    """A quiz of 8 questions asking 4 per attempt, and a learner who finished the lessons."""
    with app.app_context():
        save_course(course_files({"03-kuis.md": POOL_MD}))
        db.session.commit()
    configure_quiz(app, draw={"*": 4})
    account = make_user("learner")
    with app.app_context():
        user = db.session.get(User, account.id)
        course = db.session.scalar(sa.select(Course).where(Course.slug == SLUG))
        for lesson in progress.published_modules(course)[:2]:
            completion.mark_completed(user, course, lesson,
                                      certificates=certificate_settings())
        db.session.commit()
    return account.id


def _objects(user_id):
    user = db.session.get(User, user_id)
    course = db.session.scalar(sa.select(Course).where(Course.slug == SLUG))
    module = db.session.scalar(sa.select(Module).where(Module.slug == "kuis"))
    return user, course, module


def _start(user, course, module):
    return quiz.start_attempt(user, course, module, certificates=certificate_settings())


def _submit(user, course, module, attempt, answers, **options):
    return quiz.submit_attempt(user, course, module, attempt, answers,
                               certificates=certificate_settings(), **options)


def _answer(module, attempt, right: set[int]) -> dict:
    """Answer the attempt's questions: those at the given 1-based positions right."""
    answers = {}
    for number, q in enumerate(quiz.ordered_questions(module, attempt), start=1):
        answers[q["key"]] = [o["key"] for o in q["options"] if o["correct"] == (number in right)]
    return answers


def test_two_attempts_at_a_pool_get_different_questions_each_graded_on_its_own(app, pool):
    with app.app_context():
        user, course, module = _objects(pool)
        first = _start(user, course, module)
        asked_first = list(first.layout["questions"])
        assert len(asked_first) == 4
        assert _start(user, course, module).id == first.id  # stable within it
        _submit(user, course, module, first, _answer(module, first, {1}))
        second = _start(user, course, module)
        asked_second = list(second.layout["questions"])
        assert len(asked_second) == 4 and set(asked_second) != set(asked_first)
        _submit(user, course, module, second, _answer(module, second, {1, 2, 3}))
        db.session.commit()
        assert (first.score, first.passed) == (25.0, False)
        assert (second.score, second.passed) == (75.0, True)
        assert [f["key"] for f in second.feedback] == asked_second
        items = db.session.scalars(sa.select(AttemptItem).where(
            AttemptItem.attempt_id == second.id).order_by(AttemptItem.position)).all()
        assert [i.question_key for i in items] == asked_second
        assert [i.correct for i in items] == [True, True, True, False]
        stats = quiz.item_statistics(module)
        assert sum(s.asked for s in stats.values()) == 8
        assert set(stats) == set(asked_first) | set(asked_second)
        assert sum(s.correct for s in stats.values()) == 4


def test_a_pool_by_group_draws_from_each_group(app, pool):
    with app.app_context():
        module = db.session.scalar(sa.select(Module).where(Module.slug == "kuis"))
        data = dict(module.quiz)
        data["questions"] = [dict(q, group="etika" if i < 4 else "layanan")
                             for i, q in enumerate(data["questions"])]
        data["draw"] = {"etika": 1, "layanan": 2}
        module.quiz = data
        db.session.commit()
        user, course, module = _objects(pool)
        groups = {q["key"]: q["group"] for q in module.quiz["questions"]}
        for _ in range(4):
            attempt = _start(user, course, module)
            asked = [groups[k] for k in attempt.layout["questions"]]
            assert sorted(asked) == ["etika", "layanan", "layanan"]
            _submit(user, course, module, attempt, _answer(module, attempt, {1}))


# -- attempt rules -------------------------------------------------------------------

def test_the_retry_wait_is_enforced_on_the_server(app, pool):
    configure_quiz(app, retry_after_seconds=3600)
    with app.app_context():
        user, course, module = _objects(pool)
        attempt = _start(user, course, module)
        _submit(user, course, module, attempt, _answer(module, attempt, {1}))
        with pytest.raises(LearningError) as refused:
            _start(user, course, module)
        assert refused.value.params["minutes"] == 60
        # An hour later the next attempt may start.
        attempt.submitted_at = utcnow() - timedelta(hours=1, seconds=1)
        db.session.flush()
        assert _start(user, course, module).number == 2


def test_the_time_limit_grades_only_what_was_saved_before_the_deadline(app, pool):
    configure_quiz(app, time_limit_seconds=600)
    with app.app_context():
        user, course, module = _objects(pool)
        attempt = _start(user, course, module)
        assert attempt.deadline is not None
        quiz.save_answers(user, module, attempt, _answer(module, attempt, {1, 2}))
        # The deadline passes; a late submit carrying every answer right...
        attempt.deadline = utcnow() - quiz.LATE_GRACE - timedelta(seconds=1)
        db.session.flush()
        with pytest.raises(LearningError):
            quiz.save_answers(user, module, attempt, _answer(module, attempt, {1, 2, 3, 4}))
        _submit(user, course, module, attempt, _answer(module, attempt, {1, 2, 3, 4}))
        assert attempt.submitted_at is not None and attempt.score == 50.0


RULES_MD = POOL_MD.replace("max_attempts: 0\n", "max_attempts: 3\nreview: never\n"
                           "require_lessons: false\ndraw: 3\ntime_limit: 10m\nretry_after: 1h\n")


def test_rules_written_in_the_front_matter_are_the_rules_the_server_enforces(app, make_user):
    with app.app_context():
        save_course(course_files({"03-kuis.md": RULES_MD}))  # raises on any problem
        db.session.commit()
    account = make_user("learner")
    with app.app_context():
        user, course, module = _objects(account.id)
        assert (module.review_policy, module.require_lessons, module.time_limit_seconds,
                module.retry_after_seconds, module.quiz["draw"]) == (
            "never", False, 600, 3600, {"*": 3})
        attempt = _start(user, course, module)  # no lesson done: allowed here
        assert len(attempt.layout["questions"]) == 3
        left = attempt.deadline - attempt.started_at
        assert left == timedelta(minutes=10)
        _submit(user, course, module, attempt, _answer(module, attempt, {1}))
        assert quiz.review_of(module, quiz.attempts_of(user, module)) == quiz.Review(
            False, False, False)
        with pytest.raises(LearningError):
            _start(user, course, module)  # an hour's wait


def test_a_submit_sent_by_the_clock_at_the_deadline_is_graded_even_if_blank(app, pool):
    configure_quiz(app, time_limit_seconds=600)
    with app.app_context():
        user, course, module = _objects(pool)
        attempt = _start(user, course, module)
        attempt.deadline = utcnow() - timedelta(seconds=2)  # within the grace period
        db.session.flush()
        _submit(user, course, module, attempt, {}, confirmed=False)
        assert attempt.submitted_at is not None and attempt.score == 0.0
