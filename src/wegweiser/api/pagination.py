"""Page-number pagination with a fixed page size and a bounded page number (a huge page number
would overflow the database's OFFSET and end in a 500)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import PaginationBase

PAGE_SIZE = getattr(settings, "NINJA_PAGINATION_PER_PAGE", 50)
MAX_PAGE = 100_000


class PageNumber(PaginationBase):
    class Input(Schema):
        page: int = Field(
            1, ge=1, le=MAX_PAGE, description=f"Seite ({PAGE_SIZE} Einträge je Seite)"
        )

    class Output(Schema):
        items: list[Any]
        count: int = Field(..., description="Anzahl aller Einträge")

    def paginate_queryset(self, queryset, pagination: Input, request, **params) -> dict[str, Any]:
        offset = (pagination.page - 1) * PAGE_SIZE
        return {"items": queryset[offset : offset + PAGE_SIZE], "count": queryset.count()}


class LoggedPersonPage(PageNumber):
    """A page of persons: every person on the page counts as a read of their case file and is
    logged (the list shows names, dates of birth and contact data)."""

    def paginate_queryset(self, queryset, pagination, request, **params) -> dict[str, Any]:
        from wegweiser.api.queries import shown_case
        from wegweiser.audit.services import audit_case_views

        page = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(page["items"])
        audit_case_views(
            actor=request.auth,
            cases_and_clients=[(shown_case(person), person) for person in items],
            part="api_list",
        )
        return {**page, "items": items}
