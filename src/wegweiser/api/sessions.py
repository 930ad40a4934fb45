"""Counselling sessions across the caseload (what ``session_list`` lets the user see)."""

import datetime as dt

from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field, ValidationInfo, field_validator

from wegweiser.api import queries
from wegweiser.api.pagination import PageNumber
from wegweiser.api.schemas import ErrorOut, SessionOut, ValidationErrorOut
from wegweiser.counselling.selectors import session_list

router = Router(tags=["Beratungsgespräche"])


class SessionFilter(Schema):
    since: dt.date | None = Field(None, description="Gespräche ab diesem Tag (einschließlich)")
    until: dt.date | None = Field(None, description="Gespräche bis zu diesem Tag (einschließlich)")

    @field_validator("until")
    @classmethod
    def _not_before_since(cls, until: dt.date | None, info: ValidationInfo) -> dt.date | None:
        since = info.data.get("since")
        if since and until and until < since:
            raise ValueError("„until“ darf nicht vor „since“ liegen.")
        return until


@router.get("/sessions", response={200: list[SessionOut], 401: ErrorOut, 422: ValidationErrorOut},
            summary="Beratungsgespräche auflisten", operation_id="sessions_list")
@paginate(PageNumber)
def sessions_list(request, filters: Query[SessionFilter]):
    """Die Beratungsgespräche aller Fallakten, die Sie einsehen dürfen (neueste zuerst, 50 je
    Seite). Vertrauliche Notizen werden nie ausgegeben."""
    qs = session_list(request.auth)
    if filters.since:
        qs = qs.filter(held_on__gte=filters.since)
    if filters.until:
        qs = qs.filter(held_on__lte=filters.until)
    return queries.sessions(qs)
