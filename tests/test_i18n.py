"""Translations: every interface string has its Indonesian text."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask_babel import force_locale

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
                "ngettext": (1, 2), "N_plural": (1, 2)}
    missing = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT), method_map, keywords=keywords
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid not in translated:
            missing.add(msgid)
    assert not missing, f"untranslated (run make extract-messages): {sorted(missing)}"


def test_every_form_speaks_the_reader_language_through_the_platform_catalog(app):
    """WTForms has no Indonesian catalog: every form derives from elearn.forms.Form."""
    from flask_wtf import FlaskForm

    from elearn.forms import Form

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [f for f in subclasses(FlaskForm) if f.__module__.startswith("elearn.")]
    assert len(ours) > 10
    assert [f.__qualname__ for f in ours if not issubclass(f, Form)] == []
    with app.test_request_context(), force_locale("id"):
        from elearn.admin.forms import RevokeForm

        form = RevokeForm(prefix="revoke", formdata=None, meta={"csrf": False})
        form.category.data = "bosan"
        form.validate()
        assert form.category.errors == ["Pilihan tidak valid."]


def test_wtforms_plural_messages_are_formatted_by_wtforms(app):
    """A Length error without our own message is looked up, then formatted (no 500)."""
    from wtforms import StringField
    from wtforms.validators import Length

    from elearn.forms import Form

    class Short(Form):
        name = StringField(validators=[Length(max=3)])

    with app.test_request_context(), force_locale("id"):
        form = Short(formdata=None, meta={"csrf": False}, data={"name": "panjang"})
        assert not form.validate()
        assert form.name.errors == ["Paling banyak 3 karakter."]


def test_the_remembered_locale_name_follows_a_change_of_locale_within_a_request(app):
    """i18n.locale_name is remembered per request, for as long as the request's
    locale is the same: force_locale (an email in the recipient's language) and
    refresh (a language chosen mid-request) get their own name at once."""
    from flask_babel import force_locale, refresh

    from elearn.i18n import locale_name

    with app.test_request_context("/"):
        assert locale_name() == "id" and locale_name() == "id"
        with force_locale("en"):
            assert locale_name() == "en"
        assert locale_name() == "id"
        from flask import session

        session["locale"] = "en"
        refresh()
        assert locale_name() == "en"
    with app.app_context():  # no request: the site default, as Flask-Babel's get_locale
        assert locale_name() == "id"
