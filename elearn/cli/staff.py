"""flask users import FILE: the bulk staff import from the command line."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from flask_babel import gettext, ngettext

from ..extensions import db
from ..people.passwords import password_problems
from ..people.staff_import import (
    ImportFileError,
    ImportPlan,
    ImportRefused,
    ImportResult,
    apply_import,
    plan_import,
)
from . import CliError

#: Above this many rows to write, the apply step shows a progress bar.
PROGRESS_THRESHOLD = 500


def _check_password(value: str) -> str:
    if problems := password_problems(value):
        raise click.BadParameter(" ".join(p.text(gettext) for p in problems))
    return value


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows, skip the others.")
@click.option("--initial-password", default=None,
              help="Password for new accounts (they must change it at first sign-in).")
@with_appcontext
def import_users_command(file, dry_run, skip_invalid, initial_password):
    """Create or update accounts from a CSV or XLSX staff file (upsert by NIP)."""
    path = Path(file)
    try:
        plan = plan_import(path.read_bytes(), path.name)
    except ImportFileError as exc:
        raise CliError(exc.text(gettext)) from None
    for problem in plan.problems:
        click.echo(problem.text(gettext), err=True)
    if dry_run:
        _report_dry_run(plan)
    _refuse_problems(plan, skip_invalid)
    if plan.to_create and initial_password is None:
        initial_password = click.prompt(
            ngettext("Initial password for the %(num)d new account",
                     "Initial password for the %(num)d new accounts", plan.to_create),
            hide_input=True, confirmation_prompt=gettext("Repeat for confirmation"),
            value_proc=_check_password)
    result = _apply(plan, initial_password or "", skip_invalid)
    click.echo(gettext("Imported %(file)s: %(c)d created, %(u)d updated, %(n)d unchanged, "
                       "%(s)d skipped.", file=path.name, c=result.created, u=result.updated,
                       n=result.unchanged, s=result.skipped))


def _summary(plan: ImportPlan) -> str:
    return gettext("%(c)d to create, %(u)d to update, %(n)d unchanged, %(i)d invalid rows.",
                   c=plan.to_create, u=plan.to_update, n=plan.unchanged, i=plan.invalid_rows)


def _report_dry_run(plan: ImportPlan) -> None:
    """Print what would change and stop: exit 1 if the file has problems."""
    for row in plan.rows:
        if row.action == "create":
            click.echo(gettext("row %(row)d: create %(nip)s %(name)s", row=row.row, nip=row.nip,
                               name=row.name))
        elif row.action == "update":
            click.echo(gettext("row %(row)d: update %(nip)s %(name)s", row=row.row, nip=row.nip,
                               name=row.name))
    click.echo(gettext("Dry run, nothing written: %(summary)s", summary=_summary(plan)))
    db.session.rollback()
    click.get_current_context().exit(1 if plan.problems else 0)


def _refuse_problems(plan: ImportPlan, skip_invalid: bool) -> None:
    """Stop before asking for a password when the plan cannot be applied."""
    if plan.header_problems:
        raise CliError(gettext("The header row has problems; nothing imported."))
    if plan.problems and not skip_invalid:
        raise CliError(gettext(
            "%(problems)d problem(s) in %(rows)d row(s); nothing imported. Fix the file, or use "
            "--skip-invalid to import the valid rows only.", problems=len(plan.problems),
            rows=plan.invalid_rows))


def _apply(plan: ImportPlan, initial_password: str, skip_invalid: bool) -> ImportResult:
    """Apply and commit, with a progress bar for large files; roll back on any failure."""
    total = plan.to_create + plan.to_update
    try:
        if total > PROGRESS_THRESHOLD:
            with click.progressbar(length=total, label=gettext("Importing")) as bar:
                result = apply_import(plan, initial_password=initial_password,
                                      skip_invalid=skip_invalid,
                                      progress=lambda done, _total: bar.update(done - bar.pos))
        else:
            result = apply_import(plan, initial_password=initial_password,
                                  skip_invalid=skip_invalid)
        db.session.commit()
    except ImportRefused as exc:
        db.session.rollback()
        raise CliError(exc.text(gettext)) from None
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise CliError(gettext(
            "The accounts changed while importing (a NIP or email is now taken); "
            "nothing imported. Run the import again.")) from None
    except BaseException:
        db.session.rollback()
        raise
    return result
