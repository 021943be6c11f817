"""Download, public verification, revocation and reissue through the web."""

import sqlalchemy as sa
from pypdf import PdfReader

from elearn.extensions import db
from elearn.models import AuditEntry, Certificate, User

from ..conftest import AuthActions, csrf_token
from .conftest import NIP


def _signed_in(app, nip, password="Tugas-Belajar-2026"):
    client = app.test_client()
    AuthActions(client).login(nip, password)
    return client


def test_learner_downloads_the_pdf_from_dashboard_and_course_page(app, completed):
    user_id, course_id, code = completed
    client = _signed_in(app, NIP)
    for page in ("/", "/courses/pelayanan-publik"):
        assert f'href="/certificates/{code}.pdf"' in client.get(page).get_data(as_text=True)
    response = client.get(f"/certificates/{code}.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    import io

    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Andi Pratama Lubis" in text
    assert f"http://127.0.0.1:5000/verify/{code}" in text


def test_html_certificate_prints_and_belongs_to_its_owner(app, completed, make_user):
    _, _, code = completed
    client = _signed_in(app, NIP)
    html = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert "SERTIFIKAT" in html and "Andi Pratama Lubis" in html
    other = make_user("learner", nip="199001012015012003")
    stranger = _signed_in(app, other.nip, other.password)
    assert stranger.get(f"/certificates/{code}").status_code == 404
    assert stranger.get(f"/certificates/{code}.pdf").status_code == 404


def test_public_verification_needs_no_sign_in(app, completed):
    _, _, code = completed
    client = app.test_client()
    html = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Sertifikat ini asli" in html
    assert "Andi Pratama Lubis" in html and "Pelayanan Publik" in html
    assert "1992**********1005" in html and NIP not in html
    assert 'property="og:title"' in html and "Andi" not in html.split("</head>")[0]
    # A typed code, in groups and lower case, finds it too.
    typed = "-".join(code[i:i + 4] for i in range(0, 16, 4)).lower()
    response = client.get(f"/verify?code={typed}")
    assert response.headers["Location"] == f"/verify/{code}"


def test_unknown_code_is_a_plain_404(app, completed):
    client = app.test_client()
    unknown = client.get("/verify/AAAAAAAAAAAAAAAA")
    missing_page = client.get("/tidak-ada-sama-sekali")
    assert unknown.status_code == 404
    # The same page as any missing address (but for the language switch's return path).
    assert unknown.get_data(as_text=True).replace("/verify/AAAAAAAAAAAAAAAA", "X") == \
        missing_page.get_data(as_text=True).replace("/tidak-ada-sama-sekali", "X")


def test_verification_is_rate_limited(app, completed):
    client = app.test_client()
    statuses = [client.get("/verify/AAAAAAAAAAAAAAAA").status_code for _ in range(31)]
    assert statuses[:30] == [404] * 30 and statuses[30] == 429


def _admin(app, make_user):
    admin = make_user("admin")
    return _signed_in(app, admin.nip, admin.password)


def _act(client, cert_id, action, reason="Data jabatan salah", confirm=True,
         category="requirements_not_met"):
    url = f"/admin/certificates/{cert_id}"
    token = csrf_token(client.get(url).get_data(as_text=True))
    data = {"action": action, f"{action}-csrf_token": token, f"{action}-reason": reason,
            f"{action}-category": category}
    if confirm:
        data[f"{action}-confirm"] = "y"
    return client.post(url, data=data)


def test_admin_revokes_with_a_reason_and_the_audit_log_records_it(app, completed, make_user):
    _, _, code = completed
    admin = _admin(app, make_user)
    with app.app_context():
        cert_id = db.session.scalar(sa.select(Certificate.id))
    unconfirmed = _act(admin, cert_id, "revoke", confirm=False)
    assert "Centang kotak ini untuk mengonfirmasi." in unconfirmed.get_data(as_text=True)
    assert _act(admin, cert_id, "revoke", reason="").status_code == 200  # reason required
    no_category = _act(admin, cert_id, "revoke", category="")
    assert "Pilih kategori." in no_category.get_data(as_text=True)
    unknown = _act(admin, cert_id, "revoke", category="bosan")
    # WTForms' own message, in the reader's language too.
    assert unknown.status_code == 200 and "Pilihan tidak valid." in unknown.get_data(
        as_text=True)
    assert _act(admin, cert_id, "revoke").status_code == 302
    with app.app_context():
        cert = db.session.get(Certificate, cert_id)
        assert cert.status == "revoked" and cert.revoke_reason == "Data jabatan salah"
        assert cert.revoke_category == "requirements_not_met"
        entry = db.session.scalar(sa.select(AuditEntry))
        assert entry.action == "certificate.revoke" and entry.reason == "Data jabatan salah"
        assert entry.actor.role == "admin"
    public = app.test_client().get(f"/verify/{code}").get_data(as_text=True)
    assert "Sertifikat ini dicabut pada" in public
    # The category is public; the admin's own words are not.
    assert "Alasan: Persyaratan pelatihan tidak terpenuhi" in public
    assert "Data jabatan salah" not in public
    owner = _signed_in(app, NIP)
    assert owner.get(f"/certificates/{code}.pdf").status_code == 410
    assert "tidak berlaku lagi" in owner.get("/").get_data(as_text=True)
    log = admin.get("/admin/audit").get_data(as_text=True)
    assert "certificate.revoke" in log and "Data jabatan salah" in log


def test_reissue_after_a_correction_replaces_the_old_number(app, completed, make_user):
    _, _, old_code = completed
    admin = _admin(app, make_user)
    with app.app_context():
        cert_id = db.session.scalar(sa.select(Certificate.id))
        user = db.session.scalar(sa.select(User).where(User.nip == NIP))
        user.position = "Pranata Komputer Ahli Pertama"  # the correction
        db.session.commit()
    response = _act(admin, cert_id, "reissue")
    assert response.status_code == 302
    with app.app_context():
        old = db.session.get(Certificate, cert_id)
        new = old.replaced_by
        assert old.status == "replaced" and new.status == "valid"
        assert new.number != old.number and new.seq == old.seq + 1
        assert new.position == "Pranata Komputer Ahli Pertama"
        new_code, new_number = new.code, new.number
    public = app.test_client().get(f"/verify/{old_code}").get_data(as_text=True)
    assert f"telah diganti dengan nomor {new_number}" in public
    assert "Sertifikat ini asli" in app.test_client().get(f"/verify/{new_code}").get_data(
        as_text=True)


def test_admin_finds_certificates_by_name_number_and_status(app, completed, make_user):
    admin = _admin(app, make_user)
    assert "Andi Pratama Lubis" in admin.get("/admin/certificates?q=andi").get_data(as_text=True)
    assert "/ELN/" in admin.get("/admin/certificates?q=eln").get_data(as_text=True)
    html = admin.get("/admin/certificates?status=revoked").get_data(as_text=True)
    assert "Tidak ada sertifikat yang cocok." in html


def test_public_course_page_has_a_link_preview_without_private_data(app, completed):
    html = app.test_client().get("/courses/pelayanan-publik").get_data(as_text=True)
    head = html.split("</head>")[0]
    assert '<meta property="og:title" content="Pelayanan Publik">' in head
    assert 'property="og:description"' in head
    assert "Masuk untuk mengikuti kursus ini" in html
    assert "Andi" not in html


def test_a_mistyped_code_is_answered_on_the_form_with_the_code_as_typed(app, completed):
    client = app.test_client()
    response = client.get("/verify?code=ABCDEF123")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Kode tidak ditemukan" in page
    assert "Anda mengetik: ABCDEF123" in page and 'value="ABCDEF123"' in page
    assert "dibaca sebagai: ABCD-EFI2-3" in page  # the 1 read as I is said, not hidden
    assert "16 karakter" in page and "terbaca 9 karakter" in page
    assert 'href="/login' not in page.split("<main", 1)[1].split("</main>")[0]


def test_a_code_typed_exactly_needs_no_reading_note(app, completed):
    page = app.test_client().get("/verify?code=AAAABBBBCCCCDDDD").get_data(as_text=True)
    assert "Anda mengetik: AAAABBBBCCCCDDDD" in page and "dibaca sebagai" not in page
