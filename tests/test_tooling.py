"""Checks of the build tooling itself: the assets vendored by ``make static``."""

import re
from pathlib import Path

import pytest

VENDOR_DIR = Path(__file__).resolve().parent.parent / "src" / "wegweiser" / "static" / "vendor"


@pytest.mark.parametrize(
    "relpath",
    [
        "kern.min.css",
        "kern-kopfzeile.js",
        "htmx.min.js",
        "fonts/fira-sans.css",
        "fonts/noto-sans.css",
    ],
)
def test_vendored_asset_exists(relpath):
    assert (VENDOR_DIR / relpath).is_file(), f"run `make static` ({relpath} missing)"


def test_font_css_urls_resolve():
    for css in VENDOR_DIR.glob("fonts/*.css"):
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", css.read_text())
        assert urls, css
        for url in urls:
            assert (css.parent / url).resolve().is_file(), f"{css.name}: {url}"


def test_htmx_is_version_2():
    assert 'version:"2.' in (VENDOR_DIR / "htmx.min.js").read_text()
