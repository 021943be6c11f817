"""Images and attachments uploaded from the web editor become course files.

An upload is one more file in the course folder, saved through
``save_course`` like any import: the same checker (allowed types, 10 MB,
content matching the extension), a new version and content hash, and
nothing written at all when anything is wrong. A file never replaces
another one: a second ``foto.png`` with different bytes is stored as
``foto-2.png``, so what learners already see never changes underneath them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from ..content.assets import AssetError, markdown_snippet, numbered, upload_path
from ..content.check import IMAGE_TYPES
from ..content.files import ZipLimits
from ..content.model import N_
from ..models import Course
from .store import course_files, save_course

__all__ = ["AssetError", "UploadedAsset", "add_asset"]


@dataclass
class UploadedAsset:
    path: str
    snippet: str
    image: bool
    #: added, or unchanged when the very same file was already in the course.
    outcome: str


def add_asset(course: Course, filename: str, data: bytes,
              max_course_bytes: int = ZipLimits.max_total_bytes) -> UploadedAsset:
    """Store ``data`` as a file of ``course``. Raises AssetError or ContentError.

    ``data`` may be cut at one byte over the limit by the caller: the
    checker then reports the file as too large, as it would in a folder.
    ``max_course_bytes`` bounds all the course's files together: the
    largest zip an upload accepts, so the course can always be exported
    and uploaded again.
    """
    path = upload_path(filename)
    if not data:
        raise AssetError(N_("The file %(name)s is empty."), name=filename)
    files = course_files(course)
    if sum(map(len, files.files.values())) + len(data) > max_course_bytes:
        raise AssetError(N_("With this file the course's files would be larger than "
                            "%(limit)d MB together. Make images smaller, or remove unused "
                            "files in the course zip."), limit=max_course_bytes // (1024 * 1024))
    outcome = "added"
    candidate, number = path, 1
    while candidate in files.files:
        if files.files[candidate] == data:
            outcome = "unchanged"
            break
        number += 1
        candidate = numbered(path, number)
    if outcome == "added":
        files.files[candidate] = data
        save_course(files, require_modules=False)
    image = PurePosixPath(candidate).suffix.lower() in IMAGE_TYPES
    return UploadedAsset(candidate, markdown_snippet(candidate, image), image, outcome)
