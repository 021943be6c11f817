"""What a checked course folder turns into."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import N_
from ..vocabulary import DEFAULT_REVIEW_POLICY

__all__ = ["N_", "Option", "ParsedCourse", "ParsedModule", "Problem", "Question"]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, translate=lambda s: s) -> str:
        return translate(self.message) % self.params if self.params else translate(self.message)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.text()}"


@dataclass
class Option:
    key: str
    text: str
    html: str
    correct: bool


@dataclass
class Question:
    key: str
    kind: str  # single, multiple, true_false, short_answer
    line: int
    prompt: str
    prompt_html: str = ""
    points: int = 1
    #: Pool group from the heading's ``{group=...}``; ``draw`` may pick per group.
    group: str = ""
    options: list[Option] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    explanation: str = ""
    explanation_html: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key, "kind": self.kind, "points": self.points, "group": self.group,
            "prompt_html": self.prompt_html,
            "options": [{"key": o.key, "html": o.html, "correct": o.correct} for o in self.options],
            "answers": list(self.answers),
            "explanation_html": self.explanation_html,
        }


@dataclass
class ParsedModule:
    filename: str
    position: int
    slug: str
    title: str
    kind: str  # lesson or quiz
    minutes: int
    source: str
    body: str
    body_html: str = ""
    pass_score: int | None = None
    max_attempts: int | None = None
    shuffle: bool = False
    shuffle_questions: bool = False
    #: after_pass (default), after_last_attempt, immediately or never.
    review: str = DEFAULT_REVIEW_POLICY
    #: The quiz opens only once every lesson before it is completed.
    require_lessons: bool = True
    #: Questions asked per attempt: ``{"*": n}`` from the whole pool, or
    #: ``{group: n, ...}`` per group; None asks every question.
    draw: dict[str, int] | None = None
    retry_after_seconds: int | None = None
    time_limit_seconds: int | None = None
    #: graded, or pretest (elearn/content/roles.py); role_line: where ``role:`` is.
    role: str = "graded"
    role_line: int = 1
    questions: list[Question] = field(default_factory=list)

    def quiz_dict(self) -> dict[str, Any] | None:
        if self.kind != "quiz":
            return None
        return {"questions": [q.to_dict() for q in self.questions], "draw": self.draw}


@dataclass
class ParsedCourse:
    slug: str
    title: str = ""
    summary: str = ""
    jp: int = 0
    competency: str = ""
    level: str = "dasar"
    instructors: list[str] = field(default_factory=list)
    cover: str | None = None
    restricted: bool = False
    #: Share of a lesson's estimated minutes a learner must spend before
    #: marking it completed; 0 turns the rule off.
    min_reading_percent: int = 0
    #: The certificate waits for the learner's evaluation of the course.
    evaluation_required: bool = False
    source: str = ""
    description: str = ""
    description_html: str = ""
    modules: list[ParsedModule] = field(default_factory=list)
    assets: dict[str, bytes] = field(default_factory=dict)
    #: SHA-256 of each asset, by path.
    asset_sha256: dict[str, str] = field(default_factory=dict)
    content_hash: str = ""
