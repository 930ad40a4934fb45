"""The browser set-up: Debian's chromium via Playwright, axe-core injected despite CSP."""

import pytest


@pytest.mark.e2e
def test_axe_runs_in_chromium_despite_csp(browser, axe):
    page = browser.new_page()
    try:
        page.set_content(
            '<!doctype html><html lang="de"><head><title>t</title>'
            '<meta http-equiv="Content-Security-Policy" content="script-src \'self\'">'
            '</head><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
            "</main></body></html>"
        )
        ids = {v["id"] for v in axe(page)}
    finally:
        page.close()
    assert "image-alt" in ids
