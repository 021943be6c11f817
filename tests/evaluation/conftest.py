"""A course with a pre-test, two lessons and a graded quiz (the post-test)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.models import Module

from ..content.helpers import COURSE_MD, LESSON_MD, QUIZ_MD, make_course
from ..learn.conftest import SECOND_LESSON, Learner, attempt_id, option_tokens

SLUG = "pelayanan-publik"
PRETEST_MD = QUIZ_MD.replace("pass_score: 60\nmax_attempts: 2\n", "role: pretest\n")
FIRST_LESSON = LESSON_MD.replace("Lihat [kuis](02-kuis.md).", "Mari mulai.")


def pretest_course(course_md: str = COURSE_MD, **changes):
    files = {"course.md": course_md, "01-pretes.md": PRETEST_MD, "02-pengantar.md": FIRST_LESSON,
             "03-standar.md": SECOND_LESSON, "04-kuis.md": QUIZ_MD, "01-pengantar.md": None,
             "02-kuis.md": None}
    files.update(changes)
    return make_course(files)


@pytest.fixture
def course(app):
    with app.app_context():
        save_course(pretest_course())
        db.session.commit()
    return SLUG


def answers(app, module_slug: str, right: int) -> dict:
    """Form data answering the first ``right`` questions right and the rest wrong."""
    with app.app_context():
        questions = db.session.scalar(
            sa.select(Module).where(Module.slug == module_slug)).quiz["questions"]
    data = {}
    for number, q in enumerate(questions):
        correct = number < right
        if q["kind"] == "short_answer":
            data[f"q-{q['key']}"] = q["answers"][0] if correct else "keliru"
        else:
            keys = [o["key"] for o in q["options"] if o["correct"] == correct]
            data[f"q-{q['key']}"] = keys if q["kind"] == "multiple" else keys[:1]
    return data


class EvaluatingLearner(Learner):
    def take(self, module_slug: str, right: int):
        """Start and submit an attempt at ``module_slug``; the submit's response."""
        started = self.post(f"/courses/{SLUG}/{module_slug}/attempts",
                            page=f"/courses/{SLUG}/{module_slug}")
        url = started.headers.get("Location", "")
        if "/attempts/" not in url:
            return started
        tokens = option_tokens(self.client.application, attempt_id(url))
        data = {name: [tokens.get(v, v) for v in value] if isinstance(value, list) else value
                for name, value in answers(self.client.application, module_slug,
                                           right).items()}
        token = self.token(url)
        return self.client.post(url, data={"csrf_token": token, "action": "confirm", **data})

    def finish(self, right: int = 4):
        self.complete("pengantar")
        self.complete("standar")
        return self.take("kuis", right)

    def evaluate(self, ratings=None, comment="", slug=SLUG):
        ratings = {"relevance": 5, "clarity": 4, "method": 4, "overall": 5} \
            if ratings is None else ratings
        data = {f"q_{key}": str(value) for key, value in ratings.items()}
        return self.post(f"/courses/{slug}/evaluation", {**data, "comment": comment},
                         page=f"/courses/{slug}")


@pytest.fixture
def learner(client, auth, make_user):
    account = make_user("learner", unit_code="DISKOMINFO")
    auth.login(account.nip)
    helper = EvaluatingLearner(client)
    helper.account = account
    return helper
