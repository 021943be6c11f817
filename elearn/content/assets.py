"""What an image or attachment of a course may be: its type, judged by its bytes,
and the safe name an uploaded file is stored under.

The checker calls ``content_matches`` for every file of every course (folder,
zip or web upload), so a program renamed ``sop.pdf`` is refused wherever it
comes from. ``upload_path`` turns the name a browser sent into one that
survives the folder round trip (export, git, import) and can be written in a
Markdown link without escaping.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

from ..errors import DomainError
from ..text import CONTROL_CHARACTERS
from .model import N_

_ZIP = (b"PK\x03\x04",)  # Office Open XML and OpenDocument files are zips
#: How each binary type begins. Plain text (.txt, .csv) has no signature.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".ppt": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".pptx": _ZIP, ".docx": _ZIP, ".xlsx": _ZIP, ".odt": _ZIP, ".odp": _ZIP, ".ods": _ZIP,
}
#: Folder uploads go under media/, as docs/authoring.md suggests.
UPLOAD_FOLDER = "media"
#: Characters of an uploaded file's name, extension included.
MAX_NAME_CHARS = 100


def content_matches(path: str, data: bytes) -> bool:
    """Whether ``data`` begins as a file of the type its name says (by extension)."""
    suffix = PurePosixPath(path).suffix.lower()
    if suffix == ".webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if suffix == ".pdf":  # readers accept a few bytes before the header
        return b"%PDF-" in data[:1024]
    signatures = _SIGNATURES.get(suffix)
    return signatures is None or data.startswith(signatures)


class AssetError(DomainError):
    """An uploaded file was refused before it reached the course."""


def upload_path(filename: str) -> str:
    """``media/<name>`` for an uploaded file, or AssetError saying what is wrong.

    Letters are folded to ASCII and lower case, anything else between them
    becomes one hyphen: ``Alur Layanan (baru).PNG`` is ``media/alur-layanan-baru.png``.
    A name with a folder, ``..``, a control character or nothing readable is refused.
    """
    name = filename or ""
    if not name.strip():
        raise AssetError(N_("The file has no name."))
    if "/" in name or "\\" in name or name.strip().startswith("."):
        raise AssetError(N_("The file name may not contain a folder, '..' or start with a "
                            "dot: %(name)s"), name=name[:MAX_NAME_CHARS])
    if CONTROL_CHARACTERS.search(name):
        raise AssetError(N_("The file name contains a control character."))
    if len(name) > MAX_NAME_CHARS:
        raise AssetError(N_("The file name has %(count)d characters; at most %(limit)d are "
                            "allowed. Rename the file and upload it again."),
                         count=len(name), limit=MAX_NAME_CHARS)
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = _plain(stem)
    if not stem:
        raise AssetError(N_("Give the file a name with Latin letters or digits, e.g. "
                            "alur-layanan.png."))
    suffix = _plain(suffix).replace("-", "")
    return f"{UPLOAD_FOLDER}/{stem}.{suffix}" if suffix else f"{UPLOAD_FOLDER}/{stem}"


def _plain(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def numbered(path: str, number: int) -> str:
    """``media/foto.png`` as ``media/foto-2.png``: another file of the same name."""
    folder, _, name = path.rpartition("/")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    return f"{folder}/{stem}-{number}" + (f".{suffix}" if suffix else "")


def markdown_snippet(path: str, image: bool) -> str:
    """What to write in a module to show or link the file."""
    name = path.rsplit("/", 1)[-1]
    if image:
        return f"![{name.rsplit('.', 1)[0].replace('-', ' ')}]({path})"
    return f"[{name}]({path})"
