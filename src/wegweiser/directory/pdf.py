"""The printable overview (PDF) of selected services for a client, rendered with WeasyPrint
from an HTML template. No external resources: styles are inline, fonts come from the system."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import translation


def services_overview(services, *, today: dt.date) -> bytes:
    from weasyprint import HTML

    with translation.override("de"):
        html = render_to_string(
            "directory/services_pdf.html", {"services": services, "today": today}
        )
    # base_url None and no url_fetcher access: the template references nothing external.
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url, *args, **kwargs):
    raise ValueError("external resources are not allowed")
