"""Request input hygiene, in one place for every route.

- Control characters (NUL and the other C0 characters except tab, newline and
  carriage return, and DEL) are removed from every query-string and form value
  and key, and from upload file names, before any view sees them. PostgreSQL
  refuses NUL in text (a 500 otherwise) and no field of this platform has a use
  for the others; they are invisible, so removing them is what a user expects.
- URL converters refuse what the database cannot hold: ``int`` only matches
  ids from 1 to 2**31 - 1 (the range of the id columns), and the string and path
  converters refuse control characters; anything else is a plain 404.
- ``page_arg`` reads the page number of a list.
"""

from __future__ import annotations

from flask import Flask, Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError
from werkzeug.utils import cached_property

from .text import has_control_characters, strip_control_characters

#: The largest value an id column (INTEGER) holds on PostgreSQL and SQLite alike.
MAX_ID = 2**31 - 1
#: No list has this many pages; a larger page number is a 404, not a database error.
MAX_PAGE = 1_000_000



def _clean(data: ImmutableMultiDict) -> ImmutableMultiDict:
    items = data.items(multi=True)
    return ImmutableMultiDict(
        (strip_control_characters(k),
         strip_control_characters(v) if isinstance(v, str) else v) for k, v in items)


class CleanRequest(Request):
    """Flask's request whose ``args``, ``form`` and upload names hold no control characters."""

    @cached_property
    def args(self) -> ImmutableMultiDict:
        return _clean(Request.args.fget(self))

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        super()._load_form_data()
        self.__dict__["form"] = _clean(self.__dict__["form"])
        for upload in self.__dict__["files"].values():
            if upload.filename:
                upload.filename = strip_control_characters(upload.filename)

    def discard_body(self) -> None:
        """Forget a body that could not be parsed (too large), so pages can still render."""
        self.__dict__["form"] = ImmutableMultiDict()
        self.__dict__["files"] = ImmutableMultiDict()


class IdConverter(IntegerConverter):
    """``<int:...>``: a database id, 1 to 2**31 - 1; anything larger does not match (404)."""

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TextConverter(UnicodeConverter):
    """The default ``<name>`` segment, refusing control characters (404)."""

    def to_python(self, value: str) -> str:
        if has_control_characters(value):
            raise ValidationError()
        return value


class SafePathConverter(PathConverter):
    """``<path:...>``, refusing control characters (404)."""

    def to_python(self, value: str) -> str:
        if has_control_characters(value):
            raise ValidationError()
        return value


def page_arg() -> int:
    """The ``page`` query parameter: 1 when absent, not a number or below 1 (as
    before), 404 beyond ``MAX_PAGE`` (no such page)."""
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        return 1
    if page > MAX_PAGE:
        abort(404)
    return max(1, page)


def init_inputs(app: Flask) -> None:
    """Install the request class and converters; call before registering blueprints."""
    app.request_class = CleanRequest
    app.url_map.converters.update(
        default=TextConverter, string=TextConverter, path=SafePathConverter, int=IdConverter)
