"""Item analysis (``elearn.reporting.item_analysis``) on a known dataset.

The quiz "analisis" asks, in this order: q1 single (a right; b, c), q2 single
(x right; y), q3 multiple worth 2 points (a, b right; c, d), q4 short answer
("ASN"), q5 true/false (benar right; salah), never drawn into a first attempt.

First attempts (number 1, submitted), ranked by the stored score, ties by user
id. Eight learners: groups of max(1, floor(0.27 * 8)) = 2, upper L1 L2, lower
L7 L8 (L2 and L3 tie at 80: L2 has the lower id). "+" = full points.

=======  =====  =====  =====  ============  ==========
learner  score  q1     q2     q3            q4
=======  =====  =====  =====  ============  ==========
L1       90     a +    y      a, b +        -
L2       80     a +    y      -             -
L3       80     a +    x +    c, a          Pegawai
L4       70     a +    x +    c             PNS
L5       60     a +    y      (null)        (empty)
L6       40     b      x +    a (1 point)   Aparatur
L7       40     c      x +    c, d          -
L8       20     a +    x +    b (1 point)   -
=======  =====  =====  =====  ============  ==========

Ignored: the second attempts of L2 and L8 (all right, 100), L9's open attempt
number 1 and L1's first attempt at another quiz with the same question keys
(all three with items that would change q1, q2, q3 and q5 if counted).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.learning import quiz
from elearn.learning.quiz import grade_question
from elearn.models import AttemptItem, Course, Module, QuizAttempt, User
from elearn.models.people import utcnow
from elearn.reporting import item_analysis as analysis
from elearn.reporting.item_analysis import (
    NEGATIVE_DISCRIMINATION,
    TOO_HARD,
    GroupFigures,
    item_analysis,
)

from ..certificates.conftest import certificate_settings
from ..conftest import recorded_sql
from ..content.helpers import make_course


def _question(key, kind, options=(), *, points=1, answers=()):
    return {"key": key, "kind": kind, "points": points, "group": None,
            "prompt_html": f"<p>{key}</p>", "explanation_html": "", "answers": list(answers),
            "options": [{"key": k, "html": k, "correct": right} for k, right in options]}


QUIZ = {"draw": None, "questions": [
    _question("q1", "single", [("a", True), ("b", False), ("c", False)]),
    _question("q2", "single", [("x", True), ("y", False)]),
    _question("q3", "multiple", [("a", True), ("b", True), ("c", False), ("d", False)],
              points=2),
    _question("q4", "short_answer", answers=["ASN"]),
    _question("q5", "true_false", [("benar", True), ("salah", False)]),
]}

FIRST = [  # (score, answers) of L1..L8's first attempts
    (90, {"q1": ["a"], "q2": ["y"], "q3": ["a", "b"]}),
    (80, {"q1": ["a"], "q2": ["y"]}),
    (80, {"q1": ["a"], "q2": ["x"], "q3": ["c", "a"], "q4": "Pegawai"}),
    (70, {"q1": ["a"], "q2": ["x"], "q3": ["c"], "q4": "PNS"}),
    (60, {"q1": ["a"], "q2": ["y"], "q3": None, "q4": ""}),
    (40, {"q1": ["b"], "q2": ["x"], "q3": ["a"], "q4": "Aparatur"}),
    (40, {"q1": ["c"], "q2": ["x"], "q3": ["c", "d"]}),
    (20, {"q1": ["a"], "q2": ["x"], "q3": ["b"]}),
]
ALL_RIGHT = {"q1": ["a"], "q2": ["x"], "q3": ["a", "b"], "q4": "ASN", "q5": ["benar"]}
ALL_WRONG = {"q1": ["b"], "q2": ["y"], "q3": ["d"], "q4": "salah", "q5": ["salah"]}

# question: first attempts, correct, share, upper, lower, discrimination, flags
EXPECTED = {
    "q1": (8, 6, 0.75, GroupFigures(2, 2), GroupFigures(2, 1), 0.5, ()),
    "q2": (8, 5, 0.625, GroupFigures(2, 0), GroupFigures(2, 2), -1.0,
           (NEGATIVE_DISCRIMINATION,)),
    "q3": (7, 1, 1 / 7, GroupFigures(1, 1), GroupFigures(2, 0), 1.0, (TOO_HARD,)),
    "q4": (4, 0, 0.0, GroupFigures(0, 0), GroupFigures(0, 0), None, ()),
    "q5": (0, 0, None, GroupFigures(0, 0), GroupFigures(0, 0), None, ()),
}
# question: (option, correct, chosen, share) in the quiz's order
OPTIONS = {
    "q1": [("a", True, 6, 0.75), ("b", False, 1, 0.125), ("c", False, 1, 0.125)],
    "q2": [("x", True, 5, 0.625), ("y", False, 3, 0.375)],
    "q3": [("a", True, 3, 3 / 7), ("b", True, 2, 2 / 7), ("c", False, 3, 3 / 7),
           ("d", False, 1, 1 / 7)],
    "q4": [],
    "q5": [("benar", True, 0, None), ("salah", False, 0, None)],
}


def _course_id() -> int:
    course = save_course(make_course()).course
    db.session.flush()
    return course.id


def _quiz_module(course_id: int, slug: str, position: int) -> Module:
    module = Module(course_id=course_id, slug=slug, position=position, title=slug.title(),
                    kind="quiz", minutes=5, source="", quiz=QUIZ, pass_score=60)
    db.session.add(module)
    db.session.flush()
    return module


def _learners(count: int, start: int = 1) -> list[int]:
    """``count`` learners, ids ascending in the order given."""
    users = [User(nip=f"199001012015011{n:03d}", full_name=f"Peserta {n}", password_hash="-")
             for n in range(start, start + count)]
    ids = []
    for user in users:  # one flush each: ids ascend in the list's order
        db.session.add(user)
        db.session.flush()
        ids.append(user.id)
    return ids


def _attempt(module: Module, user_id: int, number: int, score: float | None,
             answers: dict, *, submitted: bool = True) -> None:
    """An attempt with one item per answered question, graded by the real grader."""
    questions = {q["key"]: q for q in module.quiz["questions"]}
    attempt = QuizAttempt(user_id=user_id, module_id=module.id, number=number,
                          layout={"questions": list(answers)}, answers=answers,
                          submitted_at=utcnow() if submitted else None,
                          score=score if submitted else None,
                          passed=score >= 60 if submitted else None)
    db.session.add(attempt)
    db.session.flush()
    for position, (key, answer) in enumerate(answers.items(), start=1):
        q = questions[key]
        earned = grade_question(q, answer)
        db.session.add(AttemptItem(attempt_id=attempt.id, module_id=module.id,
                                   question_key=key, position=position, points=q["points"],
                                   earned=earned, correct=earned >= q["points"], answer=answer))
    db.session.flush()


@pytest.fixture
def dataset(app):
    """The dataset of the module docstring; returns the quiz's module id."""
    with app.app_context():
        course_id = _course_id()
        module = _quiz_module(course_id, "analisis", 5)
        other = _quiz_module(course_id, "lain", 6)
        learners = _learners(9)
        for user_id, (score, answers) in zip(learners, FIRST, strict=False):
            _attempt(module, user_id, 1, score, answers)
        _attempt(module, learners[1], 2, 100, ALL_RIGHT)
        _attempt(module, learners[7], 2, 100, ALL_RIGHT)
        # Items an open attempt never has: they would show if it were counted.
        _attempt(module, learners[8], 1, None, ALL_WRONG, submitted=False)
        _attempt(other, learners[0], 1, 10, ALL_WRONG)
        db.session.commit()
        return module.id


def _by_key(module_id: int) -> dict[str, analysis.ItemAnalysis]:
    return {item.question_key: item for item in item_analysis(module_id)}


def test_every_question_is_listed_in_the_quizs_order_even_if_never_drawn(app, dataset):
    with app.app_context():
        items = item_analysis(dataset)
    assert [(i.question_key, i.kind) for i in items] == [
        ("q1", "single"), ("q2", "single"), ("q3", "multiple"), ("q4", "short_answer"),
        ("q5", "true_false")]
    never = items[-1]
    assert (never.first_attempts, never.correct_first, never.share_correct_first,
            never.discrimination, never.flags) == (0, 0, None, None, ())


def test_first_attempt_counts_ignore_later_open_and_other_quizzes_attempts(app, dataset):
    with app.app_context():
        items = _by_key(dataset)
    assert {k: (i.first_attempts, i.correct_first, i.share_correct_first)
            for k, i in items.items()} == {k: e[:3] for k, e in EXPECTED.items()}


def test_groups_are_the_top_and_bottom_27_percent_by_first_score_ties_by_user_id(
        app, dataset):
    """q2: upper L1, L2 (not L3, tied with L2) both wrong, lower L7, L8 both right."""
    with app.app_context():
        items = _by_key(dataset)
    assert {k: (i.upper, i.lower, i.discrimination) for k, i in items.items()} == {
        k: e[3:6] for k, e in EXPECTED.items()}


def test_group_members_not_asked_a_question_are_left_out_of_its_share(app, dataset):
    """q3: L2 was not asked it, so the upper group's share is L1's alone (1 of 1);
    q4: no learner of either group was asked it, so it has no discrimination."""
    with app.app_context():
        items = _by_key(dataset)
    assert (items["q3"].upper.share, items["q3"].lower.share) == (1.0, 0.0)
    assert items["q3"].discrimination == 1.0
    assert (items["q4"].upper.share, items["q4"].discrimination) == (None, None)


def test_options_count_the_first_attempts_choosing_each_option(app, dataset):
    with app.app_context():
        items = _by_key(dataset)
    assert {k: [(o.key, o.correct, o.chosen, o.share) for o in i.options]
            for k, i in items.items()} == OPTIONS


def test_flags_mark_too_hard_and_negative_discrimination(app, dataset):
    """q3: 1 of 7 right (< 0.2, 7 asked); q2: discrimination -1; q4: 0 of 4 right
    is not flagged, 4 first attempts being too few."""
    with app.app_context():
        items = _by_key(dataset)
    assert {k: i.flags for k, i in items.items()} == {k: e[6] for k, e in EXPECTED.items()}


def test_a_question_is_flagged_too_hard_from_its_fifth_first_attempt(app, dataset):
    with app.app_context():
        module = db.session.get(Module, dataset)
        [tenth] = _learners(1, start=10)
        _attempt(module, tenth, 1, 30, {"q4": "salah"})
        db.session.commit()
        q4 = _by_key(dataset)["q4"]
    assert (q4.first_attempts, q4.share_correct_first, q4.flags) == (5, 0.0, (TOO_HARD,))


def test_discrimination_needs_four_learners_with_a_first_attempt(app):
    """Three learners: groups of one (the best and the worst) differ, yet no index;
    with a fourth (groups of max(1, floor(1.08)) = 1) it is computed."""
    with app.app_context():
        module = _quiz_module(_course_id(), "analisis", 5)
        learners = _learners(4)
        for user_id, score, answer in zip(learners[:3], (90, 50, 10), ("a", "b", "b"),
                                          strict=True):
            _attempt(module, user_id, 1, score, {"q1": [answer]})
        db.session.commit()
        three = item_analysis(module.id)[0]
        _attempt(module, learners[3], 1, 70, {"q1": ["a"]})
        db.session.commit()
        four = item_analysis(module.id)[0]
    assert (three.upper, three.lower, three.discrimination) == (
        GroupFigures(1, 1), GroupFigures(1, 0), None)
    assert (four.upper, four.lower, four.discrimination) == (
        GroupFigures(1, 1), GroupFigures(1, 0), 1.0)
    assert (four.first_attempts, four.correct_first) == (4, 2)


def test_an_attempt_graded_by_the_quiz_service_is_analysed(app, make_user):
    """The real submit path's stored answers (keys and typed text) are read back."""
    account = make_user("learner")
    with app.app_context():
        save_course(make_course())
        db.session.commit()
        user = db.session.get(User, account.id)
        course = db.session.scalar(sa.select(Course).where(Course.slug == "pelayanan-publik"))
        module = db.session.scalar(sa.select(Module).where(Module.slug == "kuis"))
        module.require_lessons = False
        single, multiple, true_false, short = module.quiz["questions"]
        wrong = next(o["key"] for o in single["options"] if not o["correct"])
        answers = {single["key"]: [wrong],
                   multiple["key"]: [o["key"] for o in multiple["options"] if o["correct"]],
                   true_false["key"]: [o["key"] for o in true_false["options"] if o["correct"]],
                   short["key"]: short["answers"][0]}
        attempt = quiz.start_attempt(user, course, module, certificates=certificate_settings())
        quiz.submit_attempt(user, course, module, attempt, answers,
                            certificates=certificate_settings())
        db.session.commit()
        items = item_analysis(module.id)
    assert [(i.first_attempts, i.correct_first) for i in items] == [(1, 0), (1, 1), (1, 1),
                                                                     (1, 1)]
    for item, question in zip(items[:3], (single, multiple, true_false), strict=True):
        chosen = set(answers[question["key"]])
        assert [(o.key, o.chosen) for o in item.options] == [
            (o["key"], int(o["key"] in chosen)) for o in question["options"]]
    assert items[3].options == ()


def _statements_for(app, module_id: int) -> int:
    with app.app_context():
        db.session.expunge_all()
        with recorded_sql(app) as statements:
            item_analysis(module_id)
        return len(statements)


def test_the_number_of_statements_does_not_grow_with_the_attempts(app, dataset):
    small = _statements_for(app, dataset)
    with app.app_context():
        module = db.session.get(Module, dataset)
        for n, user_id in enumerate(_learners(30, start=20)):
            _attempt(module, user_id, 1, n, ALL_WRONG if n % 3 else ALL_RIGHT)
            _attempt(module, user_id, 2, 100, ALL_RIGHT)
        db.session.commit()
        assert item_analysis(dataset)[0].first_attempts == 38
    assert _statements_for(app, dataset) == small == 3


def test_a_module_that_is_not_a_quiz_is_refused(app):
    with app.app_context():
        course_id = _course_id()
        lesson = db.session.scalar(sa.select(Module.id).where(
            Module.course_id == course_id, Module.kind == "lesson"))
        with pytest.raises(LookupError):
            item_analysis(lesson)
        with pytest.raises(LookupError):
            item_analysis(lesson + 1000)


def test_the_thresholds_are_the_documented_ones():
    assert (analysis.MIN_ASKED_FOR_FLAG, analysis.TOO_HARD_SHARE, analysis.GROUP_SHARE,
            analysis.MIN_LEARNERS_FOR_DISCRIMINATION) == (5, 0.2, 0.27, 4)
    assert (TOO_HARD, NEGATIVE_DISCRIMINATION) == ("too_hard", "negative_discrimination")
