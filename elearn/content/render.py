"""Markdown to safe HTML. Runs once per import or publish; the result is stored.

Python-Markdown renders; bleach then keeps only an explicit safelist of tags,
attributes and URL protocols, so scripts, event handlers, styles, forms,
iframes and javascript:/data: URLs never reach a learner's browser.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # noqa: S405 - only builds Markdown's own tree
from collections.abc import Callable
from urllib.parse import urlsplit

import bleach
import markdown
from bleach.css_sanitizer import CSSSanitizer
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .limits import MarkdownTooComplex, markdown_problems

ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s",
    "del", "ins", "sub", "sup", "mark", "small", "code", "pre", "kbd", "samp", "blockquote",
    "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "th", "td",
    "caption", "a", "img", "div", "span", "abbr", "figure", "figcaption",
})
def _img_attribute(tag: str, name: str, value: str) -> bool:
    # Images come only from the platform (course files): no tracking pixels,
    # and nothing that breaks on a closed office network.
    if name == "src":
        return value.startswith("/") and not value.startswith("//")
    return name in ("alt", "title", "width", "height", "loading")


ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "id", "class", "rel"],
    "img": _img_attribute,
    "th": ["colspan", "rowspan", "align", "style"],
    "td": ["colspan", "rowspan", "align", "style"],
    "ol": ["start"],
    "code": ["class"],
    "abbr": ["title"],
    "div": ["class", "id"],
    "p": ["class"],
    "li": ["id"],
    "sup": ["id", "class"],
    "h2": ["id"], "h3": ["id"], "h4": ["id"], "h5": ["id"], "h6": ["id"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})
# Only text alignment survives in style attributes (the tables extension uses it).
_CSS = CSSSanitizer(allowed_css_properties=["text-align"])
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")

#: Maps a relative link target (``02-etika.md``, ``media/x.png``) to a URL,
#: or returns None to leave it alone.
LinkResolver = Callable[[str, str], str | None]


def is_relative_target(url: str) -> bool:
    return bool(url) and not _SCHEME.match(url) and not url.startswith(("/", "#", "?"))


class _RewriteLinks(Treeprocessor):
    def __init__(self, md, resolve: LinkResolver | None):
        super().__init__(md)
        self.resolve = resolve

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if element.tag == "h1":  # the module title is the page's only h1
                element.tag = "h2"
            attr = {"a": "href", "img": "src"}.get(element.tag)
            if not attr:
                continue
            url = element.get(attr, "")
            if self.resolve is not None and is_relative_target(url):
                parts = urlsplit(url)
                new = self.resolve(parts.path, element.tag)
                if new is not None:
                    element.set(attr, new + (f"#{parts.fragment}" if parts.fragment else ""))
            if element.tag == "img":
                element.set("loading", "lazy")


class _RewriteLinksExtension(Extension):
    def __init__(self, resolve: LinkResolver | None):
        super().__init__()
        self.resolve = resolve

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API name
        md.treeprocessors.register(_RewriteLinks(md, self.resolve), "elearn_links", 1)


def render_markdown(text: str, resolve: LinkResolver | None = None) -> str:
    """Render ``text`` to sanitised HTML, rewriting relative links with ``resolve``.

    Raises MarkdownTooComplex for text outside the limits in limits.py (the
    checker reports those first; this guards any other caller).
    """
    if markdown_problems(text):
        raise MarkdownTooComplex(text[:80])
    extensions = [
        "tables", "fenced_code", "footnotes", "admonition", "attr_list", "sane_lists",
        "toc", _RewriteLinksExtension(resolve),
    ]
    html = markdown.Markdown(
        extensions=extensions,
        extension_configs={"footnotes": {"BACKLINK_TITLE": "Kembali ke teks"}},
        output_format="html",
    ).convert(text)
    return sanitize_html(html)


def sanitize_html(html: str) -> str:
    return bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        css_sanitizer=_CSS,
        strip=True,
        strip_comments=True,
    )


def render_inline(text: str, resolve: LinkResolver | None = None) -> str:
    """Render one line (an option) without the surrounding paragraph."""
    html = render_markdown(text, resolve)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html
