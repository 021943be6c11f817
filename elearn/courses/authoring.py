"""Web authoring: every edit becomes a change to the course's files.

An edit builds the course folder from the database, changes one file, and
saves it through the same checker and store as an import. So the web editor
and a text editor in git can never disagree about what a valid course is,
and the folder export always reflects the web edits.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..content import CourseFiles, Problem, check_course
from ..content.draw import draw_from_text, draw_text
from ..content.frontmatter import split_front_matter
from ..content.model import N_
from ..errors import DomainError
from ..extensions import db
from ..models import Course, Module, User
from ..models.people import utcnow
from ..vocabulary import DEFAULT_REVIEW_POLICY
from .permissions import can_edit_course
from .store import ContentError, SaveResult, course_files, get_course, save_course


class _FlowMapping(dict):
    """A mapping written on one line, as authors write it: ``draw: {etika: 3, layanan: 3}``."""


@cache
def _front_matter_dumper() -> type:
    """PyYAML's safe dumper writing _FlowMapping on one line (made when first needed:
    serving a page needs no YAML)."""
    import yaml

    class FrontMatterDumper(yaml.SafeDumper):
        pass

    FrontMatterDumper.add_representer(
        _FlowMapping, lambda dumper, data: dumper.represent_mapping(
            "tag:yaml.org,2002:map", data, flow_style=True))
    return FrontMatterDumper


def _dump_front_matter(meta: dict, body: str) -> str:
    import yaml

    front = yaml.dump(meta, Dumper=_front_matter_dumper(), sort_keys=False, allow_unicode=True,
                      default_flow_style=False, width=1000)
    return f"---\n{front}---\n{body.strip()}\n"


class NotYourCourse(DomainError):
    """An upload would replace a course the uploader does not teach."""


@dataclass
class CourseSettings:
    title: str
    summary: str
    jp: int
    competency: str
    level: str
    restricted: bool
    instructors: list[str]
    description: str
    min_reading_percent: int = 0
    evaluation_required: bool = False


@dataclass
class ModuleDraft:
    title: str
    kind: str
    minutes: int
    body: str
    pass_score: int | None = None
    max_attempts: int | None = None
    shuffle: bool = False
    shuffle_questions: bool = False
    #: after_pass (default), after_last_attempt, immediately or never.
    review: str = DEFAULT_REVIEW_POLICY
    require_lessons: bool = True
    #: As the editor shows it: "" (every question), "10", or "etika: 3, layanan: 3".
    draw: str = ""
    #: Durations as written, e.g. "30m" or "1h30m"; "" for none.
    retry_after: str = ""
    time_limit: str = ""
    #: graded, or pretest (no pass mark, one attempt, no review: those keys are left out).
    role: str = "graded"


def course_md(settings: CourseSettings, cover: str | None = None) -> str:
    meta: dict = {"title": settings.title, "summary": settings.summary, "jp": settings.jp,
                  "competency": settings.competency, "level": settings.level}
    if settings.instructors:
        meta["instructors"] = list(settings.instructors)
    if cover:
        meta["cover"] = cover
    if settings.restricted:
        meta["restricted"] = True
    if settings.min_reading_percent:
        meta["min_reading_percent"] = settings.min_reading_percent
    if settings.evaluation_required:
        meta["evaluation"] = "required"
    return _dump_front_matter(meta, settings.description)


def module_md(draft: ModuleDraft) -> str:
    meta: dict = {"title": draft.title}
    if draft.minutes is not None:  # an empty field (a preview) is reported once, as missing
        meta["minutes"] = draft.minutes
    if draft.kind == "quiz" and draft.role == "pretest":
        meta.update({"type": "quiz", "role": "pretest", "shuffle": bool(draft.shuffle),
                     "shuffle_questions": bool(draft.shuffle_questions)})
        meta.update({k: v for k, v in _assessment_meta(draft).items()
                     if k in ("draw", "time_limit")})
    elif draft.kind == "quiz":
        meta["type"] = "quiz"
        meta["pass_score"] = draft.pass_score if draft.pass_score is not None else 70
        meta["max_attempts"] = draft.max_attempts if draft.max_attempts is not None else 3
        meta["shuffle"] = bool(draft.shuffle)
        meta["shuffle_questions"] = bool(draft.shuffle_questions)
        meta.update(_assessment_meta(draft))
    return _dump_front_matter(meta, draft.body)


def _assessment_meta(draft: ModuleDraft) -> dict:
    """Only the assessment keys that differ from their defaults.

    So a quiz saved before these keys existed is written byte for byte as
    before. Values are written as typed: the checker reports any mistake
    with its line, as it would in a file.
    """
    meta: dict = {}
    if draft.review and draft.review != DEFAULT_REVIEW_POLICY:
        meta["review"] = draft.review
    if not draft.require_lessons:
        meta["require_lessons"] = False
    draw = draw_from_text(draft.draw)
    if draw is not None:
        meta["draw"] = _FlowMapping(draw) if isinstance(draw, dict) else draw
    for key in ("retry_after", "time_limit"):
        if text := getattr(draft, key).strip():
            meta[key] = text
    return meta


def settings_of(course: Course) -> CourseSettings:
    fm, _ = split_front_matter(course.source.replace("\r\n", "\n"), "course.md")
    return CourseSettings(
        title=course.title, summary=course.summary, jp=course.jp,
        competency=course.competency, level=course.level, restricted=course.restricted,
        instructors=course.instructor_nips, description=fm.body.strip(),
        min_reading_percent=course.min_reading_percent,
        evaluation_required=course.evaluation_required)


def draft_of(module: Module) -> ModuleDraft:
    """The module as the editor shows it.

    The assessment keys are read from the file as written (``draw: {etika: 3}``,
    ``retry_after: 90m``), so saving from the browser keeps what was written in git.
    """
    fm, _ = split_front_matter(module.source.replace("\r\n", "\n"), module.filename)
    data = fm.data
    return ModuleDraft(
        title=module.title, kind=module.kind, minutes=module.minutes, body=fm.body.strip(),
        pass_score=module.pass_score, max_attempts=module.max_attempts,
        shuffle=module.shuffle, shuffle_questions=module.shuffle_questions,
        review=data.get("review") or DEFAULT_REVIEW_POLICY,
        require_lessons=data.get("require_lessons") is not False,
        draw=draw_text(data.get("draw")),
        retry_after=_written(data.get("retry_after")),
        time_limit=_written(data.get("time_limit")), role=module.role or "graded")


def _written(value) -> str:
    return "" if value is None else str(value)


def create_course(slug: str, settings: CourseSettings, author: User) -> SaveResult:
    """A new draft course; its author becomes one of its instructors."""
    if get_course(slug) is not None:
        raise ContentError([Problem(slug, 1, N_("a course with slug '%(slug)s' already exists"),
                                    {"slug": slug})])
    if author.role == "instructor" and author.nip not in settings.instructors:
        settings.instructors = [author.nip, *settings.instructors]
    files = CourseFiles(slug=slug, files={"course.md": course_md(settings).encode()}, label=slug)
    return save_course(files, status="draft", require_modules=False)


def update_settings(course: Course, settings: CourseSettings) -> SaveResult:
    files = course_files(course)
    files.files["course.md"] = course_md(settings, course.cover_path).encode()
    return save_course(files, require_modules=False)


def _with_module(course: Course, module: Module | None, slug: str, draft: ModuleDraft
                 ) -> CourseFiles:
    files = course_files(course)
    if module is not None:
        del files.files[module.filename]
        position = module.position
    else:
        position = max((m.position for m in course.active_modules), default=0) + 1
        if position > 99:
            raise ContentError([Problem(course.slug, 1, N_("a course has at most 99 modules"))])
    files.files[f"{position:02d}-{slug}.md"] = module_md(draft).encode()
    return files


def preview_module(course: Course, module: Module | None, slug: str, draft: ModuleDraft):
    """Render the module as it would be saved, with any problems, writing nothing."""
    parsed, problems = check_course(_with_module(course, module, slug, draft),
                                    require_modules=False, render_only=slug)
    rendered = next((m for m in parsed.modules if m.slug == slug), None)
    return rendered, problems


def save_module(course: Course, module: Module | None, slug: str, draft: ModuleDraft,
                *, publish: bool) -> Module:
    """Create or update one module; ``publish`` makes it visible to learners.

    Saving a published module keeps it published, and keeps learners'
    progress, since the module (its slug) stays the same.
    """
    files = _with_module(course, module, slug, draft)
    status = "published" if publish or (module is not None and module.status == "published") \
        else "draft"
    save_course(files, new_module_status=status, require_modules=False)
    saved = next(m for m in course.modules if m.slug == slug)
    saved.status = status
    db.session.flush()
    return saved


def quiz_publish_warnings(module: Module) -> list[Problem]:
    """What to tell the author who publishes ``module``: the draft lessons before a quiz.

    Only in a published course, where learners can already reach the quiz;
    they do not see draft lessons, so they would take the quiz without them.
    """
    course = module.course
    if module.kind != "quiz" or module.status != "published" or course.status != "published":
        return []
    return [Problem(course.slug, 1, N_(
        "lesson %(file)s (%(title)s) before this quiz is still a draft: learners will reach "
        "the quiz without it until you publish it"), {"file": m.filename, "title": m.title})
        for m in course.active_modules
        if m.kind == "lesson" and m.position < module.position and m.status != "published"]


def set_module_status(module: Module, status: str) -> None:
    module.status = status
    db.session.flush()


def move_module(course: Course, module: Module, direction: int) -> None:
    """Swap the module with its neighbour (direction -1 up, +1 down) by renumbering files."""
    active = course.active_modules
    index = active.index(module)
    other_index = index + direction
    if not 0 <= other_index < len(active):
        return
    other = active[other_index]
    files = course_files(course)
    a, b = files.files.pop(module.filename), files.files.pop(other.filename)
    files.files[f"{other.position:02d}-{module.slug}.md"] = a
    files.files[f"{module.position:02d}-{other.slug}.md"] = b
    save_course(files, require_modules=False)


def publish_course(course: Course) -> None:
    """Publish the course once every one of its modules is published.

    Learners never see a draft module: a course published with one would
    silently lack it, and a quiz after a draft lesson would open without it.
    """
    drafts = [m for m in course.active_modules if m.status != "published"]
    if drafts:
        raise ContentError([Problem(course.slug, 1, N_(
            "module %(file)s (%(title)s) is still a draft: publish it or remove it first"),
            {"file": m.filename, "title": m.title}) for m in drafts])
    if not course.active_modules:
        raise ContentError([Problem(course.slug, 1,
                                    N_("publish at least one module before the course"))])
    course.status = "published"
    course.published_at = course.published_at or utcnow()
    db.session.flush()


def unpublish_course(course: Course) -> None:
    course.status = "draft"
    db.session.flush()


def upload_course(cf: CourseFiles, user: User) -> SaveResult:
    """Import an uploaded zip: new courses arrive as drafts."""
    existing = get_course(cf.slug)
    if existing is not None and not can_edit_course(user, existing):
        raise NotYourCourse(N_("A course with this short name exists and you are not one of "
                               "its instructors."))
    parsed, problems = check_course(cf)
    if problems:
        raise ContentError(problems)
    if user.role != "admin" and user.nip not in parsed.instructors:
        raise ContentError([Problem(f"{cf.label}/course.md", 1, N_(
            "add your NIP %(nip)s to 'instructors' in course.md"), {"nip": user.nip})])
    return save_course(cf, status="draft")
