"""What an attempt asks, and how a submitted form is read back.

A page shows questions through ``questions_for_attempt``, which drops every
answer and explanation, and names options by tokens drawn afresh for each
attempt (see attempts.py), so nothing learnt from one attempt's page
identifies an option in the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...models import Module, QuizAttempt

#: Longest short answer kept.
MAX_TEXT_ANSWER = 500


@dataclass
class ShownOption:
    token: str
    html: str
    chosen: bool = False


@dataclass
class ShownQuestion:
    """A question as the learner sees it before submitting: no answers, no explanation."""

    key: str
    number: int
    kind: str
    points: int
    prompt_html: str
    options: list[ShownOption] = field(default_factory=list)
    text: str = ""

    @property
    def answered(self) -> bool:
        return bool(self.text.strip()) if self.kind == "short_answer" else any(
            o.chosen for o in self.options)


def _option_pairs(attempt: QuizAttempt, question_key: str) -> list[tuple[str, str]]:
    """(option key, token) in the attempt's order; attempts begun before tokens
    existed used the option key itself."""
    entries = attempt.layout.get("options", {}).get(question_key, [])
    return [(e, e) if isinstance(e, str) else (e[0], e[1]) for e in entries]


def ordered_questions(module: Module, attempt: QuizAttempt) -> list[dict[str, Any]]:
    """The attempt's questions in its order, as stored in ``Module.quiz`` (with answers)."""
    by_key = {q["key"]: q for q in module.quiz["questions"]}
    order = [k for k in attempt.layout["questions"] if k in by_key]
    if not attempt.layout.get("drawn"):
        order += [k for k in by_key if k not in order]  # added after the attempt began
    return [by_key[k] for k in order]


def questions_for_attempt(module: Module, attempt: QuizAttempt,
                          answers: dict[str, Any] | None = None) -> list[ShownQuestion]:
    """The attempt's questions, each with the answer given so far (saved, or ``answers``)."""
    given = (attempt.answers or {}) if answers is None else answers
    shown = []
    for number, q in enumerate(ordered_questions(module, attempt), start=1):
        options = {o["key"]: o for o in q["options"]}
        pairs = [(k, t) for k, t in _option_pairs(attempt, q["key"]) if k in options]
        pairs += [(k, k) for k in options if k not in {p[0] for p in pairs}]
        answer = given.get(q["key"])
        chosen = set(answer) if isinstance(answer, list) else set()
        shown.append(ShownQuestion(
            key=q["key"], number=number, kind=q["kind"], points=q["points"],
            prompt_html=q["prompt_html"],
            options=[ShownOption(token, options[key]["html"], key in chosen)
                     for key, token in pairs],
            text=answer if isinstance(answer, str) else ""))
    return shown


def read_answers(module: Module, attempt: QuizAttempt, getlist) -> dict[str, Any]:
    """The answers in a submitted form (``getlist(name)``), as option keys and texts.

    Only this attempt's tokens count: a value from another attempt's page,
    or an option key, names nothing.
    """
    answers: dict[str, Any] = {}
    for q in ordered_questions(module, attempt):
        values = getlist(f"q-{q['key']}")
        if q["kind"] == "short_answer":
            answers[q["key"]] = (values[0] if values else "")[:MAX_TEXT_ANSWER]
            continue
        by_token = {token: key for key, token in _option_pairs(attempt, q["key"])}
        keys = [by_token[v] for v in values if v in by_token]
        if q["kind"] != "multiple":
            keys = keys[:1]
        answers[q["key"]] = list(dict.fromkeys(keys))
    return answers


def unanswered(module: Module, attempt: QuizAttempt, answers: dict[str, Any]) -> list[int]:
    """Numbers (1-based, as shown) of the questions without an answer."""
    return [q.number for q in questions_for_attempt(module, attempt, answers) if not q.answered]
