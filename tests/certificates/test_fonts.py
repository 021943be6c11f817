"""The fonts embedded in a certificate: valid TrueType programs, cut to the glyphs that
certificate prints (fonts are parsed once per process and shared between documents)."""

import io

from fontTools.ttLib import TTFont
from pypdf import PdfReader

from elearn.certificates.pdf import FONT_DIR, render_certificate

from .conftest import ISSUER, URL, make_certificate


def _embedded(data: bytes) -> dict[str, TTFont]:
    """Each embedded font program by base font name (without the subset prefix)."""
    fonts = {}
    page = PdfReader(io.BytesIO(data)).pages[0]
    for ref in page["/Resources"]["/Font"].values():
        font = ref.get_object()
        descendant = font["/DescendantFonts"][0].get_object()
        program = descendant["/FontDescriptor"].get_object()["/FontFile2"].get_object()
        parsed = TTFont(io.BytesIO(program.get_data()))
        parsed.ensureDecompiled()  # every table parses
        fonts[str(font["/BaseFont"]).split("+", 1)[1]] = parsed
    return fonts


def _drawn(font: TTFont) -> set[int]:
    """Ids of the glyphs that have an outline."""
    glyf = font["glyf"]
    return {gid for gid, name in enumerate(font.getGlyphOrder())
            if glyf[name].numberOfContours != 0}


def _needed(path, text: str) -> set[int]:
    """Ids of the glyphs ``text`` needs in the font at ``path``: its characters', those
    their composite glyphs are made of, and .notdef."""
    with TTFont(path) as font:
        order = font.getGlyphOrder()
        cmap, glyf = font.getBestCmap(), font["glyf"]
        todo = [cmap[ord(char)] for char in text] + [".notdef"]
        names = set()
        while todo:
            name = todo.pop()
            if name not in names:
                names.add(name)
                if glyf[name].isComposite():
                    todo.extend(c.glyphName for c in glyf[name].components)
        return {order.index(name) for name in names if glyf[name].numberOfContours != 0}


def test_each_certificate_embeds_only_the_glyphs_it_prints():
    # Another certificate first: fonts are shared by the documents of a process.
    render_certificate(make_certificate(full_name="Zulkifli Ωmega Qowi Жукова"), ISSUER, URL)
    name = "Siti Ṣāliḥ Nur’aini"
    fonts = _embedded(render_certificate(make_certificate(full_name=name), ISSUER, URL))
    assert set(fonts) == {"DejaVuSansBook", "DejaVuSansBold", "DejaVuSerifBold"}
    # DejaVu Serif Bold prints only the title and the name; Ṣ and ḥ are composed of the
    # letter and a combining dot below, which must come along.
    serif = fonts["DejaVuSerifBold"]
    assert _drawn(serif) == _needed(FONT_DIR / "DejaVuSerif-Bold.ttf", "SERTIFIKAT" + name)
    # Glyph ids and metrics are the original font's.
    with TTFont(FONT_DIR / "DejaVuSerif-Bold.ttf") as original:
        assert len(serif.getGlyphOrder()) == len(original.getGlyphOrder())
        for gid in _drawn(serif):
            assert (serif["hmtx"][serif.getGlyphName(gid)]
                    == original["hmtx"][original.getGlyphName(gid)])
    for font in fonts.values():
        assert {"cmap", "glyf", "head", "hhea", "hmtx", "loca", "maxp", "name", "post"} <= set(
            font.keys())
        assert not {"GSUB", "GPOS", "GDEF"} & set(font.keys())
