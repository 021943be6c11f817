"""Reminders and notices: recorded once, emailed once through a real SMTP server,
shown in the app, and only the kinds a person wants."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from elearn.certificates.issue import issue_certificate
from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.models import Assignment, CourseCompletion, Notification, Unit, User
from elearn.notifications import schedule
from tests.conftest import csrf_token
from tests.content.helpers import make_course

TODAY = date(2026, 12, 1)


@pytest.fixture
def setup(app, make_user):
    """A published course assigned to unit U1 (two people in it, one with no email
    address) and personally to a third person."""
    first = make_user("learner", email="sari@pemko.example", unit_code="U1")
    second = make_user("learner", "198703152010012002", unit_code="U1")  # no address
    third = make_user("learner", "199001012015011004", email="budi@pemko.example")
    with app.app_context():
        course = save_course(make_course()).course
        course.status = "published"
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == "U1"))
        db.session.add_all([Assignment(course_id=course.id, unit_id=unit.id),
                            Assignment(course_id=course.id, user_id=third.id)])
        db.session.commit()
        return {"course_id": course.id, "first": first, "second": second, "third": third}


def kinds_of(app, user_id):
    with app.app_context():
        return sorted(db.session.scalars(sa.select(Notification.kind).where(
            Notification.user_id == user_id)))


def run_schedule(app, today=TODAY):
    with app.app_context():
        counts = schedule.schedule(today)
        db.session.remove()
        return counts


def set_due(app, due):
    with app.app_context():
        for assignment in db.session.scalars(sa.select(Assignment)):
            assignment.due_date = due
        db.session.commit()


def test_a_new_assignment_reaches_everyone_it_covers_once(app, setup):
    assert run_schedule(app)["assignment_new"] == 3
    assert run_schedule(app)["assignment_new"] == 0
    for who in ("first", "second", "third"):
        assert kinds_of(app, setup[who].id) == ["assignment_new"]
    with app.app_context():
        emails = dict(db.session.execute(sa.select(Notification.user_id,
                                                   Notification.email_status)).all())
    assert emails[setup["second"].id] == "none"  # no address: in the app only
    assert emails[setup["first"].id] == "pending"


def test_someone_who_joins_the_unit_later_is_told_too(app, setup, make_user):
    run_schedule(app)
    later = make_user("learner", "199105052015031001", unit_code="U1")
    assert run_schedule(app)["assignment_new"] == 1
    assert kinds_of(app, later.id) == ["assignment_new"]


def test_reminders_7_and_1_day_before_and_weekly_after(app, setup):
    run_schedule(app)
    set_due(app, TODAY + timedelta(days=7))
    assert run_schedule(app)["due_soon"] == 3
    assert run_schedule(app, TODAY + timedelta(days=3))["due_soon"] == 0  # same 7-day step
    assert run_schedule(app, TODAY + timedelta(days=6))["due_soon"] == 3  # 1 day left
    assert run_schedule(app, TODAY + timedelta(days=7))["due_soon"] == 0
    assert run_schedule(app, TODAY + timedelta(days=8))["overdue"] == 3
    assert run_schedule(app, TODAY + timedelta(days=13))["overdue"] == 0  # same week
    assert run_schedule(app, TODAY + timedelta(days=15))["overdue"] == 3  # a week on
    assert kinds_of(app, setup["first"].id) == [
        "assignment_new", "due_soon", "due_soon", "overdue", "overdue"]


def test_no_reminder_after_completing_or_once_the_assignment_is_removed(app, setup):
    set_due(app, TODAY - timedelta(days=1))
    with app.app_context():
        db.session.add(CourseCompletion(user_id=setup["first"].id,
                                        course_id=setup["course_id"], course_version=1, jp=2))
        db.session.execute(sa.delete(Assignment).where(Assignment.user_id.is_not(None)))
        db.session.commit()
    counts = run_schedule(app)
    assert counts["overdue"] == 1  # the second person only
    assert kinds_of(app, setup["first"].id) == []
    assert kinds_of(app, setup["third"].id) == []


def test_optional_kinds_respect_the_persons_choice(app, client, auth, setup):
    auth.login(setup["first"].nip)
    page = client.get("/account/password").get_data(as_text=True)
    assert "Beri tahu saya tentang" in page
    token = csrf_token(page.split('id="notifications"', 1)[1])
    # keep only certificates: assignments and reminders off
    answer = client.post("/account/notifications", data={
        "notify-csrf_token": token, "kind": ["certificate_issued"]})
    assert answer.status_code == 302
    set_due(app, TODAY + timedelta(days=1))
    run_schedule(app)
    assert kinds_of(app, setup["first"].id) == []
    assert kinds_of(app, setup["third"].id) == ["assignment_new", "due_soon"]
    # security notices cannot be turned off
    client.post("/account/notifications", data={"notify-csrf_token": token, "kind": []})
    with app.app_context():
        assert db.session.get(User, setup["first"].id).notifications_off == (
            "assignment_new,certificate_issued,due_soon,overdue")


def test_a_forged_kind_cannot_turn_off_a_security_notice(app, client, auth, setup):
    from elearn.notifications import inbox

    with app.app_context():
        user = db.session.get(User, setup["first"].id)
        inbox.set_turned_off(user, {"password_changed", "password_reset", "overdue", "x"})
        assert user.notifications_off == "overdue"


def test_each_email_arrives_once_when_two_senders_run_at_the_same_time(
        app, setup, mailbox, runner, make_user):
    set_due(app, date.today() + timedelta(days=1))
    late = make_user("learner", "199105052015031001", email="dina@pemko.example")
    with app.app_context():
        db.session.add(Assignment(course_id=setup["course_id"], user_id=late.id,
                                  due_date=date.today() - timedelta(days=10)))
        completion = CourseCompletion(user_id=setup["third"].id,
                                      course_id=setup["course_id"], course_version=1, jp=2)
        db.session.add(completion)
        db.session.flush()
        issue_certificate(completion, pattern="{seq:04d}/ELN/{year}", tz="Asia/Jakarta")
        db.session.commit()
    results = []

    def send():
        results.append(runner.invoke(args=["notify", "send"]))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r.exit_code == 0 for r in results), [r.output for r in results]
    again = runner.invoke(args=["notify", "send"])
    assert "Terkirim: 0" in again.output
    received = mailbox.wait_for(5)
    subjects = sorted((r.recipients[0], r.subject.split(":")[0]) for r in received)
    # budi, who completed: only the certificate; dina: assigned and overdue;
    # sari: assigned and due tomorrow (her unit colleague has no email address)
    assert subjects == [("budi@pemko.example", "Sertifikat terbit"),
                        ("dina@pemko.example", "Kursus baru untuk Anda"),
                        ("dina@pemko.example", "Lewat batas waktu"),
                        ("sari@pemko.example", subjects[3][1]),
                        ("sari@pemko.example", "Kursus baru untuk Anda")]
    assert subjects[3][1].startswith("Batas waktu ")
    certificate_mail = next(r for r in received if r.recipients == ["budi@pemko.example"])
    assert "/verify/" in certificate_mail.text


def test_the_app_lists_messages_counts_unread_and_marks_them_read(app, client, auth, setup):
    run_schedule(app)
    auth.login(setup["first"].nip)
    dashboard = client.get("/").get_data(as_text=True)
    assert '<span class="count" aria-hidden="true">1</span>' in dashboard
    page = client.get("/notifications").get_data(as_text=True)
    assert "Kursus baru untuk Anda" in page and "Baru" in page
    client.post("/notifications/read", data={"csrf_token": csrf_token(page)})
    assert 'class="count"' not in client.get("/").get_data(as_text=True)
    assert 'class="card unread"' not in client.get("/notifications").get_data(as_text=True)


def test_a_password_change_sends_a_security_notice(app, client, auth, make_user, mailbox,
                                                   runner):
    person = make_user("learner", email="sari@pemko.example")
    auth.login(person.nip)
    page = client.get("/account/password").get_data(as_text=True)
    client.post("/account/password", data={
        "csrf_token": csrf_token(page), "current_password": person.password,
        "new_password": "teh manis sore hari", "confirm": "teh manis sore hari"})
    assert kinds_of(app, person.id) == ["password_changed"]
    runner.invoke(args=["notify", "send"])
    (received,) = mailbox.wait_for(1)
    assert "Kata sandi Anda telah diganti" in received.subject


def test_the_admin_log_filters_by_person_kind_and_status(app, client, auth, setup, make_user):
    run_schedule(app)
    admin = make_user("admin")
    auth.login(admin.nip)
    everything = client.get("/admin/notifications").get_data(as_text=True)
    assert everything.count("<tr>") == 4  # a header and three rows
    one = client.get(f"/admin/notifications?q={setup['third'].nip}").get_data(as_text=True)
    assert one.count("<tr>") == 2
    none = client.get("/admin/notifications?status=none").get_data(as_text=True)
    assert none.count("<tr>") == 2 and "Tanpa email" in none
    nobody = client.get("/admin/notifications?kind=overdue").get_data(as_text=True)
    assert "cocok dengan saringan ini" in nobody
    for hostile in ("?q=" + "%" * 500, "?kind=<script>", "?status=x&page=99999",
                    "?q=%00"):
        assert client.get("/admin/notifications" + hostile).status_code in (200, 404)


def test_an_account_made_for_someone_is_announced_without_any_password(
        app, make_user, mailbox, runner):
    person = make_user("learner", email="sari@pemko.example", must_change_password=True)
    make_user("instructor", email="guru@pemko.example")  # chose their own: no message
    result = runner.invoke(args=["notify", "send"])
    assert "Terkirim: 1" in result.output, result.output
    (received,) = mailbox.wait_for(1)
    assert received.recipients == ["sari@pemko.example"]
    assert "Akun elearn Anda sudah siap" in received.subject
    assert person.nip in received.text
    assert person.password not in received.text and person.password not in received.html
    assert "kata sandi awal yang diberikan admin" in received.text


def test_the_log_tells_a_failed_email_that_will_be_retried(app, client, auth, make_user,
                                                          monkeypatch, runner):
    from tests.mailbox import free_port

    person = make_user("learner", email="sari@pemko.example", must_change_password=True)
    monkeypatch.setitem(app.config, "MAIL_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    monkeypatch.setitem(app.config, "MAIL_SECURITY", "none")
    result = runner.invoke(args=["notify", "send"])
    assert "gagal (akan dicoba lagi): 1" in result.output
    admin = make_user("admin")
    auth.login(admin.nip)
    log = client.get(f"/admin/notifications?q={person.nip}").get_data(as_text=True)
    assert "Gagal, akan dicoba lagi" in log and "ConnectionRefusedError" in log


def test_a_person_who_chose_english_gets_english_email(app, setup, mailbox, runner):
    with app.app_context():
        db.session.get(User, setup["first"].id).locale = "en"
        db.session.commit()
    runner.invoke(args=["notify", "send"])
    received = mailbox.wait_for(2)
    english = next(r for r in received if r.recipients == ["sari@pemko.example"])
    assert english.subject.startswith("New course for you: ")
    assert "Hello Test Learner," in english.text and "BKPSDM Kota Medan" in english.text
    other = next(r for r in received if r.recipients == ["budi@pemko.example"])
    assert other.subject.startswith("Kursus baru untuk Anda: ")
    assert 'lang="en"' in english.html and 'lang="id"' in other.html


def test_the_dashboard_lists_the_newest_unread_messages_only_when_there_are_some(
        app, client, auth, setup):
    from tests.conftest import recorded_sql

    auth.login(setup["first"].nip)
    with recorded_sql(app) as quiet:
        page = client.get("/").get_data(as_text=True)
    assert "Baru untuk Anda" not in page
    run_schedule(app)
    with recorded_sql(app) as told:
        page = client.get("/").get_data(as_text=True)
    assert "Baru untuk Anda" in page
    assert "Kursus baru untuk Anda: " in page
    assert 'href="/courses/pelayanan-publik"' in page
    # the messages, then the courses they name: two queries, and only with news
    assert len(told.reads) == len(quiet.reads) + 2
    client.post("/notifications/read", data={
        "csrf_token": csrf_token(client.get("/notifications").get_data(as_text=True))})
    assert "Baru untuk Anda" not in client.get("/").get_data(as_text=True)
