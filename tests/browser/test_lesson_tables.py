"""Lesson tables on a phone: no word split in the middle, the table scrolls in its
own box (the page never scrolls sideways), and a hint says it does."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from elearn.demo import load_demo
from elearn.extensions import db
from elearn.models import Course, Module

from .conftest import PHONE
from .helpers import sign_in

pytestmark = pytest.mark.browser

#: Words of table cells that take more than one line. A line may end after a hyphen or
#: dash, as typography allows, so the pieces between them are what must stay whole.
SPLIT_WORDS = """() => {
  const split = [];
  for (const cell of document.querySelectorAll('.prose td, .prose th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const re = /[^\\s\\-\u2013\u2014]+/g;
      let m;
      while ((m = re.exec(node.data)) !== null) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) split.push(m[0]);
      }
    }
  }
  return split;
}"""


@pytest.fixture
def lessons_with_tables(app):
    with app.app_context():
        load_demo()
        db.session.commit()
        rows = db.session.execute(
            sa.select(Course.slug, Module.slug).join(Module.course)
            .where(Module.kind == "lesson", Module.body_html.contains("<table")))
        return [f"/courses/{course}/{module}" for course, module in rows]


def test_lesson_tables_keep_words_whole_and_scroll_in_their_box_on_a_phone(
        lessons_with_tables, live_server, browser):
    assert len(lessons_with_tables) >= 10  # the sample lessons have tables
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    tab = context.new_page()
    sign_in(tab, live_server, "peserta@demo.example")
    hinted = 0
    for path in lessons_with_tables:
        tab.goto(live_server + path)
        assert tab.evaluate(SPLIT_WORDS) == [], path
        assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
        for table in tab.locator(".prose table").all():
            wide = table.evaluate("t => t.scrollWidth > t.clientWidth + 1")
            hint = table.locator("xpath=preceding-sibling::*[1][contains(@class,'scroll-hint')]")
            if wide:
                hinted += 1
                expect(hint).to_have_text("Geser tabel ke samping untuk melihat seluruhnya →")
            else:
                expect(hint).to_have_count(0)
    assert hinted > 0  # some sample tables are wider than a phone
    context.close()
