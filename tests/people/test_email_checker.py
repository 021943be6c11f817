"""The staff import's email check (``rules.EmailChecker``) gives every address the
verdict and message of ``rules.email_problems``, though it checks a domain once."""

from __future__ import annotations

import pytest

from elearn.people.rules import EmailChecker, email_problems

ADDRESSES = [
    None, "", "pegawai1@medan.go.id", "pegawai2@medan.go.id", "a.b+c_d-e@medan.go.id",
    "budi@diskominfo.medan.go.id", "x@localhost", "x@test", "x@example.invalid",
    "x@-bad.go.id", "x@bad-.go.id", "x@bad..go.id", "x@bad_domain.go.id", "a..b@medan.go.id",
    ".a@medan.go.id", "a.@medan.go.id", "a" * 64 + "@medan.go.id", "a" * 65 + "@medan.go.id",
    "a" * 60 + "@" + "b" * 60 + "." + "c" * 60 + "." + "d" * 60 + ".go.id",
    "a@" + ("b" * 63 + ".") * 4 + "id", "ñandu@medan.go.id", '"quoted"@medan.go.id',
    "a@b@medan.go.id", "Budi@medan.go.id", "x@medan.go.id.", "x@[10.0.0.1]", "x@medan.go.id ",
    "@medan.go.id", "budi@", "budi", "x@ドメイン.jp", "x@xn--eckwd4c7c.xn--zckzah",
    "x@medan.go.id\n", "x y@medan.go.id",
]


@pytest.mark.parametrize("email", ADDRESSES)
def test_same_verdict_and_message_as_the_full_check(email):
    checker = EmailChecker()
    expected = [m.text() for m in email_problems(email)]
    assert [m.text() for m in checker(email)] == expected
    assert [m.text() for m in checker(email)] == expected  # again, from the domain cache


def test_one_checker_for_a_whole_file_keeps_every_verdict():
    checker = EmailChecker()
    for email in ADDRESSES * 2:
        assert [m.text() for m in checker(email)] == [m.text() for m in email_problems(email)]
    assert "medan.go.id" in checker.domains
