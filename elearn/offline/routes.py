"""The web app manifest, the service worker, the offline page, and what the offline
copies of a course use: the package to save, the copies themselves and the sync of
what was done offline. Views stay thin: the rules live in elearn/learning/offline.py."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.guards import me
from ..extensions import db
from ..learning import offline
from ..learning.errors import LearningError
from ..web import score_format, static_url
from . import bp

#: The static files every offline page needs, stored when the service worker installs.
SHELL_FILES = ("style.css", "app.js", "offline.js", "quiz.js", "favicon.svg",
               "icons/icon-192.png", "icons/icon-512.png", "icons/maskable-512.png")
#: The manifest's icons: (file, size, purpose).
ICONS = (("icons/icon-192.png", 192, "any"), ("icons/icon-512.png", 512, "any"),
         ("icons/maskable-512.png", 512, "maskable"))
#: How long a browser may keep the manifest and the service worker before it asks
#: again. A service worker changed by a deployment reaches browsers within the hour;
#: until then the old one keeps working (static URLs still answer).
SHELL_MAX_AGE = 3600


@bp.route("/manifest.webmanifest")
def manifest():
    """The web app manifest: what Android needs to offer "Add to home screen"."""
    body = {
        "name": f"elearn {current_app.config['AGENCY_NAME']}",
        "short_name": "elearn",
        "description": _("Self-paced learning for civil servants (ASN)."),
        "lang": "id",
        "start_url": url_for("main.dashboard"),
        "scope": url_for("main.dashboard"),
        "display": "standalone",
        "background_color": "#f6f7f9",
        "theme_color": "#0b5d3b",
        "icons": [{"src": static_url(path), "sizes": f"{size}x{size}", "type": "image/png",
                   "purpose": purpose} for path, size, purpose in ICONS],
    }
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = f"public, max-age={SHELL_MAX_AGE}"
    return response


@lru_cache(maxsize=8)
def _worker_source(folder: str, mtime_ns: int) -> str:
    return (Path(folder) / "sw.js").read_text(encoding="utf-8")


def _shell_version(shell: list[str]) -> str:
    """Changes when a stored shell file does: the static files' names carry their
    hashes; the fallback page's template is hashed here (the same on every host)."""
    fallback, _, _ = current_app.jinja_env.loader.get_source(
        current_app.jinja_env, "offline/fallback.html")
    return hashlib.sha256(("".join(shell) + fallback).encode()).hexdigest()[:12]


@bp.route("/sw.js")
def service_worker():
    """The service worker (elearn/static/sw.js), served from the root so that its
    scope is the whole site, with the settings it needs put before it."""
    folder = current_app.static_folder
    source = _worker_source(folder, (Path(folder) / "sw.js").stat().st_mtime_ns)
    shell = [static_url(name) for name in SHELL_FILES] + [url_for("offline.fallback")]
    settings = {"root": request.script_root, "shell": shell,
                "login": url_for("auth.login"),
                "version": _shell_version(shell)}
    body = f"self.ELEARN = {json.dumps(settings)};\n{source}"
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = f"public, max-age={SHELL_MAX_AGE}"
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:16])
    return response.make_conditional(request)


@bp.route("/offline/")
def fallback():
    """What the service worker shows for a page that is not saved when there is no
    connection: the saved courses (listed by offline.js) instead of the browser's
    own error page. The same for everyone: it holds nothing personal."""
    response = current_app.response_class(render_template("offline/fallback.html"))
    response.headers["Cache-Control"] = f"public, max-age={SHELL_MAX_AGE}"
    return response


@bp.route("/offline/session")
def session_state():
    """Who is signed in, for the service worker: the account's offline key (or null)
    and a fresh CSRF token for sending what was done offline."""
    from ..signed import csrf_token

    if not current_user.is_authenticated:
        return {"user": None}
    return {"user": offline.offline_key(me()), "csrf": csrf_token()}


@bp.route("/offline/courses/<slug>")
@login_required
def package(slug):
    """What saving a course for offline stores: its pages (as offline copies), images
    and attachments with their sizes. JSON; read only (saving happens on the device)."""
    try:
        saved = offline.course_package(me(), slug)
    except LearningError as exc:
        return {"error": exc.text(_)}, 409
    if saved is None:
        abort(404)
    return _package_json(saved)


def _package_json(saved: offline.CoursePackage) -> dict:
    course = saved.course
    course_url = url_for("learn.course", slug=course.slug)
    pages = [{"path": course_url, "copy": url_for("offline.course_copy", slug=course.slug)}]
    modules = []
    for module in saved.modules:
        path = url_for("learn.module", slug=course.slug, module_slug=module.slug)
        pages.append({"path": path, "copy": url_for("offline.module_copy", slug=course.slug,
                                                    module_slug=module.slug)})
        modules.append({"slug": module.slug, "path": path, "title": module.title,
                        "kind": module.kind})
    files = [{"path": url_for("learn.course_file", slug=course.slug, digest=a.sha256,
                              path=a.path),
              "bytes": a.size, "attachment": not a.content_type.startswith("image/")}
             for a in saved.assets]
    return {"user": offline.offline_key(me()), "slug": course.slug, "title": course.title,
            "path": course_url, "version": saved.version, "pages": pages, "modules": modules,
            "files": files}


#: The largest item a device may send: a quiz of a few hundred questions with its
#: signed layout is far below it.
MAX_ITEM_BYTES = 256 * 1024
#: At most this many saved courses are compared in one request.
MAX_VERSIONS = 100


@bp.route("/offline/versions")
@login_required
def versions():
    """The current version of each saved course named (``?c=slug``, repeated), or
    null for one the learner may no longer keep: the service worker saves changed
    courses again and removes the others."""
    slugs = list(dict.fromkeys(request.args.getlist("c")))[:MAX_VERSIONS]
    slugs = [s for s in slugs if offline.SLUG_PATTERN.match(s)]
    return {"user": offline.offline_key(me()),
            "versions": offline.saved_versions(me(), slugs)}


@bp.route("/offline/copies/<slug>")
@login_required
def course_copy(slug):
    """The course page as saved for offline (see learn.course)."""
    from ..learn.routes import render_course_page

    return render_course_page(slug, offline_copy=True)


@bp.route("/offline/copies/<slug>/<module_slug>")
@login_required
def module_copy(slug, module_slug):
    """A module as saved for offline (see learn.module): it can be marked completed
    and, for a quiz, answered without a connection."""
    from ..learn.routes import render_module_page

    return render_module_page(slug, module_slug, offline_copy=True)


@bp.route("/offline/sign-out")
@login_required
def sign_out():
    """Before signing out with work done offline not sent yet (the service worker
    sends the learner here): what would be lost, and the choice."""
    return render_template("offline/sign_out.html")


@bp.route("/offline/sync", methods=["POST"])
@login_required
def sync():
    """One thing done offline (a lesson marked completed, a quiz submitted), sent by
    the service worker when the connection returns. Sent twice, recorded once.

    Answers 200 with the outcome (recorded or refused, and why) once the item is
    settled for good; 400 for an item that can never be recorded; 409 for an item
    of another account; 503 when it should be sent again later. The CSRF token
    comes in the X-CSRFToken header."""
    if (request.content_length or 0) > MAX_ITEM_BYTES:
        return {"status": "invalid",
                "message": _("The item is too large to be recorded.")}, 413
    request.max_content_length = MAX_ITEM_BYTES  # a body sent without its length too
    try:  # Flask's get_json would let a body nested too deep end in a 500
        data = json.loads(request.get_data(cache=False)) if request.is_json else None
    except (ValueError, RecursionError):
        data = None
    try:
        item = offline.read_item(data)
    except offline.BadItem as exc:
        return {"status": "invalid", "message": exc.text(_)}, 400
    if item.user != offline.offline_key(me()):
        return {"status": "other-account",
                "message": _("This was done offline by another account.")}, 409
    try:
        outcome = offline.settle(me(), item, certificates=_certificates(),
                                 secret=current_app.secret_key)
    except offline.Busy:
        db.session.rollback()
        return {"status": "retry", "message": _("Busy: this will be sent again shortly.")}, 503
    db.session.commit()
    return _outcome_json(outcome)


def _certificates():
    from ..learn.routes import certificate_settings

    return certificate_settings()


def _outcome_json(outcome: offline.Outcome) -> dict:
    url = None
    if outcome.attempt_id is not None:
        url = url_for("learn.attempt", slug=outcome.course_slug, module_slug=outcome.module_slug,
                      attempt_id=outcome.attempt_id)
    elif outcome.course_slug and outcome.module_slug:
        url = url_for("learn.module", slug=outcome.course_slug, module_slug=outcome.module_slug)
    if "score" in outcome.params:  # "66,7" in Indonesian, as every page shows a score
        outcome.params = {**outcome.params, "score": score_format(outcome.params["score"])}
    return {"status": outcome.status, "message": outcome.text(_), "url": url}
