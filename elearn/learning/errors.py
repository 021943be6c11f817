"""What the learning services refuse, as translatable domain errors."""

from __future__ import annotations

from ..errors import DomainError


class LearningError(DomainError):
    """A learning action that is not allowed now; ``message`` says why (translatable)."""


class AssignmentError(LearningError):
    """A mandatory-course assignment that cannot be made as asked."""
