"""The main navigation of every page (``{% main_nav %}`` in base.html).

Which sections a user sees follows the same rules as the views (a section hidden here answers
403 or 404 there). The markup depends only on which items are shown, the current section, the
language and the script prefix, so it is rendered once per combination and kept for the
process: as template code it was the largest part of every page's frame (13 conditions, 13
addresses and 13 translations, 0.3 ms of a 5 ms case page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop

from wegweiser.funding import rules as funding_rules
from wegweiser.statistics import rules as figure_rules
from wegweiser.volunteers import rules as volunteer_rules


@dataclass(frozen=True)
class NavItem:
    section: str  # the view's ``nav`` value that marks the item as the current page
    label: str  # message id, translated when rendered
    url_name: str
    shown: Callable[[object], bool]


MAIN_NAV: tuple[NavItem, ...] = (
    NavItem(
        "portal",
        gettext_noop("My volunteering"),
        "volunteers:portal",
        lambda u: u.role == "volunteer",
    ),
    NavItem("desk", gettext_noop("Desk"), "core:desk", lambda u: u.role != "volunteer"),
    NavItem(
        "cases",
        gettext_noop("Cases"),
        "clients:case_list",
        lambda u: u.does_casework or u.has_county_overview,
    ),
    NavItem("new", gettext_noop("New client"), "clients:client_create", lambda u: u.does_casework),
    NavItem(
        "directory",
        gettext_noop("Services"),
        "directory:service_list",
        lambda u: u.does_casework or u.has_county_overview or u.is_county_admin or u.is_state_user,
    ),
    NavItem(
        "volunteers",
        gettext_noop("Volunteers"),
        "volunteers:volunteer_list",
        volunteer_rules.can_read,
    ),
    NavItem("figures", gettext_noop("Figures"), "statistics:dashboard", figure_rules.can_view),
    NavItem("funding", gettext_noop("Funding"), "funding:home", funding_rules.can_view),
    NavItem(
        "users", gettext_noop("Users"), "accounts_admin:user_list", lambda u: u.is_county_admin
    ),
    NavItem(
        "transfer",
        gettext_noop("Import/Export"),
        "transfer:import_list",
        lambda u: u.is_county_admin,
    ),
    NavItem(
        "dataprotection",
        gettext_noop("Data protection"),
        "dataprotection:auskunft_find",
        lambda u: u.role == "data_protection_officer",
    ),
    NavItem(
        "dataprotection",
        gettext_noop("Data protection"),
        "dataprotection:retention",
        lambda u: u.role == "county_admin",
    ),
    NavItem("audit", gettext_noop("Audit log"), "audit:log", lambda u: u.reads_audit_log),
)

_LIMIT = 1_000  # combinations kept per process (a handful of roles x sections x languages)
_kept: dict[tuple, SafeString] = {}


def main_nav(user, current: str | None) -> SafeString:
    """The ``<nav>`` of a logged-in user, ``current`` the section to mark (or none)."""
    shown = tuple(item.shown(user) for item in MAIN_NAV)
    key = (shown, current or "", get_language(), get_script_prefix())
    html = _kept.get(key)
    if html is None:
        html = _render(shown, current or "")
        if len(_kept) >= _LIMIT:
            _kept.clear()
        _kept[key] = html
    return html


def _render(shown: tuple[bool, ...], current: str) -> SafeString:
    lines = [
        format_html(
            '      <nav class="ww-nav" aria-label="{}">\n        <ul class="ww-nav__list">',
            gettext("Main navigation"),
        )
    ]
    for item, visible in zip(MAIN_NAV, shown, strict=True):
        if visible:
            lines.append(
                format_html(
                    '          <li><a class="kern-link" href="{}"{}>{}</a></li>',
                    reverse(item.url_name),
                    mark_safe(' aria-current="page"') if item.section == current else "",
                    conditional_escape(gettext(item.label)),
                )
            )
    lines.append("        </ul>\n      </nav>")
    return mark_safe("\n".join(lines))  # noqa: S308 - every part above is escaped
