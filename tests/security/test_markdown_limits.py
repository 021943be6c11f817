"""Issue 9 item 4: no Markdown given to the checker, the renderer or the
editor preview may hold a worker for more than a few seconds, and deep
nesting is a checker error, not an exception."""

from __future__ import annotations

import random
import time

import pytest

from elearn.content import check_course
from elearn.content.frontmatter import split_front_matter
from elearn.content.limits import (
    MAX_BRACKETS_PER_BLOCK,
    MAX_FILE_CHARS,
    MAX_NESTING,
    MarkdownTooComplex,
)
from elearn.content.render import render_markdown

from ..conftest import csrf_token
from ..content.helpers import LESSON_MD, make_course

BOUND = 5.0  # seconds; generous, the real times are well under one second
HEAD = "---\ntitle: Serangan\nminutes: 5\n---\n"


def _nested_list(depth):
    return "\n".join("    " * i + "- butir" for i in range(depth))


PATHOLOGICAL = {
    "brackets 10 KB": "[" * 10_000,
    "brackets 50 KB": "[" * 50_000,
    "image brackets 10 KB": "![" * 5_000,
    "brackets across lines": ("[" * 90 + "\n") * 300,
    "brackets per paragraph": ("[" * 100 + "\n\n") * 290,
    "less-than 10 KB": "<" * 10_000,
    "tags per paragraph": ("<a " * 33 + "\n\n") * 290,
    "stars 10 KB": "*" * 10_000,
    "star-a 28 KB": ("*a" * 2_000 + "\n\n") * 7,
    "underscores 10 KB": "_" * 10_000,
    "backticks 10 KB": "`" * 10_000,
    "parens": "[a](" + "(" * 4_000,
    "list nested 400": _nested_list(400),
    "dashes nested 400": "- " * 400 + "x",
    "quotes nested 400": ">" * 400 + " x",
    "quotes nested by lines": "\n".join(">" * i + " x" for i in range(1, 400)),
    "long line 50 KB": "kata " * 10_000,
    "footnotes 600": "\n".join(f"x[^{i}]" for i in range(300))
    + "\n\n" + "\n".join(f"[^{i}]: n" for i in range(300)),
    "table 500 columns": "|" + "a|" * 500 + "\n|" + "-|" * 500 + "\n|" + "b|" * 500,
    "html nested": "<div>" * 2_000 + "x",
    "html nested by blocks": "<div>\n\n" * 2_000,
    "dense inline 29 KB": ("kata [a](b) *c* `d` _e_ <f> \n" * 20 + "\n") * 48,
}


def _check_body(body: str):
    cf = make_course({"01-pengantar.md": HEAD + body})
    start = time.perf_counter()
    _, problems = check_course(cf)
    return time.perf_counter() - start, problems


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_markdown_is_checked_quickly_without_exception(name):
    elapsed, _ = _check_body(PATHOLOGICAL[name])
    assert elapsed < BOUND, f"{name}: {elapsed:.1f}s"


def test_ten_kilobytes_of_brackets_is_a_checker_error():
    _, problems = _check_body("[" * 10_000)
    texts = [str(p) for p in problems]
    assert "content/pelayanan-publik/01-pengantar.md:5: too many '[' or '<' in one paragraph " \
        f"(more than {MAX_BRACKETS_PER_BLOCK}); split the paragraph" in texts


def test_deep_nesting_is_a_checker_error_not_an_exception():
    _, problems = _check_body(_nested_list(60))
    texts = [str(p) for p in problems]
    assert f"content/pelayanan-publik/01-pengantar.md:{5 + MAX_NESTING}: lists or quotes " \
        f"are nested {MAX_NESTING + 1} levels deep; at most {MAX_NESTING} are allowed" in texts


def test_deep_quotes_and_one_line_lists_are_a_checker_error():
    for body in (">" * 400 + " x", "- " * 400 + "x", "1. " * 400 + "x"):
        _, problems = _check_body(body)
        assert [str(p) for p in problems] == [
            "content/pelayanan-publik/01-pengantar.md:5: lists or quotes are nested 400 levels "
            "deep; at most 10 are allowed"]


def test_a_file_over_the_size_limit_is_refused_before_parsing():
    _, problems = _check_body("kata\n" * (MAX_FILE_CHARS // 5 + 10))
    assert [p.line for p in problems] == [1]
    assert "at most 30000 are allowed" in str(problems[0])


def test_a_long_line_is_refused_with_its_line_number():
    _, problems = _check_body("Pembuka.\n\n" + "kata " * 1_100)
    assert any(str(p).startswith("content/pelayanan-publik/01-pengantar.md:7: the line has")
               for p in problems)


def test_normal_nesting_rules_and_code_still_pass():
    body = ("Teks.\n\n" + _nested_list(MAX_NESTING) + "\n\n- - -\n\n> kutipan\n>> dalam\n\n"
            "```python\n" + "    " * 15 + "kode_bertingkat()\n```\n")
    _, problems = _check_body(body)
    assert problems == []


def test_the_renderer_refuses_what_the_checker_refuses():
    with pytest.raises(MarkdownTooComplex):
        render_markdown("[" * 10_000)
    with pytest.raises(MarkdownTooComplex):
        render_markdown(_nested_list(400))


def test_quiz_with_pathological_prompts_is_checked_quickly():
    quiz = ("---\ntitle: Kuis\ntype: quiz\nminutes: 5\n---\n"
            + "## " + " " * 4_900 + "x\n- [x] " + "[" * 90 + "\n- [ ] b\n\n"
            + "## {points=" + "{" * 4_000 + "\n- [x] a\n- [ ] b\n")
    start = time.perf_counter()
    check_course(make_course({"02-kuis.md": quiz}))
    assert time.perf_counter() - start < BOUND


def test_random_pathological_markdown_is_checked_quickly():
    rng = random.Random(9)
    alphabet = ["[", "]", "(", ")", "!", "<", ">", "*", "_", "`", "\n", " ", "-", "#", "|",
                "^", ":", "a", "    ", "\n\n", "1. ", "> ", "- ", "[^1]", "&", "\\", "{", "}"]
    for _ in range(12):
        weights = [rng.random() ** 3 for _ in alphabet]
        body = "".join(rng.choices(alphabet, weights, k=20_000))
        elapsed, _ = _check_body(body)
        assert elapsed < BOUND, repr(body[:200])


def test_yaml_aliases_in_front_matter_are_refused():
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n"
        for i in range(8))
    text = "---\n" + laughs + "title: x\n---\nisi\n"
    start = time.perf_counter()
    _, problems = split_front_matter(text, "01-a.md")
    assert time.perf_counter() - start < BOUND
    assert [str(p) for p in problems] == [
        "01-a.md:2: YAML anchors and aliases (&name, *name) are not allowed"]


def test_instructors_built_from_aliases_do_not_hang_the_checker():
    course = ("---\ntitle: x\nsummary: y\njp: 2\ncompetency: teknis\n"
              "a: &a [\"198507202010012001\", \"198507202010012001\"]\n"
              "b: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
              "instructors: [*b, *b, *b, *b, *b, *b, *b, *b]\n---\nDeskripsi.\n")
    _, problems = check_course(make_course({"course.md": course}))
    assert any("anchors and aliases" in str(p) for p in problems)


def test_deeply_nested_yaml_is_an_error_not_an_exception():
    text = "---\ntitle: " + "[" * 5_000 + "\n---\nisi\n"
    _, problems = split_front_matter(text, "01-a.md")
    assert len(problems) == 1 and "longer than" in str(problems[0])
    text = "---\ntitle: " + "[" * 500 + "]" * 500 + "\n---\nisi\n"
    _, problems = split_front_matter(text, "01-a.md")
    assert [str(p) for p in problems] == [
        "01-a.md:2: the front matter is nested more than 3 levels deep"]


def test_the_editor_preview_of_pathological_text_answers_quickly(app, client, make_user, auth):
    from elearn.courses.store import save_course
    from elearn.extensions import db

    with app.app_context():
        save_course(make_course(), status="draft")
        db.session.commit()
    user = make_user("admin")
    auth.login(user.nip)
    url = "/author/courses/pelayanan-publik/modules/pengantar"
    token = csrf_token(client.get(url).get_data(as_text=True))
    for body in (PATHOLOGICAL["brackets 50 KB"], PATHOLOGICAL["list nested 400"]):
        start = time.perf_counter()
        response = client.post(url, data={
            "csrf_token": token, "title": "Pengantar", "kind": "lesson", "minutes": "10",
            "body": body, "action": "preview"})
        assert time.perf_counter() - start < BOUND
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "paling banyak 30000 karakter" in html or "bertingkat 400 lapis" in html


def test_lesson_helper_text_is_unaffected():
    _, problems = check_course(make_course({"01-pengantar.md": LESSON_MD}))
    assert problems == []


def test_the_preview_renders_only_the_module_being_edited():
    course, problems = check_course(make_course(), render_only="kuis")
    assert problems == []
    rendered = {m.slug: m for m in course.modules}
    assert rendered["pengantar"].body_html == "" and course.description_html == ""
    assert rendered["kuis"].questions[0].prompt_html


def test_a_course_over_its_markup_budget_is_refused_before_anything_is_rendered(monkeypatch):
    """Each file within its limits, but together over the course's budget: a save
    renders every module, so the sum is bounded too, and nothing is rendered."""
    from elearn.content import check as check_module
    from elearn.content.limits import MAX_COURSE_MARKUP, MAX_FILE_CHARS

    dense = "\n\n".join(["*_" * 2000] * 3)  # 12 000 markup characters, within one file's limits
    assert len(dense) < MAX_FILE_CHARS and 12_000 > MAX_COURSE_MARKUP
    lesson = "---\ntitle: Padat\n---\n" + dense + "\n"
    rendered = []
    monkeypatch.setattr(check_module, "render_markdown",
                        lambda *args, **kwargs: rendered.append(1) or "")
    _, problems = check_course(make_course({"01-pengantar.md": lesson}))
    assert [str(p) for p in problems if "together" in p.text()] == [
        "content/pelayanan-publik/course.md:1: the course's Markdown files hold 12011 markup "
        "characters ([ < * _ ` !) together; at most 10000 are allowed"]
    assert rendered == []


def test_a_course_over_its_character_budget_is_refused():
    from elearn.content.limits import MAX_COURSE_CHARS

    prose = "---\ntitle: Bab\n---\n" + ("Pelayanan publik adalah hak warga. " * 20 + "\n\n") * 35
    count = MAX_COURSE_CHARS // len(prose) + 1
    modules = {f"{n:02d}-bab-{n}.md": prose for n in range(3, 3 + count)}
    _, problems = check_course(make_course(modules))
    assert any("characters together; at most 400000 are allowed" in p.text() for p in problems)
