"""The sign-in page writes its fields out by hand (the most viewed page, and a GET
builds no form object): its markup must stay what the field macro makes of the
LoginForm, empty and with errors, in both languages."""

import re

import pytest
from flask import render_template, render_template_string
from werkzeug.datastructures import MultiDict

from elearn.auth.forms import LoginForm

MACRO = ('{% from "macros.html" import field %}'
         "{{ field(form.identifier) }}{{ field(form.password) }}{{ field(form.remember) }}")


def _fields(html: str) -> str:
    """The three fields of a sign-in form, whitespace between tags dropped."""
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r">\s+<", "><", html)
    start = html.index('<div class="field')
    end = html.index('<button type="submit"')
    return html[start:end].strip()


def _macro(form) -> str:
    return _fields(render_template_string(MACRO, form=form) + '<button type="submit"')


@pytest.mark.parametrize("locale", ["id", "en"])
def test_empty_form_is_the_macro_markup(app, locale):
    with app.test_request_context("/login", headers={"Cookie": f"locale={locale}"}):
        from flask_babel import refresh

        refresh()
        page = render_template("auth/login.html", form=None)
        assert _fields(page) == _macro(LoginForm(formdata=None))
        assert 'name="csrf_token"' in page


def test_form_with_errors_is_the_macro_markup(app):
    data = MultiDict({"identifier": 'x"<y>', "password": "", "remember": "y"})
    with app.test_request_context("/login", method="POST", data=data):
        form = LoginForm(formdata=data)
        assert not form.validate()
        form.identifier.errors.append("Akun ini dinonaktifkan.")
        page = render_template("auth/login.html", form=form)
        assert _fields(page) == _macro(form)
        assert 'aria-invalid="true"' in page and "x&#34;&lt;y&gt;" in page
        assert "checked" in page


def test_get_answers_the_form_and_a_failed_post_keeps_the_identifier(client):
    page = client.get("/login")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="identifier"' in html and 'value=""' in html
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    failed = client.post("/login", data={"csrf_token": token, "identifier": "nobody@x.example",
                                         "password": "wrong-password"})
    html = failed.get_data(as_text=True)
    assert 'value="nobody@x.example"' in html
    assert 'id="password-err"' in html
