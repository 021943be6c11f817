"""What a device sends of the work done offline, read and checked field by field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ...errors import N_
from ..errors import LearningError

#: An item's key: the device's random UUID (or any such token).
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,199}$")
#: Bounds on what one item may carry (a quiz has at most a few hundred options).
MAX_TICKET = 20_000
MAX_ANSWER_FIELDS = 500
MAX_VALUES_PER_FIELD = 50
MAX_VALUE = 600
MAX_SINCE = 500



class BadItem(LearningError):
    """An item that can never be recorded (malformed): the device drops it."""


# --- items sent from the device ------------------------------------------------------

@dataclass
class Item:
    key: str
    kind: str
    user: str
    course: str
    module: str
    #: When the learner did it, by the device's clock (UTC).
    done_at: datetime
    #: Lessons: when the device first showed the lesson, if it did.
    opened_at: datetime | None = None
    #: Lessons: the copy's signed saving time (saved.sign_copy), the earliest opening
    #: the device can claim.
    since: str = ""
    #: Quizzes: the signed layout, when the attempt began, and the form's fields;
    #: for an attempt started online (kind "attempt"), its id instead of a layout.
    ticket: str = ""
    attempt: int = 0
    started_at: datetime | None = None
    answers: dict[str, list[str]] = field(default_factory=dict)


def _time(value: Any, name: str, *, required: bool = True) -> datetime | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise BadItem(N_("The item's %(name)s is missing or not a time."), name=name)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadItem(N_("The item's %(name)s is missing or not a time."), name=name) from None
    if moment.tzinfo is None:
        raise BadItem(N_("The item's %(name)s has no time zone."), name=name)
    return moment.astimezone(UTC)


def _text(data: dict, name: str, pattern: re.Pattern) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not pattern.match(value):
        raise BadItem(N_("The item's %(name)s is missing or malformed."), name=name)
    return value


def read_item(data: Any) -> Item:
    """The item a device sent (JSON), checked field by field; BadItem if malformed."""
    if not isinstance(data, dict):
        raise BadItem(N_("The item is not a JSON object."))
    kind = data.get("kind")
    if kind not in ("completion", "quiz", "attempt"):
        raise BadItem(N_("The item's kind is unknown."))
    user = data.get("user")
    if not isinstance(user, str) or not 1 <= len(user) <= 40:
        raise BadItem(N_("The item's %(name)s is missing or malformed."), name="user")
    item = Item(key=_text(data, "key", KEY_PATTERN), kind=kind, user=user,
                course=_text(data, "course", SLUG_PATTERN),
                module=_text(data, "module", SLUG_PATTERN),
                done_at=_time(data.get("done_at"), "done_at"))
    if kind == "completion":
        item.opened_at = _time(data.get("opened_at"), "opened_at", required=False)
        since = data.get("since", "")
        if not isinstance(since, str) or len(since) > MAX_SINCE:
            raise BadItem(N_("The item's %(name)s is missing or malformed."), name="since")
        item.since = since
        return item
    if kind == "quiz":
        ticket = data.get("ticket")
        if not isinstance(ticket, str) or not 1 <= len(ticket) <= MAX_TICKET:
            raise BadItem(N_("The item's %(name)s is missing or malformed."), name="ticket")
        item.ticket = ticket
        item.started_at = _time(data.get("started_at"), "started_at")
    else:  # an attempt started online, submitted without a connection
        attempt = data.get("attempt")
        if type(attempt) is not int or not 1 <= attempt <= 2**31 - 1:
            raise BadItem(N_("The item's %(name)s is missing or malformed."), name="attempt")
        item.attempt = attempt
    answers = data.get("answers")
    if (not isinstance(answers, dict) or len(answers) > MAX_ANSWER_FIELDS
            or not all(isinstance(k, str) and len(k) <= 60 and isinstance(v, list)
                       and len(v) <= MAX_VALUES_PER_FIELD
                       and all(isinstance(x, str) and len(x) <= MAX_VALUE for x in v)
                       for k, v in answers.items())):
        raise BadItem(N_("The item's %(name)s is missing or malformed."), name="answers")
    item.answers = answers
    return item


