"""The PDF: its text read back by a PDF parser, its QR code decoded from a rendering."""

import io

import pypdfium2
import zxingcpp
from pypdf import PdfReader

from elearn.certificates.pdf import Issuer, render_certificate

from .conftest import ISSUER, URL
from .conftest import make_certificate as _certificate
from .conftest import pdf_text as _text


def _render(data: bytes):
    pdf = pypdfium2.PdfDocument(data)
    try:
        page = pdf[0]
        image = page.render(scale=2).to_pil()
        page.close()
        return image
    finally:
        pdf.close()


def test_pdf_carries_the_facts_of_the_personnel_file():
    data = render_certificate(_certificate(), ISSUER, URL)
    text = _text(data)
    for fact in ("Andi Pratama Lubis", "199204112019031005", "Medan, 11 April 1992",
                 "Dinas Komunikasi dan Informatika", "Pranata Komputer", "III/a",
                 "Pelayanan Publik yang Prima", "4 JP", "Teknis", "22 November 2026",
                 "0042/ELN/2026", URL, "BKPSDM KOTA MEDAN", "Dr. Ahmad Syahputra Harahap",
                 "NIP 197508172000031002", "ABCD-EFGH-IJKL-MNOP"):
        assert fact in text, fact


def test_pdf_is_a4_landscape_and_small():
    data = render_certificate(_certificate(), ISSUER, URL)
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)
    assert len(data) < 200 * 1024


def test_qr_code_decodes_to_the_verification_url():
    image = _render(render_certificate(_certificate(), ISSUER, URL))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [URL]


def test_long_names_and_titles_wrap_inside_the_page():
    name = "Dra. Sri Wahyuni Nasution binti Abdul Rahman Siregar Hasibuan Lubis Harahap Pulungan"
    title = ("Pelayanan Publik yang Prima dan Etika ASN: Standar, Maklumat, Pengaduan dan "
             "Gratifikasi di Lingkungan Pemerintah Kota Medan dan Padangsidempuan")
    data = render_certificate(_certificate(full_name=name, course_title=title), ISSUER, URL)
    text = _text(data)
    for word in name.split() + title.split():
        assert word in text
    image = _render(data).convert("L")
    width, height = image.size
    # Nothing is drawn outside the frame: the outer 6 mm margin stays white.
    margin = int(width * 6 / 297)
    for x in range(0, width, 7):
        for y in (margin // 2, height - margin // 2):
            assert image.getpixel((x, y)) > 200
    assert [r.text for r in zxingcpp.read_barcodes(_render(data))] == [URL]


def test_names_are_printed_as_stored_not_transliterated():
    data = render_certificate(_certificate(full_name="Siti Nurhalizah Ṣāliḥ Nur’aini"),
                              ISSUER, URL)
    assert "Siti Nurhalizah Ṣāliḥ Nur’aini" in _text(data)


def test_optional_logo_is_printed(tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (120, 120), (11, 93, 59)).save(logo)
    issuer = Issuer(**{**ISSUER.__dict__, "logo_path": str(logo)})
    with_logo = render_certificate(_certificate(), issuer, URL)
    page = PdfReader(io.BytesIO(with_logo)).pages[0]
    assert len(page.images) == 2  # the logo and the QR code
    assert len(PdfReader(io.BytesIO(render_certificate(_certificate(), ISSUER, URL)))
               .pages[0].images) == 1
    assert len(with_logo) < 200 * 1024


def test_one_line_texts_are_drawn_as_fpdf2_would_wrap_them(monkeypatch):
    """Texts that fit on a line skip fpdf2's line breaking; the page must not change."""
    from elearn.certificates import pdf as module

    one_line_fast = module._lines

    def wrapped_by_fpdf2(pdf, width, height, text, align="J"):
        pdf.multi_cell(width, height, text, align=align, **module.NEXT_LINE)

    cases = [{}, {"full_name": " Andi  Pratama Lubis "}, {"unit_name": "Dinas\nKominfo"},
             {"position": "Pranata Komputer Ahli Pertama " * 4},
             {"full_name": "Siti Nurhalizah Ṣāliḥ Nur’aini " * 3}, {"place_of_birth": ""}]
    for changes in cases:
        cert = _certificate(**changes)
        pages = []
        for lines in (one_line_fast, wrapped_by_fpdf2):
            monkeypatch.setattr(module, "_lines", lines)
            data = render_certificate(cert, ISSUER, URL)
            pages.append(PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data())
        assert pages[0] == pages[1], changes
