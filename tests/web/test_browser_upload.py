"""The upload form in headless Chromium, where the server refuses or the browser does: a file
that is obviously too large is refused before a byte is sent, a file the server refuses leaves
what was typed in place with the server's reason, and a file dropped on the page is chosen."""

from __future__ import annotations

import pytest

from tests.media_factory import make_not_a_video
from tests.web.browsers import browser, browser_page, log_in
from tests.web.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["browser", "browser_page"]  # fixtures


@pytest.fixture
def upload_page(live_server, browser_page, django_user_model, media_root):
    django_user_model.objects.create_user("uploader", password=PASSWORD)
    log_in(browser_page, live_server.url, "uploader", PASSWORD)
    browser_page.goto(f"{live_server.url}/upload/")
    return browser_page


def test_too_large_is_said_before_sending(upload_page, settings, tmp_path, store):
    settings.MAX_UPLOAD_BYTES = 100
    page = upload_page
    page.reload()
    sent = []
    page.on("request", lambda request: sent.append(request.method))
    big = tmp_path / "big.mp4"
    big.write_bytes(b"x" * 5000)

    page.fill("#upload-form [name=title]", "Too big")
    page.set_input_files("#upload-form [name=file]", str(big))
    page.click("#upload-form [type=submit]")

    assert "This file is too large" in page.inner_text("#upload-error")
    assert "POST" not in sent
    assert store.read("catalog:command") == []


def test_a_refused_file_keeps_what_was_typed(upload_page, tmp_path, store):
    page = upload_page
    fake = make_not_a_video(tmp_path / "notes.mp4")

    page.fill("#upload-form [name=title]", "My careful title")
    page.fill("#upload-form [name=description]", "Two lines\nof description")
    page.check("#upload-form [name=visibility][value=unlisted]")
    page.set_input_files("#upload-form [name=file]", str(fake))
    page.click("#upload-form [type=submit]")

    page.wait_for_selector("#upload-error:not([hidden])")
    assert "not a video we can read" in page.inner_text("#upload-error")
    assert page.input_value("#upload-form [name=title]") == "My careful title"
    assert page.input_value("#upload-form [name=description]") == "Two lines\nof description"
    assert page.is_checked("#upload-form [name=visibility][value=unlisted]")
    assert not page.is_disabled("#upload-button")
    assert store.read("catalog:command") == []


def test_a_file_dropped_on_the_page_is_chosen(upload_page):
    page = upload_page

    page.evaluate(
        """() => {
            const transfer = new DataTransfer();
            transfer.items.add(new File(["fake"], "dropped.mp4", {type: "video/mp4"}));
            const drop = new DragEvent("drop", {dataTransfer: transfer, bubbles: true});
            document.body.dispatchEvent(drop);
        }"""
    )

    chosen = page.evaluate("document.querySelector('#upload-form [name=file]').files[0].name")
    assert chosen == "dropped.mp4"
