"""An admin who picks a date range backwards sees why at the field, on a phone and a laptop."""

import pytest
from playwright.sync_api import expect

from .helpers import sign_in

pytestmark = pytest.mark.browser


def test_a_backwards_date_range_is_shown_at_the_field(demo, live_server, page, tmp_path):
    sign_in(page, live_server, "admin@demo.example")
    page.goto(live_server + "/admin/reports")
    page.get_by_label("Dari", exact=True).fill("2026-02-01")
    page.get_by_label("Sampai", exact=True).fill("2026-01-31")
    page.get_by_role("button", name="SIASN Excel").click()
    message = "Tanggal Dari (2026-02-01) jatuh setelah tanggal Sampai (2026-01-31)."
    expect(page.get_by_text(message)).to_be_visible()
    expect(page.get_by_label("Dari", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Dari", exact=True)).to_have_value("2026-02-01")
    expect(page.get_by_label("Sampai", exact=True)).to_have_value("2026-01-31")
    page.screenshot(path=str(tmp_path / "report-error.png"), full_page=True)
    # Putting it right downloads the file.
    page.get_by_label("Dari", exact=True).fill("2026-01-01")
    with page.expect_download() as info:
        page.get_by_role("button", name="SIASN Excel").click()
    assert info.value.suggested_filename.startswith("siasn-kursus-")
