"""Certificate fonts parsed once per process and subset per PDF by copying glyph bytes.

fpdf2 parses every font file again for every document (``add_font``) and, when
it writes the file, subsets each font with fontTools: together about 80 % of a
certificate's CPU time. Here:

- each font is parsed by fpdf2 once per process, at the first certificate (not
  at import: a worker serving pages never loads fpdf2), and every new document
  gets a shallow copy of that parsed font with its own record of the
  characters used (:func:`add_fonts`);
- the embedded font program is cut from the raw TrueType tables
  (:class:`GlyphSubsetter`): the glyphs a document uses, and the glyphs their
  accented forms are built from, are copied; every other glyph is left empty
  and keeps its number, so the font's own ``cmap``, metrics and hinting stay
  valid without being rebuilt. The tables fpdf2's subset drops (OpenType
  layout, most of ``name``, glyph names) are dropped once, when the font is
  first read;
- :class:`CertificateOutput` writes those fonts into the PDF exactly as fpdf2
  does (Type0 font, CIDFontType2 with widths, ToUnicode map so the text stays
  extractable, CIDToGIDMap, FontFile2), and everything else through fpdf2.

Only TrueType fonts with ``glyf`` outlines are supported, which is what the
DejaVu fonts in ``fonts/`` are. This leans on fpdf2 internals (``TTFFont``'s slots,
``SubsetMap``, ``OutputProducer._add_fonts`` and two helpers of ``fpdf.output``), so
fpdf2 is pinned; tests/certificates parse, render and read back the result.
"""

from __future__ import annotations

import copy
import struct
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from fpdf.fonts import SubsetMap, TTFFont
from fpdf.output import (
    CIDSystemInfo,
    OutputProducer,
    PDFContentStream,
    PDFFont,
    PDFFontStream,
    _build_cmap_blocks,
    _tt_font_widths,
)
from fpdf.syntax import Name, PDFArray

if TYPE_CHECKING:
    from fpdf import FPDF

#: Composite glyph flags (OpenType ``glyf`` table).
_ARG_1_AND_2_ARE_WORDS = 0x0001
_WE_HAVE_A_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_WE_HAVE_AN_X_AND_Y_SCALE = 0x0040
_WE_HAVE_A_TWO_BY_TWO = 0x0080
#: The tables of the embedded font program (the ones fpdf2's fontTools subset keeps).
_KEEP = ("OS/2", "cmap", "cvt ", "fpgm", "gasp", "glyf", "head", "hhea", "hmtx", "loca",
         "maxp", "name", "post", "prep")


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def _tables(data: bytes) -> dict[str, bytes]:
    """The tables of a TrueType font file, by tag."""
    (count,) = struct.unpack_from(">H", data, 4)
    tables = {}
    for i in range(count):
        tag, _checksum_, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        tables[tag.decode("latin-1")] = data[offset:offset + length]
    return tables


def _sfnt(tables: dict[str, bytes]) -> bytes:
    """A TrueType font file of ``tables``, with table checksums and ``head``'s
    checkSumAdjustment as the OpenType specification defines them."""
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(">IHHHH", 0x00010000, count, power * 16, power.bit_length() - 1,
                         count * 16 - power * 16)
    offset = 12 + 16 * count
    directory, body, head_at = [], [], 0
    for tag in tags:
        data = tables[tag]
        directory.append(struct.pack(">4sIII", tag.encode("latin-1"), _checksum(data), offset,
                                     len(data)))
        if tag == "head":
            head_at = offset
        padded = data + b"\0" * (-len(data) % 4)
        body.append(padded)
        offset += len(padded)
    font = bytearray(header + b"".join(directory) + b"".join(body))
    struct.pack_into(">I", font, head_at + 8, (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)


def _essential_names(data: bytes) -> bytes:
    """A ``name`` table with only the font's names (IDs 0 to 6) in Windows English:
    DejaVu's also holds its licence text and many translations."""
    from fontTools.ttLib import newTable

    table = newTable("name")
    table.decompile(data, None)
    table.names = [n for n in table.names
                   if n.nameID <= 6 and n.platformID == 3 and n.langID == 0x409]
    return table.compile(None)


class GlyphSubsetter:
    """One TrueType font, read once, cut down to given glyphs many times.

    Glyph ids are kept (unused glyphs become empty), so ``cmap``, ``hmtx`` and the
    hinting programs of the original stay valid and nothing is renumbered.
    """

    def __init__(self, path: Path) -> None:
        tables = _tables(path.read_bytes())
        if "glyf" not in tables:
            raise ValueError(f"{path.name} has no TrueType outlines (glyf table)")
        # What fpdf2's subset keeps of the other tables: no OpenType layout, no glyph
        # names (post format 3), only the names a font needs (IDs 0-6, Windows English).
        self.static = {tag: data for tag, data in tables.items()
                       if tag in _KEEP and tag not in ("glyf", "loca", "hmtx", "head")}
        self.static["post"] = struct.pack(">I", 0x00030000) + tables["post"][4:32]
        self.static["name"] = _essential_names(tables["name"])
        self.head = tables["head"]
        self.glyf = tables["glyf"]
        (glyph_count,) = struct.unpack_from(">H", tables["maxp"], 4)
        if struct.unpack_from(">h", self.head, 50)[0]:  # indexToLocFormat: long offsets
            self.loca = struct.unpack(f">{glyph_count + 1}I", tables["loca"])
        else:
            self.loca = tuple(2 * o for o in struct.unpack(f">{glyph_count + 1}H", tables["loca"]))
        (self.h_metrics,) = struct.unpack_from(">H", tables["hhea"], 34)
        self.hmtx = tables["hmtx"]
        self._components: dict[int, tuple[int, ...]] = {}

    def components(self, gid: int) -> tuple[int, ...]:
        """The glyphs a composite glyph is built from (empty for a simple glyph)."""
        found = self._components.get(gid)
        if found is None:
            start, end = self.loca[gid], self.loca[gid + 1]
            parts = []
            if end - start >= 10 and struct.unpack_from(">h", self.glyf, start)[0] < 0:
                at = start + 10
                while True:
                    flags, part = struct.unpack_from(">HH", self.glyf, at)
                    parts.append(part)
                    at += 4 + (4 if flags & _ARG_1_AND_2_ARE_WORDS else 2)
                    if flags & _WE_HAVE_A_SCALE:
                        at += 2
                    elif flags & _WE_HAVE_AN_X_AND_Y_SCALE:
                        at += 4
                    elif flags & _WE_HAVE_A_TWO_BY_TWO:
                        at += 8
                    if not flags & _MORE_COMPONENTS:
                        break
            found = self._components[gid] = tuple(parts)
        return found

    def closure(self, gids) -> set[int]:
        """``gids``, .notdef and every glyph they are composed of."""
        todo, seen = [0, *gids], set()
        while todo:
            gid = todo.pop()
            if gid not in seen:
                seen.add(gid)
                todo.extend(self.components(gid))
        return seen

    def subset(self, gids) -> bytes:
        """The font file with only ``gids`` (and their components) drawn."""
        keep = self.closure(gids)
        loca, glyf, source, metrics = self.loca, self.glyf, self.hmtx, self.h_metrics
        offsets, pieces, at = [], [], 0
        hmtx = bytearray(len(source))
        # The last full metric also gives the advance of the glyphs after it.
        hmtx[4 * metrics - 4:4 * metrics] = source[4 * metrics - 4:4 * metrics]
        for gid in sorted(keep):
            offsets.extend([at] * (gid + 1 - len(offsets)))  # empty glyphs before, then gid
            data = glyf[loca[gid]:loca[gid + 1]]
            data += b"\0" * (-len(data) % 4)
            pieces.append(data)
            at += len(data)
            if gid < metrics:
                hmtx[4 * gid:4 * gid + 4] = source[4 * gid:4 * gid + 4]
            else:
                lsb_at = 4 * metrics + 2 * (gid - metrics)
                hmtx[lsb_at:lsb_at + 2] = source[lsb_at:lsb_at + 2]
        offsets.extend([at] * (len(loca) - len(offsets)))
        head = bytearray(self.head)
        struct.pack_into(">I", head, 8, 0)  # checkSumAdjustment, set by _sfnt
        struct.pack_into(">h", head, 50, 1)  # indexToLocFormat: long offsets
        return _sfnt({**self.static, "glyf": b"".join(pieces), "head": bytes(head),
                      "hmtx": bytes(hmtx), "loca": struct.pack(f">{len(offsets)}I", *offsets)})


class CachedFont(TTFFont):
    """A per-document copy of a font parsed once per process."""

    __slots__ = ("subsetter", "gid_by_name")


@cache
def _template(path: Path, family: str, style: str) -> CachedFont:
    """The font at ``path`` parsed by fpdf2 once, with its subsetter."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_font(family, style, path)
    parsed = next(iter(pdf.fonts.values()))
    if not isinstance(parsed, TTFFont) or parsed.is_cff or parsed.color_font:
        # The cut-down subsetter handles plain TrueType outlines only (checked even
        # when the interpreter drops asserts, as gunicorn's PYTHONOPTIMIZE does).
        raise ValueError(f"{path}: not a plain TrueType font")
    template = CachedFont.__new__(CachedFont)
    for slot in TTFFont.__slots__:
        if hasattr(parsed, slot):  # fpdf2 leaves some unset
            setattr(template, slot, getattr(parsed, slot))
    parsed.close()  # the file; the parsed font is not needed once its metrics are copied
    template.ttfont = None
    template.subsetter = GlyphSubsetter(path)
    # The glyphs fpdf2 records by name: those of the characters, and .notdef.
    template.gid_by_name = {parsed.cmap[code]: gid for code, gid in parsed.glyph_ids.items()}
    template.gid_by_name[".notdef"] = 0
    return template


def add_fonts(pdf: FPDF, fonts: dict[tuple[str, str], Path]) -> None:
    """Make ``fonts`` ((family, style) -> TTF file) available to ``pdf`` as
    ``pdf.add_font`` would, without parsing them again. The PDF must then be
    written with ``pdf.output(output_producer_class=CertificateOutput)``."""
    for (family, style), path in fonts.items():
        font = copy.copy(_template(path, family, style))
        font.i = len(pdf.fonts) + 1
        font.desc = copy.copy(font.desc)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font.subset = SubsetMap(font)
        pdf.fonts[font.fontkey] = font


class CertificateOutput(OutputProducer):
    """fpdf2's PDF writer, embedding :class:`CachedFont` subsets cut by
    :class:`GlyphSubsetter` instead of subsetting each font with fontTools."""

    def _add_fonts(self, image_objects_per_index, gfxstate_objs_per_name,
                   pattern_objs_per_name):
        fonts = sorted(self.fpdf.fonts.values(), key=lambda font: font.i)
        if not all(isinstance(font, CachedFont) for font in fonts):
            raise TypeError("CertificateOutput writes only fonts added by add_fonts")
        font_objs_per_index = {}
        for font in fonts:
            fontname = f"MPDFAA+{font.name}"
            code_to_glyph = {code: font.gid_by_name[glyph.glyph_name]
                             for glyph, code in font.subset.items() if glyph is not None}

            composite = PDFFont(subtype="Type0", base_font=fontname, encoding="Identity-H")
            self._add_pdf_obj(composite, "fonts")
            font_objs_per_index[font.i] = composite
            cid_font = PDFFont(subtype="CIDFontType2", base_font=fontname,
                               d_w=font.desc.missing_width, w=_tt_font_widths(font))
            self._add_pdf_obj(cid_font, "fonts")
            composite.descendant_fonts = PDFArray([cid_font])

            # ToUnicode: what each code stands for, so the text can be searched and copied.
            bf_char = [f"<{code:04X}> <{''.join(_utf16_hex(c) for c in glyph.unicode)}>\n"
                       for glyph, code in font.subset.items()
                       if glyph is not None and isinstance(glyph.unicode, tuple) and glyph.unicode]
            to_unicode = PDFContentStream((
                "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                "/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n"
                "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
                f"{_build_cmap_blocks(bf_char, 'bfchar')}"
                "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
            ).encode("latin-1"))
            self._add_pdf_obj(to_unicode, "fonts")
            composite.to_unicode = to_unicode

            system_info = CIDSystemInfo()
            self._add_pdf_obj(system_info, "fonts")
            cid_font.c_i_d_system_info = system_info

            descriptor = font.desc
            descriptor.font_name = Name(fontname)
            self._add_pdf_obj(descriptor, "fonts")
            cid_font.font_descriptor = descriptor

            # Codes are numbered from 0 in order of first use; the map covers the codes used.
            cid_to_gid = bytearray(2 * (max(code_to_glyph, default=0) + 1))
            for code, gid in code_to_glyph.items():
                struct.pack_into(">H", cid_to_gid, 2 * code, gid)
            cid_to_gid_obj = PDFContentStream(contents=bytes(cid_to_gid), compress=True)
            self._add_pdf_obj(cid_to_gid_obj, "fonts")
            cid_font.c_i_d_to_g_i_d_map = cid_to_gid_obj

            font_file = PDFFontStream(contents=font.subsetter.subset(code_to_glyph.values()))
            self._add_pdf_obj(font_file, "fonts")
            descriptor.font_file2 = font_file

            # fpdf2's per-font caches are shared by all documents: free this one's entries.
            font.subset.pick.cache_clear()
            font.subset.get_glyph.cache_clear()
        return font_objs_per_index


def _utf16_hex(code: int) -> str:
    if code > 0xFFFF:
        high, low = 0xD800 | (code - 0x10000) >> 10, 0xDC00 | (code & 0x3FF)
        return f"{high:04X}{low:04X}"
    return f"{code:04X}"
