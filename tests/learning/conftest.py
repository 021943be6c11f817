"""The learn tests' sample course and signed-in learner serve the service tests too."""

from ..learn.conftest import course, learner  # noqa: F401 (fixtures)
