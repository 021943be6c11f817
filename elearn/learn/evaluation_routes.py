"""The course evaluation form and a lesson's "was this module helpful?". Views stay
thin: the rules live in elearn/learning/evaluation.py."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..auth.forms import EmptyForm
from ..auth.guards import me
from ..extensions import db
from ..learning import evaluation, progress
from ..learning.completion import get_completion
from ..learning.errors import LearningError
from ..models.evaluation import COMMENT_MAX, RATING_MAX, RATING_MIN
from . import bp
from .routes import certificate_settings, course_for_learner, find_module, flash_error


def _ratings_from_form(questions) -> dict[str, int]:
    """The ratings the form sent, by question key; a missing or malformed one is left
    out (the service then says every question needs a rating)."""
    ratings = {}
    for q in questions:
        raw = request.form.get(f"q_{q.key}", "")
        if raw.isascii() and raw.isdigit() and len(raw) == 1:
            ratings[q.key] = int(raw)
    return ratings


@bp.route("/courses/<slug>/evaluation", methods=["GET", "POST"])
@login_required
def evaluate(slug):
    """The learner's evaluation of a course they completed: give it, or change it
    within its window."""
    course = course_for_learner(slug)
    if get_completion(me(), course) is None:
        flash(_("Complete the course before you evaluate it."), "info")
        return redirect(url_for("learn.course", slug=slug))
    questions = current_app.config["EVALUATION_QUESTIONS"]
    given = evaluation.get_evaluation(me(), course)
    form = EmptyForm()
    values = {r.question_key: r.rating for r in given.ratings} if given else {}
    comment = (given.comment or "") if given else ""
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        values = _ratings_from_form(questions)
        comment = request.form.get("comment", "")[:COMMENT_MAX * 2]
        try:
            __, issued = evaluation.submit_evaluation(
                me(), course, values, comment, questions=questions,
                certificates=certificate_settings())
        except LearningError as exc:
            db.session.rollback()
            flash_error(exc)
        else:
            db.session.commit()
            flash(_("Thank you: your evaluation is saved."), "success")
            if issued:
                flash(_("Your certificate has been issued."), "success")
            return redirect(url_for("learn.course", slug=slug))
    return render_template(
        "learn/evaluation.html", course=course, questions=questions, values=values,
        comment=comment, given=given, editable=evaluation.is_editable(given),
        editable_until=evaluation.editable_until(given) if given else None,
        scale=range(RATING_MIN, RATING_MAX + 1), comment_max=COMMENT_MAX)


@bp.route("/courses/<slug>/<module_slug>/feedback", methods=["POST"])
@login_required
def module_feedback(slug, module_slug):
    """'Apakah modul ini membantu?': ya or tidak, with an optional comment."""
    course = course_for_learner(slug)
    __, module = find_module(module_slug, progress.published_modules(course))
    if not EmptyForm().validate_on_submit():
        abort(400)
    back = url_for("learn.module", slug=slug, module_slug=module_slug) + "#feedback"
    helpful = request.form.get("helpful")
    if progress.get_enrollment(me(), course) is None:
        flash(_("Enrol in this course to give feedback on its modules."), "error")
        return redirect(back)
    if helpful not in ("yes", "no"):
        flash(_("Choose yes or no."), "error")
        return redirect(back)
    try:
        evaluation.give_feedback(me(), module, helpful == "yes",
                                 request.form.get("comment", "")[:COMMENT_MAX * 2])
    except LearningError as exc:
        db.session.rollback()
        flash_error(exc)
    else:
        db.session.commit()
        flash(_("Thank you for your feedback."), "success")
    return redirect(back)
