"""A lesson shows where it sits in the course: module N of M, every module a tap away,
the completed ones marked."""

import re

from .conftest import SLUG


def _outline(html: str) -> str:
    return re.search(r'<details class="outline">(.*?)</details>', html, re.S).group(1)


def test_a_lesson_outlines_the_course_with_links_and_completed_marks(app, course, learner):
    learner.post(f"/courses/{SLUG}/enrol", page=f"/courses/{SLUG}")
    learner.complete("pengantar")
    outline = _outline(learner.client.get(f"/courses/{SLUG}/standar").get_data(as_text=True))
    assert "Modul 2 dari 3" in outline
    assert f'href="/courses/{SLUG}/pengantar"' in outline
    assert f'href="/courses/{SLUG}/kuis"' in outline
    assert '<strong aria-current="page">Standar</strong>' in outline
    done = re.findall(r'<li>(.*?)</li>', outline, re.S)
    assert "✔" in done[0] and "✔" not in done[1] and "✔" not in done[2]
