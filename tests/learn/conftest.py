"""A published course with two lessons and a quiz, and helpers to drive it."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.models import Module, QuizAttempt

from ..conftest import csrf_token
from ..content.helpers import COURSE_MD, LESSON_MD, QUIZ_MD, make_course

SLUG = "pelayanan-publik"
SECOND_LESSON = LESSON_MD.replace("title: Pengantar", "title: Standar").replace(
    "Lihat [kuis](02-kuis.md).", "Standar pelayanan memberi kepastian.")


def course_files(extra: dict | None = None, course_md: str = COURSE_MD):
    files = {"course.md": course_md, "01-pengantar.md": LESSON_MD,
             "02-standar.md": SECOND_LESSON, "03-kuis.md": QUIZ_MD, "02-kuis.md": None}
    files.update(extra or {})
    return make_course(files)


@pytest.fixture
def course(app):
    with app.app_context():
        save_course(course_files())
        db.session.commit()
    return SLUG


def configure_quiz(app, **fields) -> None:
    """Set quiz rules on the stored quiz module, as the importer stores them."""
    with app.app_context():
        module = db.session.scalar(sa.select(Module).where(Module.slug == "kuis"))
        quiz_data = dict(module.quiz)
        if "draw" in fields:
            quiz_data["draw"] = fields.pop("draw")
            module.quiz = quiz_data
        for name, value in fields.items():
            setattr(module, name, value)
        db.session.commit()


def quiz_key_map(app) -> dict:
    """Question prompt fragment -> question dict (with option keys), from the database."""
    with app.app_context():
        module = db.session.scalar(sa.select(Module).where(Module.slug == "kuis"))
        return {q["prompt_html"]: q for q in module.quiz["questions"]}


def answers_for(app, *, correct: bool = True) -> dict:
    """Form data answering every question right (or every one wrong)."""
    data = {}
    for q in quiz_key_map(app).values():
        name = f"q-{q['key']}"
        if q["kind"] == "short_answer":
            data[name] = q["answers"][0] if correct else "jawaban keliru"
        else:
            keys = [o["key"] for o in q["options"] if o["correct"] == correct]
            data[name] = keys if q["kind"] == "multiple" else keys[:1]
    return data


class Learner:
    """A signed-in learner's browser, as a test client."""

    def __init__(self, client):
        self.client = client

    def token(self, path="/"):
        return csrf_token(self.client.get(path).get_data(as_text=True))

    def post(self, path, data=None, page="/"):
        return self.client.post(path, data={"csrf_token": self.token(page), **(data or {})})

    def complete(self, module_slug, slug=SLUG):
        return self.post(f"/courses/{slug}/{module_slug}/complete",
                         page=f"/courses/{slug}/{module_slug}")

    def start_quiz(self, lessons_first=True):
        """Start (or continue) the quiz; by default after completing the lessons
        before it, as the quiz requires."""
        if lessons_first:
            for lesson in ("pengantar", "standar"):
                self.complete(lesson)
        response = self.post(f"/courses/{SLUG}/kuis/attempts", page=f"/courses/{SLUG}/kuis")
        return response

    def finish(self):
        """Complete both lessons and pass the quiz; returns the submit's response."""
        self.complete("pengantar")
        self.complete("standar")
        url = self.attempt_url()
        return self.submit(url, answers_for(self.client.application, correct=True))

    def attempt_url(self):
        response = self.start_quiz()
        assert response.status_code == 302, response.get_data(as_text=True)
        return response.headers["Location"]

    def submit(self, url, data, action="confirm"):
        """Submit answers written with option keys, as the page would send them:
        each option named by this attempt's token (unknown values are kept)."""
        token = csrf_token(self.client.get(url).get_data(as_text=True))
        tokens = option_tokens(self.client.application, attempt_id(url))
        sent = {name: [tokens.get(v, v) for v in value] if isinstance(value, list) else value
                for name, value in data.items()}
        return self.client.post(url, data={"csrf_token": token, "action": action, **sent})


@pytest.fixture
def learner(client, auth, make_user):
    account = make_user("learner", unit_code="DISKOMINFO")
    auth.login(account.nip)
    helper = Learner(client)
    helper.account = account
    return helper


def option_tokens(app, attempt: int) -> dict[str, str]:
    """Option key -> the token this attempt's page uses for it."""
    with app.app_context():
        layout = db.session.get(QuizAttempt, attempt).layout
    return {key: token for pairs in layout["options"].values() for key, token in pairs}


def attempt_id(url: str) -> int:
    return int(re.search(r"/attempts/(\d+)", url).group(1))
