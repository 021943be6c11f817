"""Draws the web app's icons (the favicon's "E" on the brand green) with Pillow.

    .venv/bin/python -m elearn.offline.icons

writes elearn/static/icons/icon-192.png, icon-512.png and maskable-512.png (the
"E" inside the 80% safe zone Android's round or squircle masks keep). The PNGs
are committed; run this again only to change the design.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

GREEN = (11, 93, 59)  # --brand in style.css
#: The favicon's "E" (favicon.svg, viewBox 0 0 32 32).
E_SHAPE = [(7, 10), (25, 10), (25, 13), (10, 13), (10, 16), (22, 16), (22, 19), (10, 19),
           (10, 22), (25, 22), (25, 25), (7, 25)]
FOLDER = Path(__file__).resolve().parent.parent / "static" / "icons"
#: (file name, size in pixels, maskable)
ICONS = [("icon-192.png", 192, False), ("icon-512.png", 512, False),
         ("maskable-512.png", 512, True)]


def draw(size: int, maskable: bool) -> Image.Image:
    if maskable:  # full bleed: the launcher cuts its own shape
        image = Image.new("RGB", (size, size), GREEN)
    else:
        image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if not maskable:
        pen.rounded_rectangle([0, 0, size - 1, size - 1], radius=size * 6 // 32, fill=GREEN)
    scale = size / 32 * (0.62 if maskable else 1.0)
    offset = (size - 32 * scale) / 2
    pen.polygon([(offset + x * scale, offset + y * scale) for x, y in E_SHAPE], fill="white")
    return image


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in ICONS:
        # Two colours and their edges: a 16-colour palette keeps each file near 1 KB.
        draw(size, maskable).quantize(colors=16).save(FOLDER / name, optimize=True)


if __name__ == "__main__":
    main()
