"""Small controls are still big enough to tap: at least 24 px (WCAG 2.2 target size)."""

import pytest

from .helpers import sign_in

pytestmark = pytest.mark.browser


def test_footer_language_buttons_are_at_least_24_px_tall(live_server, page):
    page.goto(live_server + "/login")
    buttons = page.locator("footer .lang button").all()
    assert len(buttons) == 2
    for button in buttons:
        box = button.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24, box


def test_number_and_date_fields_are_full_size_fields(demo, live_server, page):
    """Not the browser's bare 60x20 px boxes: styled like the other fields."""
    sign_in(page, live_server, "admin@demo.example")
    for path in ("/admin/reports", "/admin/reports/jp", "/admin/assignments",
                 "/author/courses/new"):
        page.goto(live_server + path)
        fields = page.locator("input[type=number], input[type=date]").all()
        assert fields, path
        for field in fields:
            box = field.bounding_box()
            assert box["height"] >= 40 and box["width"] >= 120, (path, box)
