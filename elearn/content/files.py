"""Course folders as in-memory file maps, from a directory or a zip upload."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .model import N_

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_COURSE_BYTES = 200 * 1024 * 1024


class CourseFilesError(ValueError):
    """The folder or archive cannot be read as a course at all."""

    def __init__(self, where: str, message: str, **params):
        self.where, self.message, self.params = where, message, params
        super().__init__(f"{where}: {message % params if params else message}")

    def text(self, translate=lambda s: s) -> str:
        message = translate(self.message)
        return f"{self.where}: {message % self.params if self.params else message}"


@dataclass
class CourseFiles:
    """One course: its slug and every file, keyed by a relative POSIX path."""

    slug: str
    files: dict[str, bytes]
    #: How paths are shown in messages, e.g. ``content/pelayanan-publik``.
    label: str

    def content_hash(self) -> str:
        """SHA-256 over every path and its bytes, independent of file order."""
        digest = hashlib.sha256()
        for path in sorted(self.files):
            data = self.files[path]
            digest.update(path.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
        return digest.hexdigest()


def _ignored(parts: tuple[str, ...]) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def read_folder(path: str | Path) -> CourseFiles:
    root = Path(path)
    if not (root / "course.md").is_file():
        raise CourseFilesError(str(root), N_("not a course folder (no course.md)"))
    files: dict[str, bytes] = {}
    for file in sorted(root.rglob("*")):
        rel = file.relative_to(root)
        if file.is_dir() or _ignored(rel.parts):
            continue
        files[rel.as_posix()] = file.read_bytes()
    return CourseFiles(slug=root.resolve().name, files=files, label=str(path).rstrip("/"))


def read_zip(data: bytes, filename: str = "course.zip") -> CourseFiles:
    """Read an uploaded zip holding one course folder (or its files at the top)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise CourseFilesError(filename, N_("not a zip file")) from None
    entries = []
    total = 0
    for info in archive.infolist():
        if info.is_dir():
            continue
        parts = PurePosixPath(info.filename.replace("\\", "/")).parts
        if not parts or _ignored(parts):
            continue
        if info.filename.startswith("/") or ".." in parts:
            raise CourseFilesError(filename, N_("unsafe path '%(path)s' in the archive"),
                                   path=info.filename)
        if info.file_size > MAX_FILE_BYTES:
            raise CourseFilesError(filename, N_("%(path)s is larger than 10 MB"),
                                   path=info.filename)
        total += info.file_size
        if total > MAX_COURSE_BYTES:
            raise CourseFilesError(filename, N_("the archive is larger than 200 MB unpacked"))
        entries.append((parts, info))
    tops = {parts[0] for parts, _ in entries}
    nested = len(tops) == 1 and all(len(parts) > 1 for parts, _ in entries)
    slug = tops.pop() if nested else PurePosixPath(filename).stem
    files = {}
    for parts, info in entries:
        rel = "/".join(parts[1:] if nested else parts)
        files[rel] = archive.read(info)
    if "course.md" not in files:
        raise CourseFilesError(filename, N_("no course.md at the top of the course folder"))
    return CourseFiles(slug=slug, files=files, label=slug)


def write_folder(course: CourseFiles, dest: str | Path) -> Path:
    """Write the files into ``dest/<slug>``, replacing what a previous export left."""
    target = Path(dest) / course.slug
    target.mkdir(parents=True, exist_ok=True)
    for old in sorted(target.rglob("*"), reverse=True):
        rel = old.relative_to(target)
        if _ignored(rel.parts):
            continue
        if old.is_file() and rel.as_posix() not in course.files:
            old.unlink()
        elif old.is_dir() and not any(old.iterdir()):
            old.rmdir()
    for rel, data in course.files.items():
        file = target / rel
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(data)
    return target
