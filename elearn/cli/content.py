"""flask content check|import|export: thin commands over the content package and store."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from ..content import check_course, find_course_folders, read_folder, write_folder
from ..content.files import CourseFilesError
from ..courses.store import ContentError, course_files, get_course, rerender_course, save_course
from ..extensions import db
from ..models import Course

content_cli = AppGroup("content", help="Check, import and export Markdown courses.")


def _folders(path: str) -> list[Path]:
    root = Path(path)
    if not root.is_dir():
        raise click.ClickException(f"{path}: no such folder")
    folders = find_course_folders(root)
    if not folders:
        raise click.ClickException(f"{path}: no course folder (a folder with course.md) found")
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
            click.echo(str(exc), err=True)
            problems += 1
            continue
        for problem in found:
            click.echo(str(problem), err=True)
        problems += len(found)
    if problems:
        click.echo(f"{problems} problem(s) in {len(folders)} course(s).", err=True)
        sys.exit(1)
    click.echo(f"{len(folders)} course(s) checked, no problems.")


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
    except (ContentError, CourseFilesError) as exc:
        db.session.rollback()
        click.echo(str(exc), err=True)
        click.echo("Nothing was imported.", err=True)
        sys.exit(1)
    db.session.commit()
    for r in results:
        if r.outcome == "unchanged":
            click.echo(f"{r.course.slug}: unchanged (version {r.course.version}).")
        else:
            details = ", ".join(f"{len(v)} {k}" for k, v in
                                (("added", r.added), ("updated", r.updated),
                                 ("retired", r.retired)) if v) or "settings"
            click.echo(f"{r.course.slug}: {r.outcome}, version {r.course.version} "
                       f"({details}).")


@content_cli.command("export")
@click.argument("slug")
@click.argument("dest")
def export_command(slug, dest):
    """Write course SLUG as a folder DEST/SLUG in the course format."""
    course = get_course(slug)
    if course is None:
        raise click.ClickException(f"no course with slug '{slug}'")
    target = write_folder(course_files(course), dest)
    click.echo(f"Exported {slug} (version {course.version}) to {target}.")


@content_cli.command("rerender")
def rerender_command():
    """Render every stored course again (run once after an upgrade changes rendering)."""
    failed = 0
    courses = db.session.scalars(sa.select(Course).order_by(Course.slug)).all()
    for course in courses:
        problems = rerender_course(course)
        for problem in problems:
            click.echo(f"{course.slug}: {problem}", err=True)
        failed += bool(problems)
    db.session.commit()
    click.echo(f"{len(courses) - failed} course(s) rendered again, {failed} left unchanged.")
    if failed:
        sys.exit(1)
