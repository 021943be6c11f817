"""The bulk assignment page: preview, then confirm; bad and huge input get a clear
message, never a 500; and the name lookup's JSON."""

import pytest
import sqlalchemy as sa

from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.models import Assignment, User

from ..conftest import AuthActions, csrf_token
from ..content.helpers import make_course

URL = "/admin/assignments/bulk"
A, B = "199001012015011001", "199002022015022002"
UNKNOWN = "199912312020121001"


@pytest.fixture
def admin(app, client, make_user):
    account = make_user("admin", unit_code="BKPSDM")
    with app.app_context():
        save_course(make_course())
        for nip, name in ((A, "Ani Lubis"), (B, "Budi Siregar")):
            db.session.add(User(nip=nip, full_name=name, password_hash="!",
                                position="Analis Kebijakan"))
        db.session.commit()
    AuthActions(client).login(account.nip)
    return account


def _post(client, action="preview", **data):
    token = csrf_token(client.get(URL).get_data(as_text=True))
    form = {"csrf_token": token, "course": "pelayanan-publik", "nips": "", "unit_code": "",
            "position": "", "due_date": "", "action": action, **data}
    return client.post(URL, data=form)


def _assigned(app):
    with app.app_context():
        return set(db.session.scalars(sa.select(User.nip).join(
            Assignment, Assignment.user_id == User.id)))


def _digest(html):
    return html.split('name="digest" type="hidden" value="')[1].split('"')[0]


def test_preview_lists_who_and_which_lines_name_nobody_and_saves_nothing(app, client, admin):
    response = _post(client, nips=f"{A}\n12345\n{UNKNOWN}\n{B}\n{A}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 pegawai akan ditugaskan mengikuti kursus Pelayanan Publik." in html
    assert "Baris 2: “12345” bukan NIP (harus 18 angka)." in html
    assert f"Baris 3: NIP {UNKNOWN} tidak ditemukan." in html
    assert f"Baris 5: NIP {A} sudah ada di baris 1." in html
    assert "Tugaskan 2 pegawai" in html
    assert _assigned(app) == set()


def test_confirming_the_preview_assigns_everyone_in_it(app, client, admin):
    preview = _post(client, nips=f"{A}, {B}", due_date="2026-12-31").get_data(as_text=True)
    response = _post(client, action="confirm", nips=f"{A}, {B}", due_date="2026-12-31",
                     digest=_digest(preview))
    assert response.status_code == 302
    assert _assigned(app) == {A, B}
    listing = client.get("/admin/assignments").get_data(as_text=True)
    assert "2 pegawai ditugaskan mengikuti Pelayanan Publik." in listing
    again = _post(client, nips=A).get_data(as_text=True)
    assert "Tidak ada pegawai baru untuk ditugaskan." in again


def test_a_list_changed_since_the_preview_is_previewed_again(app, client, admin):
    preview = _post(client, nips=A).get_data(as_text=True)
    html = _post(client, action="confirm", nips=f"{A}\n{B}",
                 digest=_digest(preview)).get_data(as_text=True)
    assert "berubah sejak pratinjau" in html and "Tugaskan 2 pegawai" in html
    assert _assigned(app) == set()


def test_people_can_be_picked_by_position(app, client, admin):
    html = _post(client, position="analis").get_data(as_text=True)
    assert "2 pegawai akan ditugaskan" in html and "Ani Lubis" in html


def test_confirming_without_a_csrf_token_is_refused(app, client, admin):
    response = client.post(URL, data={"course": "pelayanan-publik", "nips": A,
                                      "action": "confirm"})
    assert response.status_code == 400
    assert _assigned(app) == set()


@pytest.mark.parametrize(("nips", "message"), [
    ("\n".join(f"1990010120150110{i % 100:02d}" for i in range(1001)),
     "Paling banyak 1.000 NIP sekali proses"),
    ("1" * 100_001, "Daftar terlalu panjang: paling banyak 100.000 karakter"),
    ("", "Tempelkan daftar NIP, atau pilih unit kerja atau jabatan."),
    ("\x00\u202e" + A, "1 pegawai akan ditugaskan"),
])
def test_bad_and_huge_lists_get_a_clear_message(app, client, admin, nips, message):
    response = _post(client, nips=nips)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _assigned(app) == set()


def test_a_body_beyond_the_form_limit_is_not_a_server_error(app, client, admin):
    response = _post(client, nips=A * 200_000)
    assert response.status_code in (200, 413)
    assert _assigned(app) == set()


@pytest.mark.parametrize("field", ["course", "unit_code", "due_date", "position", "digest"])
def test_odd_values_in_other_fields_are_not_server_errors(app, client, admin, field):
    response = _post(client, action="confirm", nips=A, **{field: "\x00" + "9" * 5000})
    assert response.status_code == 200
    assert _assigned(app) == set()


def test_lookup_suggests_people_as_json(client, admin):
    found = client.get("/admin/people/lookup?q=ani").get_json()
    assert found == [{"nip": A, "name": "Ani Lubis", "unit": ""}]
    assert client.get("/admin/people/lookup?q=a").get_json() == []
    assert client.get("/admin/people/lookup?q=%25%25").get_json() == []
    assert client.get("/admin/people/lookup?q=" + "x" * 20_000).get_json() == []
    response = client.get("/admin/people/lookup?q=ani")
    assert response.headers["Cache-Control"] == "no-store"
