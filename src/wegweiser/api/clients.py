"""Persons (Klient/innen) and their counselling sessions. Thin: parse, call one selector or
service, render. The rules live in clients.rules/selectors/services and counselling.services."""

from uuid import UUID

from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from wegweiser.api import queries
from wegweiser.api.pagination import LoggedPersonPage, PageNumber
from wegweiser.api.schemas import (
    READ_ERRORS,
    WRITE_ERRORS,
    ClientCreate,
    ClientOut,
    ClientSearch,
    ClientUpdate,
    ErrorOut,
    SessionCreate,
    SessionOut,
    ValidationErrorOut,
)
from wegweiser.clients.selectors import client_get
from wegweiser.clients.services import client_create, client_update
from wegweiser.counselling.selectors import session_list
from wegweiser.counselling.services import session_record

router = Router(tags=["Personen"])

READ = READ_ERRORS
WRITE = WRITE_ERRORS


@router.get(
    "/clients",
    response={200: list[ClientOut], 401: ErrorOut, 422: ValidationErrorOut},
    summary="Personen auflisten",
    operation_id="clients_list",
)
@paginate(LoggedPersonPage)
def clients_list(request, filters: Query[ClientSearch]):
    """Die Personen, deren Daten Sie sehen dürfen (50 je Seite), optional gefiltert durch die
    Suche. Jede ausgegebene Person wird im Protokoll festgehalten."""
    return queries.clients(request.auth, query=filters.q)


@router.post(
    "/clients",
    response={201: ClientOut, **WRITE},
    summary="Person anlegen",
    operation_id="clients_create",
)
def clients_create(request, payload: ClientCreate):
    """Legt eine Person an und eröffnet (ohne ``open_case: false``) ihre Fallakte mit Ihnen als
    zuständiger Person."""
    user = request.auth
    fields = payload.model_dump()
    fields["household"] = queries.household(user, fields.pop("household"))
    fields["municipality"] = queries.municipality(user, fields.pop("municipality"))
    person = client_create(actor=user, **fields)
    return Status(201, queries.with_cases(user, person))


@router.get(
    "/clients/{uuid}",
    response={200: ClientOut, **READ},
    summary="Person lesen",
    operation_id="clients_read",
)
def clients_read(request, uuid: UUID):
    """Liest die Daten einer Person. Jeder Abruf wird im Protokoll festgehalten."""
    person = queries.client(request.auth, uuid)
    queries.log_person_read(request.auth, person, part="api")
    return person


@router.put(
    "/clients/{uuid}",
    response={200: ClientOut, 409: ErrorOut, **WRITE},
    summary="Person ändern",
    operation_id="clients_update",
)
def clients_update(request, uuid: UUID, payload: ClientUpdate):
    """Ändert die Daten einer Person. ``version`` (aus dem letzten Abruf) ist Pflicht; hat
    jemand anderes den Datensatz inzwischen geändert, antwortet die API mit 409. Nicht
    gesendete Felder bleiben unverändert."""
    user = request.auth
    person = client_get(user=user, uuid=uuid)
    fields = payload.model_dump(exclude_unset=True)
    version = fields.pop("version")
    if "municipality" in fields:
        fields["municipality"] = queries.municipality(user, fields["municipality"])
    person = client_update(actor=user, client=person, version=version, **fields)
    return queries.with_cases(user, person)


@router.get(
    "/clients/{uuid}/sessions",
    response={200: list[SessionOut], **READ},
    summary="Beratungsgespräche einer Person",
    operation_id="clients_sessions_list",
)
@paginate(PageNumber)
def clients_sessions_list(request, uuid: UUID):
    """Die Beratungsgespräche in den Fallakten der Person, die Sie einsehen dürfen (neueste
    zuerst). Der Abruf wird im Protokoll festgehalten. Vertrauliche Notizen werden nie
    ausgegeben."""
    user = request.auth
    person = queries.client(user, uuid)
    queries.log_person_read(user, person, part="api_sessions")
    return queries.sessions(session_list(user).filter(case__client=person))


@router.post(
    "/clients/{uuid}/sessions",
    response={201: SessionOut, **WRITE},
    summary="Beratungsgespräch erfassen",
    operation_id="clients_sessions_create",
)
def clients_sessions_create(request, uuid: UUID, payload: SessionCreate):
    """Erfasst ein Beratungsgespräch in der offenen Fallakte der Person."""
    user = request.auth
    person = client_get(user=user, uuid=uuid)
    case = queries.open_case(user, person)
    fields = payload.model_dump()
    fields["members_present"] = queries.household_members(user, fields["members_present"])
    session = session_record(actor=user, case=case, **fields)
    return Status(201, queries.sessions(session_list(user)).get(pk=session.pk))
