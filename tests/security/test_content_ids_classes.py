"""Issue 9 item 10d: course content cannot borrow the site's classes (alerts,
buttons) or take a layout id such as ``main``."""

from __future__ import annotations

import re

from elearn.content import check_course
from elearn.content.render import render_markdown

from ..content.helpers import make_course

HEAD = "---\ntitle: Pengantar\nminutes: 5\n---\n"


def _ids(html):
    return re.findall(r'\bid="([^"]*)"', html)


def _classes(html):
    return {c for value in re.findall(r'\bclass="([^"]*)"', html) for c in value.split()}


def test_content_cannot_take_the_layout_main_id_by_attribute_list():
    html = render_markdown("## Judul {#main}\n\nTeks {#main}\n")
    assert "main" not in _ids(html)
    assert 'id="isi-main"' in html


def test_raw_html_ids_and_site_classes_are_dropped():
    html = render_markdown('<div id="main" class="alert alert-error">x</div>\n\n'
                           '<a href="/x" class="button primary" id="lang-label">y</a>\n')
    assert _ids(html) == []
    assert _classes(html) == set()


def test_attribute_lists_cannot_add_site_classes():
    html = render_markdown("Teks\n{: .alert .flash .button .primary }\n\n"
                           "[tautan](https://contoh.go.id){: .button }\n")
    assert _classes(html) == set()


def test_admonition_with_a_site_class_keeps_only_content_classes():
    html = render_markdown('!!! warning alert "Awas"\n    isi\n')
    assert '<div class="admonition warning">' in html
    assert "alert" not in _classes(html)


def test_toc_and_footnote_links_follow_their_prefixed_ids():
    html = render_markdown("[TOC]\n\n## Mengapa\n\nTeks[^1] [lompat](#mengapa).\n\n"
                           "[^1]: Sumber.\n")
    ids = set(_ids(html))
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert targets and targets <= ids
    assert all(i.startswith("isi-") for i in ids)
    assert {"toc", "footnote", "footnote-ref", "footnote-backref"} <= _classes(html)


def test_a_checked_lesson_never_carries_a_layout_id():
    body = "## Isi {#main .alert}\n\n<p id=\"q\" class=\"flash success\">x</p>\n"
    course, problems = check_course(make_course({"01-pengantar.md": HEAD + body}))
    assert problems == []
    html = course.modules[0].body_html
    assert not {"main", "q"} & set(_ids(html))
    assert not {"alert", "flash", "success"} & _classes(html)


def test_code_languages_keep_their_class():
    html = render_markdown("```python\nx = 1\n```\n")
    assert 'class="language-python"' in html
