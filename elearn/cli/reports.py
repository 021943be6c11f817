"""flask reports ...: completion, yearly JP, SIASN and evaluation exports from the command
line.

The commands check their input first, with the filter parser the web uses
(``elearn.reporting.filters``: course, unit, dates, year), and write to a
temporary file next to ``--output``, renamed into place only when the export
is complete: bad input or a failure leaves nothing behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext, ngettext

from ..certificates.pdf import Issuer
from ..extensions import db
from ..reporting import evaluation_report, exports, report_cells
from ..reporting.filters import (
    CompletionFilters,
    ReportError,
    parse_completion_filters,
    parse_jp_filters,
)
from . import CliError

reports_cli = AppGroup("reports", help="Export completion lists, JP and evaluation reports.")

FORMAT = click.Choice(["csv", "xlsx"], case_sensitive=False)
DELIMITERS = {",": exports.COMMA, ";": exports.SEMICOLON}


delimiter_option = click.option(
    "--delimiter", type=click.Choice(sorted(DELIMITERS)), default=",", show_default=True,
    help="CSV field separator: ';' (with decimal commas) opens straight into columns in "
         "Excel set to Indonesian.")


def _checked(parse: Callable[..., Any], *args) -> Any:
    """``parse(*args)``, or its ReportError as a one-line ClickException (exit code 1)."""
    try:
        return parse(*args)
    except ReportError as error:
        raise CliError(error.text(gettext)) from None


def _filters(course: str | None, unit: str | None, status: str | None, start: str | None,
             end: str | None) -> CompletionFilters:
    """Checked filters from the options, by the shared parser."""
    return _checked(parse_completion_filters, {"course": course, "unit": unit, "status": status,
                                               "from": start, "to": end})


def filter_options(with_status: bool = True) -> Callable:
    """--course, --unit, (--status,) --from and --to."""

    def decorate(command: Callable) -> Callable:
        options = [
            click.option("--course", default=None, help="Only this course (slug)."),
            click.option("--unit", default=None, help="Only learners of this unit (code)."),
            click.option("--from", "date_from", default=None, metavar="YYYY-MM-DD",
                         help="Completed (or, if not completed, enrolled) on or after this day."),
            click.option("--to", "date_to", default=None, metavar="YYYY-MM-DD",
                         help="Completed (or, if not completed, enrolled) on or before this day."),
        ]
        if with_status:
            options.insert(2, click.option(
                "--status", type=click.Choice(["completed", "in_progress"]), default=None,
                help="Only completed or only unfinished enrolments."))
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _output_option(help_text: str) -> Callable:
    return click.option("--output", "-o", required=True,
                        type=click.Path(dir_okay=False, writable=True), help=help_text)


def _write_atomically(output: str, write: Callable[[Any], Any]) -> Any:
    """Run ``write(binary_file)`` on a temporary file, then move it to ``output``."""
    target = Path(output)
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    except OSError as exc:
        raise CliError(gettext("--output: cannot write %(file)s: %(reason)s.", file=output,
                               reason=exc.strerror)) from None
    try:
        with os.fdopen(handle, "wb") as fh:
            result = write(fh)
        # mkstemp makes the file private (0600); give it the usual mode for a new file.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return result


class _Counted:
    """Iterate ``rows`` and remember how many went by."""

    def __init__(self, rows: Iterable):
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator:
        for row in self.rows:
            self.count += 1
            yield row


def _export(fmt: str, output: str, header, rows, delimiter: str = ",") -> int:
    if delimiter != "," and fmt.lower() != "csv":
        raise click.UsageError(gettext("--delimiter applies to --format csv only."))
    counted = rows if isinstance(rows, exports.CompletionExport) else _Counted(rows)

    def write(fh) -> None:
        if fmt.lower() == "csv":
            for chunk in exports.stream_csv(header, counted, DELIMITERS[delimiter]):
                fh.write(chunk)
        else:
            exports.write_xlsx(header, counted, fh)

    _write_atomically(output, write)
    return counted.count


def _wrote_rows(count: int, output: str) -> None:
    click.echo(ngettext("Wrote %(num)d row to %(file)s.", "Wrote %(num)d rows to %(file)s.",
                        count, file=output))


def _tz() -> str:
    return current_app.config["TIMEZONE"]


@reports_cli.command("completions")
@click.option("--format", "fmt", type=FORMAT, required=True, help="csv or xlsx.")
@delimiter_option
@filter_options()
@_output_option("File to write.")
def completions_command(fmt, delimiter, course, unit, status, date_from, date_to, output):
    """The completion list: one row per learner and course."""
    filters = _filters(course, unit, status, date_from, date_to)
    count = _export(fmt, output, exports.COMPLETION_HEADER,
                    exports.completion_export_rows(filters, tz=_tz()), delimiter)
    _wrote_rows(count, output)


@reports_cli.command("jp")
@click.option("--format", "fmt", type=FORMAT, required=True, help="csv or xlsx.")
@delimiter_option
@click.option("--year", default=None, metavar="YYYY",
              help="Calendar year (default: this year in the configured time zone).")
@click.option("--unit", default=None, help="Only this unit (code).")
@click.option("--below-target", is_flag=True, help="Only people below the yearly JP target.")
@_output_option("File to write.")
def jp_command(fmt, delimiter, year, unit, below_target, output):
    """Every active ASN's JP in a year against the yearly target."""
    filters = _checked(parse_jp_filters, {"year": year, "unit": unit,
                                           "below": "1" if below_target else ""}, _tz())
    header, rows = exports.jp_export(filters.year, _tz(),
                                     below_target_only=filters.below_target_only,
                                     unit_code=filters.unit,
                                     target=current_app.config["YEARLY_JP_TARGET"])
    count = _export(fmt, output, header, rows, delimiter)
    _wrote_rows(count, output)


@reports_cli.command("siasn")
@click.option("--format", "fmt", type=FORMAT, required=True, help="csv or xlsx.")
@delimiter_option
@filter_options(with_status=False)
@_output_option("File to write.")
def siasn_command(fmt, delimiter, course, unit, date_from, date_to, output):
    """Completions in the columns of the SIASN course history."""
    filters = _filters(course, unit, None, date_from, date_to)
    count = _export(fmt, output, exports.SIASN_HEADER,
                    exports.siasn_rows(filters, current_app.config["AGENCY_NAME"], tz=_tz()),
                    delimiter)
    _wrote_rows(count, output)


@reports_cli.command("evaluation")
@click.option("--year", required=True, metavar="YYYY", help="Calendar year.")
@click.option("--quarter", default=None, metavar="1-4",
              help="Only this quarter (1-4 or Q1-Q4) of the year; default the whole year.")
@click.option("--format", "fmt", type=FORMAT, default=None,
              help="csv or xlsx (default: xlsx for an --output ending in .xlsx, else csv).")
@delimiter_option
@_output_option("File to write.")
def evaluation_command(year, quarter, fmt, delimiter, output):
    """Participants, completion, pre/post gain and evaluations per course and per unit
    in a year or quarter: the courses, then the units, then the total."""
    period = _checked(evaluation_report.parse_evaluation_filters,
                      {"year": year, "quarter": quarter}, _tz())
    fmt = fmt or ("xlsx" if output.lower().endswith(".xlsx") else "csv")
    report = evaluation_report.evaluation_report(
        period, current_app.config["EVALUATION_QUESTIONS"], _tz())
    count = _export(fmt, output, evaluation_report.export_header(report),
                    evaluation_report.export_rows(report), delimiter)
    _wrote_rows(count, output)


@reports_cli.command("siasn-certificates")
@filter_options(with_status=False)
@_output_option("ZIP file to write.")
def siasn_certificates_command(course, unit, date_from, date_to, output):
    """A ZIP of the valid certificate PDFs of the completions, named NIP_number.pdf."""
    filters = _filters(course, unit, None, date_from, date_to)
    render = exports.certificate_renderer(Issuer.from_config(current_app.config),
                                          current_app.config["PUBLIC_URL"])
    count = _write_atomically(
        output, lambda fh: exports.write_certificates_zip(filters, fh, render, tz=_tz()))
    click.echo(ngettext("Wrote %(num)d certificate to %(file)s.",
                        "Wrote %(num)d certificates to %(file)s.", count, file=output))


@reports_cli.command("rebuild-cells")
def rebuild_cells_command():
    """Recompute every cell of the reports page's figures from scratch (all fresh).

    Needed only after rows were written with the cells' triggers off, such as a
    bulk load; the triggers keep the cells right otherwise."""
    count = report_cells.rebuild(db.session.connection())
    db.session.commit()
    click.echo(ngettext("Rebuilt %(num)d report cell.", "Rebuilt %(num)d report cells.", count))
