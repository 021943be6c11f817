"""Markdown to safe HTML. Runs once per import or publish; the result is stored.

Python-Markdown renders; bleach then keeps only an explicit safelist of tags,
attributes and URL protocols, so scripts, event handlers, styles, forms,
iframes and javascript:/data: URLs never reach a learner's browser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

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


#: Every id from content starts with this, so content can never take a
#: layout id (``main``) and in-page links (toc, footnotes) follow along.
ID_PREFIX = "isi-"
#: The only classes content may carry: admonitions, footnotes, the table of
#: contents and code languages. Never the site's alert or button classes.
CONTENT_CLASSES = frozenset({
    "admonition", "admonition-title", "note", "tip", "hint", "important", "warning",
    "caution", "attention", "danger", "error", "info", "footnote", "footnote-ref",
    "footnote-backref", "toc", "toctitle",
})
_LANGUAGE_CLASS = re.compile(r"^language-[a-z0-9+#-]{1,30}$")


def _content_class(token: str) -> bool:
    return token in CONTENT_CLASSES or bool(_LANGUAGE_CLASS.match(token))


def _allowed_classes(value: str) -> str:
    return " ".join(token for token in value.split() if _content_class(token))


def _id_or_class(names: tuple[str, ...]):
    def allow(tag: str, name: str, value: str) -> bool:
        if name == "id":
            return value.startswith(ID_PREFIX)
        if name == "class":
            return bool(value.split()) and all(_content_class(t) for t in value.split())
        return name in names
    return allow


ALLOWED_ATTRIBUTES = {
    "a": _id_or_class(("href", "title", "rel")),
    "img": _img_attribute,
    "th": ["colspan", "rowspan", "align", "style"],
    "td": ["colspan", "rowspan", "align", "style"],
    "ol": ["start"],
    "code": _id_or_class(()),
    "abbr": ["title"],
    "div": _id_or_class(()),
    "p": _id_or_class(()),
    "li": _id_or_class(()),
    "sup": _id_or_class(()),
    "h2": _id_or_class(()), "h3": _id_or_class(()), "h4": _id_or_class(()),
    "h5": _id_or_class(()), "h6": _id_or_class(()),
}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")

#: Maps a relative link target (``02-etika.md``, ``media/x.png``) to a URL,
#: or returns None to leave it alone.
LinkResolver = Callable[[str, str], str | None]


def is_relative_target(url: str) -> bool:
    return bool(url) and not _SCHEME.match(url) and not url.startswith(("/", "#", "?"))


def render_markdown(text: str, resolve: LinkResolver | None = None) -> str:
    """Render ``text`` to sanitised HTML, rewriting relative links with ``resolve``.

    Raises MarkdownTooComplex for text outside the limits in limits.py (the
    checker reports those first; this guards any other caller).
    """
    if markdown_problems(text):
        raise MarkdownTooComplex(text[:80])
    import markdown  # here, not at import: serving a page never renders Markdown

    from .markdown_links import RewriteLinksExtension

    extensions = [
        "tables", "fenced_code", "footnotes", "admonition", "attr_list", "sane_lists",
        "toc", RewriteLinksExtension(resolve),
    ]
    html = markdown.Markdown(
        extensions=extensions,
        extension_configs={"footnotes": {"BACKLINK_TITLE": "Kembali ke teks"}},
        output_format="html",
    ).convert(text)
    return sanitize_html(html)


@cache
def _css_sanitizer():
    from bleach.css_sanitizer import CSSSanitizer

    # Only text alignment survives in style attributes (the tables extension uses it).
    return CSSSanitizer(allowed_css_properties=["text-align"])


def sanitize_html(html: str) -> str:
    import bleach  # with html5lib and tinycss2: only when content is imported or edited

    return bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        css_sanitizer=_css_sanitizer(),
        strip=True,
        strip_comments=True,
    )


def render_inline(text: str, resolve: LinkResolver | None = None) -> str:
    """Render one line (an option) without the surrounding paragraph."""
    html = render_markdown(text, resolve)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html
