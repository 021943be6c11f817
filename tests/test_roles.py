"""Every route checks who may open it."""

import pytest

# (path, roles allowed). Anonymous visitors are sent to /login for all of them.
PROTECTED = [
    ("/", {"learner", "instructor", "admin"}),
    ("/account/password", {"learner", "instructor", "admin"}),
    ("/admin/", {"admin"}),
    ("/admin/users", {"admin"}),
]
PUBLIC = ["/login", "/healthz"]


@pytest.mark.parametrize(("path", "allowed"), PROTECTED)
def test_anonymous_visitor_is_sent_to_sign_in(client, path, allowed):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("role", ["learner", "instructor", "admin"])
@pytest.mark.parametrize(("path", "allowed"), PROTECTED)
def test_each_role_reaches_only_its_pages(client, auth, make_user, path, allowed, role):
    account = make_user(role)
    auth.login(account.nip)
    response = client.get(path)
    if role in allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        assert "Akses ditolak" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", PUBLIC)
def test_public_pages_need_no_sign_in(client, path):
    assert client.get(path).status_code == 200


def test_every_registered_route_is_in_the_permission_table(app):
    """A new route must be added to PROTECTED or PUBLIC (and so get a test)."""
    known = {p for p, _ in PROTECTED} | set(PUBLIC) | {"/logout", "/language"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        assert rule.rule in known, f"{rule.rule} has no role test"


def test_admin_people_list_searches_and_paginates(app, client, auth, make_user):
    from elearn.extensions import db
    from elearn.people.services import PersonData, create_user

    admin = make_user("admin")
    with app.app_context():
        for i in range(30):
            create_user(PersonData(nip=f"1990010120150110{i:02d}", full_name=f"Pegawai {i:02d}"),
                        "sandi-awal-1")
        db.session.commit()
    auth.login(admin.nip)
    first = client.get("/admin/users").get_data(as_text=True)
    assert "31 orang" in first
    assert "Halaman 1 dari 2" in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Pegawai 29" in second
    found = client.get("/admin/users?q=pegawai 07").get_data(as_text=True)
    assert "Pegawai 07" in found and "Pegawai 08" not in found
    none = client.get("/admin/users?q=zzz").get_data(as_text=True)
    assert "Tidak ada yang cocok" in none
