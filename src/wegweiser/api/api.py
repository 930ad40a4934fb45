"""The JSON API (``/api/v1/``): personal API tokens, German error messages, OpenAPI at
``/api/v1/openapi.json`` and the documentation at ``/api/v1/docs`` (public; it shows the schema,
never data). The endpoints call the same selectors and services as the UI."""

from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern
from django.utils import translation
from ninja import NinjaAPI

from wegweiser.api import (
    clients,
    errors,
    routes_capacity,
    routes_directory,
    routes_figures,
    routes_funding,
    routes_plans,
    routes_referrals,
    sessions,
)
from wegweiser.api.auth import TokenAuth

API_LANGUAGE = "de"


def _json_error(status: int, detail: str, **headers) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status, headers=headers)
    response["Content-Language"] = API_LANGUAGE
    return response


def _json_routing_errors(view):
    """404 and 405 that ninja answers outside the operations (the API root, a wrong method) as
    JSON too, instead of an HTML page. (A path that matches no pattern at all still gets the
    project's HTML 404: a catch-all pattern here would be a URL of its own.)"""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return _json_error(404, errors.MSG_NOT_FOUND)
        if isinstance(response, HttpResponseNotAllowed):
            return _json_error(405, errors.MSG_HTTP[405], Allow=response["Allow"])
        return response

    return wrapper


def refuse_null_characters(run):
    """422 for a NUL character in a query parameter, after the token is checked: PostgreSQL can
    neither compare nor store it, so a figures query with one answered 500 instead of saying what
    is wrong. (Text in the body is checked field by field by the schemas and services, with
    their own messages.)"""

    @wraps(run)
    def wrapper(request, *args, **kwargs):
        for key, values in request.GET.lists():
            if any("\x00" in value for value in [key, *values]):
                raise errors.invalid(key.replace("\x00", ""), errors.MSG_NUL)
        return run(request, *args, **kwargs)

    return wrapper


class WegweiserAPI(NinjaAPI):
    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _json_routing_errors(pattern.callback)
        return patterns, app_name, namespace


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


api = WegweiserAPI(
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
api.add_decorator(refuse_null_characters, mode="operation")
errors.install(api)
api.add_router("", clients.router)
api.add_router("", sessions.router)
api.add_router("", routes_directory.router)
api.add_router("", routes_plans.router)
api.add_router("", routes_referrals.router)
api.add_router("", routes_capacity.router)
api.add_router("", routes_figures.router)
api.add_router("", routes_funding.router)
