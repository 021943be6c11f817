"""Scaled out (issue 13): two gunicorn instances on one PostgreSQL and one Redis behave
as one platform. A visitor's requests may land on either instance, as behind a load
balancer without sticky sessions."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import sqlalchemy as sa

from config import Config

from ..conftest import csrf_token
from .conftest import ADDRESS_LIMIT, LEARNERS
from .visitor import Visitor

WRONG = "Salah-Sekali-99"
#: ELEARN_LOGIN_FREE_FAILURES, left at its default on the instances.
FREE_FAILURES = Config.LOGIN_FREE_FAILURES


def test_a_session_started_on_one_instance_works_on_the_other(instances, seeded):
    a, b = instances
    nip = seeded.nips[LEARNERS]
    visitor = Visitor()
    assert visitor.sign_in(a, nip).status == 302
    dashboard = visitor.get(b, "/")
    assert dashboard.status == 200
    assert f"NIP {nip}" in dashboard.text
    cookies = dict(visitor.cookies)
    # A form read from B is accepted by A (one secret key signs the CSRF tokens;
    # a refused sign-out would leave the session alive below) ...
    assert visitor.post_form(a, "/", "/logout", token_from=b).location == "/login"
    # ... and signing out on A ends the session for B too: a copy of the cookies
    # that worked a moment ago is sent to the sign-in page.
    copy = Visitor()
    copy.cookies = cookies
    refused = copy.get(b, "/")
    assert refused.status == 302 and refused.location.startswith("/login")


#: What each refusal says (in Indonesian, the default language).
ADDRESS_REFUSAL = "Terlalu banyak percobaan dalam waktu singkat"
ACCOUNT_REFUSAL = "untuk akun ini. Coba lagi dalam"


def _failures_before_refusal(visitor: Visitor, bases: tuple[str, ...],
                             identifier: Callable[[int], str]) -> tuple[int, str]:
    """Failed sign-ins (200) sent in turn to ``bases`` until the first refusal (429):
    how many there were, and the refusal's page."""
    for attempt in range(3 * ADDRESS_LIMIT):
        answer = visitor.sign_in(bases[attempt % len(bases)], identifier(attempt), WRONG)
        if answer.status == 429:
            return attempt, answer.text
        assert answer.status == 200, answer.status
    raise AssertionError("no attempt was refused")


def test_the_sign_in_limit_per_address_is_shared_by_the_instances(instances):
    def unknown(n):
        return f"tidak.ada.{n}@medan.go.id"

    # Each instance has two worker processes: counted per process, the limit would
    # let through up to four times as many, and twice as many over both instances.
    alone, _ = _failures_before_refusal(Visitor("203.0.113.1"), instances[:1], unknown)
    spread, refusal = _failures_before_refusal(Visitor("203.0.113.2"), instances, unknown)
    assert alone == spread == ADDRESS_LIMIT
    assert ADDRESS_REFUSAL in refusal
    # The limit is per client address as the proxy reports it, not per connection:
    # another visitor behind the same proxy may still try.
    assert Visitor("203.0.113.3").sign_in(instances[1], unknown(99), WRONG).status == 200


def test_the_delays_after_failed_sign_ins_are_shared_by_the_instances(instances, seeded):
    alone_nip, spread_nip = seeded.nips[LEARNERS + 1], seeded.nips[LEARNERS + 2]
    alone, _ = _failures_before_refusal(Visitor("203.0.113.4"), instances[:1],
                                        lambda n: alone_nip)
    spread, refusal = _failures_before_refusal(Visitor("203.0.113.5"), instances,
                                               lambda n: spread_nip)
    assert alone == spread == FREE_FAILURES
    assert ACCOUNT_REFUSAL in refusal
    # Even the right password now waits, on either instance and from another address.
    for base in instances:
        waiting = Visitor("203.0.113.6").sign_in(base, spread_nip)
        assert waiting.status == 429
        assert ACCOUNT_REFUSAL in waiting.text


def test_fifty_completions_at_once_over_both_instances_get_gapless_numbers(
        instances, seeded, database):
    lesson = f"/courses/{seeded.slug}/{seeded.last_lesson}"
    barrier = threading.Barrier(LEARNERS)

    def finish(i: int) -> int:
        """Sign in on one instance, read the lesson on the other, then (all together)
        mark it completed there: the last step of the course."""
        visitor = Visitor(f"198.51.100.{i + 1}")
        here, there = instances[i % 2], instances[1 - i % 2]
        try:
            assert visitor.sign_in(here, seeded.nips[i]).status == 302
            token = csrf_token(visitor.get(there, lesson).text)
            barrier.wait(timeout=60)
        except BaseException:
            barrier.abort()
            raise
        answer = visitor.request(there, "POST", f"{lesson}/complete", {"csrf_token": token},
                                 page=lesson)
        assert answer.location == f"/courses/{seeded.slug}", answer.status
        return answer.status

    with ThreadPoolExecutor(max_workers=LEARNERS) as pool:
        statuses = list(pool.map(finish, range(LEARNERS)))
    assert statuses == [302] * LEARNERS

    engine = sa.create_engine(database)
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT c.seq, c.number, u.nip FROM certificates c "
                "JOIN users u ON u.id = c.user_id")).all()
            completions = conn.execute(sa.text("SELECT count(*) FROM course_completions"))
            completions = completions.scalar()
    finally:
        engine.dispose()
    assert completions == LEARNERS
    assert sorted(seq for seq, _, _ in rows) == list(range(1, LEARNERS + 1))
    assert len({number for _, number, _ in rows}) == LEARNERS
    assert sorted(nip for _, _, nip in rows) == sorted(seeded.nips[:LEARNERS])
