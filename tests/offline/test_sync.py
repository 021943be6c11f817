"""What was done offline reaches the server through /offline/sync: recorded once, by
the rules that hold online, with the device's times kept within sane bounds."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from elearn.extensions import db
from elearn.models import (
    CourseCompletion,
    Enrollment,
    Module,
    ModuleProgress,
    OfflineSubmission,
    QuizAttempt,
)

from ..learn.conftest import SLUG, configure_quiz, quiz_key_map
from ..learn.conftest import course as course  # noqa: F401  (fixture)

NOW = datetime.now(UTC)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def learner(app, client, auth, make_user, course):  # noqa: F811
    account = make_user("learner")
    auth.login(account.nip)
    page = client.get(f"/courses/{SLUG}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(f"/courses/{SLUG}/enrol", data={"csrf_token": token})
    with app.app_context():  # enrolled an hour ago: earlier device times are plausible
        enrollment = db.session.scalar(sa.select(Enrollment))
        enrollment.enrolled_at = datetime.now(UTC) - timedelta(hours=1)
        db.session.commit()
    return account


def session(client) -> dict:
    return client.get("/offline/session").get_json()


def send(client, body: dict, token: str | None = None):
    token = token if token is not None else session(client)["csrf"]
    return client.post("/offline/sync", json=body, headers={"X-CSRFToken": token})


def completion(account, module="pengantar", *, key=None, done_at=None, opened_at=None,
               since="") -> dict:
    body = {"key": key or str(uuid.uuid4()), "kind": "completion", "user": f"u{account.id}",
            "course": SLUG, "module": module, "done_at": iso(done_at or datetime.now(UTC)),
            "since": since}
    if opened_at is not None:
        body["opened_at"] = iso(opened_at)
    return body


def saved_copy(app, account, module="pengantar", *, at: datetime) -> str:
    """The signed saving time an offline copy of ``module`` saved ``at`` carries."""
    from elearn.learning.offline import sign_copy
    from elearn.models import User

    with app.app_context():
        lesson = db.session.scalar(sa.select(Module).where(Module.slug == module))
        return sign_copy(db.session.get(User, account.id), lesson, app.secret_key, now=at)


def progress(app, account, module="pengantar") -> ModuleProgress | None:
    with app.app_context():
        row = db.session.scalar(sa.select(ModuleProgress).join(Module).where(
            ModuleProgress.user_id == account.id, Module.slug == module))
        db.session.expunge_all()
        return row


def utc(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def set_reading(app, percent: int) -> None:
    with app.app_context():
        from elearn.models import Course

        db.session.scalar(sa.select(Course)).min_reading_percent = percent
        db.session.commit()


# --- lessons --------------------------------------------------------------------------

def test_a_lesson_completed_offline_is_recorded_with_the_devices_time(app, client, learner):
    done = datetime.now(UTC) - timedelta(seconds=30)
    response = send(client, completion(learner, done_at=done))
    assert response.status_code == 200
    assert response.get_json()["status"] == "recorded"
    assert "tercatat selesai" in response.get_json()["message"]
    row = progress(app, learner)
    assert abs(utc(row.completed_at) - done) < timedelta(seconds=1)


def test_the_same_item_sent_twice_is_recorded_once_with_the_same_answer(app, client, learner):
    body = completion(learner)
    first, second = send(client, body), send(client, body)
    assert first.get_json() == second.get_json()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OfflineSubmission.id))) == 1


def test_a_time_in_the_future_is_recorded_as_the_arrival(app, client, learner):
    before = datetime.now(UTC)
    send(client, completion(learner, done_at=datetime.now(UTC) + timedelta(days=3)))
    assert before <= utc(progress(app, learner).completed_at) <= datetime.now(UTC)


def test_a_time_before_enrolment_is_never_recorded(app, client, learner):
    with app.app_context():
        enrolled = utc(db.session.scalar(sa.select(Enrollment.enrolled_at)))
    send(client, completion(learner, done_at=datetime(2001, 1, 1, tzinfo=UTC)))
    assert utc(progress(app, learner).completed_at) >= enrolled


def test_a_lesson_marked_inside_its_reading_time_is_refused(app, client, learner):
    set_reading(app, 50)  # a 10-minute lesson: 5 minutes
    now = datetime.now(UTC)
    since = saved_copy(app, learner, at=now - timedelta(minutes=30))
    response = send(client, completion(learner, opened_at=now - timedelta(minutes=2),
                                       done_at=now, since=since))
    assert response.status_code == 200
    assert response.get_json()["status"] == "refused"
    assert "sebelum waktu bacanya (5 menit)" in response.get_json()["message"]
    assert progress(app, learner) is None


def test_a_device_cannot_claim_it_opened_a_lesson_before_saving_it(app, client, learner):
    set_reading(app, 50)
    now = datetime.now(UTC)
    since = saved_copy(app, learner, at=now - timedelta(minutes=1))
    response = send(client, completion(learner, opened_at=now - timedelta(days=30),
                                       done_at=now, since=since))
    assert response.get_json()["status"] == "refused"
    # Nor with a forged or another module's saving time, or none at all.
    other = saved_copy(app, learner, "standar", at=now - timedelta(days=1))
    for forged in (since[:-2] + "xx", other, ""):
        response = send(client, completion(learner, opened_at=now - timedelta(days=1),
                                           done_at=now, since=forged))
        assert response.get_json()["status"] == "refused"
    # Saved long enough before: the device's opening counts.
    since = saved_copy(app, learner, at=now - timedelta(minutes=40))
    response = send(client, completion(learner, opened_at=now - timedelta(minutes=6),
                                       done_at=now, since=since))
    assert response.get_json()["status"] == "recorded"
    assert abs(utc(progress(app, learner).first_opened_at) - (now - timedelta(minutes=6))) \
        < timedelta(seconds=1)


def test_a_lesson_without_any_opening_is_refused_when_reading_time_applies(app, client, learner):
    set_reading(app, 50)
    assert send(client, completion(learner)).get_json()["status"] == "refused"


def test_reading_time_counts_from_the_servers_first_view_when_earlier(app, client, learner):
    set_reading(app, 50)
    client.get(f"/courses/{SLUG}/pengantar")  # the server's first view, now
    with app.app_context():
        row = db.session.scalar(sa.select(ModuleProgress))
        row.first_opened_at = datetime.now(UTC) - timedelta(minutes=20)
        db.session.commit()
    # The device opened it a minute ago; the server saw it twenty minutes ago.
    body = completion(learner, opened_at=datetime.now(UTC) - timedelta(minutes=1))
    assert send(client, body).get_json()["status"] == "recorded"


def test_the_last_lesson_and_quiz_done_offline_complete_the_course_at_the_devices_time(
        app, client, learner):
    configure_quiz(app, require_lessons=False)
    done = datetime.now(UTC) - timedelta(minutes=5)
    send(client, completion(learner, "pengantar", done_at=done - timedelta(minutes=1)))
    send(client, completion(learner, "standar", done_at=done - timedelta(seconds=30)))
    response = send(client, quiz_item(app, client, learner, correct=True, done_at=done,
                                      issued=done - timedelta(minutes=30)))
    assert response.get_json()["status"] == "recorded"
    assert "kursus selesai" in response.get_json()["message"]
    assert "/attempts/" in response.get_json()["url"]
    with app.app_context():
        completed = db.session.scalar(sa.select(CourseCompletion))
        assert abs(utc(completed.completed_at) - done) < timedelta(seconds=1)


# --- quizzes --------------------------------------------------------------------------

def offline_ticket(client) -> str:
    page = client.get(f"/offline/copies/{SLUG}/kuis").get_data(as_text=True)
    match = re.search(r'data-ticket="([^"]+)"', page)
    assert match, "the offline copy carries no quiz"
    return match.group(1), page


def quiz_item(app, client, account, *, correct=True, done_at=None, ticket=None, key=None,
              issued=None):
    if ticket is None and issued is not None:  # a copy saved at ``issued``
        from elearn.learning.offline import draw_ticket
        from elearn.models import User

        with app.app_context():
            quiz = db.session.scalar(sa.select(Module).where(Module.slug == "kuis"))
            ticket, _ = draw_ticket(db.session.get(User, account.id), quiz, app.secret_key,
                                    now=issued)
    ticket = ticket or offline_ticket(client)[0]
    # The copy names options by the ticket's tokens: answer through them.
    from elearn.learning.offline.saved import open_ticket

    with app.app_context():
        layout = open_ticket(ticket, app.secret_key)["l"]
    by_prompt = quiz_key_map(app)
    answers = {}
    for q in by_prompt.values():
        name = f"q-{q['key']}"
        if q["kind"] == "short_answer":
            answers[name] = [q["answers"][0] if correct else "keliru"]
            continue
        tokens = dict(layout["options"][q["key"]])
        keys = [o["key"] for o in q["options"] if o["correct"] == correct]
        answers[name] = [tokens[k] for k in (keys if q["kind"] == "multiple" else keys[:1])]
    done = done_at or datetime.now(UTC)
    return {"key": key or str(uuid.uuid4()), "kind": "quiz", "user": f"u{account.id}",
            "course": SLUG, "module": "kuis", "ticket": ticket, "answers": answers,
            "started_at": iso(done - timedelta(minutes=3)), "done_at": iso(done)}


def attempts(app) -> list[QuizAttempt]:
    with app.app_context():
        rows = db.session.scalars(sa.select(QuizAttempt).order_by(QuizAttempt.number)).all()
        db.session.expunge_all()
        return rows


def test_the_offline_copy_of_a_quiz_never_carries_its_answers(app, client, learner):
    configure_quiz(app, require_lessons=False)
    ticket, page = offline_ticket(client)
    for q in quiz_key_map(app).values():
        if q["kind"] == "short_answer":
            assert q["answers"][0] not in page and q["answers"][0] not in ticket
        assert not q["explanation_html"] or q["explanation_html"] not in page
    assert '"correct"' not in page and "correct" not in ticket


def test_a_quiz_taken_offline_is_graded_once_on_its_signed_layout(app, client, learner):
    configure_quiz(app, require_lessons=False)
    body = quiz_item(app, client, learner, correct=True,
                     issued=datetime.now(UTC) - timedelta(minutes=20))
    first = send(client, body)
    assert first.get_json()["status"] == "recorded"
    assert "sudah dinilai" in first.get_json()["message"]
    # The same submit again, and the same ticket under another key: one attempt.
    assert send(client, body).get_json() == first.get_json()
    assert send(client, {**body, "key": str(uuid.uuid4())}).get_json() == first.get_json()
    graded = attempts(app)
    assert len(graded) == 1 and graded[0].passed and graded[0].score == 100
    assert abs(utc(graded[0].submitted_at) - datetime.fromisoformat(body["done_at"])) \
        < timedelta(seconds=1)


def test_a_quiz_taken_offline_keeps_the_attempt_limit(app, client, learner):
    configure_quiz(app, require_lessons=False, max_attempts=1)
    first_ticket = offline_ticket(client)[0]
    second_ticket = offline_ticket(client)[0]  # saved again before the first arrived
    assert send(client, quiz_item(app, client, learner, correct=False,
                                  ticket=first_ticket)).get_json()["status"] == "recorded"
    second = send(client, quiz_item(app, client, learner, correct=True, ticket=second_ticket))
    assert second.get_json()["status"] == "refused"
    assert len(attempts(app)) == 1


def test_a_quiz_taken_offline_waits_for_its_lessons(app, client, learner):
    # The copy saved before the lessons were done still carries the quiz (offline the
    # lessons may be completed first); on arrival the lessons must be done.
    page = client.get(f"/offline/copies/{SLUG}/kuis").get_data(as_text=True)
    ticket = re.search(r'data-ticket="([^"]+)"', page).group(1)
    assert "data-needs=\"pengantar standar\"" in page
    response = send(client, quiz_item(app, client, learner, ticket=ticket))
    assert response.get_json()["status"] == "refused"
    assert "pelajaran" in response.get_json()["message"]
    assert attempts(app) == []


def test_a_tampered_or_foreign_ticket_is_refused(app, client, auth, make_user, learner):
    configure_quiz(app, require_lessons=False)
    body = quiz_item(app, client, learner)
    tampered = {**body, "ticket": body["ticket"][:-3] + "abc"}
    assert send(client, tampered).get_json()["status"] == "refused"
    # Another learner's ticket, sent under this learner's session.
    other = make_user("learner", nip="199001012015011099")
    auth.logout()
    auth.login(other.nip)
    page = client.get(f"/courses/{SLUG}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(f"/courses/{SLUG}/enrol", data={"csrf_token": token})
    foreign = {**body, "user": f"u{other.id}", "key": str(uuid.uuid4())}
    assert send(client, foreign).get_json()["status"] == "refused"
    assert attempts(app) == []


def test_a_timed_quiz_is_not_offered_offline(app, client, learner):
    configure_quiz(app, require_lessons=False, time_limit_seconds=600)
    page = client.get(f"/offline/copies/{SLUG}/kuis").get_data(as_text=True)
    assert "data-ticket" not in page
    assert "dimulai secara online" in page


def test_a_quiz_changed_after_saving_is_refused(app, client, learner):
    configure_quiz(app, require_lessons=False)
    body = quiz_item(app, client, learner)
    with app.app_context():
        module = db.session.scalar(sa.select(Module).where(Module.slug == "kuis"))
        data = dict(module.quiz)
        data["questions"] = data["questions"][:2]
        module.quiz = data
        db.session.commit()
    response = send(client, body)
    assert response.get_json()["status"] == "refused"
    assert "berubah" in response.get_json()["message"]


# --- who may send what ------------------------------------------------------------------

def test_an_item_of_another_account_is_not_recorded(app, client, learner):
    body = completion(learner)
    body["user"] = "u999999"
    response = send(client, body)
    assert response.status_code == 409
    assert progress(app, learner) is None


def test_sync_needs_the_csrf_token(app, client, learner):
    response = send(client, completion(learner), token="")
    assert response.status_code == 400
    assert progress(app, learner) is None


def test_sync_needs_a_signed_in_learner(client, course):  # noqa: F811
    response = client.post("/offline/sync", json={})
    assert response.status_code in (302, 400)


def test_a_learner_not_enrolled_gets_a_refusal(app, client, auth, make_user, course):  # noqa: F811
    account = make_user("learner")
    auth.login(account.nip)
    response = send(client, completion(account))
    assert response.get_json()["status"] == "refused"
    assert progress(app, account) is None


@pytest.mark.parametrize("body", [
    None, [], "teks", {"kind": "completion"},
    {"key": "x", "kind": "completion", "user": "u1", "course": SLUG, "module": "pengantar",
     "done_at": "2026-12-01T00:00:00Z"},  # a key too short
    {"key": "a" * 65, "kind": "completion", "user": "u1", "course": SLUG,
     "module": "pengantar", "done_at": "2026-12-01T00:00:00Z"},
    {"key": "abcdefgh", "kind": "lesson", "user": "u1", "course": SLUG, "module": "pengantar",
     "done_at": "2026-12-01T00:00:00Z"},
    {"key": "abcdefgh", "kind": "completion", "user": "u1", "course": "../etc",
     "module": "pengantar", "done_at": "2026-12-01T00:00:00Z"},
    {"key": "abcdefgh", "kind": "completion", "user": "u1", "course": SLUG,
     "module": "pengantar", "done_at": "kemarin"},
    {"key": "abcdefgh", "kind": "completion", "user": "u1", "course": SLUG,
     "module": "pengantar", "done_at": "2026-12-01T00:00:00"},  # no time zone
    {"key": "abcdefgh", "kind": "completion", "user": "u1", "course": SLUG,
     "module": "pengantar", "done_at": 1733000000},
    {"key": "abcdefgh", "kind": "quiz", "user": "u1", "course": SLUG, "module": "kuis",
     "done_at": "2026-12-01T00:00:00Z", "started_at": "2026-12-01T00:00:00Z",
     "ticket": "t" * 30_000, "answers": {}},
    {"key": "abcdefgh", "kind": "quiz", "user": "u1", "course": SLUG, "module": "kuis",
     "done_at": "2026-12-01T00:00:00Z", "started_at": "2026-12-01T00:00:00Z",
     "ticket": "t", "answers": {"q-a": ["x" * 1000]}},
    {"key": "abcdefgh", "kind": "quiz", "user": "u1", "course": SLUG, "module": "kuis",
     "done_at": "2026-12-01T00:00:00Z", "started_at": "2026-12-01T00:00:00Z",
     "ticket": "t", "answers": {"q-a": "x"}},
    b"[" * 100_000 + b"]" * 100_000,  # nested deeper than a JSON parser recurses
    b"\xff\xfe not utf-8",
], ids=lambda b: str(b)[:40])
def test_malformed_items_get_a_clear_400_and_write_nothing(app, client, learner, body):
    token = session(client)["csrf"]
    if isinstance(body, bytes | type(None)):
        response = client.post("/offline/sync", data=body or b"{not json",
                               headers={"X-CSRFToken": token, "Content-Type": "application/json"})
    else:
        if isinstance(body, dict) and body.get("user") == "u1":
            body = {**body, "user": f"u{learner.id}"}
        response = send(client, body, token)
    assert response.status_code == 400
    assert response.get_json()["status"] == "invalid"
    assert response.get_json()["message"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OfflineSubmission.id))) == 0



# --- an attempt started online, submitted offline ----------------------------------------

def started_attempt(app, client) -> QuizAttempt:
    page = client.get(f"/courses/{SLUG}/kuis").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(f"/courses/{SLUG}/kuis/attempts", data={"csrf_token": token})
    return attempts(app)[-1]


def attempt_item(app, account, attempt, *, correct=True, done_at=None) -> dict:
    answers = {}
    for q in quiz_key_map(app).values():
        name = f"q-{q['key']}"
        if q["kind"] == "short_answer":
            answers[name] = [q["answers"][0] if correct else "keliru"]
            continue
        tokens = dict(attempt.layout["options"][q["key"]])
        keys = [o["key"] for o in q["options"] if o["correct"] == correct]
        answers[name] = [tokens[k] for k in (keys if q["kind"] == "multiple" else keys[:1])]
    return {"key": str(uuid.uuid4()), "kind": "attempt", "user": f"u{account.id}",
            "course": SLUG, "module": "kuis", "attempt": attempt.id, "answers": answers,
            "done_at": iso(done_at or datetime.now(UTC))}


def test_an_attempt_started_online_and_submitted_offline_is_graded_once(app, client, learner):
    configure_quiz(app, require_lessons=False)
    attempt = started_attempt(app, client)
    body = attempt_item(app, learner, attempt)
    first = send(client, body)
    assert first.get_json()["status"] == "recorded"
    assert f"/attempts/{attempt.id}" in first.get_json()["url"]
    again = send(client, {**body, "key": str(uuid.uuid4())})
    assert again.get_json()["status"] == "recorded"  # already graded, not again
    graded = attempts(app)
    assert len(graded) == 1 and graded[0].passed and graded[0].score == 100


def test_an_offline_submit_arriving_after_the_deadline_is_graded_on_what_was_saved(
        app, client, learner):
    configure_quiz(app, require_lessons=False, time_limit_seconds=600)
    attempt = started_attempt(app, client)
    with app.app_context():  # saved in time: nothing; the deadline is long past
        row = db.session.get(QuizAttempt, attempt.id)
        row.started_at = datetime.now(UTC) - timedelta(hours=2)
        row.deadline = datetime.now(UTC) - timedelta(hours=1, minutes=50)
        db.session.commit()
    response = send(client, attempt_item(app, learner, attempt, correct=True))
    assert response.get_json()["status"] == "recorded"
    graded = attempts(app)[0]
    assert graded.score == 0 and not graded.passed  # the answers it carried came too late
    assert utc(graded.submitted_at) <= datetime.now(UTC)


def test_another_learners_attempt_cannot_be_submitted(app, client, auth, make_user, learner):
    configure_quiz(app, require_lessons=False)
    attempt = started_attempt(app, client)
    other = make_user("learner", nip="199001012015011099")
    auth.logout()
    auth.login(other.nip)
    body = {**attempt_item(app, learner, attempt), "user": f"u{other.id}"}
    assert send(client, body).get_json()["status"] == "refused"
    assert attempts(app)[0].submitted_at is None


def test_an_item_too_large_is_refused_before_it_is_read(app, client, learner):
    body = completion(learner)
    body["padding"] = "x" * (300 * 1024)
    response = send(client, body)
    assert response.status_code == 413
    assert response.get_json()["message"] == "Data ini terlalu besar untuk dicatat."
    assert progress(app, learner) is None
