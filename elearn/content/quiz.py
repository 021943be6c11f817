"""Quiz questions written as plain Markdown (see docs/authoring.md)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from .draw import MAX_GROUP_CHARS, is_group_name
from .model import N_, Option, Problem, Question

_HEADING = re.compile(r"^##(?!#)\s*(.*?)\s*$")
# A trailing {...} that starts with key= is the question's attribute block;
# other braces ({#id}, {x}) stay part of the question text, as they always did.
_ATTRIBUTES = re.compile(r"\{(\s*[A-Za-z][\w-]*\s*=[^{}]*)\}\s*$")
_EQUALS = re.compile(r"\s*=\s*")
_POINTS = re.compile(r"[0-9]{1,3}")
ATTRIBUTE_KEYS = ("group", "points")
_OPTION = re.compile(r"^\s*[-*+]\s+\[( |x|X)\]\s*(.*)$")
_ANSWER = re.compile(r"^=\s?(.*)$")
_EXPLANATION = re.compile(r"^>\s?(.*)$")
_FENCE = re.compile(r"^\s*(```|~~~)")
TRUE_FALSE = ("benar", "salah")


def normalize_answer(text: str) -> str:
    """Short answers compare case-, space- and final-full-stop-insensitively."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split()).rstrip(".").strip()


def _key(prefix: str, text: str) -> str:
    return prefix + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:10]


def parse_questions(
    body: str, first_line: int, file: str
) -> tuple[str, list[Question], list[Problem]]:
    """Split a quiz body into its intro Markdown and questions, with problems."""
    problems: list[Problem] = []
    intro: list[str] = []
    questions: list[Question] = []
    current: Question | None = None
    prompt_lines: list[str] = []
    explanation: list[str] = []
    in_fence = False
    empty_answer: set[int] = set()

    def finish() -> None:
        if current is None:
            return
        current.prompt = "\n".join(prompt_lines).strip()
        current.explanation = "\n".join(explanation).strip()
        _validate(current, file, problems, current.line in empty_answer)

    for offset, line in enumerate(body.split("\n")):
        number = first_line + offset
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        if heading:
            finish()
            text = heading.group(1)
            points, group = 1, ""
            if m := _ATTRIBUTES.search(text):
                text = text[: m.start()].strip()
                points, group = _attributes(m.group(1), file, number, problems)
            current = Question(key="", kind="", line=number, prompt="", points=points,
                               group=group)
            prompt_lines = [text] if text else []
            explanation = []
            if not text:
                problems.append(Problem(file, number, N_("question heading has no text")))
            questions.append(current)
            continue
        if current is None:
            intro.append(line)
            continue
        if in_fence or _FENCE.match(line):
            if current.options or current.answers or explanation:
                problems.append(Problem(file, number, N_(
                    "a code block must come before the options")))
            else:
                prompt_lines.append(line)
            continue
        if option := _OPTION.match(line):
            if explanation:
                problems.append(Problem(file, number, N_("option after the explanation")))
            text = option.group(2).strip()
            if not text:
                problems.append(Problem(file, number, N_("option has no text")))
            current.options.append(Option(key="", text=text, html="",
                                          correct=option.group(1) in "xX"))
            continue
        if answer := _ANSWER.match(line):
            text = answer.group(1).strip()
            if not text:
                problems.append(Problem(file, number, N_(
                    "short-answer question has an empty answer")))
                empty_answer.add(current.line)
            else:
                current.answers.append(text)
            continue
        if expl := _EXPLANATION.match(line):
            explanation.append(expl.group(1))
            continue
        if not line.strip():
            if explanation:
                explanation.append("")
            elif not (current.options or current.answers):
                prompt_lines.append("")
            continue
        if current.options or current.answers or explanation:
            problems.append(Problem(file, number, N_(
                "unexpected text after the options; a question continues with '- [ ]' options, "
                "'= answer' lines or '> explanation' lines")))
            continue
        prompt_lines.append(line)
    finish()
    if not questions:
        problems.append(Problem(file, first_line, N_(
            "quiz has no questions (start each with a '## ' heading)")))
    seen: dict[str, int] = {}
    for q in questions:
        q.key = _key("q", q.prompt)
        if q.key in seen and q.prompt:
            problems.append(Problem(file, q.line, N_(
                "the same question is already on line %(line)d"), {"line": seen[q.key]}))
        seen.setdefault(q.key, q.line)
    return "\n".join(intro).strip(), questions, problems


def _attributes(block: str, file: str, line: int, problems: list[Problem]) -> tuple[int, str]:
    """Points and group from a heading's ``{points=2 group=etika}``, any order, both optional."""
    def add(message: str, **params) -> None:
        problems.append(Problem(file, line, message, params))

    points, group, seen = 1, "", set()
    for token in _EQUALS.sub("=", block.strip()).split():
        key, equals, value = token.partition("=")
        if not equals or not key:
            add(N_("question attributes are written key=value, e.g. {points=2 group=etika}; "
                   "got '%(text)s'"), text=token)
        elif key not in ATTRIBUTE_KEYS:
            add(N_("unknown question attribute '%(key)s' (allowed: %(allowed)s)"),
                key=key, allowed=", ".join(ATTRIBUTE_KEYS))
        elif key in seen:
            add(N_("question attribute '%(key)s' is given twice"), key=key)
        elif key == "points":
            if _POINTS.fullmatch(value) and 1 <= int(value) <= 100:
                points = int(value)
            else:
                add(N_("points must be a whole number from 1 to 100, got '%(value)s'"),
                    value=value)
        elif is_group_name(value):
            group = value
        else:
            add(N_("group must be lower-case letters, digits and single hyphens, at most "
                   "%(limit)d characters, got '%(value)s'"), limit=MAX_GROUP_CHARS, value=value)
        seen.add(key)
    return points, group


def _validate(q: Question, file: str, problems: list[Problem], empty_answer: bool) -> None:
    def add(message: str, **params) -> None:
        problems.append(Problem(file, q.line, message, params))

    if q.options and q.answers:
        add(N_("question mixes options and '=' answers; use one or the other"))
        q.kind = "single"
        return
    if q.answers:
        q.kind = "short_answer"
        return
    if not q.options:
        if not empty_answer:
            add(N_("question has no options ('- [ ] ...') and no answer ('= ...')"))
        q.kind = "short_answer"
        return
    if len(q.options) < 2:
        add(N_("question needs at least two options"))
    correct = [o for o in q.options if o.correct]
    if not correct:
        add(N_("question has no correct option (mark one with [x])"))
    texts = [normalize_answer(o.text) for o in q.options]
    duplicates = sorted({t for t in texts if texts.count(t) > 1})
    if duplicates:
        add(N_("option '%(text)s' appears twice"), text=duplicates[0])
    for option in q.options:
        option.key = _key("o", option.text)
    if sorted(texts) == sorted(TRUE_FALSE):
        q.kind = "true_false"
    elif len(correct) > 1:
        q.kind = "multiple"
    else:
        q.kind = "single"
