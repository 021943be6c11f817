"""Course folders as in-memory file maps, from a directory or a zip upload.

Course folders come from instructors (often a git repository, which stores
symbolic links) and zips from the web: neither may make the platform read a
file outside the course (``media/env.txt -> /proc/self/environ``) or unpack
more than it can hold. ``read_folder`` opens files only through
``_open_regular`` (no symbolic link in any path component, regular files
only); ``read_zip`` refuses link and device entries and streams every entry
within ``ZipLimits``.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ..errors import DomainError
from .model import N_

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_COURSE_BYTES = 200 * 1024 * 1024
_CHUNK = 64 * 1024


class CourseFilesError(DomainError):
    """The folder or archive cannot be read as a course at all.

    ``errors`` holds every problem found (this one first), so a zip with
    several unsafe entries is reported in one go.
    """

    def __init__(self, where: str, message: str, **params):
        super().__init__(message, **params)
        self.where = where
        self.errors: list[CourseFilesError] = [self]
        self.args = (f"{where}: {self.args[0]}",)

    @classmethod
    def many(cls, errors: list[CourseFilesError]) -> CourseFilesError:
        first = errors[0]
        first.errors = list(errors)
        first.args = ("\n".join(str(e.args[0]) for e in errors),)
        return first

    def text(self, translate=lambda s: s) -> str:
        message = translate(self.message)
        return f"{self.where}: {message % self.params if self.params else message}"

    def texts(self, translate=lambda s: s) -> list[str]:
        return [error.text(translate) for error in self.errors]


@dataclass
class CourseFiles:
    """One course: its slug and every file, keyed by a relative POSIX path."""

    slug: str
    files: dict[str, bytes]
    #: How paths are shown in messages, e.g. ``content/pelayanan-publik``.
    label: str
    #: Paths that were not read, with the reason (a message id): symbolic
    #: links, devices, pipes, files too large. The checker reports each one.
    refused: dict[str, str] = field(default_factory=dict)

    def content_hash(self) -> str:
        """SHA-256 over every path and its bytes, independent of file order."""
        digest = hashlib.sha256()
        for path in sorted(self.files):
            data = self.files[path]
            digest.update(path.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
        return digest.hexdigest()


def _ignored(parts: tuple[str, ...]) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


SYMLINK_REFUSED = N_("symbolic links are not allowed")
SPECIAL_REFUSED = N_("only regular files and folders are allowed (not a device, pipe or socket)")
OUTSIDE_REFUSED = N_("the file is outside the course folder")
TOO_LARGE_REFUSED = N_("file is larger than 10 MB")

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


class _Refused(Exception):
    def __init__(self, message: str):
        self.message = message


def _open_regular(root: Path, rel: str) -> bytes:
    """The bytes of ``root/rel``, a regular file reached without any symbolic link.

    The only function that reads a course file from disk. Every component
    is opened relative to its parent with O_NOFOLLOW, so a link anywhere in
    the path (or one swapped in after a check) is never followed, and a
    device or FIFO is never read (O_NONBLOCK keeps a FIFO from blocking).
    """
    parts = PurePosixPath(rel).parts
    if not parts or any(part in ("", ".", "..") for part in parts):
        raise _Refused(OUTSIDE_REFUSED)
    fds = [os.open(root, os.O_RDONLY | _DIRECTORY)]
    try:
        for part in parts[:-1]:
            try:
                fds.append(os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=fds[-1]))
            except OSError:
                info = os.stat(part, dir_fd=fds[-1], follow_symlinks=False)
                raise _Refused(SYMLINK_REFUSED if stat.S_ISLNK(info.st_mode)
                               else SPECIAL_REFUSED) from None
        info = os.stat(parts[-1], dir_fd=fds[-1], follow_symlinks=False)
        if stat.S_ISLNK(info.st_mode):
            raise _Refused(SYMLINK_REFUSED)
        if not stat.S_ISREG(info.st_mode):
            raise _Refused(SPECIAL_REFUSED)
        try:
            fd = os.open(parts[-1], os.O_RDONLY | _NOFOLLOW | _NONBLOCK, dir_fd=fds[-1])
        except OSError:
            raise _Refused(SYMLINK_REFUSED) from None
        with os.fdopen(fd, "rb") as fh:
            opened = os.fstat(fh.fileno())
            if not stat.S_ISREG(opened.st_mode):
                raise _Refused(SPECIAL_REFUSED)
            if opened.st_size > MAX_FILE_BYTES:
                raise _Refused(TOO_LARGE_REFUSED)
            data = fh.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                raise _Refused(TOO_LARGE_REFUSED)
            return data
    finally:
        for fd in fds:
            os.close(fd)


def _walk(root: Path) -> tuple[dict[str, bytes], dict[str, str]]:
    """Every regular file under ``root`` (never through a link), and what was refused."""
    files: dict[str, bytes] = {}
    refused: dict[str, str] = {}
    pending = [""]
    while pending:
        prefix = pending.pop()
        with os.scandir(root / prefix if prefix else root) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                rel = f"{prefix}{entry.name}"
                if _ignored(PurePosixPath(rel).parts):
                    continue
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISLNK(mode):
                    refused[rel] = SYMLINK_REFUSED
                elif stat.S_ISDIR(mode):
                    pending.append(rel + "/")
                elif not stat.S_ISREG(mode):
                    refused[rel] = SPECIAL_REFUSED
                else:
                    try:
                        files[rel] = _open_regular(root, rel)
                    except _Refused as exc:
                        refused[rel] = exc.message
    return dict(sorted(files.items())), dict(sorted(refused.items()))


def read_folder(path: str | Path) -> CourseFiles:
    root = Path(path)
    if not (root / "course.md").is_file():
        raise CourseFilesError(str(root), N_("not a course folder (no course.md)"))
    files, refused = _walk(root.resolve())
    return CourseFiles(slug=root.resolve().name, files=files, label=str(path).rstrip("/"),
                       refused=refused)


@dataclass(frozen=True)
class ZipLimits:
    """What an uploaded zip may unpack to (see ELEARN_ZIP_* in config.py)."""

    max_entries: int = 1000
    max_file_bytes: int = MAX_FILE_BYTES
    max_total_bytes: int = 100 * 1024 * 1024
    #: Largest unpacked/packed size ratio of an entry over 1 MB (zip bombs).
    max_ratio: int = 100


_RATIO_FLOOR = 1024 * 1024
_READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, NotImplementedError,
                zlib.error, EOFError, OSError, ValueError, KeyError)


def _entry_type_error(info: zipfile.ZipInfo) -> str | None:
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        return SYMLINK_REFUSED
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        return SPECIAL_REFUSED
    return None


def _unsafe_name(name: str) -> bool:
    posix = name.replace("\\", "/")
    parts = PurePosixPath(posix).parts
    return (posix.startswith("/") or ".." in parts or "\0" in name
            or (bool(parts) and ":" in parts[0]))


def read_zip(data: bytes | BinaryIO, filename: str = "course.zip",
             limits: ZipLimits | None = None) -> CourseFiles:
    """Read an uploaded zip holding one course folder (or its files at the top).

    Sizes and counts are checked twice: against what the archive declares,
    before anything is unpacked, and against the bytes actually unpacked,
    while streaming. Damaged, encrypted or unsupported entries are reported,
    never raised as anything but CourseFilesError.
    """
    limits = limits or ZipLimits()
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    try:
        archive = zipfile.ZipFile(stream)
        infos = archive.infolist()
    except (*_READ_ERRORS, TypeError):
        raise CourseFilesError(filename, N_("not a zip file")) from None
    if len(infos) > limits.max_entries:
        raise CourseFilesError(filename, N_(
            "the archive holds %(count)d entries; at most %(limit)d are allowed"),
            count=len(infos), limit=limits.max_entries)
    entries = _declared_entries(infos, filename, limits)
    tops = {parts[0] for parts, _ in entries}
    nested = len(tops) == 1 and all(len(parts) > 1 for parts, _ in entries)
    slug = tops.pop() if nested else PurePosixPath(filename).stem
    files = _unpack(archive, entries, nested, filename, limits)
    if "course.md" not in files:
        raise CourseFilesError(filename, N_("no course.md at the top of the course folder"))
    return CourseFiles(slug=slug, files=files, label=slug)


def _declared_entries(infos: list[zipfile.ZipInfo], filename: str, limits: ZipLimits
                      ) -> list[tuple[tuple[str, ...], zipfile.ZipInfo]]:
    """The files to unpack, judged by what the archive declares; every problem at once."""
    errors: list[CourseFilesError] = []
    entries = []
    total = 0
    for info in infos:
        parts = PurePosixPath(info.filename.replace("\\", "/")).parts
        skipped = info.is_dir() or not parts or _ignored(parts)
        error = _entry_problem(info, filename, limits, skipped)
        if error is not None:
            errors.append(error)
            continue
        if skipped:
            continue
        total += info.file_size
        entries.append((parts, info))
    if total > limits.max_total_bytes:
        errors.append(CourseFilesError(filename, _TOTAL_TOO_LARGE,
                                       limit=_megabytes(limits.max_total_bytes)))
    if errors:
        raise CourseFilesError.many(errors)
    return entries


def _entry_problem(info: zipfile.ZipInfo, filename: str, limits: ZipLimits, skipped: bool
                   ) -> CourseFilesError | None:
    """Why one entry may not be unpacked (unsafe, not a file, encrypted, too big).

    A folder or an ignored file (``skipped``) is only checked for a safe name and type.
    """
    if _unsafe_name(info.filename):
        return CourseFilesError(filename, N_("unsafe path '%(path)s' in the archive"),
                                path=info.filename)
    if (reason := _entry_type_error(info)) is not None:
        return CourseFilesError(f"{filename}: {info.filename}", reason)
    if skipped:
        return None
    if info.flag_bits & 0x1:
        return CourseFilesError(f"{filename}: {info.filename}", N_(
            "the entry is encrypted; upload a zip without a password"))
    if info.file_size > limits.max_file_bytes:
        return CourseFilesError(filename, N_("%(path)s is larger than %(limit)s"),
                                path=info.filename, limit=_megabytes(limits.max_file_bytes))
    if info.file_size > _RATIO_FLOOR and \
            info.file_size > limits.max_ratio * max(info.compress_size, 1):
        return CourseFilesError(filename, N_(
            "%(path)s is compressed suspiciously well (more than %(ratio)d times)"),
            path=info.filename, ratio=limits.max_ratio)
    return None


def _unpack(archive: zipfile.ZipFile, entries, nested: bool, filename: str,
            limits: ZipLimits) -> dict[str, bytes]:
    """The entries' bytes, counted while streaming; every problem at once."""
    errors: list[CourseFilesError] = []
    files = {}
    unpacked = 0
    for parts, info in entries:
        rel = "/".join(parts[1:] if nested else parts)
        try:
            content = _read_entry(archive, info, limits, limits.max_total_bytes - unpacked,
                                  filename)
        except CourseFilesError as exc:
            errors.append(exc)
            if exc.message == _TOTAL_TOO_LARGE:
                break
            continue
        unpacked += len(content)
        files[rel] = content
    if errors:
        raise CourseFilesError.many(errors)
    return files


_TOTAL_TOO_LARGE = N_("the archive is larger than %(limit)s unpacked")


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ZipLimits,
                room: int, filename: str) -> bytes:
    """Unpack one entry, counting real bytes: a lying header cannot unpack more."""
    where = f"{filename}: {info.filename}"
    buffer = io.BytesIO()
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                buffer.write(chunk)
                size = buffer.tell()
                if size > limits.max_file_bytes:
                    raise CourseFilesError(where, N_("the file is larger than %(limit)s"),
                                           limit=_megabytes(limits.max_file_bytes))
                if size > room:
                    raise CourseFilesError(where, _TOTAL_TOO_LARGE,
                                           limit=_megabytes(limits.max_total_bytes))
    except CourseFilesError:
        raise
    except NotImplementedError:  # a RuntimeError too: test it first
        raise CourseFilesError(where, N_(
            "the entry uses a compression method that is not supported (use deflate)")) from None
    except RuntimeError:
        raise CourseFilesError(where, N_(
            "the entry is encrypted; upload a zip without a password")) from None
    except _READ_ERRORS:
        raise CourseFilesError(where, N_(
            "the entry is damaged and cannot be unpacked (bad checksum or data)")) from None
    return buffer.getvalue()


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
