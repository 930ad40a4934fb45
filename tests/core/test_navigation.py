"""The main navigation (core/navigation.py, ``{% main_nav %}`` in base.html) shows, for every
role, exactly what the template showed before it was kept per combination: the same links in the
same order, the current section marked, in German and English, render after render."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from tests.factories import UserFactory
from wegweiser.accounts.roles import Role
from wegweiser.core import navigation
from wegweiser.funding import rules as funding_rules
from wegweiser.statistics import rules as figure_rules
from wegweiser.volunteers import rules as volunteer_rules

# base.html's navigation as template code, as it was written before core/navigation.py.
TEMPLATE_NAV = (Path(__file__).parent / "nav_before.html").read_text(encoding="utf-8")
SECTIONS = sorted({item.section for item in navigation.MAIN_NAV}) + ["", "unknown"]


def _normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.fixture
def users_by_role(office, state_officer):
    users = {Role.STATE_FUNDING_OFFICER: state_officer}
    for role in Role:
        if role not in users:
            users[role] = UserFactory(
                role=role, organisation=office, team=None, email=f"{role}@example.org"
            )
    return users


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_role_sees_what_the_template_showed(users_by_role, language):
    template = engines["django"].from_string(TEMPLATE_NAV)
    request = RequestFactory().get("/")
    with translation.override(language):
        for role, user in users_by_role.items():
            for section in SECTIONS:
                request.user = user
                context = {
                    "user": user,
                    "nav": section,
                    "sees_volunteers": volunteer_rules.can_read(user),
                    "sees_figures": figure_rules.can_view(user),
                    "sees_funding": funding_rules.can_view(user),
                }
                expected = template.render(context, request)
                for _ in range(2):  # rendered, then kept
                    ours = navigation.main_nav(user, section)
                    assert _normalised(ours) == _normalised(expected), (role, section)


def test_the_current_section_is_marked_and_labels_follow_the_language(users_by_role):
    manager = users_by_role[Role.INTEGRATION_MANAGER]
    with translation.override("de"):
        html = navigation.main_nav(manager, "cases")
    assert re.findall(r'aria-current="page">([^<]+)<', html) == ["Fälle"]
    assert 'href="/faelle/"' in html and "Neue Klientin / neuer Klient" in html
    assert "Benutzerkonten" not in html  # not for a manager
    with translation.override("en"):
        html = navigation.main_nav(manager, "cases")
    assert re.findall(r'aria-current="page">([^<]+)<', html) == ["Cases"]


def test_a_changed_role_changes_the_navigation_at_once(users_by_role):
    user = users_by_role[Role.INTEGRATION_MANAGER]
    with translation.override("en"):
        before = navigation.main_nav(user, "desk")
        user.role = Role.COUNTY_ADMIN
        after = navigation.main_nav(user, "desk")
    assert "New client" in before and "New client" not in after
    assert "Users" in after and "Audit log" in after


def test_base_page_renders_the_navigation(client, alice):
    client.force_login(alice)
    page = client.get("/faelle/").content.decode()
    nav = page[page.index('<nav class="ww-nav"') : page.index("</nav>")]
    assert 'href="/faelle/" aria-current="page"' in nav
    assert nav.count("<li>") == len([item for item in navigation.MAIN_NAV if item.shown(alice)])
