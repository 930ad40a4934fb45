"""Helpers shared by the browser tests: login with the second factor, navigation, page checks.

Selectors rely on ids of form fields (``#id_<field>``), URLs and ``data-testid``s. Where visible
text is checked, both the German text and the English msgid are accepted, so that the tests do not
depend on the state of the German catalogue.

Set ``WEGWEISER_E2E_SCREENSHOTS=<dir>`` to save a full-page PNG of every checked page.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from tests.factories import PASSWORD, UserFactory

LOGIN_BUTTON = re.compile(r"^\s*(Anmelden|Log in)\s*$")
ACTIVATE_BUTTON = re.compile(r"^\s*(Aktivieren|Activate)\s*$")
# The one submit button of the form in <main> (client, consent, session, password forms).
MAIN_SUBMIT = "main form button[type=submit]"

DESK_URL = re.compile(r"^https?://[^/]+/$")

SCREENSHOT_DIR = os.environ.get("WEGWEISER_E2E_SCREENSHOTS")


def make_manager_with_totp(team, **fields):
    """An integration manager of ``team`` with an authenticator app (``user.totp_secret``)."""
    user = UserFactory(team=team, **fields)
    user.totp_secret = generate_totp_secret()
    TOTP.activate(user, user.totp_secret)
    return user


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now (allauth's own HOTP; no tolerance is configured,
    so wait for the next period when this one is about to end)."""
    period = mfa_settings.TOTP_PERIOD
    remaining = period - (time.time() % period)
    if remaining < 3:
        time.sleep(remaining + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def path_of(page_or_request) -> str:
    return re.sub(r"^https?://[^/]+", "", page_or_request.url).split("?")[0]


def submit(page, button) -> None:
    """Click a submit button and wait for the answer page (also when it has the same URL)."""
    with page.expect_navigation():
        button.click()


def check_page(page, assert_accessible, name: str) -> None:
    """axe-core on the page (WCAG 2.x A/AA), German page language, no inline styles or scripts."""
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "de"
    inline = page.evaluate(
        "() => [...document.querySelectorAll('[style], script:not([src])')]"
        ".map(e => e.outerHTML.slice(0, 120))"
    )
    assert inline == [], "inline style attributes or scripts"
    assert_accessible(page)
    if SCREENSHOT_DIR:  # last: Playwright's screenshot adds style attributes of its own
        Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name}.png"), full_page=True)


def log_in(page, email: str) -> None:
    """E-mail and password on the login page (the second factor, if any, comes next)."""
    page.goto("/konto/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    submit(page, page.get_by_role("button", name=LOGIN_BUTTON))


def log_in_with_totp(page, user) -> None:
    """Full login of a user with an authenticator app, ending on the desk."""
    log_in(page, user.email)
    assert path_of(page) == "/konto/2fa/authenticate/"
    page.fill("#id_code", totp_code(user.totp_secret))
    page.get_by_role("button", name=LOGIN_BUTTON).click()
    page.wait_for_url(DESK_URL)
