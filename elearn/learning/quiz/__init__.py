"""Quiz attempts: what opens a quiz, what each attempt asks, how it is graded
and what the learner may see afterwards.

Correct answers live only in ``Module.quiz`` on the server. A page shows
questions through ``questions_for_attempt``, which drops every answer and
explanation, and names options by tokens drawn afresh for each attempt, so
nothing learnt from one attempt's page identifies an option in the next.
What a submitted attempt reveals is decided by ``review_of`` (the quiz's
review policy), never by the template alone.

attempts.py starts attempts (rules, question draw, layout), questions.py
shows them and reads a submitted form back, grading.py saves and grades,
review.py says what a graded attempt reveals. The names callers use are
re-exported here: ``from elearn.learning import quiz; quiz.start_attempt(...)``.
"""

from .attempts import (
    attempts_left,
    attempts_of,
    has_passed,
    lessons_still_open,
    next_attempt_at,
    start_attempt,
)
from .grading import (
    LATE_GRACE,
    BlankSubmission,
    NeedsConfirmation,
    close_if_expired,
    grade_question,
    save_answers,
    submit_attempt,
)
from .questions import (
    MAX_TEXT_ANSWER,
    ShownOption,
    ShownQuestion,
    ordered_questions,
    questions_for_attempt,
    read_answers,
    unanswered,
)
from .review import ItemStatistic, Review, item_statistics, review_of

__all__ = [
    "LATE_GRACE", "MAX_TEXT_ANSWER", "BlankSubmission", "ItemStatistic", "NeedsConfirmation",
    "Review", "ShownOption", "ShownQuestion", "attempts_left", "attempts_of",
    "close_if_expired", "grade_question", "has_passed", "item_statistics",
    "lessons_still_open", "next_attempt_at", "ordered_questions", "questions_for_attempt",
    "read_answers", "review_of", "save_answers", "start_attempt", "submit_attempt",
    "unanswered",
]
