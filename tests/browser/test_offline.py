"""Learning without a connection, in Chromium at phone size: a course saved for offline
is read, its lessons marked completed and its quiz submitted while the browser is
offline; back online, each is recorded once with the device's times."""

import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from elearn.extensions import db
from elearn.models import (
    CourseCompletion,
    Module,
    ModuleProgress,
    OfflineSubmission,
    QuizAttempt,
    User,
)

from .conftest import PHONE
from .helpers import answer_quiz, sign_in
from .test_learning_journey import quiz as quiz  # noqa: F401  (fixture: two lessons and a quiz)

pytestmark = pytest.mark.browser

LEARNER = "peserta@demo.example"
#: Where the tests leave screenshots of the offline screens for a person to look at.
SCREENS = Path(os.environ.get("ELEARN_SCREENSHOTS", tempfile.gettempdir()))


def _wait_for(app, check, seconds=20):
    deadline = time.monotonic() + seconds
    while True:
        with app.app_context():
            result = check()
            db.session.remove()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.25)


def _learner_with_a_saved_course(browser, base):
    """A phone browser, the demo learner signed in, the course saved for offline."""
    context = browser.new_context(viewport=PHONE, locale="id-ID")
    tab = context.new_page()
    sign_in(tab, base, LEARNER)
    _saved_course(tab, base)
    return context, tab


def _saved_course(tab, base):
    """Enrol in the course and save it for offline from its page."""
    tab.goto(base + "/courses/pelayanan-publik")
    tab.get_by_role("button", name="Ikuti kursus ini").click()
    expect(tab.get_by_text("Anda sudah terdaftar")).to_be_visible()
    tab.get_by_role("button", name="Simpan untuk offline").click()
    expect(tab.get_by_text("Tersimpan di perangkat ini")).to_be_visible(timeout=20_000)


def test_a_saved_course_is_read_completed_and_its_quiz_submitted_offline(
        app, quiz, live_server, browser):
    context, tab = _learner_with_a_saved_course(browser, live_server)

    context.set_offline(True)
    offline_from = datetime.now(UTC)
    tab.goto(live_server + "/courses/pelayanan-publik/pengantar")
    expect(tab.get_by_text("Salinan offline")).to_be_visible()
    for title in ("Pengantar", "Standar"):
        expect(tab.get_by_role("heading", level=1)).to_have_text(title)
        tab.get_by_role("button", name="Tandai selesai").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Kuis")
    answer_quiz(tab, quiz, correct=True)
    tab.get_by_role("button", name="Kirim jawaban").click()
    expect(tab.get_by_text("akan dinilai")).to_be_visible()
    offline_until = datetime.now(UTC)
    # Nothing reached the server while offline.
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OfflineSubmission.id))) == 0
    time.sleep(1.5)  # the server's clock moves on: the device's times must be kept

    context.set_offline(False)
    tab.goto(live_server + "/")
    assert _wait_for(app, lambda: db.session.scalar(
        sa.select(sa.func.count(OfflineSubmission.id))) == 3), "the queue was not sent"
    # The learner sees what became of it on the next page (once the worker has
    # stored the server's answers, a moment after they arrived).
    graded = tab.get_by_text("sudah dinilai (100) dan kursus selesai")
    for _ in range(20):
        tab.goto(live_server + "/")
        # Filled in from the device's store (a saved course is listed): notices shown
        # are then marked seen, so look before leaving the page.
        expect(tab.locator("[data-saved-list]")).to_be_visible()
        if graded.count():
            break
        tab.wait_for_timeout(250)
    expect(graded).to_be_visible()
    with app.app_context():
        learner = db.session.scalar(sa.select(User).where(User.email == LEARNER))
        rows = db.session.scalars(sa.select(ModuleProgress).where(
            ModuleProgress.user_id == learner.id)).all()
        assert len(rows) == 3 and all(r.completed_at is not None for r in rows)
        attempts = db.session.scalars(sa.select(QuizAttempt).where(
            QuizAttempt.user_id == learner.id)).all()
        assert len(attempts) == 1 and attempts[0].passed
        completions = db.session.scalars(sa.select(CourseCompletion).where(
            CourseCompletion.user_id == learner.id)).all()
        assert len(completions) == 1
        device_times = [r.completed_at for r in rows] + [
            attempts[0].submitted_at, completions[0].completed_at]
        for at in device_times:
            at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
            assert offline_from <= at <= offline_until, "not the device's time"
        assert db.session.scalar(sa.select(sa.func.count(OfflineSubmission.id))) == 3
    context.close()


def _stored(tab) -> dict:
    """What the site keeps in this browser: Cache Storage entries and IndexedDB records."""
    return tab.evaluate("""async () => {
      const caches_ = {};
      for (const name of await caches.keys()) {
        const requests = await (await caches.open(name)).keys();
        caches_[name] = requests.map((r) => new URL(r.url).pathname);
      }
      const records = {};
      for (const info of await indexedDB.databases()) {
        const db = await new Promise((ok, ko) => {
          const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result); r.onerror = ko; });
        for (const store of db.objectStoreNames) {
          records[info.name + "/" + store] = await new Promise((ok) => {
            const g = db.transaction(store).objectStore(store).getAll();
            g.onsuccess = () => ok(g.result); });
        }
        db.close();
      }
      return { caches: caches_, records };
    }""")


def test_signing_out_leaves_nothing_of_the_account_and_the_next_one_sees_none_of_it(
        app, quiz, live_server, browser):
    context, tab = _learner_with_a_saved_course(browser, live_server)
    # Something of everything: a lesson opened and completed offline (queued), quiz
    # answers kept as the learner goes.
    context.set_offline(True)
    tab.goto(live_server + "/courses/pelayanan-publik/pengantar")
    for title in ("Pengantar", "Standar"):
        expect(tab.get_by_role("heading", level=1)).to_have_text(title)
        tab.get_by_role("button", name="Tandai selesai").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Kuis")
    tab.locator("fieldset.question input[type=text]").fill("Aparatur Sipil Negara")
    tab.wait_for_timeout(300)  # kept as the learner goes
    stored = _stored(tab)
    assert any(path.endswith("/pengantar") for paths in stored["caches"].values()
               for path in paths)
    assert stored["records"]["elearn-offline/queue"]
    assert stored["records"]["elearn-offline/answers"]
    context.set_offline(False)

    tab.goto(live_server + "/")
    tab.get_by_role("button", name="Keluar").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Masuk")
    stored = _stored(tab)
    assert stored["caches"] == {} and stored["records"] == {}, stored

    # Another account on the same browser: none of the first one's pages, offline either
    # (offline mode left with them: the browser's own error page).
    sign_in(tab, live_server, "pengajar@demo.example")
    context.set_offline(True)
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        tab.goto(live_server + "/courses/pelayanan-publik/pengantar")
    expect(tab.get_by_text("Salinan offline")).to_have_count(0)
    expect(tab.get_by_text("Pengantar")).to_have_count(0)
    context.close()


def test_a_second_account_never_sees_the_first_ones_pages_even_without_signing_out(
        app, quiz, live_server, browser):
    context, tab = _learner_with_a_saved_course(browser, live_server)
    # The session ends elsewhere ("sign out of all devices", or it expired): the cookie
    # goes, the saved pages are still on the device.
    context.clear_cookies()
    sign_in(tab, live_server, "pengajar@demo.example")
    context.set_offline(True)
    tab.goto(live_server + "/courses/pelayanan-publik/pengantar")
    expect(tab.get_by_role("heading", name="Anda sedang offline")).to_be_visible()
    expect(tab.get_by_text("Salinan offline")).to_have_count(0)
    expect(tab.locator("[data-saved-list] li")).to_have_count(0)
    assert not any(name.startswith("elearn-pages-") and paths
                   for name, paths in _stored(tab)["caches"].items())
    context.close()


def test_the_browser_finds_the_platform_installable(app, quiz, live_server, playwright_driver,
                                                     tmp_path):
    from .conftest import CHROMIUM, CHROMIUM_ARGS

    # A normal profile: Chromium never offers to install from an incognito one.
    context = playwright_driver.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, args=CHROMIUM_ARGS,
        viewport=PHONE, locale="id-ID")
    tab = context.new_page()
    for path in ("/login", "/"):
        if path == "/":
            sign_in(tab, live_server, LEARNER)
        else:
            tab.goto(live_server + path)
        cdp = context.new_cdp_session(tab)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["errors"] == [] and manifest["url"].endswith("/manifest.webmanifest")
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == [], path
    context.close()


def test_signing_out_with_work_not_sent_asks_first(app, quiz, live_server, browser, monkeypatch):
    from elearn.learning import offline

    def busy(*args, **kwargs):
        raise offline.Busy()

    monkeypatch.setattr(offline, "settle", busy)  # the server cannot take it now
    context, tab = _learner_with_a_saved_course(browser, live_server)
    context.set_offline(True)
    tab.goto(live_server + "/courses/pelayanan-publik/pengantar")
    tab.get_by_role("button", name="Tandai selesai").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Standar")
    context.set_offline(False)

    tab.goto(live_server + "/")
    tab.get_by_role("button", name="Keluar").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Belum terkirim")
    expect(tab.locator("[data-unsent] li")).to_have_text(["Pengantar"])
    tab.screenshot(path=str(SCREENS / "offline-unsent-phone.png"), full_page=True)
    tab.get_by_role("link", name="Tetap masuk").click()  # nothing lost, still signed in
    expect(tab.get_by_role("heading", level=1)).to_have_text("Pembelajaran Saya")
    assert _stored(tab)["records"]["elearn-offline/queue"]

    tab.get_by_role("button", name="Keluar").click()
    tab.get_by_role("button", name="Keluar dan hapus").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Masuk")
    assert _stored(tab) == {"caches": {}, "records": {}}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OfflineSubmission.id))) == 0
    context.close()


def _refresh_due(tab):
    """As if a minute had passed since the saved courses were last compared."""
    tab.evaluate("""() => new Promise((done) => {
      const open = indexedDB.open("elearn-offline");
      open.onsuccess = () => {
        const tx = open.result.transaction("state", "readwrite");
        tx.objectStore("state").put({ name: "refreshed", value: 0 });
        tx.oncomplete = () => { open.result.close(); done(); };
      };
    })""")


def _until(check, seconds=15):
    """Polls ``check`` (page.wait_for_function would take an async function's
    promise for a true value)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _saved_titles(tab) -> list[str]:
    return tab.evaluate("""async () => {
      const titles = [];
      for (const name of await caches.keys()) {
        if (!name.startsWith("elearn-pages-")) continue;
        const cache = await caches.open(name);
        for (const request of await cache.keys()) {
          const answer = await cache.match(request);
          if (!answer) continue;  // removed meanwhile, by a refresh under way
          const text = await answer.text();
          const h1 = /<h1>([^<]*)<\\/h1>/.exec(text);
          if (h1) titles.push(h1[1]);
        }
      }
      return titles.sort();
    }""")


def test_a_saved_course_follows_the_server_and_leaves_when_unpublished(
        app, quiz, live_server, browser):
    context, tab = _learner_with_a_saved_course(browser, live_server)
    assert "Standar" in _saved_titles(tab)
    with app.app_context():
        module = db.session.scalar(sa.select(Module).where(Module.slug == "standar"))
        module.title = "Standar Pelayanan Publik"
        db.session.commit()
    _refresh_due(tab)
    tab.goto(live_server + "/")  # the next online visit
    assert _until(lambda: "Standar Pelayanan Publik" in _saved_titles(tab)), _saved_titles(tab)
    context.set_offline(True)
    tab.goto(live_server + "/courses/pelayanan-publik/standar")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Standar Pelayanan Publik")
    context.set_offline(False)

    with app.app_context():  # a module retired leaves the device at the next visit
        module = db.session.scalar(sa.select(Module).where(Module.slug == "standar"))
        module.retired_at = datetime.now(UTC)
        db.session.commit()
    _refresh_due(tab)
    tab.goto(live_server + "/")
    assert _until(lambda: "Standar Pelayanan Publik" not in _saved_titles(tab)), \
        _saved_titles(tab)
    assert "Pengantar" in _saved_titles(tab)

    with app.app_context():
        from elearn.models import Course

        db.session.scalar(sa.select(Course)).status = "draft"
        db.session.commit()
    _refresh_due(tab)
    tab.goto(live_server + "/")
    assert _until(lambda: _saved_titles(tab) == []), _saved_titles(tab)
    tab.reload()
    expect(tab.get_by_role("heading", name="Pembelajaran Saya")).to_be_visible()
    tab.wait_for_timeout(500)  # the list would be filled in from the device's store
    expect(tab.locator("[data-saved-list]")).to_be_hidden()
    context.close()


def test_a_live_lesson_marked_completed_when_the_connection_drops_is_sent_later(
        app, quiz, live_server, browser):
    context, tab = _learner_with_a_saved_course(browser, live_server)
    tab.goto(live_server + "/courses/pelayanan-publik/pengantar")  # the live page
    expect(tab.get_by_text("Salinan offline")).to_have_count(0)
    context.set_offline(True)
    tab.get_by_role("button", name="Tandai selesai").click()
    # No "No internet" page: the saved copy, with the completion waiting on the device.
    expect(tab.get_by_text("Ditandai selesai di perangkat ini")).to_be_visible()
    context.set_offline(False)
    tab.goto(live_server + "/")
    assert _wait_for(app, lambda: db.session.scalar(sa.select(sa.func.count(
        ModuleProgress.completed_at)))) == 1
    context.close()


def test_an_attempt_started_online_is_submitted_when_the_connection_returns(
        app, quiz, live_server, browser):
    from ..learn.conftest import configure_quiz

    configure_quiz(app, require_lessons=False)
    context, tab = _learner_with_a_saved_course(browser, live_server)
    tab.goto(live_server + "/courses/pelayanan-publik/kuis")
    tab.get_by_role("button", name="Mulai kuis").click()
    answer_quiz(tab, quiz, correct=True)
    context.set_offline(True)
    tab.get_by_role("button", name="Kirim jawaban").click()
    expect(tab.get_by_text("akan dinilai saat Anda kembali terhubung")).to_be_visible()
    tab.screenshot(path=str(SCREENS / "offline-attempt-queued-phone.png"), full_page=True)
    context.set_offline(False)
    tab.goto(live_server + "/")
    assert _wait_for(app, lambda: db.session.scalar(sa.select(QuizAttempt.passed)))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(QuizAttempt.id))) == 1
    context.close()


def test_an_offline_lesson_read_too_briefly_asks_for_more_time_and_queues_nothing(
        app, quiz, live_server, browser):
    from elearn.models import Course

    with app.app_context():  # the lesson needs its full reading time
        db.session.scalar(sa.select(Course)).min_reading_percent = 100
        db.session.commit()
    context, tab = _learner_with_a_saved_course(browser, live_server)
    context.set_offline(True)
    tab.goto(live_server + "/courses/pelayanan-publik/pengantar")
    expect(tab.get_by_text("Salinan offline")).to_be_visible()
    tab.get_by_role("button", name="Tandai selesai").click()
    # The learner is told how long is left, and stays on the lesson.
    expect(tab.get_by_text("Santai saja")).to_be_focused()
    tab.wait_for_timeout(1000)
    assert tab.url.endswith("/pengantar")
    expect(tab.get_by_role("heading", level=1)).to_have_text("Pengantar")
    tab.screenshot(path=str(SCREENS / "offline-reading-wait-phone.png"), full_page=True)
    assert _stored(tab)["records"]["elearn-offline/queue"] == []
    context.set_offline(False)
    tab.goto(live_server + "/")
    tab.wait_for_timeout(500)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(OfflineSubmission.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(ModuleProgress.completed_at))) == 0
    context.close()


def test_signing_out_without_a_connection_says_so_and_keeps_the_work(
        app, quiz, live_server, browser):
    context, tab = _learner_with_a_saved_course(browser, live_server)
    context.set_offline(True)
    tab.goto(live_server + "/courses/pelayanan-publik/pengantar")
    tab.get_by_role("button", name="Tandai selesai").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Standar")
    tab.get_by_role("button", name="Keluar").click()
    expect(tab.get_by_text("Keluar memerlukan koneksi")).to_be_visible()
    expect(tab.get_by_text("tidak tersimpan di perangkat ini")).to_be_hidden()
    tab.screenshot(path=str(SCREENS / "offline-sign-out-phone.png"), full_page=True)
    assert len(_stored(tab)["records"]["elearn-offline/queue"]) == 1
    context.set_offline(False)
    tab.get_by_role("button", name="Coba lagi").click()  # to the dashboard, still signed in
    expect(tab.get_by_role("heading", level=1)).to_have_text("Pembelajaran Saya")
    assert _wait_for(app, lambda: db.session.scalar(sa.select(sa.func.count(
        ModuleProgress.completed_at)))) == 1
    context.close()
