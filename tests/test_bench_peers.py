"""The parts of bench/peers.py that decide what its figures mean (no server, no wrk)."""

from __future__ import annotations

import os

from bench import peers
from bench.loadgen import Result


def _result(rps: float, *, non2xx: int = 0, socket_errors: int = 0, requests: int = 100) -> Result:
    return Result(url="http://127.0.0.1:1/", connections=50, seconds=10.0, requests=requests,
                  rps=rps, p50_ms=10.0, p90_ms=20.0, p99_ms=30.0, max_ms=40.0, non2xx=non2xx,
                  socket_errors=socket_errors, bytes_per_response=1000.0)


def _pages(sign_in: Result, home: Result) -> dict[str, Result]:
    return {"sign-in page": sign_in, "learner home data (dashboard)": home}


def test_ratio_against_the_50x_budget_per_page():
    rows = peers.compare(_pages(_result(1000), _result(600)), _pages(_result(20), _result(12)))
    assert [(r["page"], r["ratio"], r["passed"]) for r in rows] == [
        ("sign-in page", 50.0, True), ("learner home data (dashboard)", 50.0, True)]
    rows = peers.compare(_pages(_result(999), _result(600)), _pages(_result(20), _result(12.1)))
    assert [r["passed"] for r in rows] == [False, False]
    table = peers.table(rows)
    assert table.count("FAIL") == 2
    assert "49.6x" in table


def test_error_answers_and_socket_errors_void_a_run():
    good = _pages(_result(500), _result(300))
    assert peers.problems({"elearn": good, "kolibri": good}) == []
    found = peers.problems({
        "elearn": _pages(_result(500, non2xx=3), _result(300)),
        "kolibri": _pages(_result(10), _result(5, socket_errors=2)),
    })
    assert len(found) == 2
    assert found[0].startswith("elearn sign-in page") and "3 non-2xx" in found[0]
    assert found[1].startswith("kolibri learner home data") and "2 socket errors" in found[1]
    assert peers.problems({"kolibri": _pages(_result(0, requests=0), _result(5))})


def test_kolibri_runs_on_loopback_without_ping_or_discovery(monkeypatch):
    monkeypatch.setenv("KOLIBRI_LISTEN_ADDRESS", "0.0.0.0")  # noqa: S104 - must be replaced
    monkeypatch.setenv("KOLIBRI_DEBUG", "1")
    env = peers.kolibri_env()
    assert env["KOLIBRI_LISTEN_ADDRESS"] == "127.0.0.1"
    assert env["KOLIBRI_DISABLE_PING"] == "1"
    assert env["KOLIBRI_ZEROCONF_ENABLED"] == "0"
    assert env["KOLIBRI_HOME"] == str(peers.KOLIBRI_HOME)
    assert "KOLIBRI_DEBUG" not in env  # nothing from the caller's Kolibri settings leaks in


def test_form_fields_are_read_from_a_page():
    page = peers.parse_page(
        b'<form method="post" action="/courses/a/enrol">'
        b'<input type="hidden" name="csrf_token" value="abc">'
        b'<input type="text" name="q" value="x"></form><a href="/courses/a">A</a>')
    assert page.hidden == {"csrf_token": "abc"}
    assert page.actions == ["/courses/a/enrol"]
    assert page.links == ["/courses/a"]


def test_cpu_per_request_gives_a_second_ratio():
    cpu = {"elearn": {"sign-in page": 2.0, "learner home data (dashboard)": 5.0},
           "kolibri": {"sign-in page": 30.0, "learner home data (dashboard)": 50.0}}
    rows = peers.compare(_pages(_result(200), _result(100)), _pages(_result(20), _result(10)),
                         cpu)
    assert [r["cpu_ratio"] for r in rows] == [15.0, 10.0]
    assert rows[0]["kolibri"]["cpu_ms_per_request"] == 30.0
    assert "server CPU per request" in peers.table(rows)


def test_cpu_of_a_process_group_counts_this_process():
    total = 0
    for n in range(2_000_000):  # burn a little CPU so the clock has ticked
        total += n
    own = os.times()
    assert peers.group_cpu_seconds(os.getpgrp()) >= own.user + own.system - 0.05
    assert peers.group_cpu_seconds(2**22 + 12345) == 0  # no such group
