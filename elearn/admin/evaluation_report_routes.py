"""The periodic evaluation report: per course and per unit, for a year or a quarter.

The page and its CSV/XLSX downloads read the period from the query string
(``year``, ``quarter``) with the shared parser; a value that cannot be used shows
the page again with the message at its field (400), as the other report pages do.
The figures and their definitions are ``elearn.reporting.evaluation_report``'s.
"""

from __future__ import annotations

from flask import abort, current_app, make_response, render_template, request
from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l

from ..auth.guards import role_required
from ..models.evaluation import RATING_MAX
from ..reporting.chart import RatingChartLabels, course_rating_svg
from ..reporting.evaluation_report import (
    QUARTERS,
    EvaluationReport,
    Period,
    evaluation_report,
    export_header,
    export_rows,
    parse_evaluation_filters,
)
from ..reporting.filters import ReportError
from . import bp
from .report_routes import FIELD_LABELS, _export, _tz

#: The form labels that name the inputs in a filter's error message.
LABELS = {**FIELD_LABELS, "quarter": _l("Quarter")}


def _error_text(error: ReportError) -> str:
    return error.text(gettext, label=lambda name: str(LABELS.get(name, name)))


def _rating(value: float) -> str:
    return format_decimal(value, "#,##0.00")


def _chart(report: EvaluationReport) -> str:
    labels = RatingChartLabels(
        title=gettext("Mean evaluation rating per course"), no_data=gettext("No data yet."),
        rated=gettext("%(rating)s of %(max)d"), no_evaluations=gettext("no evaluations yet"))
    return course_rating_svg(report.courses, labels, number=_rating, scale_max=RATING_MAX)


def _page(report: EvaluationReport | None, error: ReportError | None = None) -> str:
    return render_template(
        "admin/evaluation_report.html", report=report, quarters=QUARTERS,
        chart=_chart(report) if report else None, values=request.args, error=error,
        error_text=_error_text(error) if error else None, rating=_rating)


def _period() -> Period:
    """The period of the query string; a bad one shows the page with its error (400)."""
    try:
        return parse_evaluation_filters(request.args, _tz())
    except ReportError as error:
        abort(make_response(_page(None, error), 400))


def _report(period: Period) -> EvaluationReport:
    return evaluation_report(period, current_app.config["EVALUATION_QUESTIONS"], _tz())


@bp.route("/reports/evaluation")
@role_required("admin")
def evaluation_report_view():
    """Participants, completion, pre/post gain and evaluations of a year or quarter."""
    return _page(_report(_period()))


@bp.route("/reports/evaluation.<any(csv, xlsx):fmt>")
@role_required("admin")
def evaluation_export(fmt):
    """The same figures as one sheet: the courses, then the units, then the total."""
    report = _report(_period())
    return _export(f"evaluasi-{report.period.slug}", fmt, export_header(report),
                   export_rows(report))
