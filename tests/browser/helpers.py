"""Steps several browser tests share."""

import re

from playwright.sync_api import Page, expect

from elearn.demo import DEMO_PASSWORD


def sign_in(page: Page, base: str, identifier: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(base + "/login")
    page.get_by_label("NIP atau email").fill(identifier)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def answer_quiz(page: Page, questions: list[dict], correct: bool) -> None:
    """Answer every question on the attempt page, all right or all wrong."""
    for q in page.locator("fieldset.question").all():
        text = q.locator(".prose").inner_text().strip()
        data = next(x for x in questions if x["prompt_html"].startswith(f"<p>{text}"))
        if data["kind"] == "short_answer":
            q.get_by_label("Jawaban Anda").fill(data["answers"][0] if correct else "tidak tahu")
            continue
        for option in data["options"]:
            if option["correct"] == correct:
                # Options are named by per-attempt tokens: pick them by their text.
                text = re.sub(r"<[^>]+>", "", option["html"])
                q.locator("label.option").filter(
                    has_text=re.compile(rf"^\s*{re.escape(text)}\s*$")).locator("input").check()
                if data["kind"] != "multiple":
                    break
