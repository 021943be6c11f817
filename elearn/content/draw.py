"""A quiz that asks part of its questions: the ``draw`` front-matter key.

``draw: 10`` asks ten questions drawn from all of them; ``draw: {etika: 3,
layanan: 3}`` asks three from each group, a question's group being set by
``{group=...}`` at the end of its heading. The checked value is ``{"*": 10}``
or ``{"etika": 3, "layanan": 3}``; None (no ``draw``) asks every question.
"""

from __future__ import annotations

import re
from typing import Any

from .model import N_, Problem, Question

#: The key of a draw from the whole pool.
WHOLE_POOL = "*"
GROUP = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_GROUP_CHARS = 40
_WHOLE = re.compile(r"[+-]?\d{1,9}")


def is_group_name(name: str) -> bool:
    return len(name) <= MAX_GROUP_CHARS and GROUP.match(name) is not None


def _count(value: Any) -> int | None:
    """A whole number of questions, or None (booleans are not numbers here)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def check_draw(value: Any, line: int, questions: list[Question], file: str
               ) -> tuple[dict[str, int] | None, list[Problem]]:
    """The draw a quiz's front matter asks for, and every problem with it.

    Problems with the value are reported on the ``draw`` line; a question
    that no group of the draw can pick is reported on its heading line.
    """
    if value is None:
        return None, []
    if isinstance(value, dict):
        return _check_groups(value, line, questions, file)
    n = _count(value)
    if n is None:
        return None, [Problem(file, line, N_(
            "draw must be a number of questions, e.g. 10, or questions per group, "
            "e.g. {etika: 3, layanan: 3}; got '%(value)s'"), {"value": value})]
    if n < 1:
        return None, [Problem(file, line, N_(
            "draw must ask for at least 1 question, got '%(value)s'"), {"value": value})]
    if n > len(questions):
        return None, [Problem(file, line, N_(
            "draw asks for %(n)d questions but the quiz has %(count)d"),
            {"n": n, "count": len(questions)})]
    return {WHOLE_POOL: n}, []


def _check_groups(value: dict, line: int, questions: list[Question], file: str
                  ) -> tuple[dict[str, int] | None, list[Problem]]:
    problems: list[Problem] = []
    draw: dict[str, int] = {}
    if not value:
        problems.append(Problem(file, line, N_(
            "draw names no group; write e.g. {etika: 3, layanan: 3}")))
    for raw_group, raw_n in value.items():
        group, n = str(raw_group), _count(raw_n)
        if not is_group_name(group):
            problems.append(Problem(file, line, N_(
                "draw group '%(group)s' must be lower-case letters, digits and single "
                "hyphens, at most %(limit)d characters"),
                {"group": group, "limit": MAX_GROUP_CHARS}))
        elif n is None or n < 1:
            problems.append(Problem(file, line, N_(
                "draw for group '%(group)s' must be a whole number from 1, got '%(value)s'"),
                {"group": group, "value": raw_n}))
        else:
            available = sum(1 for q in questions if q.group == group)
            if n > available:
                problems.append(Problem(file, line, N_(
                    "draw asks for %(n)d questions of group '%(group)s' but the quiz has "
                    "%(count)d"), {"n": n, "group": group, "count": available}))
            draw[group] = n
    named = [str(group) for group in value]
    names = ", ".join(named)
    for q in questions:
        if not q.group:
            problems.append(Problem(file, q.line, N_(
                "question has no group, but draw picks by group (%(groups)s): end the "
                "heading with {group=...}"), {"groups": names}))
        elif q.group not in named:
            problems.append(Problem(file, q.line, N_(
                "question group '%(group)s' is not in draw (%(groups)s)"),
                {"group": q.group, "groups": names}))
    return (None if problems else draw), problems


def draw_from_text(text: str) -> Any:
    """The front-matter value for the editor's short form of a draw.

    ``""`` is None (every question), ``"10"`` is 10, ``"etika: 3, layanan: 3"``
    (braces optional) is ``{"etika": 3, "layanan": 3}``. Text that is none of
    these comes back as written, so the checker reports it like any mistake
    in a file.
    """
    text = text.strip()
    if not text:
        return None
    if _WHOLE.fullmatch(text):
        return int(text)
    inner = text[1:-1] if text.startswith("{") and text.endswith("}") else text
    mapping: dict[str, Any] = {}
    for part in inner.split(","):
        group, colon, n = (piece.strip() for piece in part.partition(":"))
        if not colon or not group or group in mapping:
            return text
        mapping[group] = int(n) if _WHOLE.fullmatch(n) else n
    return mapping


def draw_text(value: Any) -> str:
    """The editor's short form of a front-matter ``draw`` value (the inverse of
    ``draw_from_text``)."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return ", ".join(f"{group}: {n}" for group, n in value.items())
    return str(value)
