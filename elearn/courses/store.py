"""Writing checked courses into the database and reading them back as folders.

Every write of course content, from the command line, a zip upload or the
web editor, goes through ``save_course``: the same checker, the same
upsert, the same rules for versions and retired modules.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field

import sqlalchemy as sa

from ..content import CourseFiles, ParsedCourse, Problem, check_course
from ..errors import DomainError
from ..extensions import db
from ..models import Course, CourseAsset, CourseInstructor, Module
from ..models.people import utcnow
from ..reporting.report_cells import mark_course_stale

_OFFICE = "application/vnd.openxmlformats-officedocument."
_OPEN_DOCUMENT = "application/vnd.oasis.opendocument."
_CONTENT_TYPES = {
    ".webp": "image/webp",
    ".pptx": _OFFICE + "presentationml.presentation",
    ".docx": _OFFICE + "wordprocessingml.document",
    ".xlsx": _OFFICE + "spreadsheetml.sheet",
    ".odt": _OPEN_DOCUMENT + "text",
    ".odp": _OPEN_DOCUMENT + "presentation",
    ".ods": _OPEN_DOCUMENT + "spreadsheet",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


class ContentError(DomainError):
    """The course has problems and was not saved; ``problems`` says each, with its line."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def text(self, translate=lambda s: s) -> str:
        return "\n".join(f"{p.file}:{p.line}: {p.text(translate)}" for p in self.problems)


@dataclass
class SaveResult:
    course: Course
    #: created, updated or unchanged
    outcome: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    #: An existing module became a pre-test or stopped being one.
    roles_changed: bool = False


def content_type_for(path: str) -> str:
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return _CONTENT_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"


def get_course(slug: str) -> Course | None:
    return db.session.scalar(sa.select(Course).where(Course.slug == slug))


def save_course(cf: CourseFiles, *, status: str = "published",
                new_module_status: str = "published",
                require_modules: bool = True) -> SaveResult:
    """Check ``cf`` and upsert it. Raises ContentError, writing nothing, on any problem.

    ``status`` applies to a course created now; an existing course keeps its
    status. Unchanged files (same content hash) change nothing.
    """
    parsed, problems = check_course(cf, require_modules=require_modules)
    if problems:
        raise ContentError(problems)
    course = get_course(cf.slug)
    if course is not None and course.content_hash == parsed.content_hash:
        return SaveResult(course, "unchanged")
    outcome = "updated"
    if course is None:
        outcome = "created"
        course = Course(slug=cf.slug, status=status, version=1,
                        published_at=utcnow() if status == "published" else None)
        db.session.add(course)
    else:
        course.version += 1
    _apply_course_fields(course, parsed)
    result = SaveResult(course, outcome)
    _apply_modules(course, parsed, result, new_module_status)
    if result.roles_changed:
        mark_course_stale(course.id)
    _apply_assets(course, parsed)
    db.session.flush()
    return result


def _apply_course_fields(course: Course, parsed: ParsedCourse) -> None:
    course.title = parsed.title
    course.summary = parsed.summary
    course.jp = parsed.jp
    course.competency = parsed.competency
    course.level = parsed.level
    course.cover_path = parsed.cover
    course.restricted = parsed.restricted
    course.min_reading_percent = parsed.min_reading_percent
    course.evaluation_required = parsed.evaluation_required
    course.source = parsed.source
    course.description_html = parsed.description_html
    course.content_hash = parsed.content_hash
    course.instructors = [CourseInstructor(nip=nip, position=i)
                          for i, nip in enumerate(parsed.instructors)]


def _apply_modules(course: Course, parsed: ParsedCourse, result: SaveResult,
                   new_status: str) -> None:
    existing = {m.slug: m for m in course.modules}
    now = utcnow()
    for pm in parsed.modules:
        module = existing.pop(pm.slug, None)
        if module is None:
            module = Module(slug=pm.slug, status=new_status)
            course.modules.append(module)
            result.added.append(pm.slug)
        elif module.source != pm.source or module.position != pm.position \
                or module.retired_at is not None:
            result.updated.append(pm.slug)
        else:
            _refresh_html(module, pm)  # a file it shows may have changed (new digest)
            continue
        module.retired_at = None
        module.position = pm.position
        module.title = pm.title
        module.kind = pm.kind
        module.minutes = pm.minutes
        module.source = pm.source
        module.body_html = pm.body_html
        module.quiz = pm.quiz_dict()
        module.pass_score = pm.pass_score
        module.max_attempts = pm.max_attempts
        module.shuffle = pm.shuffle
        module.shuffle_questions = pm.shuffle_questions
        module.review_policy = pm.review
        module.require_lessons = pm.require_lessons
        module.retry_after_seconds = pm.retry_after_seconds
        module.time_limit_seconds = pm.time_limit_seconds
        if module.role != pm.role:
            # Which modules' scores the report cells average changes: the course's
            # cells are recomputed (their triggers watch the status, not the role).
            result.roles_changed = result.roles_changed or module.id is not None
            module.role = pm.role
    for module in existing.values():
        if module.retired_at is None:
            module.retired_at = now
            result.retired.append(module.slug)


def _refresh_html(module: Module, pm) -> None:
    """Keep an unchanged module's HTML in step with the files it links.

    Asset URLs carry the file's digest, so a replaced image would otherwise
    leave the module pointing at a file that no longer exists.
    """
    if module.body_html != pm.body_html:
        module.body_html = pm.body_html
    quiz = pm.quiz_dict()
    if module.quiz != quiz:
        module.quiz = quiz


def _apply_assets(course: Course, parsed: ParsedCourse) -> None:
    existing = {a.path: a for a in course.assets}
    for path, data in parsed.assets.items():
        digest = parsed.asset_sha256[path]
        asset = existing.pop(path, None)
        if asset is None:
            asset = CourseAsset(path=path)
            course.assets.append(asset)
        elif asset.sha256 == digest:
            continue
        asset.data = data
        asset.sha256 = digest
        asset.size = len(data)
        asset.content_type = content_type_for(path)
    for asset in existing.values():
        course.assets.remove(asset)


def rerender_course(course: Course) -> list[Problem]:
    """Render the stored sources again with the current renderer; nothing else changes.

    For an upgrade that changes rendering (asset URLs, id prefixes): the
    course keeps its version, statuses and progress. Retired modules are not
    shown to anyone and keep their HTML. Returns the problems (and changes
    nothing) if the stored course no longer passes the checker.
    """
    parsed, problems = check_course(course_files(course), require_modules=False)
    if problems:
        return problems
    course.description_html = parsed.description_html
    rendered = {pm.slug: pm for pm in parsed.modules}
    for module in course.active_modules:
        if (pm := rendered.get(module.slug)) is not None:
            module.body_html = pm.body_html
            module.quiz = pm.quiz_dict()
    db.session.flush()
    return []


def course_files(course: Course) -> CourseFiles:
    """The course as its folder: course.md, active module files and assets."""
    files = {"course.md": course.source.encode("utf-8")}
    for module in course.active_modules:
        files[module.filename] = module.source.encode("utf-8")
    for asset in course.assets:
        files[asset.path] = asset.data
    return CourseFiles(slug=course.slug, files=files, label=course.slug)
