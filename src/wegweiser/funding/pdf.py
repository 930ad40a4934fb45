"""Printable documents of the funding administration, rendered with WeasyPrint from HTML
templates in German on A4: the planning frame ("Kreisscharfe Mittelverteilung") and the grant
notice (Zuwendungsbescheid). No external resources: styles are in the template, fonts come from
the system (DejaVu). Pure functions: the views check the rights and audit the download."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from wegweiser.funding import selectors


def _render(template: str, context: dict) -> bytes:
    from weasyprint import HTML

    with translation.override("de"):
        html = render_to_string(template, {"today": timezone.localdate(), **context})
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url, *args, **kwargs):
    raise ValueError("external resources are not allowed")


def frame_pdf(programme, frame) -> bytes:
    """The planning frame: a table of the counties with their amounts and shares and the sum."""
    return _render(
        "funding/pdf_frame.html",
        {"programme": programme, "frame": frame, "table": selectors.frame_rows(frame)},
    )


def grant_notice_pdf(application) -> bytes:
    """The grant notice of a granted application: programme, county, amount, instalments."""
    return _render(
        "funding/pdf_grant_notice.html",
        {
            "application": application,
            "programme": application.programme,
            "kreis": application.kreis,
            "payouts": selectors.payout_rows(application),
        },
    )


def frame_file_name(programme, extension: str) -> str:
    return f"planungsrahmen-{programme.year}-{str(programme.uuid)[:8]}.{extension}"


def grant_notice_file_name(application) -> str:
    return f"zuwendungsbescheid-{application.programme.year}-{application.kreis.ags}.pdf"
