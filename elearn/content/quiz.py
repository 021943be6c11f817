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
    parser = _QuizParser(file)
    for offset, line in enumerate(body.split("\n")):
        parser.feed(line, first_line + offset)
    parser.finish()
    if not parser.questions:
        parser.problems.append(Problem(file, first_line, N_(
            "quiz has no questions (start each with a '## ' heading)")))
    _assign_keys(parser.questions, file, parser.problems)
    return "\n".join(parser.intro).strip(), parser.questions, parser.problems


def _assign_keys(questions: list[Question], file: str, problems: list[Problem]) -> None:
    seen: dict[str, int] = {}
    for q in questions:
        q.key = _key("q", q.prompt)
        if q.key in seen and q.prompt:
            problems.append(Problem(file, q.line, N_(
                "the same question is already on line %(line)d"), {"line": seen[q.key]}))
        seen.setdefault(q.key, q.line)


class _QuizParser:
    """Reads a quiz body line by line: a heading starts a question, then come its
    prompt, options or '=' answers, and '>' explanation lines."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.intro: list[str] = []
        self.questions: list[Question] = []
        self.current: Question | None = None
        self.prompt: list[str] = []
        self.explanation: list[str] = []
        self.in_fence = False
        self.empty_answer: set[int] = set()

    def add(self, line: int, message: str, **params) -> None:
        self.problems.append(Problem(self.file, line, message, params))

    def finish(self) -> None:
        """Close the question being read, if any, and validate it."""
        q = self.current
        if q is None:
            return
        q.prompt = "\n".join(self.prompt).strip()
        q.explanation = "\n".join(self.explanation).strip()
        _validate(q, self.file, self.problems, q.line in self.empty_answer)

    def feed(self, line: str, number: int) -> None:
        fence = _FENCE.match(line)
        if fence:
            self.in_fence = not self.in_fence
        heading = None if self.in_fence else _HEADING.match(line)
        if heading:
            self.start_question(heading.group(1), number)
        elif self.current is None:
            self.intro.append(line)
        elif self.in_fence or fence:
            self.code_line(line, number)
        elif option := _OPTION.match(line):
            self.option(option, number)
        elif answer := _ANSWER.match(line):
            self.answer(answer.group(1).strip(), number)
        elif expl := _EXPLANATION.match(line):
            self.explanation.append(expl.group(1))
        elif not line.strip():
            self.blank_line()
        elif self.after_prompt():
            self.add(number, N_(
                "unexpected text after the options; a question continues with '- [ ]' options, "
                "'= answer' lines or '> explanation' lines"))
        else:
            self.prompt.append(line)

    def after_prompt(self) -> bool:
        q = self.current
        return bool(q.options or q.answers or self.explanation)

    def start_question(self, text: str, number: int) -> None:
        self.finish()
        points, group = 1, ""
        if m := _ATTRIBUTES.search(text):
            text = text[: m.start()].strip()
            points, group = _attributes(m.group(1), self.file, number, self.problems)
        self.current = Question(key="", kind="", line=number, prompt="", points=points,
                                group=group)
        self.prompt = [text] if text else []
        self.explanation = []
        if not text:
            self.add(number, N_("question heading has no text"))
        self.questions.append(self.current)

    def code_line(self, line: str, number: int) -> None:
        if self.after_prompt():
            self.add(number, N_("a code block must come before the options"))
        else:
            self.prompt.append(line)

    def option(self, option: re.Match, number: int) -> None:
        if self.explanation:
            self.add(number, N_("option after the explanation"))
        text = option.group(2).strip()
        if not text:
            self.add(number, N_("option has no text"))
        self.current.options.append(Option(key="", text=text, html="",
                                           correct=option.group(1) in "xX"))

    def answer(self, text: str, number: int) -> None:
        if not text:
            self.add(number, N_("short-answer question has an empty answer"))
            self.empty_answer.add(self.current.line)
        else:
            self.current.answers.append(text)

    def blank_line(self) -> None:
        if self.explanation:
            self.explanation.append("")
        elif not (self.current.options or self.current.answers):
            self.prompt.append("")


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
