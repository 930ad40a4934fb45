"""Every error of the API as JSON ``{"detail": "<German message>"}`` (422 adds ``errors``).

Services raise Django's ``Http404``, ``PermissionDenied`` and ``ValidationError`` and our
``ConflictError``; ninja raises its own schema ``ValidationError``, ``AuthenticationError`` and
``HttpError``. All of them are mapped here, so that bad input never ends in a 500. Messages of
the services are gettext msgids (English) and are rendered while German is active (see
``api.german``); the messages written here are German directly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from wegweiser.core.errors import ConflictError

if TYPE_CHECKING:
    from ninja import NinjaAPI

MSG_UNAUTHENTICATED = (
    "Nicht angemeldet: Bitte senden Sie einen gültigen API-Token im Header "
    "„Authorization: Bearer <Token>“."
)
MSG_FORBIDDEN = "Keine Berechtigung für diese Aktion."
MSG_NOT_FOUND = "Nicht gefunden."
MSG_INVALID = "Die Eingabe ist ungültig."
MSG_BAD_JSON = "Der Inhalt der Anfrage ist kein gültiges JSON."
MSG_NUL = "Die Anfrage enthält ein Nullzeichen (U+0000); es ist in keinem Parameter erlaubt."
MSG_HTTP = {
    400: "Die Anfrage ist fehlerhaft.",
    401: MSG_UNAUTHENTICATED,
    403: MSG_FORBIDDEN,
    404: MSG_NOT_FOUND,
    405: "Diese Methode ist hier nicht erlaubt.",
    429: "Zu viele Anfragen. Bitte warten Sie einen Moment.",
}

# German messages for the errors of the schema validation (pydantic error types).
_SCHEMA_MESSAGES = {
    "missing": "Dieses Feld ist erforderlich.",
    "string_type": "Bitte geben Sie einen Text an.",
    "string_unicode": "Der Text enthält ungültige Zeichen.",
    "string_too_long": "Höchstens {max_length} Zeichen erlaubt.",
    "string_too_short": "Mindestens {min_length} Zeichen erforderlich.",
    "string_pattern_mismatch": "Der Wert hat nicht das erwartete Format.",
    "int_type": "Bitte geben Sie eine ganze Zahl an.",
    "int_parsing": "Bitte geben Sie eine ganze Zahl an.",
    "int_from_float": "Bitte geben Sie eine ganze Zahl an.",
    "int_parsing_size": "Die Zahl ist zu groß.",
    "greater_than_equal": "Der Wert muss mindestens {ge} sein.",
    "greater_than": "Der Wert muss größer als {gt} sein.",
    "less_than_equal": "Der Wert darf höchstens {le} sein.",
    "less_than": "Der Wert muss kleiner als {lt} sein.",
    "bool_type": "Bitte geben Sie true oder false an.",
    "bool_parsing": "Bitte geben Sie true oder false an.",
    "date_type": "Bitte geben Sie ein Datum im Format JJJJ-MM-TT an.",
    "date_parsing": "Bitte geben Sie ein gültiges Datum im Format JJJJ-MM-TT an.",
    "date_from_datetime_parsing": "Bitte geben Sie ein gültiges Datum im Format JJJJ-MM-TT an.",
    "date_from_datetime_inexact": "Bitte geben Sie ein Datum ohne Uhrzeit an.",
    "uuid_type": "Bitte geben Sie eine gültige Kennung (UUID) an.",
    "uuid_parsing": "Bitte geben Sie eine gültige Kennung (UUID) an.",
    "uuid_version": "Bitte geben Sie eine gültige Kennung (UUID) an.",
    "list_type": "Bitte geben Sie eine Liste an.",
    "too_long": "Höchstens {max_length} Einträge erlaubt.",
    "too_short": "Mindestens {min_length} Einträge erforderlich.",
    "model_type": "Bitte senden Sie ein JSON-Objekt.",
    "model_attributes_type": "Bitte senden Sie ein JSON-Objekt.",
    "dict_type": "Bitte senden Sie ein JSON-Objekt.",
    "json_invalid": MSG_BAD_JSON,
    "extra_forbidden": "Dieses Feld ist unbekannt.",
}
_MAX_LISTED_CHOICES = 12


def _schema_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        # Our own validators raise ValueError with a German message.
        return str(ctx["error"])
    if kind in ("literal_error", "enum"):
        expected = ctx.get("expected", "")
        if expected and expected.count(",") < _MAX_LISTED_CHOICES:
            allowed = expected.replace("' or '", "' oder '")
            return f"Unzulässiger Wert. Erlaubt sind: {allowed}."
        return "Unzulässiger Wert."
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "Dieses Feld darf nicht leer sein."
    if kind == "too_short" and ctx.get("min_length") == 1:
        return "Mindestens ein Eintrag erforderlich."
    template = _SCHEMA_MESSAGES.get(kind)
    if template is None:
        return "Ungültiger Wert."
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return template.split("{")[0].strip() or "Ungültiger Wert."


def _field_name(loc: tuple | list) -> str:
    """("body", "payload", "nationalities", 0) -> "nationalities.0"; ("query", "q") -> "q"."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        source = parts.pop(0)
        # Body parameters are all called ``payload``; pagination input ``ninja_pagination``.
        if (
            parts
            and parts[0] in ("payload", "ninja_pagination")
            and (source == "body" or len(parts) > 1)
        ):
            parts.pop(0)
    return ".".join(str(p) for p in parts) or NON_FIELD_ERRORS


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail}
    if errors is not None:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="Wegweiser API"'
    return response


def invalid(field: str, message: str) -> DjangoValidationError:
    """A field error of the API itself (e.g. an unknown municipality), rendered as 422."""
    return DjangoValidationError({field: [message]})


def install(api: NinjaAPI) -> None:
    def on_authentication(request, exc: AuthenticationError):
        return error_response(api, request, 401, MSG_UNAUTHENTICATED)

    def on_http_error(request, exc: HttpError):
        if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
            return error_response(api, request, 400, MSG_BAD_JSON)
        detail = MSG_HTTP.get(exc.status_code, "Die Anfrage konnte nicht bearbeitet werden.")
        return error_response(api, request, exc.status_code, detail)

    def on_not_found(request, exc: Http404):
        return error_response(api, request, 404, MSG_NOT_FOUND)

    def on_permission_denied(request, exc: PermissionDenied):
        return error_response(api, request, 403, MSG_FORBIDDEN)

    def on_conflict(request, exc: ConflictError):
        return error_response(api, request, 409, str(exc.message))

    def on_schema_error(request, exc: SchemaValidationError):
        errors: dict[str, list[str]] = {}
        for error in exc.errors:
            field = _field_name(error.get("loc", ()))
            if field == NON_FIELD_ERRORS and error.get("type") == "missing":
                message = _SCHEMA_MESSAGES["model_type"]  # no request body at all
            else:
                message = _schema_message(error)
            errors.setdefault(field, []).append(message)
        return error_response(api, request, 422, MSG_INVALID, errors)

    def on_validation_error(request, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = {
                field: [str(m) for m in messages] for field, messages in exc.message_dict.items()
            }
        else:
            errors = {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}
        general = errors.get(NON_FIELD_ERRORS)
        detail = " ".join(general) if general and len(errors) == 1 else MSG_INVALID
        return error_response(api, request, 422, detail, errors)

    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(ConflictError, on_conflict)
    api.add_exception_handler(SchemaValidationError, on_schema_error)
    api.add_exception_handler(DjangoValidationError, on_validation_error)
