"""The admin menu names the section a page belongs to, pages under its address included."""

import re

import pytest

from ..conftest import AuthActions


@pytest.mark.parametrize(("path", "section"), [
    ("/admin/users", "Pegawai"),
    ("/admin/users/new", "Pegawai"),
    ("/admin/units/new", "Unit kerja"),
    ("/admin/assignments/bulk", "Penugasan"),
    ("/admin/reports/jp", "Laporan"),
    ("/admin/audit", "Log audit"),
])
def test_the_menu_names_the_current_section_and_marks_its_link(client, make_user, path,
                                                               section):
    account = make_user("admin")
    AuthActions(client).login(account.nip)
    html = client.get(path).get_data(as_text=True)
    nav = html[html.index('<nav class="subnav"'):html.index("</nav>", html.index('class="subnav"'))]
    assert f"Menu admin: <strong>{section}</strong>" in nav
    assert re.findall(r'aria-current="page">([^<]+)</a>', nav) == [section]
