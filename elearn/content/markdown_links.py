"""The Markdown tree step of render.py: relative links resolved, ids prefixed, only
content classes kept, the module title's level taken by the page. Imported by
render_markdown when it first runs (Markdown is not needed to serve a page)."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - only builds Markdown's own tree
from urllib.parse import urlsplit

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .render import ID_PREFIX, LinkResolver, _allowed_classes, is_relative_target


class RewriteLinks(Treeprocessor):
    def __init__(self, md, resolve: LinkResolver | None):
        super().__init__(md)
        self.resolve = resolve

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if element.tag == "h1":  # the module title is the page's only h1
                element.tag = "h2"
            if (element_id := element.get("id")) is not None:
                element.set("id", ID_PREFIX + element_id)
            if (classes := element.get("class")) is not None:
                if kept := _allowed_classes(classes):
                    element.set("class", kept)
                else:
                    del element.attrib["class"]
            if element.tag == "a" and element.get("href", "").startswith("#"):
                element.set("href", "#" + ID_PREFIX + element.get("href")[1:])
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


class RewriteLinksExtension(Extension):
    def __init__(self, resolve: LinkResolver | None):
        super().__init__()
        self.resolve = resolve

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API name
        md.treeprocessors.register(RewriteLinks(md, self.resolve), "elearn_links", 1)
