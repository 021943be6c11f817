"""The certificate as an A4 landscape PDF (fpdf2), with a QR code (segno).

Text is in Bahasa Indonesia: the certificate is an official document for the
ASN personnel file, whatever language the interface is set to.

Names, units, positions and titles are printed as they are stored (Nur’aini,
“Ma’ruf”, Ṣāliḥ, €): the PDF embeds DejaVu Sans and DejaVu Serif, shipped in
``fonts/`` with their licence, subset to the characters used. The fonts are
parsed once per process and each PDF's subset is cut from their raw glyph table
(``fontcache``): fpdf2 alone would parse and fontTools-subset all three fonts for
every certificate, four fifths of the time it takes. A character
none of these fonts has (a CJK ideograph, most emoji) is printed as U+FFFD "�"
rather than failing or vanishing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.dates import format_date

from ..models import Certificate
from ..vocabulary import certificate_competency

if TYPE_CHECKING:  # fpdf2, fontTools and segno load when a PDF is made, not to serve a page
    from fpdf import FPDF

GREEN = (11, 93, 59)
#: After a multi-line cell, continue at the left margin on the next line.
NEXT_LINE = {"new_x": "LMARGIN", "new_y": "NEXT"}
INK = (27, 31, 36)
MUTED = (80, 90, 102)


@dataclass
class Issuer:
    agency: str
    signatory_name: str
    signatory_title: str
    signatory_nip: str
    logo_path: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Issuer:
        """The issuing agency and signatory as the installation is configured."""
        return cls(agency=config["AGENCY_NAME"],
                   signatory_name=config["CERTIFICATE_SIGNATORY_NAME"],
                   signatory_title=config["CERTIFICATE_SIGNATORY_TITLE"],
                   signatory_nip=config["CERTIFICATE_SIGNATORY_NIP"],
                   logo_path=config["CERTIFICATE_LOGO"])


def verification_url(public_url: str, code: str) -> str:
    """The public address printed on a certificate and in its QR code.

    Built from the configured PUBLIC_URL, never from a request, so the web,
    the command line and exports print the same address.
    """
    return f"{public_url.rstrip('/')}/verify/{code}"


FONT_DIR = Path(__file__).parent / "fonts"
#: (family, style) -> font file. "Sans" takes the place of Helvetica, "Serif" of Times.
FONTS = {
    ("Sans", ""): "DejaVuSans.ttf",
    ("Sans", "B"): "DejaVuSans-Bold.ttf",
    ("Serif", "B"): "DejaVuSerif-Bold.ttf",
}
#: Printed in place of a character that no certificate font can draw.
MISSING = "\ufffd"


@cache
def _printable() -> frozenset[int]:
    """Code points every certificate font has a glyph for."""
    from fontTools.ttLib import TTFont

    sets = []
    for name in FONTS.values():
        with TTFont(FONT_DIR / name) as font:
            sets.append(set(font.getBestCmap()))
    return frozenset(set.intersection(*sets))


def _text(value: str | None) -> str:
    """The text as stored, ready to print: composed (NFC), invisible format and control
    characters dropped, and any character the fonts lack shown as ``MISSING``."""
    printable = _printable()
    out = []
    for char in unicodedata.normalize("NFC", value or ""):
        category = unicodedata.category(char)
        if category == "Cc":
            out.append(" ")
        elif category == "Cf":  # zero-width and direction marks, soft hyphen
            continue
        else:
            out.append(char if ord(char) in printable else MISSING)
    return "".join(out)


def _new_pdf() -> FPDF:
    from fpdf import FPDF

    from .fontcache import add_fonts

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    add_fonts(pdf, {key: FONT_DIR / name for key, name in FONTS.items()})
    return pdf


def indonesian_date(value) -> str:
    return format_date(value, "d MMMM yyyy", locale="id")


def _lines(pdf: FPDF, width: float, height: float, text: str, align: str = "J") -> None:
    """``text`` wrapped in a box ``width`` wide, then on at the left margin on the next
    line: ``multi_cell``. A text that plainly fits on one line is printed with ``cell``,
    which draws the same and skips fpdf2's line breaking, character by character
    (about a fifth of a certificate's time)."""
    if (text == text.strip() and "\n" not in text
            and pdf.get_string_width(text) < width - 2 * pdf.c_margin - 1):
        pdf.cell(width, height, text, align="L" if align == "J" else align, **NEXT_LINE)
    else:
        pdf.multi_cell(width, height, text, align=align, **NEXT_LINE)


def _fit_font_size(pdf: FPDF, text: str, width: float, start: float, smallest: float,
                   lines: int = 2) -> float:
    """The largest size from ``start`` down at which ``text`` fits in ``lines`` lines."""
    size = start
    while size > smallest:
        pdf.set_font_size(size)
        if pdf.get_string_width(text) <= width * lines * 0.95:
            break
        size -= 1
    return size


def render_certificate(cert: Certificate, issuer: Issuer, verify_url: str) -> bytes:
    """The certificate as a one-page A4 landscape PDF, fonts embedded."""
    from .fontcache import CertificateOutput  # loads fpdf2: only when a PDF is made

    pdf = _new_pdf()
    pdf.set_title(_text(f"Sertifikat {cert.number}"))
    pdf.set_author(_text(issuer.agency))
    pdf.set_creator("elearn")
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 15, 20)
    pdf.add_page()
    width = pdf.w - 40
    _heading(pdf, cert, issuer, width)
    _personnel_facts(pdf, cert)
    _course_completed(pdf, cert, width)
    qr_y = _verification(pdf, cert, verify_url)
    _signatory(pdf, issuer, qr_y)
    return bytes(pdf.output(output_producer_class=CertificateOutput))


def _heading(pdf: FPDF, cert: Certificate, issuer: Issuer, width: float) -> None:
    """Frame, logo, agency, title, number and the recipient's name."""
    pdf.set_draw_color(*GREEN)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11, 11, pdf.w - 22, pdf.h - 22)

    y = 16
    if issuer.logo_path:
        pdf.image(issuer.logo_path, x=pdf.w / 2 - 10, y=y, h=20)
        y += 22
    pdf.set_xy(20, y)
    pdf.set_text_color(*MUTED)
    pdf.set_font("Sans", "B", 12)
    _lines(pdf, width, 6, _text(issuer.agency.upper()), align="C")
    pdf.set_text_color(*GREEN)
    pdf.set_font("Serif", "B", 34)
    pdf.cell(width, 15, "SERTIFIKAT", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font("Sans", "", 11)
    pdf.cell(width, 6, _text(f"Nomor: {cert.number}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.cell(width, 6, "diberikan kepada", align="C", new_x="LMARGIN", new_y="NEXT")

    name = _text(cert.full_name)
    pdf.set_font("Serif", "B", 26)
    _fit_font_size(pdf, name, width, 26, 14)
    _lines(pdf, width, pdf.font_size * 1.15, name, align="C")
    pdf.ln(2)


def _personnel_facts(pdf: FPDF, cert: Certificate) -> None:
    """NIP, birth, unit, position and grade in two aligned columns, centred."""
    birth = ", ".join(filter(None, [
        _text(cert.place_of_birth), indonesian_date(cert.birth_date) if cert.birth_date else ""]))
    facts = [("NIP", _text(cert.nip)), ("Tempat, tanggal lahir", birth or "-"),
             ("Unit kerja", _text(cert.unit_name) or "-"), ("Jabatan", _text(cert.position) or "-"),
             ("Pangkat/golongan", _text(cert.grade) or "-")]
    pdf.set_font("Sans", "", 10.5)
    label_w, value_w = 48, 120
    left = (pdf.w - label_w - value_w) / 2
    for label, value in facts:
        pdf.set_x(left)
        pdf.set_text_color(*MUTED)
        pdf.cell(label_w, 5.6, label)
        pdf.set_text_color(*INK)
        _lines(pdf, value_w, 5.6, f": {value}")
    pdf.ln(2)


def _course_completed(pdf: FPDF, cert: Certificate, width: float) -> None:
    """The course, its JP, competency and the completion date."""
    pdf.set_font("Sans", "", 11)
    pdf.cell(width, 6, "telah menyelesaikan pelatihan", align="C", new_x="LMARGIN", new_y="NEXT")
    title = _text(cert.course_title)
    pdf.set_font("Sans", "B", 16)
    _fit_font_size(pdf, title, width, 16, 11)
    _lines(pdf, width, pdf.font_size * 1.2, title, align="C")
    pdf.set_font("Sans", "", 11)
    competency = _text(certificate_competency(cert.competency))
    _lines(pdf, width, 6, f"sebanyak {cert.jp} JP (jam pelajaran), kompetensi {competency}, "
                          f"pada tanggal {indonesian_date(cert.completed_on)}.", align="C")


def _qr_image(text: str, scale: int = 8, border: int = 2):
    """``text`` as a QR code (error correction M): a greyscale image, black modules on
    white, ``scale`` pixels a module, with a quiet zone of ``border`` modules.

    Built with Pillow from segno's matrix rather than through segno's PNG writer,
    which fpdf2 would then decode again: the same pixels for a third of the time."""
    import segno
    from PIL import Image, ImageOps

    matrix = segno.make(text, error="m").matrix
    size = len(matrix)
    modules = Image.frombytes("L", (size, size),
                              bytes(0 if dark else 255 for row in matrix for dark in row))
    framed = ImageOps.expand(modules, border, fill=255)
    return framed.resize((framed.width * scale, framed.height * scale), Image.Resampling.NEAREST)


def _verification(pdf: FPDF, cert: Certificate, verify_url: str) -> float:
    """QR code and verification address, bottom left; returns the QR code's top."""
    qr_size = 32
    qr_y = pdf.h - 20 - qr_size - 8
    pdf.image(_qr_image(verify_url), x=22, y=qr_y, w=qr_size, h=qr_size)
    pdf.set_xy(22, qr_y + qr_size + 1)
    pdf.set_font("Sans", "", 7.5)
    pdf.set_text_color(*MUTED)
    pdf.cell(120, 4, "Periksa keaslian sertifikat ini di:", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(22)
    pdf.set_text_color(*GREEN)
    pdf.cell(160, 4, _text(verify_url), link=verify_url, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(22)
    pdf.set_text_color(*MUTED)
    pdf.cell(160, 4, f"Kode verifikasi: {cert.display_code}")
    return qr_y


def _signatory(pdf: FPDF, issuer: Issuer, qr_y: float) -> None:
    """Title, name and NIP of the signatory, bottom right, level with the QR code."""
    sign_w = 95
    sign_x = pdf.w - 22 - sign_w
    pdf.set_text_color(*INK)
    pdf.set_font("Sans", "", 10.5)
    pdf.set_xy(sign_x, qr_y - 4)
    _lines(pdf, sign_w, 5.2, _text(issuer.signatory_title), align="C")
    pdf.set_xy(sign_x, qr_y + 26)
    pdf.set_font("Sans", "BU", 11)
    _lines(pdf, sign_w, 5.5, _text(issuer.signatory_name), align="C")
    pdf.set_x(sign_x)
    pdf.set_font("Sans", "", 10)
    pdf.cell(sign_w, 5, _text(f"NIP {issuer.signatory_nip}"), align="C")
