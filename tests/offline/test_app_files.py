"""The installable app's own files (manifest, icons, service worker, offline page) and
what saving a course for offline reads from the server."""

from __future__ import annotations

import io
import json
import re

import pytest
import sqlalchemy as sa
from PIL import Image

from elearn.extensions import db
from elearn.models import Course, Module, ModuleProgress

from ..learn.conftest import SLUG
from ..learn.conftest import course as course  # noqa: F401  (fixture)
from .test_sync import learner as learner  # noqa: F401  (fixture)


def test_the_manifest_makes_the_platform_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.get_data())
    assert manifest["short_name"] == "elearn" and manifest["name"].startswith("elearn ")
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] and manifest["background_color"]
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes  # what Android asks for
    assert any(icon["purpose"] == "maskable" for icon in manifest["icons"])


def test_every_icon_of_the_manifest_exists_at_its_declared_size(client):
    manifest = json.loads(client.get("/manifest.webmanifest").get_data())
    for icon in manifest["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200, icon["src"]
        assert response.mimetype == icon["type"] == "image/png"
        data = response.get_data()
        response.close()
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"], icon["src"]


def test_every_page_links_the_manifest(client, auth, make_user):
    assert 'rel="manifest" href="/manifest.webmanifest"' in client.get("/login").get_data(
        as_text=True)
    auth.login(make_user("learner").nip)
    assert 'rel="manifest"' in client.get("/").get_data(as_text=True)


def test_the_service_worker_is_served_from_the_root_with_its_settings(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    body = response.get_data(as_text=True)
    settings = json.loads(re.match(r"self\.ELEARN = (\{.*?\});\n", body).group(1))
    assert settings["root"] == "" and settings["login"] == "/login"
    assert settings["shell"][-1] == "/offline/"
    for path in settings["shell"][:-1]:  # every stored file exists
        stored = client.get(path)
        assert stored.status_code == 200, path
        stored.close()
    assert "max-age=3600" in response.headers["Cache-Control"]
    assert "no-store" not in response.headers["Cache-Control"]
    again = client.get("/sw.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_offline_page_is_the_same_for_everyone(client, auth, make_user):
    anonymous = client.get("/offline/").get_data(as_text=True)
    account = make_user("learner")
    auth.login(account.nip)
    response = client.get("/offline/")
    assert response.get_data(as_text=True) == anonymous  # nothing personal, no token
    assert "Anda sedang offline" in anonymous
    assert "data-user" not in anonymous and "csrf" not in anonymous
    assert "public" in response.headers["Cache-Control"]


def test_the_session_check_says_who_is_signed_in(client, auth, make_user):
    assert client.get("/offline/session").get_json() == {"user": None}
    account = make_user("learner")
    auth.login(account.nip)
    state = client.get("/offline/session").get_json()
    assert state["user"] == f"u{account.id}" and state["csrf"]
    assert client.get("/offline/session").headers["Cache-Control"] == "no-store"


def test_the_package_lists_the_pages_and_files_of_an_enrolled_learners_course(
        app, client, learner):  # noqa: F811
    package = client.get(f"/offline/courses/{SLUG}").get_json()
    assert package["user"] == f"u{learner.id}" and package["slug"] == SLUG
    paths = [p["path"] for p in package["pages"]]
    assert paths == [f"/courses/{SLUG}", f"/courses/{SLUG}/pengantar",
                     f"/courses/{SLUG}/standar", f"/courses/{SLUG}/kuis"]
    for page in package["pages"]:
        assert client.get(page["copy"]).status_code == 200
    assert package["version"]


def test_saving_needs_an_enrolment_and_a_course_one_may_take(app, client, auth, make_user,
                                                             course):  # noqa: F811
    auth.login(make_user("learner").nip)
    response = client.get(f"/offline/courses/{SLUG}")
    assert response.status_code == 409
    assert "Ikuti kursus ini" in response.get_json()["error"]
    assert client.get("/offline/courses/tidak-ada").status_code == 404
    with app.app_context():
        db.session.scalar(sa.select(Course)).restricted = True
        db.session.commit()
    assert client.get(f"/offline/courses/{SLUG}").status_code == 404


def test_an_offline_copy_writes_nothing(app, client, learner):  # noqa: F811
    for path in (f"/offline/copies/{SLUG}", f"/offline/copies/{SLUG}/pengantar",
                 f"/offline/copies/{SLUG}/kuis"):
        page = client.get(path)
        assert page.status_code == 200
        assert "Salinan offline, disimpan pada" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ModuleProgress.id))) == 0


def test_a_saved_course_changes_version_when_it_or_the_progress_changes(
        app, client, learner):  # noqa: F811
    def version():
        return client.get(f"/offline/versions?c={SLUG}&c=tidak-ada").get_json()["versions"]

    first = version()
    assert first["tidak-ada"] is None and first[SLUG]
    assert version() == first
    client.get(f"/courses/{SLUG}/pengantar")  # opened online: nothing a copy shows
    assert version() == first
    with app.app_context():
        module = db.session.scalar(sa.select(Module).where(Module.slug == "standar"))
        module.title = "Standar Pelayanan"
        db.session.commit()
    second = version()
    assert second[SLUG] != first[SLUG]
    with app.app_context():
        db.session.scalar(sa.select(Course)).status = "draft"
        db.session.commit()
    assert version()[SLUG] is None  # unpublished: removed from the device


@pytest.mark.parametrize("query", ["c=" + "a" * 300, "c=../x", "c=" + "&c=".join(
    f"kursus-{i}" for i in range(500))])
def test_versions_take_hostile_queries_calmly(client, learner, query):  # noqa: F811
    response = client.get("/offline/versions?" + query)
    assert response.status_code == 200
    assert len(response.get_json()["versions"]) <= 100


@pytest.mark.parametrize("path", [
    "/offline/courses/" + "a" * 5000, "/offline/courses/%00", "/offline/courses/kursus%E2%80%8B",
    f"/offline/copies/{SLUG}/" + "b" * 5000, f"/offline/copies/{SLUG}/%F0%9F%98%80",
    f"/offline/copies/{SLUG}/..%2f..%2fetc", "/offline/copies/%ff%fe",
])
def test_hostile_course_and_module_names_get_a_404(client, learner, path):  # noqa: F811
    assert client.get(path).status_code == 404
