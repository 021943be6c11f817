"""Small controls are still big enough to tap: at least 24 px (WCAG 2.2 target size)."""

import pytest

pytestmark = pytest.mark.browser


def test_footer_language_buttons_are_at_least_24_px_tall(live_server, page):
    page.goto(live_server + "/login")
    buttons = page.locator("footer .lang button").all()
    assert len(buttons) == 2
    for button in buttons:
        box = button.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24, box
