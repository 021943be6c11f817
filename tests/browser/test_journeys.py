"""On a phone (360x740), in Indonesian and in English, no page of the learner,
instructor, admin and public journeys scrolls sideways, and axe-core finds no
WCAG 2.1 A/AA violation on any of them. The pages come from one crawl per role
and language (journeys.py), done once for this module."""

from __future__ import annotations

import os

import pytest

from .conftest import PHONE
from .journeys import AXE, LANGUAGES, ROLES, seed_demo, walk

pytestmark = pytest.mark.browser
CASES = [(role, lang) for role in ROLES for lang in LANGUAGES]


@pytest.fixture(scope="module")
def journeys(app, live_server, browser, tmp_path_factory, request):
    """Every role's journey in both languages: {(role, lang): Journey}."""
    axe = AXE.read_text(encoding="utf-8") if AXE.exists() else None
    certificate = seed_demo(app)
    tmp = tmp_path_factory.mktemp("journeys")
    with app.app_context():
        found = {case: walk(browser, live_server, *case, axe, tmp, certificate) for case in CASES}
    counts = ", ".join(f"{role} ({lang}) {len(j.pages)}" for (role, lang), j in found.items())
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled():  # shown even without -s
        print(f"\njourney pages visited: {counts}")
    return found


def test_the_crawl_reaches_every_kind_of_page(journeys):
    """The checks below are only as good as the pages found: each journey's key pages."""
    expected = {
        "learner": ["/kuis-akhir/attempts/", "(answering)", "(result)", "/certificates/",
                    "/courses/kepemimpinan-dan-perubahan/", "POST /account/password"],
        "instructor": ["/author/courses/pelayanan-publik-prima/modules/", "/author/upload"],
        "admin": ["/admin/users/", "/admin/reports/jp", "/admin/audit", "/admin/import/",
                  "(problems)", "/admin/certificates/", "/admin/assignments/"],
        "public": ["/login", "/verify?code=ABCDEF123", "/verify/"],
    }
    for (role, lang), journey in journeys.items():
        urls = " ".join(journey.urls())
        missing = [part for part in expected[role] if part not in urls]
        assert not missing, f"{role} ({lang}) never reached {missing}"


@pytest.mark.parametrize(("role", "lang"), CASES, ids=[f"{r}-{lang}" for r, lang in CASES])
def test_no_page_scrolls_sideways_on_a_phone(journeys, role, lang):
    wide = [f"{p.url} ({p.scroll_width} px)" for p in journeys[role, lang].pages
            if p.scroll_width > PHONE["width"]]
    assert not wide, f"{len(wide)} pages wider than {PHONE['width']} px:\n" + "\n".join(wide)


@pytest.mark.parametrize(("role", "lang"), CASES, ids=[f"{r}-{lang}" for r, lang in CASES])
def test_axe_finds_no_accessibility_violations(journeys, role, lang):
    if not AXE.exists():
        message = f"axe-core not installed at {AXE} (run `make install-dev`, i.e. `npm ci`)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + ": the accessibility checks must run in CI")
        pytest.skip(message)
    found = [f"{v} on {p.url}" for p in journeys[role, lang].pages for v in p.violations]
    assert not found, f"{len(found)} axe violations:\n" + "\n".join(found)
