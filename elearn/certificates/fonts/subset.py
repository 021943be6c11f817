"""Make the certificate fonts in this folder from the full DejaVu fonts.

    python elearn/certificates/fonts/subset.py /usr/share/fonts/truetype/dejavu

The full fonts (about 6,000 glyphs each, Debian package fonts-dejavu-core) are
cut down to the scripts a name, unit, position or course title may be written
in: every Latin block, Greek, Cyrillic, combining accents, punctuation,
currency, letterlike symbols, number forms, arrows and mathematical operators.
That keeps the repository small and the first certificate a worker renders
quick (the fonts are read once per process, see ``../fontcache.py``). Names and
glyphs are unchanged; layout tables are dropped (fpdf2 uses none without text
shaping).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FILES = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif-Bold.ttf")
RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x0250, 0x02FF),  # IPA extensions, spacing modifier letters (ʼ)
    (0x0300, 0x036F),  # combining diacritical marks
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x052F),  # Cyrillic and its supplement
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Ṣ ḥ ạ ...)
    (0x2000, 0x206F),  # general punctuation (’ “ ” – — …)
    (0x20A0, 0x20CF),  # currency (€ ...)
    (0x2100, 0x218F),  # letterlike symbols, number forms (№ ™ ½ Ⅳ)
    (0x2190, 0x22FF),  # arrows, mathematical operators
    (0x2C60, 0x2C7F),  # Latin Extended-C
    (0xA720, 0xA7FF),  # Latin Extended-D
    (0xFB00, 0xFB06),  # Latin ligatures
    (0xFFFD, 0xFFFD),  # the replacement character, printed for anything else
]


def main(source: str) -> None:
    unicodes = [c for first, last in RANGES for c in range(first, last + 1)]
    for name in FILES:
        font = TTFont(Path(source) / name)
        options = subset.Options()
        options.layout_features = []
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        options.glyph_names = True  # fpdf2 subsets again by glyph name
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
        font.save(Path(__file__).parent / name)


if __name__ == "__main__":
    main(sys.argv[1])
