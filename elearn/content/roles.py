"""A quiz's role (``role: pretest``) and the rules a course with a pre-test follows.

A pre-test is taken before the lessons to measure what a learner already knows:
it has no pass mark, one attempt, never reveals its answers and never blocks
anything, so the keys that set those are refused on it. The course's last
graded quiz serves as its post-test, so a course with a pre-test needs one.
"""

from __future__ import annotations

from ..vocabulary import QUIZ_ROLES
from .frontmatter import FrontMatter
from .model import N_, ParsedModule, Problem

PRETEST = "pretest"
#: Keys that make no sense on a pre-test (no pass mark, one attempt, no review).
PRETEST_REFUSED_KEYS = ("pass_score", "max_attempts", "review", "require_lessons",
                        "retry_after")


def read_role(checker, path: str, fm: FrontMatter, module: ParsedModule) -> None:
    """Set ``module.role`` from the quiz's front matter; a pre-test's fixed settings."""
    module.role = checker.choice_value(path, fm, "role", QUIZ_ROLES, "graded")
    module.role_line = fm.lines.get("role", 1)
    if module.role != PRETEST:
        return
    for key in PRETEST_REFUSED_KEYS:
        if key in fm.lines:
            checker.add(path, fm.lines[key], N_(
                "a pre-test has no pass mark, one attempt and no review: remove '%(key)s'"),
                key=key)
    module.pass_score = None
    module.max_attempts = 1
    module.review = "never"
    module.require_lessons = False
    module.retry_after_seconds = None


def role_problems(modules: list[ParsedModule], where) -> list[Problem]:
    """Course-wide rules: one pre-test at most, before every lesson, with a graded
    quiz after it (the post-test). ``where(path)`` names a file for the messages."""
    problems = []
    pretests = [m for m in modules if m.role == PRETEST]
    for extra in pretests[1:]:
        problems.append(Problem(where(extra.filename), extra.role_line, N_(
            "a course has one pre-test at most; the first is %(file)s"),
            {"file": pretests[0].filename}))
    if not pretests:
        return problems
    first = pretests[0]
    lessons_before = [m for m in modules if m.kind == "lesson" and m.position < first.position]
    if lessons_before:
        problems.append(Problem(where(first.filename), first.role_line, N_(
            "the pre-test must come before the lessons, but %(file)s comes first"),
            {"file": lessons_before[0].filename}))
    if not any(m.kind == "quiz" and m.role != PRETEST and m.position > first.position
               for m in modules):
        problems.append(Problem(where(first.filename), first.role_line, N_(
            "a course with a pre-test needs a graded quiz after it (the post-test)")))
    return problems
