"""Form fields render exactly as WTForms renders them, through the faster attribute
writer the platform installs (elearn/forms.py)."""

from __future__ import annotations

import pytest
import wtforms.widgets as widgets
import wtforms.widgets.core as core
from markupsafe import Markup

from elearn.auth.forms import ChangePasswordForm, LoginForm
from elearn.forms import WTFORMS_HTML_PARAMS, _html_params, install_fast_html_params

CASES = [
    {},
    {"name": "identifier", "id": "identifier", "type": "text", "value": ""},
    {"name": "q", "value": 'a "quoted" <b>value</b> & more'},
    {"name": "x", "value": Markup('<i>"safe"</i>')},
    {"checked": True, "readonly": False, "name": "remember", "value": "y"},
    {"class_": "wide", "for_": "f", "data_user_name": "a_b", "aria_described_by": "f-err"},
    {"required": True, "maxlength": 18, "minlength": 0, "step": 0.5, "value": None},
    {"placeholder": "Nur’aini Ṣāliḥ", "title": "1 < 2 > 0 ' \""},
]


@pytest.mark.parametrize("kwargs", CASES)
def test_attributes_are_written_exactly_as_wtforms_writes_them(kwargs):
    ours = _html_params(**kwargs)
    assert isinstance(ours, Markup)
    assert str(ours) == str(WTFORMS_HTML_PARAMS(**kwargs))


def test_every_form_field_of_the_sign_in_page_renders_as_before(app):
    with app.test_request_context("/login", method="POST",
                                  data={"identifier": '"><script>', "password": "x"}):
        for form in (LoginForm(), ChangePasswordForm()):
            form.validate()
            for field in form:
                fast = str(field()) + str(field.label())
                try:
                    core.html_params = WTFORMS_HTML_PARAMS
                    core.Input.html_params = staticmethod(WTFORMS_HTML_PARAMS)
                    widgets.html_params = WTFORMS_HTML_PARAMS
                    original = str(field()) + str(field.label())
                finally:
                    install_fast_html_params()
                assert fast == original, field.name
