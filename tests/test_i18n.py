"""Translations: every interface string has its Indonesian text."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def test_every_ui_string_has_an_indonesian_translation():
    po = ROOT / "elearn/translations/id/LC_MESSAGES/messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale="id")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and not m.fuzzy and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    method_map = [("elearn/**.py", "python"), ("elearn/templates/**.html", "jinja2")]
    keywords = {"_": None, "_l": None, "N_": None, "gettext": None, "lazy_gettext": None,
                "ngettext": (1, 2)}
    missing = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), method_map, keywords=keywords
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid not in translated:
            missing.add(msgid)
    assert not missing, f"untranslated (run make extract-messages): {sorted(missing)}"
