"""Pages run a bounded number of SQL queries, whatever the size of the course."""

import pytest

from elearn.courses.store import save_course
from elearn.extensions import db

from ..conftest import recorded_sql
from ..content.helpers import LESSON_MD, QUIZ_MD, make_course


def _course(slug: str, lessons: int):
    files = {f"{i:02d}-materi-{i}.md": LESSON_MD.replace("title: Pengantar", f"title: M{i}")
             .replace("Lihat [kuis](02-kuis.md).", "Isi.") for i in range(1, lessons + 1)}
    files["01-pengantar.md"] = None
    files["02-kuis.md"] = None
    files[f"{lessons + 1:02d}-kuis.md"] = QUIZ_MD
    return make_course(files, slug=slug)


@pytest.fixture
def count_queries(app):
    """Count the SQL statements a block runs."""

    def count(fn):
        with recorded_sql(app) as statements:
            fn()
        return len(statements), len(statements.reads)

    return count


def _pages(learner, slug, lessons):
    return [f"/courses/{slug}", f"/courses/{slug}/materi-1", f"/courses/{slug}/materi-{lessons}",
            f"/courses/{slug}/kuis", "/", "/courses"]


def test_page_queries_do_not_grow_with_the_course(app, learner, count_queries):
    """A 6-module course and a 50-module course (49 lessons and a quiz) cost the same."""
    with app.app_context():
        save_course(_course("kecil", 5))
        save_course(_course("besar", 49))
        db.session.commit()
    for slug, lessons in (("kecil", 5), ("besar", 49)):
        for i in range(1, lessons + 1, 2):  # progress on every other module
            learner.complete(f"materi-{i}", slug=slug)
    counts = {}
    for slug, lessons in (("kecil", 5), ("besar", 49)):
        counts[slug] = [count_queries(lambda p=p: learner.client.get(p).status_code)
                        for p in _pages(learner, slug, lessons)]
    assert counts["kecil"] == counts["besar"], counts
    # Each page reads the session and user, the course with the learner's state in it,
    # its modules with progress, and a quiz page the learner's attempts; a first view
    # also records the visit (tests/performance/test_query_counts.py holds the budget).
    assert max(reads for __, reads in counts["besar"]) <= 4, counts
