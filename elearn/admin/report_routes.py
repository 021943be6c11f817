"""Reports and exports: per course and unit, yearly JP, completion lists, SIASN.

Each view parses the query string with the shared filter parser
(``elearn.reporting.filters``), calls one reporting function and renders or
streams. A filter that cannot be used shows its page again with the message
at the field (400), in the words of the command line's ``--option: message``.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import (
    Response,
    abort,
    current_app,
    make_response,
    render_template,
    request,
    send_file,
    stream_with_context,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..auth.guards import role_required
from ..certificates.pdf import Issuer
from ..extensions import db
from ..reporting import exports, jp, queries
from ..reporting.chart import ChartLabels, unit_completion_svg
from ..reporting.filters import (
    CompletionFilters,
    JpFilters,
    ReportError,
    parse_completion_filters,
    parse_jp_filters,
    this_year,
)
from . import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The form labels that name the inputs in a filter's error message.
FIELD_LABELS = {"course": _l("Course"), "unit": _l("Unit"), "status": _l("Status"),
                "from": _l("From"), "to": _l("To"), "year": _l("Year")}


def _tz() -> str:
    return current_app.config["TIMEZONE"]


def _error_text(error: ReportError) -> str:
    return error.text(gettext, label=lambda name: str(FIELD_LABELS[name]))


def _chart_labels() -> ChartLabels:
    return ChartLabels(title=gettext("Course completion rate per unit"),
                       no_unit=gettext("No unit"), no_data=gettext("No data yet."),
                       completed_of=gettext("%(completed)d of %(enrolled)d learners completed"),
                       no_learners=gettext("no learners yet"))


def _reports_page(error: ReportError | None = None) -> str:
    overview = queries.reports_overview(tz=_tz())
    db.session.commit()  # the report cells it recomputed, if any were stale
    return render_template(
        "admin/reports.html", overview=overview,
        chart=unit_completion_svg(overview.units, _chart_labels()),
        values=request.args if error else {}, error=error,
        error_text=_error_text(error) if error else None)


def _completion_filters() -> CompletionFilters:
    """Filters from the query string; a bad one shows the reports page with its error."""
    try:
        return parse_completion_filters(request.args)
    except ReportError as error:
        abort(make_response(_reports_page(error), 400))


@bp.route("/reports", endpoint="reports")
@role_required("admin")
def reports_view():
    """Per course and per unit figures, the unit chart, and the export form."""
    return _reports_page()


def _jp_page(filters: JpFilters | None, error: ReportError | None = None) -> str:
    target = current_app.config["YEARLY_JP_TARGET"]
    rows = None if filters is None else list(jp.jp_report(
        filters.year, _tz(), below_target_only=filters.below_target_only,
        unit_code=filters.unit, target=target))
    return render_template(
        "admin/jp_report.html", rows=rows, filters=filters, target=target,
        values=request.args, year=filters.year if filters else this_year(_tz()),
        unit_choices=queries.units_by_code(), error=error,
        error_text=_error_text(error) if error else None)


def _jp_filters() -> JpFilters:
    """The JP report's filters; a bad one shows the JP page with its error."""
    try:
        return parse_jp_filters(request.args, _tz())
    except ReportError as error:
        abort(make_response(_jp_page(None, error), 400))


@bp.route("/reports/jp")
@role_required("admin")
def jp_report():
    """Every ASN's JP this year against the target; optionally only those below it."""
    return _jp_page(_jp_filters())


def _csv_style() -> exports.CsvStyle:
    """``?delimiter=semicolon`` (for Excel set to Indonesian) or comma, the default."""
    style = exports.CSV_STYLES.get(request.args.get("delimiter") or "comma")
    if style is None:
        abort(400)
    return style


def _csv(filename: str, header, rows) -> Response:
    response = Response(stream_with_context(exports.stream_csv(header, rows, _csv_style())),
                        content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _send_temporary(path: str, mimetype: str, filename: str) -> Response:
    """Send the file at ``path`` and remove it once sent."""
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=filename)
    response.call_on_close(lambda: os.remove(path))
    return response


def _temporary_file(suffix: str) -> str:
    handle, path = tempfile.mkstemp(suffix=suffix)
    os.close(handle)
    return path


def _export(name: str, fmt: str, header, rows) -> Response:
    stamp = datetime.now(ZoneInfo(_tz())).strftime("%Y%m%d")
    if fmt == "csv":
        return _csv(f"{name}-{stamp}.csv", header, rows)
    # The workbook is streamed row by row into a temporary file (bounded memory).
    path = _temporary_file(".xlsx")
    exports.write_xlsx(header, rows, path)
    return _send_temporary(path, XLSX, f"{name}-{stamp}.xlsx")


@bp.route("/reports/completions.<any(csv, xlsx):fmt>")
@role_required("admin")
def completions_export(fmt):
    """The completion list with the filters of the query string."""
    filters = _completion_filters()
    return _export("penyelesaian", fmt, exports.COMPLETION_HEADER,
                   exports.completion_export_rows(filters, _tz()))


@bp.route("/reports/siasn.<any(csv, xlsx):fmt>")
@role_required("admin")
def siasn_export(fmt):
    """Completions in the shape SIASN records a course history."""
    filters = _completion_filters()
    return _export("siasn-kursus", fmt, exports.SIASN_HEADER,
                   exports.siasn_rows(filters, current_app.config["AGENCY_NAME"], _tz()))


@bp.route("/reports/jp.<any(csv, xlsx):fmt>")
@role_required("admin")
def jp_export(fmt):
    """The yearly JP report with the filters of the query string."""
    filters = _jp_filters()
    header, rows = exports.jp_export(
        filters.year, _tz(), below_target_only=filters.below_target_only, unit_code=filters.unit,
        target=current_app.config["YEARLY_JP_TARGET"])
    return _export(f"jp-{filters.year}", fmt, header, rows)


@bp.route("/reports/siasn-certificates.zip")
@role_required("admin")
def siasn_certificates():
    """The certificate PDFs of the filtered completions, named by NIP and number."""
    filters = _completion_filters()
    render = exports.certificate_renderer(Issuer.from_config(current_app.config),
                                          current_app.config["PUBLIC_URL"])
    path = _temporary_file(".zip")
    exports.write_certificates_zip(filters, path, render, _tz())
    return _send_temporary(path, "application/zip", "sertifikat-siasn.zip")
