"""Quiz attempt pages: start an attempt, answer it (saved as the learner goes),
submit it and see the result. Views stay thin: the rules live in
elearn/learning/quiz."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import validate_csrf
from itsdangerous import BadData, URLSafeSerializer
from wtforms.validators import ValidationError

from ..auth.forms import EmptyForm
from ..certificates.issue import current_certificate
from ..extensions import csrf, db
from ..learning import progress, quiz
from ..learning.errors import LearningError
from ..models import Course, Module, QuizAttempt
from ..models.people import as_utc, utcnow
from . import bp
from .routes import (
    certificate_settings,
    congratulate,
    course_for_learner,
    find_module,
    flash_error,
)


@bp.route("/courses/<slug>/<module_slug>/attempts", methods=["POST"])
@login_required
def start_attempt(slug, module_slug):
    """Start an attempt, or continue the open one, if the quiz's rules allow it."""
    course = course_for_learner(slug, module_slug)
    __, module = find_module(module_slug, progress.published_modules(course))
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        attempt = quiz.start_attempt(current_user, course, module,
                                     certificates=certificate_settings())
    except LearningError as exc:
        db.session.commit()  # an attempt whose time ran out stays graded
        flash_error(exc)
        return redirect(url_for("learn.module", slug=slug, module_slug=module_slug))
    db.session.commit()
    return redirect(url_for("learn.attempt", slug=slug, module_slug=module_slug,
                            attempt_id=attempt.id))


def _own_attempt(module: Module, attempt_id: int) -> QuizAttempt:
    attempt = db.session.get(QuizAttempt, attempt_id)
    # Another learner's attempt is simply not found: nothing about it leaks.
    if attempt is None or attempt.user_id != current_user.id or attempt.module_id != module.id:
        abort(404)
    return attempt


def _attempt_url(course: Course, module: Module, attempt: QuizAttempt) -> str:
    return url_for("learn.attempt", slug=course.slug, module_slug=module.slug,
                   attempt_id=attempt.id)


@bp.route("/courses/<slug>/<module_slug>/attempts/<int:attempt_id>", methods=["GET", "POST"])
@csrf.exempt  # checked below: the CSRF token, or the attempt's own proof
@login_required
def attempt(slug, module_slug, attempt_id):
    """An open attempt shows its questions; a submitted one shows its result.

    A POST saves ("Simpan jawaban") or submits. Answers are never thrown
    away: a form whose CSRF token no longer holds is still accepted on the
    attempt's own proof, and one carrying neither comes back filled in.
    """
    course = course_for_learner(slug, module_slug)
    __, module = find_module(module_slug, progress.published_modules(course))
    attempt = _own_attempt(module, attempt_id)
    if quiz.close_if_expired(current_user, course, module, attempt,
                             certificates=certificate_settings()) is not None:
        db.session.commit()
    if attempt.submitted_at is not None:
        db.session.commit()
        if request.method == "POST":  # a resent form: the attempt is graded already
            return redirect(_attempt_url(course, module, attempt))
        attempts = quiz.attempts_of(current_user, module)
        return render_template(
            "learn/result.html", course=course, module=module, attempt=attempt,
            button=EmptyForm(), review=quiz.review_of(module, attempts),
            attempts_left=quiz.attempts_left(module, attempts),
            passed_quiz=quiz.has_passed(attempts),
            next_attempt_at=quiz.next_attempt_at(module, attempts),
            certificate=current_certificate(current_user.id, course.id))
    if request.method == "GET":
        return _attempt_page(course, module, attempt)
    answers = quiz.read_answers(module, attempt, request.form.getlist)
    if not _authentic(attempt):
        return _attempt_page(course, module, attempt, answers=answers, notice=_(
            "For your security this page needed refreshing. Your answers are still here: "
            "check them and submit again."))
    action = request.form.get("action", "submit")
    try:
        if action == "save":
            quiz.save_answers(current_user, module, attempt, answers)
            db.session.commit()
            flash(_("Your answers are saved."), "success")
            return redirect(_attempt_url(course, module, attempt))
        attempt, completion = quiz.submit_attempt(
            current_user, course, module, attempt, answers, certificates=certificate_settings(),
            confirmed=action == "confirm")
    except quiz.NeedsConfirmation as exc:
        db.session.commit()
        return _attempt_page(course, module, attempt, unanswered=exc.unanswered)
    except LearningError as exc:
        db.session.rollback()
        return _attempt_page(course, module, attempt, answers=answers,
                             error=exc.text(_))
    db.session.commit()
    if completion is not None:
        congratulate(completion)
    return redirect(_attempt_url(course, module, attempt))


@bp.route("/courses/<slug>/<module_slug>/attempts/<int:attempt_id>/save", methods=["POST"])
@csrf.exempt  # checked below, as for the attempt page
@login_required
def save_attempt(slug, module_slug, attempt_id):
    """Autosave from the attempt page's script: answers kept as the learner goes."""
    course = course_for_learner(slug, module_slug)
    __, module = find_module(module_slug, progress.published_modules(course))
    attempt = _own_attempt(module, attempt_id)
    if not _authentic(attempt):
        return {"saved": False, "error": _("Reload the page to keep saving.")}, 400
    try:
        saved_at = quiz.save_answers(current_user, module, attempt,
                                     quiz.read_answers(module, attempt, request.form.getlist))
    except LearningError as exc:
        db.session.rollback()
        return {"saved": False,
                "error": exc.text(_)}, 409
    db.session.commit()
    return {"saved": True, "saved_at": saved_at.isoformat()}


def _attempt_proof(attempt: QuizAttempt) -> str:
    return URLSafeSerializer(current_app.secret_key, salt="quiz-attempt").dumps(
        [attempt.id, attempt.user_id])


def _authentic(attempt: QuizAttempt) -> bool:
    """A POST for this attempt came from its own page: a valid CSRF token, or,
    once that has lapsed, the proof the page carries for this attempt only."""
    try:
        validate_csrf(request.form.get("csrf_token"))
        return True
    except ValidationError:
        pass
    try:
        proof = URLSafeSerializer(current_app.secret_key, salt="quiz-attempt").loads(
            request.form.get("proof", ""))
    except BadData:
        return False
    return proof == [attempt.id, attempt.user_id]


def _attempt_page(course: Course, module: Module, attempt: QuizAttempt, *,
                  answers: dict | None = None, unanswered: list[int] | None = None,
                  notice: str | None = None, error: str | None = None):
    questions = quiz.questions_for_attempt(module, attempt, answers)
    attempts = quiz.attempts_of(current_user, module)
    return render_template(
        "learn/attempt.html", course=course, module=module, attempt=attempt,
        questions=questions, form=EmptyForm(), proof=_attempt_proof(attempt),
        unanswered=unanswered or [], notice=notice, error=error,
        attempts_left=quiz.attempts_left(module, attempts),
        deadline=as_utc(attempt.deadline), now=utcnow())
