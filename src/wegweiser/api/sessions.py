"""Counselling sessions across the caseload (what ``session_list`` lets the user see)."""

from ninja import Query, Router
from ninja.pagination import paginate

from wegweiser.api import queries
from wegweiser.api.pagination import PageNumber
from wegweiser.api.schemas import ErrorOut, SessionFilter, SessionOut, ValidationErrorOut
from wegweiser.counselling.selectors import session_list

router = Router(tags=["Beratungsgespräche"])


@router.get(
    "/sessions",
    response={200: list[SessionOut], 401: ErrorOut, 422: ValidationErrorOut},
    summary="Beratungsgespräche auflisten",
    operation_id="sessions_list",
)
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
