"""The JSON API (``/api/v1/``): personal API tokens, German error messages, OpenAPI at
``/api/v1/openapi.json`` and the documentation at ``/api/v1/docs`` (public; it shows the schema,
never data). The endpoints call the same selectors and services as the UI."""

from __future__ import annotations

from functools import wraps

from django.utils import translation
from ninja import NinjaAPI

from wegweiser.api import clients, errors, sessions
from wegweiser.api.auth import TokenAuth

API_LANGUAGE = "de"


def german(run):
    """Every API request is answered in German, whatever the Accept-Language header says: the
    services render their messages (gettext) while the request runs."""

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        with translation.override(API_LANGUAGE):
            response = run(request, *args, **kwargs)
        response["Content-Language"] = API_LANGUAGE
        return response

    return wrapper


api = NinjaAPI(
    title="Wegweiser API",
    version="1",
    description=(
        "Fallarbeit im kommunalen Integrationsmanagement. Anmeldung mit einem persönlichen "
        "API-Token: `Authorization: Bearer <Token>`. Es gelten dieselben Rechte wie in der "
        "Oberfläche; fremde oder nicht sichtbare Datensätze antworten mit 404. Fehler kommen als "
        '`{"detail": "…"}`, Eingabefehler (422) zusätzlich mit `errors` je Feld.'
    ),
    urls_namespace="api",
    auth=TokenAuth(),
)
api.add_decorator(german, mode="view")
errors.install(api)
api.add_router("", clients.router)
api.add_router("", sessions.router)
