"""Check a course folder and turn it into a ParsedCourse with rendered HTML.

Every problem is reported with its file and line; a course with any problem
must not be imported.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from ..text import CONTROL_CHARACTERS
from ..vocabulary import (
    COMPETENCIES,
    DEFAULT_LEVEL,
    DEFAULT_REVIEW_POLICY,
    LEVELS,
    MODULE_KINDS,
    REVIEW_POLICIES,
)
from .assets import content_matches
from .draw import check_draw
from .fields import FrontMatterFields
from .files import MAX_FILE_BYTES, CourseFiles
from .frontmatter import FrontMatter, split_front_matter
from .limits import MAX_FILE_CHARS, course_problems, markdown_problems
from .model import N_, ParsedCourse, ParsedModule, Problem
from .quiz import parse_questions
from .render import is_relative_target, render_inline, render_markdown
from .roles import read_role, role_problems

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MODULE_FILE = re.compile(r"^(\d{2})-(.+)\.md$")
IMAGE_TYPES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}
ATTACHMENT_TYPES = {".pdf", ".pptx", ".ppt", ".docx", ".xlsx", ".odt", ".odp", ".ods",
                    ".txt", ".csv"}
COURSE_KEYS = {"title", "summary", "jp", "competency", "level", "instructors", "cover",
               "restricted", "min_reading_percent", "evaluation"}
COURSE_REQUIRED = ("title", "summary", "jp", "competency")
LESSON_KEYS = {"title", "minutes", "type"}
QUIZ_KEYS = LESSON_KEYS | {"pass_score", "max_attempts", "shuffle", "shuffle_questions",
                           "review", "require_lessons", "draw", "retry_after", "time_limit",
                           "role"}
#: ``evaluation:`` in course.md: whether the certificate waits for the evaluation.
EVALUATION_CHOICES = ("optional", "required")
#: When a learner sees the correct answers and explanations (docs/authoring.md).
_LINK = re.compile(r"(!?)\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*[\"'])?\s*\)")
_FENCE = re.compile(r"^\s*(```|~~~)")


def default_module_url(course_slug: str, module_slug: str) -> str:
    return f"/courses/{course_slug}/{module_slug}"


def default_asset_url(course_slug: str, path: str, digest: str) -> str:
    return f"/courses/{course_slug}/files/{digest}/{path}"


def find_course_folders(path: str | Path) -> list[Path]:
    """``path`` itself if it is a course folder, else its course subfolders.

    A subfolder that is a symbolic link is skipped: it could lead anywhere.
    """
    root = Path(path)
    if (root / "course.md").is_file():
        return [root]
    return sorted(p for p in root.iterdir()
                  if not p.is_symlink() and p.is_dir() and (p / "course.md").is_file())


class _Checker(FrontMatterFields):
    def __init__(self, cf: CourseFiles,
                 module_url: Callable[[str, str], str],
                 asset_url: Callable[[str, str, str], str],
                 require_modules: bool = True, render_only: str | None = None):
        self.cf = cf
        self.require_modules = require_modules
        self.render_only = render_only
        self.module_url = module_url
        self.asset_url = asset_url
        self.problems: list[Problem] = []
        self.course = ParsedCourse(slug=cf.slug)
        self.module_files: dict[str, str] = {}  # file name -> module slug

    def where(self, path: str) -> str:
        return f"{self.cf.label}/{path}"

    def add(self, path: str, line: int, message: str, **params) -> None:
        self.problems.append(Problem(self.where(path), line, message, params))

    # -- files ---------------------------------------------------------------
    def classify(self) -> tuple[str | None, list[tuple[int, str, str]]]:
        if not SLUG.match(self.cf.slug):
            self.add("course.md", 1, N_(
                "course folder name '%(slug)s' must be lower-case letters, digits and single "
                "hyphens"), slug=self.cf.slug)
        modules: list[tuple[int, str, str]] = []
        course_text = None
        for path, reason in sorted(self.cf.refused.items()):
            self.add(path, 1, reason)
        for path, data in sorted(self.cf.files.items()):
            suffix = PurePosixPath(path).suffix.lower()
            if path == "course.md":
                course_text = self.decode(path, data)
            elif "/" not in path and suffix == ".md":
                match = MODULE_FILE.match(path)
                if not match or not SLUG.match(match.group(2)):
                    self.add(path, 1, N_(
                        "module file names are NN-slug.md (two digits, a hyphen, lower-case "
                        "letters, digits and hyphens)"))
                    continue
                text = self.decode(path, data)
                if text is not None:
                    modules.append((int(match.group(1)), match.group(2), path))
            elif suffix in IMAGE_TYPES or suffix in ATTACHMENT_TYPES:
                if len(data) > MAX_FILE_BYTES:
                    self.add(path, 1, N_("file is larger than 10 MB"))
                    continue
                if not content_matches(path, data):
                    self.add(path, 1, N_(
                        "the file's content is not a %(suffix)s file (only its name says so); "
                        "save it again in that format"), suffix=suffix)
                    continue
                self.course.assets[path] = data
                self.course.asset_sha256[path] = hashlib.sha256(data).hexdigest()
            else:
                self.add(path, 1, N_(
                    "unsupported file type '%(suffix)s' (allowed: images %(images)s; "
                    "attachments %(attachments)s)"), suffix=suffix or path,
                    images=", ".join(sorted(IMAGE_TYPES)),
                    attachments=", ".join(sorted(ATTACHMENT_TYPES)))
        if course_text is None and "course.md" not in self.cf.files \
                and "course.md" not in self.cf.refused:
            self.add("course.md", 1, N_("course.md is missing"))
        return course_text, modules

    def decode(self, path: str, data: bytes) -> str | None:
        try:
            text = data.decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            self.add(path, line, N_("the file is not UTF-8 text"))
            return None
        # NUL and other control characters are invisible, cannot be stored by
        # PostgreSQL (NUL) and have no place in a lesson: refuse, naming the line.
        match = CONTROL_CHARACTERS.search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            self.add(path, line, N_("control character U+%(code)s is not allowed in text"),
                     code=f"{ord(match.group()):04X}")
            return None
        return text

    # -- front matter --------------------------------------------------------
    def front_matter(self, path: str, text: str) -> FrontMatter:
        fm, problems = split_front_matter(text, self.where(path))
        self.problems.extend(problems)
        return fm

    # -- course.md -----------------------------------------------------------
    def within_limits(self, path: str, text: str, fm: FrontMatter | None = None) -> bool:
        """Report what breaks the Markdown limits; only text within them is rendered."""
        if len(text) > MAX_FILE_CHARS:
            self.add(path, 1, N_(
                "the file has %(count)d characters; at most %(limit)d are allowed "
                "(split it into several modules)"), count=len(text), limit=MAX_FILE_CHARS)
            return False
        if fm is None:
            return True
        found = markdown_problems(fm.body, fm.body_line)
        for line, message, params in found:
            self.add(path, line, message, **params)
        return not found

    def check_course_file(self, text: str) -> None:
        c, path = self.course, "course.md"
        c.source = self.cf.files[path].decode("utf-8")  # verbatim, for a byte-exact export
        if not self.within_limits(path, text):
            return
        fm = self.front_matter(path, text)
        if not self.within_limits(path, text, fm):
            return
        self.check_keys(path, fm, COURSE_KEYS, COURSE_REQUIRED)
        c.title = self.text_value(path, fm, "title", 200)
        c.summary = self.text_value(path, fm, "summary", 300)
        c.jp = self.int_value(path, fm, "jp", 1, 100, 0) or 0
        c.competency = self.choice_value(path, fm, "competency", COMPETENCIES)
        c.level = self.choice_value(path, fm, "level", LEVELS, DEFAULT_LEVEL)
        c.restricted = self.bool_value(path, fm, "restricted")
        c.min_reading_percent = self.int_value(path, fm, "min_reading_percent", 0, 100, 0) or 0
        c.evaluation_required = self.choice_value(
            path, fm, "evaluation", EVALUATION_CHOICES, "optional") == "required"
        instructors = fm.data.get("instructors", [])
        if instructors is None:
            instructors = []
        if not isinstance(instructors, list):
            self.add(path, fm.lines["instructors"], N_(
                "instructors must be a list of NIPs, e.g. [\"198507202010012001\"]"))
            instructors = []
        for nip in instructors:
            nip = str(nip)
            if not (len(nip) == 18 and nip.isdigit()):
                self.add(path, fm.lines["instructors"], N_(
                    "instructor NIP '%(nip)s' must be 18 digits"), nip=nip)
            elif nip not in c.instructors:
                c.instructors.append(nip)
        if "cover" in fm.data:
            cover = str(fm.data["cover"] or "")
            if PurePosixPath(cover).suffix.lower() not in IMAGE_TYPES:
                self.add(path, fm.lines["cover"], N_("cover must be an image (%(types)s)"),
                         types=", ".join(sorted(IMAGE_TYPES)))
            elif cover not in self.course.assets:
                self.add(path, fm.lines["cover"], N_(
                    "cover image '%(target)s' is not in the course folder"), target=cover)
            else:
                c.cover = cover
        c.description = fm.body.strip()
        if not c.description:
            self.add(path, fm.end_line, N_("course.md needs a description after the front matter"))
        self.check_links(path, fm.body, fm.body_line)
        if self.render_only is None:
            c.description_html = render_markdown(fm.body, self.resolver)

    # -- modules -------------------------------------------------------------
    def check_module(self, position: int, slug: str, path: str) -> ParsedModule | None:
        text = self.decode(path, self.cf.files[path])
        if text is None or not self.within_limits(path, text):
            return None
        fm = self.front_matter(path, text)
        if not self.within_limits(path, text, fm):
            return None
        kind = fm.data.get("type", "lesson")
        if kind not in MODULE_KINDS:
            self.add(path, fm.lines.get("type", 1), N_(
                "type must be lesson or quiz, got '%(value)s'"), value=kind)
            kind = "lesson"
        self.check_keys(path, fm, QUIZ_KEYS if kind == "quiz" else LESSON_KEYS,
                        ("title", "minutes"))
        module = ParsedModule(
            filename=path, position=position, slug=slug, kind=kind,
            title=self.text_value(path, fm, "title", 200),
            minutes=self.int_value(path, fm, "minutes", 1, 600, 0) or 0,
            source=self.cf.files[path].decode("utf-8"), body=fm.body.strip(),
        )
        self.check_links(path, fm.body, fm.body_line)
        render = self.render_only is None or self.render_only == slug
        if kind == "quiz":
            module.pass_score = self.int_value(path, fm, "pass_score", 0, 100, 70)
            module.max_attempts = self.int_value(path, fm, "max_attempts", 0, 1000, 3)
            module.shuffle = self.bool_value(path, fm, "shuffle")
            module.shuffle_questions = self.bool_value(path, fm, "shuffle_questions")
            module.review = self.choice_value(path, fm, "review", REVIEW_POLICIES,
                                              DEFAULT_REVIEW_POLICY)
            module.require_lessons = self.bool_value(path, fm, "require_lessons", True)
            module.retry_after_seconds = self.duration_value(path, fm, "retry_after")
            module.time_limit_seconds = self.duration_value(path, fm, "time_limit")
            read_role(self, path, fm, module)
            intro, questions, problems = parse_questions(fm.body, fm.body_line, self.where(path))
            self.problems.extend(problems)
            module.draw, problems = check_draw(fm.data.get("draw"), fm.lines.get("draw", 1),
                                               questions, self.where(path))
            self.problems.extend(problems)
            module.body_html = render_markdown(intro, self.resolver) if intro and render else ""
            for q in questions if render else ():
                q.prompt_html = render_markdown(q.prompt, self.resolver)
                q.explanation_html = (
                    render_markdown(q.explanation, self.resolver) if q.explanation else "")
                for option in q.options:
                    option.html = render_inline(option.text, self.resolver)
            module.questions = questions
        else:
            if not module.body:
                self.add(path, fm.end_line, N_("the lesson has no text after the front matter"))
            if render:
                module.body_html = render_markdown(fm.body, self.resolver)
        return module

    # -- links ---------------------------------------------------------------
    def check_links(self, path: str, body: str, first_line: int) -> None:
        in_fence = False
        for offset, line in enumerate(body.split("\n")):
            if _FENCE.match(line):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            for bang, alt, url in _LINK.findall(line):
                number = first_line + offset
                if bang and not alt.strip():
                    self.add(path, number, N_("image '%(target)s' needs alt text: ![what it "
                                              "shows](%(target)s)"), target=url)
                if not is_relative_target(url):
                    if url.lower().startswith(("javascript:", "vbscript:", "data:")):
                        self.add(path, number, N_("links with '%(scheme)s' are not allowed"),
                                 scheme=url.split(":")[0].lower())
                    continue
                target = unquote(urlsplit(url).path)
                if bang:
                    if target not in self.course.assets:
                        self.add(path, number, N_(
                            "image '%(target)s' is not in the course folder"), target=target)
                    elif PurePosixPath(target).suffix.lower() not in IMAGE_TYPES:
                        self.add(path, number, N_("'%(target)s' is not an image"),
                                 target=target)
                elif target.endswith(".md"):
                    if self._module_slug(target) is None:
                        self.add(path, number, N_(
                            "link to module '%(target)s', which is not in the course"),
                            target=target)
                elif target not in self.course.assets:
                    self.add(path, number, N_(
                        "linked file '%(target)s' is not in the course folder"), target=target)

    def _module_slug(self, target: str) -> str | None:
        """Links name a module by file; only the slug counts, so reordering keeps them."""
        match = MODULE_FILE.match(target)
        if match and match.group(2) in self.module_files.values():
            return match.group(2)
        return None

    def resolver(self, target: str, tag: str) -> str | None:
        target = unquote(target)
        if (slug := self._module_slug(target)) is not None:
            return self.module_url(self.cf.slug, slug)
        if target in self.course.assets:
            return self.asset_url(self.cf.slug, target, self.course.asset_sha256[target])
        return None

    # -- all -----------------------------------------------------------------
    def run(self) -> ParsedCourse:
        course_text, modules = self.classify()
        seen_numbers: dict[int, str] = {}
        seen_slugs: dict[str, str] = {}
        for position, slug, path in sorted(modules):
            if position in seen_numbers:
                self.add(path, 1, N_("module number %(number)02d is also used by %(other)s"),
                         number=position, other=seen_numbers[position])
            if slug in seen_slugs:
                self.add(path, 1, N_("duplicate module slug '%(slug)s' (also %(other)s)"),
                         slug=slug, other=seen_slugs[slug])
            seen_numbers.setdefault(position, path)
            seen_slugs.setdefault(slug, path)
            self.module_files[path] = slug
        texts = [course_text or ""] + [
            self.cf.files[path].decode("utf-8-sig") for _, _, path in modules]
        for message, params in course_problems(texts):
            self.add("course.md", 1, message, **params)
            self.render_only = ""  # a course over its budget renders nothing
        if course_text is not None:
            self.check_course_file(course_text)
        for position, slug, path in sorted(modules):
            module = self.check_module(position, slug, path)
            if module is not None:
                self.course.modules.append(module)
        self.problems.extend(role_problems(self.course.modules, self.where))
        if course_text is not None and not modules and self.require_modules:
            self.add("course.md", 1, N_("the course has no modules (files named NN-slug.md)"))
        self.course.content_hash = self.cf.content_hash()
        self.problems.sort(key=lambda p: (p.file, p.line))
        return self.course


def check_course(
    cf: CourseFiles,
    module_url: Callable[[str, str], str] = default_module_url,
    asset_url: Callable[[str, str, str], str] = default_asset_url,
    *,
    require_modules: bool = True,
    render_only: str | None = None,
) -> tuple[ParsedCourse, list[Problem]]:
    """Check and render a course; the course is importable only if no problems.

    ``require_modules=False`` accepts a course without modules yet (a draft
    started in the web editor). ``render_only`` (a module slug, for the
    editor preview) checks everything but renders that module only.
    """
    checker = _Checker(cf, module_url, asset_url, require_modules, render_only)
    course = checker.run()
    return course, checker.problems
