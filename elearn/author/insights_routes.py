"""What a course's instructors (and admins) learn from how learners did: the
funnel, gains, evaluations, module feedback, item analysis, the learners and
their comments. Instructors see only their own courses, and comments without
names; the figures come from elearn/reporting/insights*.py and item_analysis.py."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user

from ..auth.guards import role_required
from ..inputs import page_arg
from ..reporting import insights, insights_people
from ..reporting.item_analysis import item_analysis
from . import bp
from .routes import AUTHORS, _editable

#: Comments shown on the insights page itself; the rest are on their own pages.
LATEST_COMMENTS = 5


@bp.route("/courses/<slug>/insights")
@role_required(*AUTHORS)
def insights_page(slug):
    course = _editable(slug)
    questions = current_app.config["EVALUATION_QUESTIONS"]
    quizzes = [m for m in course.modules if m.for_learners and m.kind == "quiz"]
    return render_template(
        "author/insights.html", course=course, funnel=insights.funnel(course.id),
        time=insights.time_to_complete(course.id), gains=insights.gains(course.id),
        evaluation=insights.evaluation_summary(course.id, [q.key for q in questions]),
        questions={q.key: q for q in questions},
        feedback=insights.module_feedback(course.id),
        comments=insights_people.comments_page(
            course.id, page=1, per_page=LATEST_COMMENTS,
            with_names=current_user.role == "admin"),
        items=[(m, {q["key"]: q for q in m.quiz["questions"]}, item_analysis(m.id))
               for m in quizzes])


@bp.route("/courses/<slug>/insights/learners")
@role_required(*AUTHORS)
def insights_learners(slug):
    course = _editable(slug)
    q = request.args.get("q", "").strip()[:100]
    page = insights_people.learners_page(course.id, page=page_arg(), q=q,
                                         per_page=current_app.config["PAGE_SIZE"])
    return render_template("author/insights_learners.html", course=course, page=page, q=q)


@bp.route("/courses/<slug>/insights/comments")
@role_required(*AUTHORS)
def insights_comments(slug):
    course = _editable(slug)
    page = insights_people.comments_page(course.id, page=page_arg(),
                                         per_page=current_app.config["PAGE_SIZE"],
                                         with_names=current_user.role == "admin")
    return render_template("author/insights_comments.html", course=course, page=page)
