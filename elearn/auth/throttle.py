"""Growing delays after failed sign-ins, counted per account.

Failures are counted per account whichever identifier was typed (NIP or
email resolve to the same user id; unknown identifiers are counted by their
normalized text). The first ``LOGIN_FREE_FAILURES`` failures cost nothing;
after that each attempt must wait ``LOGIN_DELAY_SECONDS``, doubling with
every further failure up to ``LOGIN_MAX_DELAY_SECONDS``. There is no long
lock-out: an attacker can slow an account down but not close it for more than
the largest delay, and a correct password after the wait signs in and clears
the count. The counters live in the rate limiter's storage, so several
workers or hosts share them when ``RATELIMIT_STORAGE_URI`` is Redis.
"""

from __future__ import annotations

import math
import time

from flask import current_app

from ..extensions import limiter
from ..models import User

#: A failure count is forgotten this long after the first failure.
_COUNT_SECONDS = 24 * 3600


def account_key(user: User | None, identifier: str) -> str:
    if user is not None:
        return f"user:{user.id}"
    return "unknown:" + "".join(identifier.split()).lower()[:254]


def _enabled() -> bool:
    # With ELEARN_RATELIMIT_ENABLED off there is no limiter storage and no delay.
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _keys(account: str) -> tuple[str, str]:
    return f"elearn/login-failures/{account}", f"elearn/login-wait/{account}"


def _delay(failures: int) -> int:
    config = current_app.config
    extra = failures - int(config["LOGIN_FREE_FAILURES"])
    delay = int(config["LOGIN_DELAY_SECONDS"]) * 2 ** min(extra, 30)
    return min(delay, int(config["LOGIN_MAX_DELAY_SECONDS"]))


def _remaining(wait_key: str) -> int:
    return max(1, math.ceil(limiter.storage.get_expiry(wait_key) - time.time()))


def wait_before_attempt(account: str) -> int:
    """Seconds the caller must still wait (0: the attempt may check the password).

    Past the free failures an attempt also takes the wait slot itself, so
    attempts sent in parallel do not all get through while one is checked.
    """
    if not _enabled():
        return 0
    storage = limiter.storage
    failures_key, wait_key = _keys(account)
    if storage.get(wait_key) > 0:
        return _remaining(wait_key)
    failures = storage.get(failures_key)
    if failures >= int(current_app.config["LOGIN_FREE_FAILURES"]) \
            and storage.incr(wait_key, _delay(failures)) != 1:
        return _remaining(wait_key)
    return 0


def record_failure(account: str) -> None:
    if not _enabled():
        return
    storage = limiter.storage
    failures_key, wait_key = _keys(account)
    failures = storage.incr(failures_key, _COUNT_SECONDS)
    if failures >= int(current_app.config["LOGIN_FREE_FAILURES"]):
        storage.clear(wait_key)
        storage.incr(wait_key, _delay(failures))


def record_success(account: str) -> None:
    if not _enabled():
        return
    for key in _keys(account):
        limiter.storage.clear(key)
