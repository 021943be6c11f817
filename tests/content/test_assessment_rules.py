"""Quiz assessment rules in the front matter and question headings, and how mistakes are reported.

The quiz of helpers.QUIZ_MD has four questions; the keys below are written
after ``shuffle: true`` (line 7), so the first new key is on line 8.
"""

import pytest

from elearn.content import check_course
from elearn.content.quiz import parse_questions

from .helpers import LESSON_MD, QUIZ_MD, make_course


def quiz_with(keys: str = "", quiz: str = QUIZ_MD) -> str:
    return quiz.replace("shuffle: true\n", f"shuffle: true\n{keys}")


#: The helper quiz with a group on every question: layanan 2, etika 2.
GROUPED = (QUIZ_MD
           .replace("## Apa tujuan standar pelayanan?", "## Apa tujuan standar pelayanan? "
                                                        "{group=layanan}")
           .replace("{points=2}", "{points=2 group=etika}")
           .replace("wajib dipublikasikan.", "wajib dipublikasikan. {group=layanan}")
           .replace("## Singkatan ASN adalah ...", "## Singkatan ASN adalah ... {group=etika}"))


def quiz_of(text: str):
    course, problems = check_course(make_course({"02-kuis.md": text}))
    return course.modules[1], [str(p) for p in problems]


def problems_of(text: str, path: str = "02-kuis.md") -> list[str]:
    _, problems = check_course(make_course({path: text}))
    return [str(p) for p in problems]


def test_a_quiz_without_the_new_keys_gets_the_defaults():
    quiz, problems = quiz_of(QUIZ_MD)
    assert problems == []
    assert (quiz.review, quiz.require_lessons, quiz.draw, quiz.retry_after_seconds,
            quiz.time_limit_seconds) == ("after_pass", True, None, None, None)
    assert quiz.quiz_dict()["draw"] is None
    assert {q.group for q in quiz.questions} == {""}


def test_every_assessment_key_is_read_into_the_module():
    quiz, problems = quiz_of(quiz_with(
        "review: immediately\nrequire_lessons: false\ndraw: 3\nretry_after: 1h30m\n"
        "time_limit: 45m\n"))
    assert problems == []
    assert (quiz.review, quiz.require_lessons, quiz.draw, quiz.retry_after_seconds,
            quiz.time_limit_seconds) == ("immediately", False, {"*": 3}, 5400, 2700)
    assert quiz.quiz_dict()["draw"] == {"*": 3}


@pytest.mark.parametrize("policy", ["after_pass", "after_last_attempt", "immediately", "never"])
def test_each_review_policy_is_accepted(policy):
    quiz, problems = quiz_of(quiz_with(f"review: {policy}\n"))
    assert problems == [] and quiz.review == policy


def test_a_draw_as_large_as_the_pool_is_accepted():
    quiz, problems = quiz_of(quiz_with("draw: 4\n"))
    assert problems == [] and quiz.draw == {"*": 4}


@pytest.mark.parametrize("draw", ["draw: {layanan: 1, etika: 2}\n",
                                  "draw:\n  layanan: 1\n  etika: 2\n"])
def test_a_draw_per_group_is_read_from_a_flow_or_block_mapping(draw):
    quiz, problems = quiz_of(quiz_with(draw, GROUPED))
    assert problems == []
    assert quiz.draw == {"layanan": 1, "etika": 2}
    assert [q.group for q in quiz.questions] == ["layanan", "etika", "layanan", "etika"]
    assert [q["group"] for q in quiz.quiz_dict()["questions"]] == [
        "layanan", "etika", "layanan", "etika"]


def test_a_whole_pool_draw_ignores_the_groups():
    quiz, problems = quiz_of(quiz_with("draw: 2\n", GROUPED))
    assert problems == [] and quiz.draw == {"*": 2}


def test_groups_without_a_draw_are_kept_on_the_questions():
    quiz, problems = quiz_of(GROUPED)
    assert problems == [] and quiz.draw is None and quiz.questions[1].group == "etika"


@pytest.mark.parametrize(("keys", "expected"), [
    ("review: kadang\n",
     "02-kuis.md:8: review must be one of after_pass, after_last_attempt, immediately, never, "
     "got 'kadang'"),
    ("require_lessons: ya\n", "02-kuis.md:8: require_lessons must be true or false, got 'ya'"),
    ("draw: 12\n", "02-kuis.md:8: draw asks for 12 questions but the quiz has 4"),
    ("draw: 0\n", "02-kuis.md:8: draw must ask for at least 1 question, got '0'"),
    ("draw: -2\n", "02-kuis.md:8: draw must ask for at least 1 question, got '-2'"),
    ("draw: semua\n",
     "02-kuis.md:8: draw must be a number of questions, e.g. 10, or questions per group, "
     "e.g. {etika: 3, layanan: 3}; got 'semua'"),
    ("draw: 2.5\n", "02-kuis.md:8: draw must be a number of questions"),
    ("draw: true\n", "02-kuis.md:8: draw must be a number of questions"),
    ("draw: [2, 2]\n", "02-kuis.md:8: draw must be a number of questions"),
    ("retry_after: 90\n",
     "02-kuis.md:8: retry_after needs a unit: write 90m, not 90 (units: d, h, m)"),
    ("retry_after: '90'\n",
     "02-kuis.md:8: retry_after needs a unit: write 90m, not 90 (units: d, h, m)"),
    ("retry_after: 1 jam\n",
     "02-kuis.md:8: retry_after must be a duration such as 30m, 1h or 1h30m (units: d, h, m), "
     "got '1 jam'"),
    ("retry_after: 1h 30m\n", "02-kuis.md:8: retry_after must be a duration such as"),
    ("retry_after: 31d\n", "02-kuis.md:8: retry_after must be from 1m to 30d, got '31d'"),
    ("retry_after: 0m\n", "02-kuis.md:8: retry_after must be from 1m to 30d, got '0m'"),
    ("time_limit: 25h\n", "02-kuis.md:8: time_limit must be from 1m to 1d, got '25h'"),
    ("time_limit: 45\n",
     "02-kuis.md:8: time_limit needs a unit: write 45m, not 45 (units: d, h, m)"),
    ("time_limit: 30s\n", "02-kuis.md:8: time_limit must be a duration such as"),
    ("pass_score: 70\ntime_limit: 2.5\n", "02-kuis.md:9: time_limit must be a duration such as"),
])
def test_each_bad_assessment_key_is_reported_on_its_line(keys, expected):
    problems = problems_of(quiz_with(keys))
    assert any(p.startswith(f"content/pelayanan-publik/{expected}") for p in problems), problems


def test_the_longest_wait_and_time_limit_are_accepted():
    quiz, problems = quiz_of(quiz_with("retry_after: 30d\ntime_limit: 24h\n"))
    assert problems == []
    assert (quiz.retry_after_seconds, quiz.time_limit_seconds) == (30 * 86400, 86400)


def test_an_empty_review_means_the_default():
    quiz, problems = quiz_of(quiz_with("review:\n"))
    assert problems == [] and quiz.review == "after_pass"


@pytest.mark.parametrize("key", ["review: never", "require_lessons: false", "draw: 2",
                                 "retry_after: 1h", "time_limit: 30m"])
def test_assessment_keys_are_refused_on_lessons(key):
    problems = problems_of(LESSON_MD.replace("minutes: 10", f"minutes: 10\n{key}"),
                           "01-pengantar.md")
    name = key.split(":")[0]
    assert problems == [f"content/pelayanan-publik/01-pengantar.md:4: unknown key '{name}' "
                        "(allowed: minutes, title, type)"]


# Lines in GROUPED with one key added on line 8: questions on 12, 18, 23 and 27.
@pytest.mark.parametrize(("keys", "expected"), [
    ("draw: {layanan: 3, etika: 2}\n",
     ["02-kuis.md:8: draw asks for 3 questions of group 'layanan' but the quiz has 2"]),
    ("draw: {layanan: 1}\n",
     ["02-kuis.md:18: question group 'etika' is not in draw (layanan)",
      "02-kuis.md:27: question group 'etika' is not in draw (layanan)"]),
    ("draw: {layanan: 0, etika: 1}\n",
     ["02-kuis.md:8: draw for group 'layanan' must be a whole number from 1, got '0'"]),
    ("draw: {layanan: dua, etika: 1}\n",
     ["02-kuis.md:8: draw for group 'layanan' must be a whole number from 1, got 'dua'"]),
    ("draw: {Layanan: 1, layanan: 1, etika: 1}\n",
     ["02-kuis.md:8: draw group 'Layanan' must be lower-case letters, digits and single "
      "hyphens, at most 40 characters"]),
    ("draw: {}\n", ["02-kuis.md:8: draw names no group; write e.g. {etika: 3, layanan: 3}"]),
])
def test_each_mistake_in_a_draw_per_group_is_reported(keys, expected):
    problems = problems_of(quiz_with(keys, GROUPED))
    for message in expected:
        assert f"content/pelayanan-publik/{message}" in problems, problems


def test_a_question_without_a_group_is_reported_on_its_heading_when_drawing_by_group():
    text = quiz_with("draw: {layanan: 1, etika: 1}\n",
                     GROUPED.replace(" {group=layanan}\n- [x] Benar", "\n- [x] Benar"))
    assert problems_of(text) == [
        "content/pelayanan-publik/02-kuis.md:23: question has no group, but draw picks by "
        "group (layanan, etika): end the heading with {group=...}"]


@pytest.mark.parametrize(("heading", "expected"), [
    ("{points=2 grup=etika}", "unknown question attribute 'grup' (allowed: group, points)"),
    ("{group=Etika}", "group must be lower-case letters, digits and single hyphens, at most "
                      "40 characters, got 'Etika'"),
    ("{group=etika_publik}", "group must be lower-case letters"),
    ("{group=" + "a" * 41 + "}", "group must be lower-case letters"),
    ("{points=2 points=3}", "question attribute 'points' is given twice"),
    ("{points=2 etika}", "question attributes are written key=value, e.g. "
                         "{points=2 group=etika}; got 'etika'"),
    ("{group=etika points=0}", "points must be a whole number from 1 to 100, got '0'"),
])
def test_each_mistake_in_a_heading_attribute_block_is_reported_on_its_line(heading, expected):
    problems = problems_of(QUIZ_MD.replace("{points=2}", heading))
    assert any(p.startswith(f"content/pelayanan-publik/02-kuis.md:17: {expected}")
               for p in problems), problems


@pytest.mark.parametrize(("heading", "points", "group"), [
    ("{points=2 group=etika}", 2, "etika"), ("{group=etika points=2}", 2, "etika"),
    ("{group=etika-publik}", 1, "etika-publik"), ("{ points = 3 }", 3, ""),
    ("{points=2}", 2, ""), ("{group=" + "a" * 40 + "}", 1, "a" * 40),
])
def test_heading_attributes_come_in_any_order_and_are_each_optional(heading, points, group):
    _, questions, problems = parse_questions(f"## Pilih satu. {heading}\n- [x] A\n- [ ] B\n",
                                             1, "kuis.md")
    assert problems == []
    assert (questions[0].prompt, questions[0].points, questions[0].group) == (
        "Pilih satu.", points, group)


def test_the_attribute_block_is_not_part_of_the_question_key():
    """Adding a group to a question keeps its key, so its statistics and answers stay with it."""
    plain, _ = quiz_of(QUIZ_MD)
    grouped, _ = quiz_of(GROUPED)
    assert [q.key for q in grouped.questions] == [q.key for q in plain.questions]


def test_other_braces_at_the_end_of_a_heading_stay_in_the_question():
    _, questions, problems = parse_questions("## Isi himpunan {1, 2}\n- [x] A\n- [ ] B\n",
                                             1, "kuis.md")
    assert problems == [] and questions[0].prompt == "Isi himpunan {1, 2}"
