"""flask content check|import|export: thin commands over the content package and store."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import gettext

from ..content import check_course, find_course_folders, read_folder, write_folder
from ..content.files import CourseFilesError
from ..courses.store import ContentError, course_files, get_course, rerender_course, save_course
from ..extensions import db
from ..models import Course
from . import CliError, outcome

content_cli = AppGroup("content", help="Check, import and export Markdown courses.")


def _folders(path: str) -> list[Path]:
    root = Path(path)
    if not root.is_dir():
        raise CliError(gettext("%(path)s: no such folder", path=path))
    folders = find_course_folders(root)
    if not folders:
        raise CliError(gettext("%(path)s: no course folder (a folder with course.md) found",
                               path=path))
    return folders


@content_cli.command("check")
@click.argument("path")
def check_command(path):
    """Check one course folder, or every course folder inside PATH."""
    problems = 0
    folders = _folders(path)
    for folder in folders:
        try:
            _, found = check_course(read_folder(folder))
        except CourseFilesError as exc:
            click.echo("\n".join(exc.texts(gettext)), err=True)
            problems += 1
            continue
        for problem in found:
            click.echo(_problem(problem), err=True)
        problems += len(found)
    if problems:
        click.echo(gettext("%(problems)d problem(s) in %(courses)d course(s).",
                           problems=problems, courses=len(folders)), err=True)
        sys.exit(1)
    click.echo(gettext("%(courses)d course(s) checked, no problems.", courses=len(folders)))


def _problem(problem) -> str:
    """``file:line: message``, the message in the CLI's language."""
    return f"{problem.file}:{problem.line}: {problem.text(gettext)}"


@content_cli.command("import")
@click.argument("path")
def import_command(path):
    """Import (create or update) one course folder or every course inside PATH.

    All or nothing: if any course has a problem, nothing is written.
    """
    results = []
    try:
        for folder in _folders(path):
            results.append(save_course(read_folder(folder)))
    except ContentError as exc:
        _nothing_imported(exc.text(gettext))
    except CourseFilesError as exc:
        _nothing_imported("\n".join(exc.texts(gettext)))
    db.session.commit()
    for r in results:
        if r.outcome == "unchanged":
            click.echo(gettext("%(slug)s: unchanged (version %(version)d).", slug=r.course.slug,
                               version=r.course.version))
        else:
            click.echo(gettext("%(slug)s: %(outcome)s, version %(version)d (%(details)s).",
                               slug=r.course.slug, outcome=outcome(r.outcome),
                               version=r.course.version, details=_details(r)))


def _details(result) -> str:
    """What a save changed: "2 added, 1 retired", or "settings"."""
    counts = ((gettext("%(n)d added", n=len(result.added)), result.added),
              (gettext("%(n)d updated", n=len(result.updated)), result.updated),
              (gettext("%(n)d retired", n=len(result.retired)), result.retired))
    return ", ".join(text for text, modules in counts if modules) or gettext("settings")


def _nothing_imported(problems: str) -> None:
    db.session.rollback()
    click.echo(problems, err=True)
    click.echo(gettext("Nothing was imported."), err=True)
    sys.exit(1)


@content_cli.command("export")
@click.argument("slug")
@click.argument("dest")
def export_command(slug, dest):
    """Write course SLUG as a folder DEST/SLUG in the course format."""
    course = get_course(slug)
    if course is None:
        raise CliError(gettext("no course with slug '%(slug)s'", slug=slug))
    target = write_folder(course_files(course), dest)
    click.echo(gettext("Exported %(slug)s (version %(version)d) to %(target)s.", slug=slug,
                       version=course.version, target=target))


@content_cli.command("rerender")
def rerender_command():
    """Render every stored course again (run once after an upgrade changes rendering)."""
    failed = 0
    courses = db.session.scalars(sa.select(Course).order_by(Course.slug)).all()
    for course in courses:
        problems = rerender_course(course)
        for problem in problems:
            click.echo(f"{course.slug}: {_problem(problem)}", err=True)
        failed += bool(problems)
    db.session.commit()
    click.echo(gettext("%(done)d course(s) rendered again, %(failed)d left unchanged.",
                       done=len(courses) - failed, failed=failed))
    if failed:
        sys.exit(1)
