"""Issue 9, item 7: certificates print any name a civil servant may have, as stored.

Phones and Excel turn ' into ’ by themselves, so Nur’aini and Ma’ruf are ordinary
names; with the PDF core fonts (Latin-1) they made the certificate a 500 and the
admin's ZIP of certificates fail for everyone. The PDF text is read back with pypdf.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from elearn.certificates import pdf as certificate_pdf
from elearn.certificates.pdf import render_certificate
from elearn.courses.store import save_course
from elearn.extensions import db
from elearn.models import Certificate
from elearn.people.services import PersonData, create_user, upsert_unit
from elearn.reporting import exports
from elearn.reporting.filters import CompletionFilters

from ..certificates.conftest import ISSUER, NIP, URL, complete_course, pdf_text
from ..certificates.conftest import make_certificate as _certificate
from ..conftest import PASSWORD, AuthActions
from ..content.helpers import COURSE_MD, make_course

NAME = "Nur’aini – “Ma’ruf” … €"
TITLE = "Etika “ASN” – Gratifikasi … Ma’ruf €"


def test_curly_apostrophes_dashes_quotes_ellipsis_and_euro_are_printed_as_stored():
    data = render_certificate(_certificate(
        full_name=NAME, course_title=TITLE, place_of_birth="Sipirok – Tapanuli",
        unit_name="Bagian “Umum” – Ma’had", position="Analis’s … Kebijakan €",
        grade="III/a – Penata"), ISSUER, URL)
    text = pdf_text(data)
    for stored in ("Nur’aini", NAME, TITLE, "Sipirok – Tapanuli", "Bagian “Umum” – Ma’had",
                   "Analis’s … Kebijakan €", "III/a – Penata"):
        assert stored in text, stored
    assert "Nur'aini" not in text  # not transliterated to a straight quote
    assert len(data) < 200 * 1024


@pytest.mark.parametrize("name", [
    "Siti Nurhalizah Ṣāliḥ", "Đặng Thị Ngọc Hà", "Łukasz Żółć", "Søren Ærø Åse",
    "Ğülşen Çağlar", "Ŧħē Ŋåmė", "Ǆemal Ǉubić", "Αλέξανδρος", "Владимир",
])
def test_latin_extended_and_other_alphabets_are_not_transliterated(name):
    text = pdf_text(render_certificate(_certificate(full_name=name, course_title=name,
                                                    position=name), ISSUER, URL))
    assert text.count(name) == 3


def test_decomposed_accents_are_printed_composed():
    text = pdf_text(render_certificate(_certificate(full_name="Sa\u0304lih Nur\u2019aini"),
                                       ISSUER, URL))
    assert "Sālih Nur’aini" in text


def test_characters_no_shipped_font_has_show_a_visible_substitute_not_a_500():
    data = render_certificate(_certificate(
        full_name="Nur’aini 漢字 😀", course_title="Kursus 한국어 ∯", unit_name="Unit\u200b X",
        position="Analis\u0007Data"), ISSUER, URL)
    text = pdf_text(data)
    assert "Nur’aini \ufffd\ufffd \ufffd" in text
    assert "Kursus \ufffd\ufffd\ufffd" in text
    assert "Unit X" in text  # a zero-width space is dropped, not shown as a box
    assert "Analis Data" in text  # a control character becomes a space


def test_fonts_are_shipped_with_their_licence_and_embedded_as_subsets():
    folder = Path(certificate_pdf.__file__).parent / "fonts"
    for name in certificate_pdf.FONTS.values():
        assert (folder / name).is_file(), name
    licence = (folder / "LICENSE").read_text()
    assert "Bitstream Vera Fonts Copyright" in licence and "Arev Fonts Copyright" in licence
    reader = PdfReader(io.BytesIO(render_certificate(_certificate(full_name=NAME), ISSUER, URL)))
    fonts = [obj.get_object() for obj in reader.pages[0]["/Resources"]["/Font"].values()]
    names = sorted(str(f["/BaseFont"]) for f in fonts)
    assert len(names) == 3 and all("DejaVu" in n for n in names)
    for font in fonts:
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # embedded: no font assumed on the reader's machine
        assert str(font["/BaseFont"])[7] == "+"  # a subset (ABCDEF+Name)


# --- through the web and the ZIP export ---------------------------------------------------

@pytest.fixture
def unicode_certificate(app):
    """A real completion by Nur’aini of a course whose title has curly quotes and a euro sign."""
    with app.app_context():
        upsert_unit("DISKOMINFO", "Dinas Kominfo – Bagian “Data”")
        user = create_user(PersonData(nip=NIP, full_name=NAME, unit_code="DISKOMINFO",
                                      position="Analis’s Data", grade="III/a",
                                      place_of_birth="Ma’rifah"),
                           PASSWORD, must_change_password=False)
        course_md = COURSE_MD.replace("title: Pelayanan Publik", f'title: "{TITLE}"')
        course = save_course(make_course({"course.md": course_md})).course
        db.session.commit()
        complete_course(user.id, course.id)
        db.session.commit()
        cert = db.session.scalar(sa.select(Certificate))
        assert cert.full_name == NAME and cert.course_title == TITLE
        return cert.code, cert.number


def test_learner_downloads_a_certificate_with_a_curly_apostrophe(app, unicode_certificate):
    code, _ = unicode_certificate
    client = app.test_client()
    AuthActions(client).login(NIP, PASSWORD)
    response = client.get(f"/certificates/{code}.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert NAME in text and TITLE in text and "Ma’rifah" in text
    html = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert "Nur’aini" in html  # the printable page shows the name as stored too


def test_admin_zip_of_certificates_holds_the_curly_apostrophe_certificate(
        app, unicode_certificate, make_user):
    code, number = unicode_certificate
    admin = make_user("admin")
    client = app.test_client()
    AuthActions(client).login(admin.nip)
    response = client.get("/admin/reports/siasn-certificates.zip")
    assert response.status_code == 200
    data = response.data
    response.close()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [f"{NIP}_{number.replace('/', '-')}.pdf"]
        text = pdf_text(archive.read(archive.namelist()[0]))
    assert NAME in text and TITLE in text


def test_one_certificate_that_fails_to_render_does_not_sink_the_zip(app, unicode_certificate,
                                                                    make_user):
    """Even an unexpected rendering error leaves the others in the ZIP and says who is missing."""
    with app.app_context():
        upsert_unit("BKPSDM", "BKPSDM")
        other = create_user(PersonData(nip="198507202010012001", full_name="Eka Siregar",
                                       unit_code="BKPSDM"), PASSWORD,
                            must_change_password=False)
        course = db.session.scalar(sa.select(Certificate)).course_id
        db.session.commit()
        complete_course(other.id, course)
        db.session.commit()
        broken = db.session.scalar(sa.select(Certificate).where(Certificate.nip == NIP))

        def render(cert):
            if cert.id == broken.id:
                raise RuntimeError("the renderer broke")
            return render_certificate(cert, ISSUER, URL)

        buffer = io.BytesIO()
        count = exports.write_certificates_zip(CompletionFilters(), buffer, render)
        number = broken.number
    assert count == 1
    with zipfile.ZipFile(buffer) as archive:
        names = archive.namelist()
        assert len(names) == 2 and exports.FAILED_CERTIFICATES_NAME in names
        report = archive.read(exports.FAILED_CERTIFICATES_NAME).decode("utf-8")
        pdfs = [n for n in names if n.endswith(".pdf")]
        assert pdfs[0].startswith("198507202010012001_")
    assert NIP in report and number in report


#: Basic Latin, Latin-1, Latin Extended-A and -B, Latin Extended Additional (Vietnamese ...).
LATIN = [(0x20, 0x7E), (0xA0, 0x24F), (0x1E00, 0x1EF9)]
PUNCTUATION = "’‘‚‛“”„–—‐‑…•·‹›«»€£¥₹№™©®°±×÷½¼¾‰′″"


def test_every_latin_letter_and_common_punctuation_is_in_every_certificate_font():
    printable = certificate_pdf._printable()
    latin = [c for first, last in LATIN for c in range(first, last + 1)
             if not chr(c).isspace() and certificate_pdf.unicodedata.category(chr(c)) != "Cn"]
    assert [hex(c) for c in latin if c not in printable] == []
    assert [ch for ch in PUNCTUATION if ord(ch) not in printable] == []
