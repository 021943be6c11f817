"""Reports and exports: per course and unit, yearly JP, completion lists, SIASN."""

from __future__ import annotations

import os
import tempfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    render_template,
    request,
    send_file,
    stream_with_context,
)

from ..auth.guards import role_required
from ..certificates.pdf import render_certificate
from ..certificates.routes import issuer, verify_url
from ..extensions import db
from ..inputs import int_arg
from ..models import Course, Unit
from . import bp, exports, reports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters() -> reports.CompletionFilters:
    """Filters from the query string; a bad value is a 400 with a clear message."""
    args = request.args

    def day(name: str) -> date | None:
        value = args.get(name, "").strip()
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            abort(400)

    course, unit = args.get("course", "").strip(), args.get("unit", "").strip()
    if course and db.session.scalar(sa.select(Course.id).where(Course.slug == course)) is None:
        abort(400)
    if unit and db.session.scalar(sa.select(Unit.id).where(Unit.code == unit)) is None:
        abort(400)
    status = args.get("status", "").strip()
    if status not in ("", "completed", "in_progress"):
        abort(400)
    start, end = day("from"), day("to")
    if start and end and start > end:
        abort(400)
    return reports.CompletionFilters(course=course or None, unit=unit or None,
                                     status=status or None, date_from=start, date_to=end)


def _this_year() -> int:
    return datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).year


def _year_arg() -> int:
    """The report year: this year when absent; a year outside 1900-2999 is a 400."""
    return int_arg("year", _this_year(), lo=1900, hi=2999)


@bp.route("/reports", endpoint="reports")
@role_required("admin")
def reports_view():
    """Per course and per unit figures, the unit chart, and the export form."""
    tz = current_app.config["TIMEZONE"]
    courses = reports.course_report(tz=tz)
    units = reports.unit_report(tz=tz)
    return render_template(
        "admin/reports.html", courses=courses, units=units,
        chart=reports.unit_completion_svg(units),
        course_choices=db.session.scalars(sa.select(Course).order_by(Course.title)).all(),
        unit_choices=db.session.scalars(sa.select(Unit).order_by(Unit.code)).all())


@bp.route("/reports/jp")
@role_required("admin")
def jp_report():
    """Every ASN's JP this year against the target; optionally only those below it."""
    year = _year_arg()
    below = request.args.get("below") == "1"
    unit = request.args.get("unit", "").strip() or None
    rows = list(reports.jp_report(year, current_app.config["TIMEZONE"], below_target_only=below,
                                  unit_code=unit, target=current_app.config["YEARLY_JP_TARGET"]))
    return render_template("admin/jp_report.html", rows=rows, year=year, below=below, unit=unit,
                           target=current_app.config["YEARLY_JP_TARGET"],
                           unit_choices=db.session.scalars(sa.select(Unit).order_by(Unit.code)))


def _csv(filename: str, header, rows) -> Response:
    response = Response(stream_with_context(exports.stream_csv(header, rows)),
                        content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx(filename: str, header, rows) -> Response:
    # openpyxl writes the workbook row by row to a temporary file (bounded memory);
    # the file is removed once sent.
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    exports.write_xlsx(header, rows, path)
    response = send_file(path, mimetype=XLSX, as_attachment=True, download_name=filename)
    response.call_on_close(lambda: os.remove(path))
    return response


def _export(name: str, fmt: str, header, rows) -> Response:
    stamp = datetime.now(ZoneInfo(current_app.config["TIMEZONE"])).strftime("%Y%m%d")
    if fmt == "csv":
        return _csv(f"{name}-{stamp}.csv", header, rows)
    return _xlsx(f"{name}-{stamp}.xlsx", header, rows)


@bp.route("/reports/completions.<any(csv, xlsx):fmt>")
@role_required("admin")
def completions_export(fmt):
    """The completion list with the filters of the query string."""
    filters = _filters()
    return _export("penyelesaian", fmt, exports.COMPLETION_HEADER,
                   exports.completion_export_rows(filters, current_app.config["TIMEZONE"]))


@bp.route("/reports/siasn.<any(csv, xlsx):fmt>")
@role_required("admin")
def siasn_export(fmt):
    """Completions in the shape SIASN records a course history."""
    filters = _filters()
    return _export("siasn-kursus", fmt, exports.SIASN_HEADER,
                   exports.siasn_rows(filters, current_app.config["AGENCY_NAME"],
                                      current_app.config["TIMEZONE"]))


@bp.route("/reports/jp.<any(csv, xlsx):fmt>")
@role_required("admin")
def jp_export(fmt):
    year = _year_arg()
    header, rows = exports.jp_export(
        year, current_app.config["TIMEZONE"], below_target_only=request.args.get("below") == "1",
        unit_code=request.args.get("unit", "").strip() or None,
        target=current_app.config["YEARLY_JP_TARGET"])
    return _export(f"jp-{year}", fmt, header, rows)


@bp.route("/reports/siasn-certificates.zip")
@role_required("admin")
def siasn_certificates():
    """The certificate PDFs of the filtered completions, named by NIP and number."""
    filters = _filters()
    who = issuer()
    handle, path = tempfile.mkstemp(suffix=".zip")
    os.close(handle)
    exports.write_certificates_zip(filters, path,
                                   lambda cert: render_certificate(cert, who, verify_url(cert)),
                                   current_app.config["TIMEZONE"])
    response = send_file(path, mimetype="application/zip", as_attachment=True,
                         download_name="sertifikat-siasn.zip")
    response.call_on_close(lambda: os.remove(path))
    return response
