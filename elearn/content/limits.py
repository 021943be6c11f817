"""Bounds on the shape of Markdown, checked before anything is parsed or rendered.

Python-Markdown's inline patterns are regular expressions and loops that are
quadratic in the number of ``[`` or ``<`` in one paragraph (10 KB of ``[``
took over 20 s), and its block parser recurses once per nesting level (a
list nested 400 deep raised RecursionError). These checks are linear and run
first, so no text given to the checker, the renderer or the editor preview
can hold a worker for more than a few seconds. docs/authoring.md lists the
limits for authors.
"""

from __future__ import annotations

import re

from .model import N_

#: Characters in one Markdown file (course.md or a module), front matter included.
MAX_FILE_CHARS = 30_000
#: Characters in one line; a paragraph typed without line breaks is one line.
MAX_LINE_CHARS = 5_000
#: Characters in one block (lines between blank lines).
MAX_BLOCK_CHARS = 10_000
#: Opening ``[`` (links, images, footnotes) or ``<`` in one block.
MAX_BRACKETS_PER_BLOCK = 100
#: ``<`` outside fenced code in one file: Python-Markdown's raw HTML scanner is
#: quadratic in unclosed tags over the whole file.
MAX_ANGLE_BRACKETS = 300
#: Footnote references and definitions (``[^``) in one file.
MAX_FOOTNOTES = 100
#: Lists and block quotes inside one another.
MAX_NESTING = 10
#: Markdown characters in one whole course (course.md and every module): a save
#: renders every module, so the course as a whole needs a bound too. Plain prose
#: renders at about 5 ms per KB; the sample lessons are 5-7 KB each.
MAX_COURSE_CHARS = 400_000
#: Inline markup characters ([ < * _ ` !) in one whole course. They are what makes
#: rendering slow; a sample lesson holds about 30 of them.
MAX_COURSE_MARKUP = 10_000
#: Characters of the YAML front matter.
MAX_FRONT_MATTER_CHARS = 5_000
#: Collections inside one another in the front matter.
MAX_FRONT_MATTER_DEPTH = 3

_FENCE = re.compile(r"^\s*(```|~~~)")
_MARKUP = re.compile(r"[\[<*_`!]")
_LIST_MARKER = re.compile(r"(?:[-*+]|\d{1,9}[.)])(?:\s+|$)")
_RULE = re.compile(r"^ {0,3}([-*_])(?: *\1){2,} *$")


def nesting_depth(line: str) -> int:
    """How many lists and quotes the line sits in: indentation plus leading markers."""
    if _RULE.match(line):  # "- - -" is a horizontal rule, not three lists
        return 0
    expanded = line.expandtabs(4)
    stripped = expanded.lstrip(" ")
    depth = (len(expanded) - len(stripped)) // 4
    position = 0
    while position < len(stripped):
        char = stripped[position]
        if char == ">":
            depth += 1
            position += 1
        elif char == " ":
            position += 1
        elif match := _LIST_MARKER.match(stripped, position):
            depth += 1
            position = match.end()
        else:
            break
    return depth


def markdown_problems(text: str, first_line: int = 1) -> list[tuple[int, str, dict]]:
    """(line, message, params) for every limit ``text`` breaks; empty if it may be rendered.

    ``first_line`` is the file's line number of the text's first line.
    Linear in the size of the text.
    """
    if len(text) > MAX_FILE_CHARS:
        return [(first_line, N_(
            "the file has %(count)d characters; at most %(limit)d are allowed "
            "(split it into several modules)"), {"count": len(text), "limit": MAX_FILE_CHARS})]
    problems: list[tuple[int, str, dict]] = []
    block_start, block_chars, brackets = first_line, 0, 0
    footnotes = text.count("[^")
    in_fence = False
    angles = 0
    too_deep = False
    for offset, line in enumerate(text.split("\n")):
        number = first_line + offset
        if len(line) > MAX_LINE_CHARS:
            problems.append((number, N_(
                "the line has %(count)d characters; at most %(limit)d are allowed "
                "(break it into paragraphs)"), {"count": len(line), "limit": MAX_LINE_CHARS}))
        if _FENCE.match(line):
            in_fence = not in_fence
        if not line.strip():
            block_start, block_chars, brackets = number + 1, 0, 0
            continue
        block_chars += len(line) + 1
        if block_chars > MAX_BLOCK_CHARS and block_chars - len(line) - 1 <= MAX_BLOCK_CHARS:
            problems.append((block_start, N_(
                "the paragraph starting here is longer than %(limit)d characters; "
                "add blank lines between paragraphs"), {"limit": MAX_BLOCK_CHARS}))
        if in_fence:
            continue
        before = brackets
        brackets += line.count("[") + line.count("<")
        angles += line.count("<")
        if angles > MAX_ANGLE_BRACKETS >= angles - line.count("<"):
            problems.append((number, N_(
                "too many '<' in the file (more than %(limit)d); write '&lt;' or put code "
                "between ``` lines"), {"limit": MAX_ANGLE_BRACKETS}))
        if brackets > MAX_BRACKETS_PER_BLOCK >= before:
            problems.append((number, N_(
                "too many '[' or '<' in one paragraph (more than %(limit)d); "
                "split the paragraph"), {"limit": MAX_BRACKETS_PER_BLOCK}))
        if not too_deep and (depth := nesting_depth(line)) > MAX_NESTING:
            too_deep = True  # once per file: the lines below are nested as deep
            problems.append((number, N_(
                "lists or quotes are nested %(depth)d levels deep; at most %(limit)d are "
                "allowed"), {"depth": depth, "limit": MAX_NESTING}))
    if footnotes > MAX_FOOTNOTES:
        problems.append((first_line, N_(
            "the file has %(count)d footnote marks; at most %(limit)d are allowed"),
            {"count": footnotes, "limit": MAX_FOOTNOTES}))
    return problems


def course_problems(texts: list[str]) -> list[tuple[str, dict]]:
    """(message, params) when the Markdown of a whole course is over its budget.

    Each file is bounded by ``markdown_problems``; this bounds their sum, so a
    save, which renders every module, stays within a few seconds too.
    """
    problems: list[tuple[str, dict]] = []
    chars = sum(len(text) for text in texts)
    if chars > MAX_COURSE_CHARS:
        problems.append((N_(
            "the course's Markdown files hold %(count)d characters together; at most "
            "%(limit)d are allowed (split it into several courses)"),
            {"count": chars, "limit": MAX_COURSE_CHARS}))
    markup = sum(len(_MARKUP.findall(text)) for text in texts)
    if markup > MAX_COURSE_MARKUP:
        problems.append((N_(
            "the course's Markdown files hold %(count)d markup characters ([ < * _ ` !) "
            "together; at most %(limit)d are allowed"),
            {"count": markup, "limit": MAX_COURSE_MARKUP}))
    return problems


class MarkdownTooComplex(ValueError):
    """Raised by the renderer for text the checker would refuse."""
