"""Fixtures shared by the authoring tests."""

import pytest

from elearn.courses.store import save_course
from elearn.extensions import db

from ..conftest import NIPS
from ..content.helpers import COURSE_MD, make_course


@pytest.fixture
def course(app):
    """A published course whose instructor is the default test instructor."""
    with app.app_context():
        save_course(make_course({"course.md": COURSE_MD.replace(
            '["198507202010012001"]', f'["{NIPS["instructor"]}"]')}))
        db.session.commit()
