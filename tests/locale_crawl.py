"""What a page shows a reader, and the three signs of a page not speaking Indonesian.

Used by tests/test_locale_pages.py: a bounded crawler over same-origin GET
links, the visible text of a page, and the checks (an English UI string, an
internal action code, a decimal point in a number).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from babel.messages.pofile import read_po

PO = Path(__file__).resolve().parent.parent / "elearn/translations/id/LC_MESSAGES/messages.po"

#: Attributes a reader sees or hears (a screen reader reads labels and titles).
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
#: Elements whose text is no interface text: scripts, styles, and the course
#: source an instructor edits (course content, Indonesian anyway).
HIDDEN = {"script", "style", "textarea", "template"}
#: Links not to follow: downloads, files, and actions that change the session.
SKIP = re.compile(r"(\.(csv|xlsx|zip|pdf|png|jpe?g|svg|css|js)(\?|$))|/files/|/logout|/language")

#: ``certificate.revoke``-like words, and what legitimately looks like one.
ACTION_CODE = re.compile(r"(?<![\w@./-])([a-z_]+)\.([a-z_]+)(?![\w@/-]|\.\w)")
NOT_CODES = {"md", "csv", "xlsx", "zip", "pdf", "png", "jpg", "svg", "example", "id", "com",
             "org", "net"}
#: A number with a point in it; Indonesian writes a point only between thousands
#: ("1.234") and in a time of day ("14.05").
DOTTED_NUMBER = re.compile(r"\d+(?:\.\d+)+")
INDONESIAN_DOTS = re.compile(r"\d{1,3}(?:\.\d{3})+|(?:[01]\d|2[0-3])\.[0-5]\d")
#: English words no Indonesian sentence uses, for text never marked for translation.
ENGLISH_WORDS = re.compile(r"\b(the|of|and|row|column|points?|your|with|from|created|updated"
                           r"|user|certificate)\b")
#: Web addresses are shown as they are (the verification link on a certificate).
ADDRESS = re.compile(r"https?://\S+")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in HIDDEN:
            self.hidden += 1
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])
        self.parts.extend(attrs[name] for name in SHOWN_ATTRIBUTES if attrs.get(name))

    def handle_endtag(self, tag):
        if tag in HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


#: An element marked as English (the authoring guide, which is documentation and
#: written in English by the project's rules; the language switch's "English").
ENGLISH_BLOCK = re.compile(r'<(\w+)\b[^>]*\blang="en"[^>]*>.*?</\1>', re.S)


def read_page(html: str) -> tuple[str, list[str]]:
    """The visible text (whitespace collapsed) and the link targets of a page; text
    marked ``lang="en"`` is declared English to readers and screen readers alike, so
    it is not interface text that failed to be translated."""
    parser = _Text()
    parser.feed(ENGLISH_BLOCK.sub(" ", html))
    return re.sub(r"\s+", " ", " ".join(parser.parts)), parser.links


def english_strings(min_length: int = 4) -> list[str]:
    """Literal English pieces of every message whose Indonesian translation differs.

    A message with placeholders gives its longest literal piece; pieces shorter
    than ``min_length`` or without a letter are too generic to look for.
    """
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="id")
    found = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english, indonesian in zip(ids, strings, strict=False):
            if not indonesian or english == indonesian:
                continue
            piece = max((p.strip(" .,:;·—()") for p in PLACEHOLDER.split(english)), key=len)
            if len(piece) >= min_length and re.search("[A-Za-z]", piece) \
                    and piece not in indonesian:
                found.add(piece)
    return sorted(found, key=len, reverse=True)


def problems(text: str, english: list[str]) -> list[str]:
    """Everything on a page that is not Indonesian, as readable lines."""
    text = ADDRESS.sub(" ", text)
    found = [f"English: {s!r}" for s in english
             if re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-]|\.\w)", text)]
    found += [f"English word: {text[max(0, m.start() - 30):m.end() + 30]!r}"
              for m in ENGLISH_WORDS.finditer(text)]
    found += [f"action code: {m.group(0)!r}" for m in ACTION_CODE.finditer(text)
              if m.group(2) not in NOT_CODES]
    found += [f"decimal point: {text[max(0, m.start() - 30):m.end() + 30]!r}"
              for m in DOTTED_NUMBER.finditer(text) if not INDONESIAN_DOTS.fullmatch(m.group())]
    return found


def crawl(client, starts: list[str], limit: int = 120, per_path: int = 3):
    """Yield ``(url, html)`` of each page reachable by same-origin GET links from
    ``starts``, at most ``limit`` pages and ``per_path`` query variants of a path."""
    queue, seen, variants = list(starts), set(starts), {}
    while queue and len(seen) - len(queue) < limit:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        html = response.get_data(as_text=True)
        yield url, html
        for href in read_page(html)[1]:
            target = urljoin(url, href.split("#")[0])
            parts = urlsplit(target)
            if parts.netloc not in ("", "localhost") or not parts.path or SKIP.search(target):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            variants.setdefault(parts.path, set()).add(local)
            if local not in seen and len(variants[parts.path]) <= per_path:
                seen.add(local)
                queue.append(local)
