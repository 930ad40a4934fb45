"""Open Referral HSDS 3.0 for the directory: export to and import from tables.

The tables are the HSDS 3.0 tabular format (one table per object: organization, service,
location, address, phone, ...), shipped either as one JSON data package (``datapackage.json``
with the rows inline in each resource's ``data``) or as a ZIP of CSV files with a
``datapackage.json`` describing them. The subset used and the mapping of every field are
documented in docs/hsds.md.

The import is all-or-nothing: every problem found is collected with its table and row, and
if there is any, nothing is written (one transaction).
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid as uuid_lib
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wegweiser.audit.services import audit_record
from wegweiser.clients.choices import FieldOfAction
from wegweiser.clients.languages import LANGUAGES
from wegweiser.directory import rules, services
from wegweiser.directory.models import Service, ServiceKind, ServiceProvider

HSDS_VERSION = "3.0"
NAMESPACE = uuid_lib.UUID("6f1c7c1e-8a55-4b9e-9a51-0e4f1f6d2a10")
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ERRORS = 50

# Taxonomies of Wegweiser (taxonomy_term.taxonomy) and the attribute terms of single fields.
TAXONOMY_FIELD_OF_ACTION = "wegweiser:handlungsfeld"
TAXONOMY_KIND = "wegweiser:angebotsart"
TAXONOMY_FIELD = "wegweiser:feld"
TERM_BY_APPOINTMENT = "by_appointment_only"
TERM_EXTERNAL_ID = "external_id"
IDENTIFIER_TYPE_EXTERNAL = "wegweiser:external_id"

# Columns of the HSDS 3.0 tables (all of them may appear in a file). Columns Wegweiser fills
# and reads are listed in USED; the others are accepted and ignored (see docs/hsds.md).
HSDS_COLUMNS: dict[str, tuple[str, ...]] = {
    "organization": (
        "id", "name", "alternate_name", "description", "email", "website", "tax_status",
        "tax_id", "year_incorporated", "legal_status", "logo", "uri", "parent_organization_id",
    ),
    "organization_identifier": (
        "id", "organization_id", "identifier_scheme", "identifier_type", "identifier",
    ),
    "service": (
        "id", "organization_id", "program_id", "name", "alternate_name", "description", "url",
        "email", "status", "interpretation_services", "application_process",
        "fees_description", "wait_time", "fees", "accreditations", "eligibility_description",
        "minimum_age", "maximum_age", "assured_date", "assurer_email", "licenses", "alert",
        "last_modified",
    ),
    "location": (
        "id", "location_type", "url", "organization_id", "name", "alternate_name",
        "description", "transportation", "latitude", "longitude", "external_identifier",
        "external_identifier_type",
    ),
    "address": (
        "id", "location_id", "attention", "address_1", "address_2", "city", "region",
        "state_province", "postal_code", "country", "address_type",
    ),
    "service_at_location": ("id", "service_id", "location_id", "description"),
    "phone": (
        "id", "location_id", "service_id", "organization_id", "contact_id",
        "service_at_location_id", "number", "extension", "type", "description",
    ),
    "contact": (
        "id", "organization_id", "service_id", "service_at_location_id", "location_id", "name",
        "title", "department", "email",
    ),
    "schedule": (
        "id", "service_id", "location_id", "service_at_location_id", "valid_from", "valid_to",
        "dtstart", "timezone", "until", "count", "wkst", "freq", "interval", "byday",
        "byweekno", "bymonthday", "byyearday", "description", "opens_at", "closes_at",
        "schedule_link", "attending_type", "notes",
    ),
    "language": ("id", "service_id", "location_id", "phone_id", "name", "code", "note"),
    "accessibility": ("id", "location_id", "description", "details", "url"),
    "service_area": (
        "id", "service_id", "service_at_location_id", "name", "description", "extent",
        "extent_type", "uri",
    ),
    "taxonomy_term": (
        "id", "code", "name", "description", "parent_id", "taxonomy", "language",
        "taxonomy_id", "term_uri",
    ),
    "attribute": (
        "id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value", "label",
    ),
}  # fmt: skip
# Other HSDS 3.0 tables: accepted and ignored.
HSDS_IGNORED_TABLES = frozenset(
    {
        "program",
        "funding",
        "cost_option",
        "required_document",
        "url",
        "metadata",
        "meta_table_description",
        "taxonomy",
    }
)
USED: dict[str, tuple[str, ...]] = {
    "organization": ("id", "name", "description", "email", "website"),
    "organization_identifier": ("id", "organization_id", "identifier_type", "identifier"),
    "service": (
        "id",
        "organization_id",
        "name",
        "description",
        "url",
        "email",
        "status",
        "fees_description",
        "eligibility_description",
    ),
    "location": (
        "id",
        "location_type",
        "organization_id",
        "name",
        "external_identifier",
        "external_identifier_type",
    ),
    "address": (
        "id",
        "location_id",
        "address_1",
        "city",
        "region",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ),
    "service_at_location": ("id", "service_id", "location_id"),
    "phone": ("id", "service_id", "organization_id", "number"),
    "contact": ("id", "service_id", "name"),
    "schedule": ("id", "service_id", "description"),
    "language": ("id", "service_id", "name", "code"),
    "accessibility": ("id", "location_id", "description"),
    "service_area": ("id", "service_id", "name", "extent", "extent_type"),
    "taxonomy_term": ("id", "code", "name", "taxonomy"),
    "attribute": ("id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"),
}
REQUIRED = {
    "organization": ("id", "name"),
    "service": ("id", "organization_id", "name"),
}
TABLE_ORDER = tuple(USED)
# References between tables: (table, column) -> referenced table.
REFERENCES = {
    ("organization_identifier", "organization_id"): "organization",
    ("service", "organization_id"): "organization",
    ("location", "organization_id"): "organization",
    ("address", "location_id"): "location",
    ("service_at_location", "service_id"): "service",
    ("service_at_location", "location_id"): "location",
    ("phone", "service_id"): "service",
    ("phone", "organization_id"): "organization",
    ("contact", "service_id"): "service",
    ("schedule", "service_id"): "service",
    ("language", "service_id"): "service",
    ("accessibility", "location_id"): "location",
    ("service_area", "service_id"): "service",
    ("attribute", "taxonomy_term_id"): "taxonomy_term",
}
LANGUAGE_NAMES = dict(LANGUAGES)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _id(*parts) -> str:
    return str(uuid_lib.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


# --------------------------------------------------------------------------------- export


def _terms() -> list[dict]:
    rows = []
    for value, label in FieldOfAction.choices:
        rows.append(_term(TAXONOMY_FIELD_OF_ACTION, value, str(label)))
    for value, label in ServiceKind.choices:
        rows.append(_term(TAXONOMY_KIND, value, str(label)))
    rows.append(_term(TAXONOMY_FIELD, TERM_BY_APPOINTMENT, "nur nach Terminvereinbarung"))
    rows.append(_term(TAXONOMY_FIELD, TERM_EXTERNAL_ID, "externe Kennung"))
    return rows


def _term(taxonomy: str, code: str, name: str) -> dict:
    return {"id": _id("term", taxonomy, code), "code": code, "name": name, "taxonomy": taxonomy}


def export_tables(providers, services_qs) -> dict[str, list[dict]]:
    """The HSDS tables (name -> rows of strings) of these providers and services."""
    tables: dict[str, list[dict]] = {name: [] for name in TABLE_ORDER}
    for provider in providers:
        org_id = str(provider.uuid)
        tables["organization"].append(
            {
                "id": org_id,
                "name": provider.name,
                "description": provider.description,
                "email": provider.email,
                "website": provider.website,
            }
        )
        if provider.phone:
            tables["phone"].append(
                {
                    "id": _id(org_id, "phone"),
                    "service_id": "",
                    "organization_id": org_id,
                    "number": provider.phone,
                }
            )
        if provider.external_id:
            tables["organization_identifier"].append(
                {
                    "id": _id(org_id, "identifier"),
                    "organization_id": org_id,
                    "identifier_type": IDENTIFIER_TYPE_EXTERNAL,
                    "identifier": provider.external_id,
                }
            )
    terms = {(t["taxonomy"], t["code"]): t["id"] for t in _terms()}
    tables["taxonomy_term"] = _terms()
    for service in services_qs:
        _export_service(tables, service, terms)
    for name in TABLE_ORDER:
        tables[name] = [{col: row.get(col, "") for col in USED[name]} for row in tables[name]]
    return tables


def _export_service(tables, service: Service, terms) -> None:
    sid = str(service.uuid)
    tables["service"].append(
        {
            "id": sid,
            "organization_id": str(service.provider.uuid),
            "name": service.name,
            "description": service.description,
            "url": service.website,
            "email": service.email,
            "status": "active" if service.is_active else "inactive",
            "fees_description": service.costs,
            "eligibility_description": service.eligibility,
        }
    )
    municipality = service.municipality
    if any(
        [service.street, service.postal_code, service.city, municipality, service.accessibility]
    ):
        loc_id = _id(sid, "location")
        tables["location"].append(
            {
                "id": loc_id,
                "location_type": "physical",
                "organization_id": str(service.provider.uuid),
                "name": service.name,
                "external_identifier": municipality.ags if municipality else "",
                "external_identifier_type": "ags" if municipality and municipality.ags else "",
            }
        )
        tables["address"].append(
            {
                "id": _id(sid, "address"),
                "location_id": loc_id,
                "address_1": service.street,
                "city": service.city,
                "region": municipality.name if municipality else "",
                "state_province": service.land.name if service.land_id else "",
                "postal_code": service.postal_code,
                "country": "DE",
                "address_type": "physical",
            }
        )
        tables["service_at_location"].append(
            {"id": _id(sid, "service_at_location"), "service_id": sid, "location_id": loc_id}
        )
        if service.accessibility:
            tables["accessibility"].append(
                {
                    "id": _id(sid, "accessibility"),
                    "location_id": loc_id,
                    "description": service.accessibility,
                }
            )
    if service.phone:
        tables["phone"].append(
            {"id": _id(sid, "phone"), "service_id": sid, "number": service.phone}
        )
    if service.contact_name:
        tables["contact"].append(
            {"id": _id(sid, "contact"), "service_id": sid, "name": service.contact_name}
        )
    if service.opening_hours:
        tables["schedule"].append(
            {"id": _id(sid, "schedule"), "service_id": sid, "description": service.opening_hours}
        )
    for code in service.languages:
        tables["language"].append(
            {
                "id": _id(sid, "language", code),
                "service_id": sid,
                "name": str(LANGUAGE_NAMES.get(code, code)),
                "code": code,
            }
        )
    for kreis in sorted(service.counties_served.all(), key=lambda k: k.ags):
        tables["service_area"].append(
            {
                "id": _id(sid, "area", kreis.ags),
                "service_id": sid,
                "name": kreis.name,
                "extent": kreis.ags,
                "extent_type": "text",
            }
        )
    attributes = [(terms[(TAXONOMY_KIND, service.kind)], "")]
    attributes += [(terms[(TAXONOMY_FIELD_OF_ACTION, f)], "") for f in service.fields_of_action]
    if service.by_appointment_only:
        attributes.append((terms[(TAXONOMY_FIELD, TERM_BY_APPOINTMENT)], "true"))
    if service.external_id:
        attributes.append((terms[(TAXONOMY_FIELD, TERM_EXTERNAL_ID)], service.external_id))
    for term_id, value in attributes:
        tables["attribute"].append(
            {
                "id": _id(sid, "attribute", term_id),
                "link_id": sid,
                "taxonomy_term_id": term_id,
                "link_type": "",
                "link_entity": "service",
                "value": value,
            }
        )


def _package(name: str, title: str) -> dict:
    return {
        "name": name,
        "title": title,
        "profile": "tabular-data-package",
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "hsds_version": HSDS_VERSION,
        "resources": [],
    }


def _schema(table: str) -> dict:
    return {"fields": [{"name": col, "type": "string"} for col in USED[table]]}


def to_json(tables, *, name: str, title: str) -> bytes:
    package = _package(name, title)
    for table in TABLE_ORDER:
        package["resources"].append(
            {
                "name": table,
                "profile": "tabular-data-resource",
                "schema": _schema(table),
                "data": tables[table],
            }
        )
    return json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")


def to_csv_zip(tables, *, name: str, title: str) -> bytes:
    package = _package(name, title)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in TABLE_ORDER:
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=USED[table], lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(tables[table])
            archive.writestr(f"{table}.csv", out.getvalue().encode("utf-8"))
            package["resources"].append(
                {
                    "name": table,
                    "path": f"{table}.csv",
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "schema": _schema(table),
                }
            )
        archive.writestr(
            "datapackage.json", json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8")
        )
    return buffer.getvalue()


# --------------------------------------------------------------------------------- parsing


@dataclass
class Tables:
    """Rows per table, and how to name a row in an error message."""

    rows: dict[str, list[dict]]
    csv: bool = False
    headers: dict[str, list[str]] = field(default_factory=dict)

    def where(self, table: str, index: int) -> str:
        if self.csv:
            # Line 1 of a CSV file is the header, so the first record is line 2.
            return _("file %(table)s.csv, row %(row)s") % {"table": table, "row": index + 2}
        return _("table %(table)s, entry %(row)s") % {"table": table, "row": index + 1}


class ImportErrors(ValidationError):
    pass


def _fail(message: str):
    raise ValidationError([message])


def parse_upload(data: bytes) -> Tables:
    """Read a JSON data package or a ZIP of CSV files; raise ValidationError (German)."""
    if len(data) > MAX_UPLOAD_BYTES:
        _fail(_("The file is larger than 10 MB."))
    if data[:2] == b"PK":
        return _parse_zip(data)
    return _parse_json(data)


def _decode(data: bytes, filename: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        _fail(
            _("The file %(name)s is not encoded in UTF-8. Please save it as UTF-8.")
            % {"name": filename}
        )
    return text.removeprefix("\ufeff")


def _parse_json(data: bytes) -> Tables:
    text = _decode(data, "datapackage.json")
    try:
        package = json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(
            _("The file is neither a ZIP file nor valid JSON (line %(line)s).")
            % {"line": exc.lineno}
        )
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        _fail(_("The JSON file is not an HSDS data package: the list 'resources' is missing."))
    rows: dict[str, list[dict]] = {}
    for number, resource in enumerate(package["resources"], start=1):
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            _fail(_("Resource %(n)s of the data package has no name.") % {"n": number})
        data_rows = resource.get("data")
        if not isinstance(data_rows, list) or not all(isinstance(r, dict) for r in data_rows):
            _fail(
                _("The resource %(name)s contains no list of rows in 'data'.")
                % {"name": resource["name"]}
            )
        rows[resource["name"]] = data_rows
    return Tables(rows=rows)


def _parse_zip(data: bytes) -> Tables:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        _fail(_("The ZIP file is damaged."))
    if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
        _fail(_("The ZIP file is too large when unpacked."))
    rows: dict[str, list[dict]] = {}
    headers: dict[str, list[str]] = {}
    for member in members:
        if member.is_dir() or member.filename == "datapackage.json":
            continue
        name = member.filename.rsplit("/", 1)[-1]
        if not name.endswith(".csv"):
            _fail(
                _("Only CSV files and datapackage.json may be in the ZIP file, not %(name)s.")
                % {"name": member.filename}
            )
        try:
            raw = archive.read(member)
        except (zipfile.BadZipFile, ValueError, OSError):
            _fail(_("The ZIP file is damaged."))
        text = _decode(raw, name)
        try:
            reader = csv.DictReader(io.StringIO(text, newline=""), restkey="\x00", restval=None)
            table_rows = list(reader)
            header = reader.fieldnames or []
        except csv.Error:
            _fail(_("The file %(name)s is not a valid CSV file.") % {"name": name})
        table = name[: -len(".csv")]
        if not header:
            _fail(_("The file %(name)s has no header row.") % {"name": name})
        for index, row in enumerate(table_rows):
            if "\x00" in row or any(v is None for v in row.values()):
                _fail(
                    _("%(where)s has a different number of columns than the header.")
                    % {"where": Tables(rows={}, csv=True).where(table, index)}
                )
        rows[table] = table_rows
        headers[table] = list(header)
    return Tables(rows=rows, csv=True, headers=headers)


# --------------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    providers_created: int = 0
    providers_updated: int = 0
    services_created: int = 0
    services_updated: int = 0
    errors: list[str] = field(default_factory=list)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value
    raise TypeError


class _Collector:
    def __init__(self, tables: Tables):
        self.tables = tables
        self.messages: list[str] = []

    def add(self, table: str, index: int | None, message: str) -> None:
        if index is None:
            self.messages.append(message)
        else:
            self.messages.append(f"{self.tables.where(table, index)}: {message}")

    def raise_if_any(self) -> None:
        if self.messages:
            messages = self.messages[:MAX_ERRORS]
            if len(self.messages) > MAX_ERRORS:
                more = len(self.messages) - MAX_ERRORS
                messages.append(
                    ngettext("… and %(n)s further problem.", "… and %(n)s further problems.", more)
                    % {"n": more}
                )
            raise ValidationError(messages)


def _check_structure(tables: Tables, errors: _Collector) -> dict[str, list[dict]]:
    """Known tables and columns, text cells, no formulas, unique ids, known references."""
    clean: dict[str, list[dict]] = {}
    headers = tables.headers
    for table, rows in tables.rows.items():
        if table in HSDS_IGNORED_TABLES:
            continue
        if table not in HSDS_COLUMNS:
            errors.add(table, None, _("Unknown table %(table)s.") % {"table": table})
            continue
        allowed = HSDS_COLUMNS[table]
        columns = set(headers.get(table, {}))
        for row in rows:
            columns |= set(row)
        unknown = sorted(c for c in columns if c not in allowed)
        if unknown:
            errors.add(
                table,
                None,
                _("The table %(table)s has unknown columns: %(columns)s.")
                % {"table": table, "columns": ", ".join(unknown)},
            )
            continue
        missing = [c for c in REQUIRED.get(table, ("id",)) if rows and c not in columns]
        if missing:
            errors.add(
                table,
                None,
                _("The table %(table)s lacks the columns: %(columns)s.")
                % {"table": table, "columns": ", ".join(missing)},
            )
            continue
        out = []
        for index, row in enumerate(rows):
            values = {}
            for col in allowed:
                try:
                    values[col] = _text(row.get(col)).strip()
                except TypeError:
                    errors.add(
                        table, index, _("The column %(col)s must contain text.") % {"col": col}
                    )
                    values[col] = ""
                    continue
                if _CONTROL.search(values[col]):
                    errors.add(
                        table,
                        index,
                        _("The column %(col)s contains control characters.") % {"col": col},
                    )
                    values[col] = ""
                elif services.looks_like_formula(values[col]):
                    errors.add(
                        table,
                        index,
                        _("The column %(col)s starts with =, +, -, @ (a spreadsheet formula).")
                        % {"col": col},
                    )
            out.append(values)
        clean[table] = out
    for table in ("organization", "service"):
        if table not in tables.rows:
            errors.add(table, None, _("The table %(table)s is missing.") % {"table": table})
    for table, rows in clean.items():
        seen: set[str] = set()
        for index, row in enumerate(rows):
            for col in REQUIRED.get(table, ("id",)):
                if not row[col]:
                    errors.add(table, index, _("The column %(col)s is empty.") % {"col": col})
            if row["id"] and row["id"] in seen:
                errors.add(table, index, _("The id %(id)s occurs twice.") % {"id": row["id"]})
            seen.add(row["id"])
    ids = {table: {row["id"] for row in rows} for table, rows in clean.items()}
    for (table, col), target in REFERENCES.items():
        for index, row in enumerate(clean.get(table, [])):
            if row[col] and row[col] not in ids.get(target, set()):
                errors.add(
                    table,
                    index,
                    _("%(col)s refers to %(id)s, which is not in the table %(target)s.")
                    % {"col": col, "id": row[col], "target": target},
                )
    for index, row in enumerate(clean.get("attribute", [])):
        table = {"service": "service", "organization": "organization"}.get(row["link_entity"])
        if row["link_entity"] and table is None:
            errors.add(
                "attribute",
                index,
                _("link_entity %(value)s is not supported.") % {"value": row["link_entity"]},
            )
        elif row["link_id"] and row["link_id"] not in ids.get(table or "service", set()):
            errors.add(
                "attribute",
                index,
                _("link_id refers to %(id)s, which is not in the table %(target)s.")
                % {"id": row["link_id"], "target": table or "service"},
            )
    for index, row in enumerate(clean.get("service", [])):
        if row["status"] and row["status"] not in (
            "active",
            "inactive",
            "defunct",
            "temporarily closed",
        ):
            errors.add(
                "service",
                index,
                _("Unknown status %(value)s.") % {"value": row["status"]},
            )
    for table in ("organization", "service"):
        for index, row in enumerate(clean.get(table, [])):
            try:
                uuid_lib.UUID(row["id"])
            except ValueError:
                if row["id"]:
                    errors.add(table, index, _("The id %(id)s is not a UUID.") % {"id": row["id"]})
    return clean


def _by(rows, column) -> dict[str, list[tuple[int, dict]]]:
    index: dict[str, list[tuple[int, dict]]] = {}
    for number, row in enumerate(rows):
        if row.get(column):
            index.setdefault(row[column], []).append((number, row))
    return index


def import_upload(*, actor, data: bytes) -> ImportResult:
    """Import an uploaded file (JSON data package or ZIP of CSV files), all or nothing."""
    if not rules.can_import(actor):
        raise PermissionDenied
    return import_tables(actor=actor, tables=parse_upload(data))


@transaction.atomic
def import_tables(*, actor, tables: Tables) -> ImportResult:
    if not rules.can_import(actor):
        raise PermissionDenied
    from wegweiser.directory.selectors import counties, municipalities

    errors = _Collector(tables)
    clean = _check_structure(tables, errors)
    errors.raise_if_any()
    result = ImportResult()

    terms = {row["id"]: row for row in clean.get("taxonomy_term", [])}
    by_org = {
        "phone": _by([r for r in clean.get("phone", []) if not r["service_id"]], "organization_id"),
        "identifier": _by(clean.get("organization_identifier", []), "organization_id"),
    }
    by_service = {
        name: _by(clean.get(name, []), "service_id")
        for name in ("phone", "contact", "schedule", "language", "service_area")
    }
    by_service["service_at_location"] = _by(clean.get("service_at_location", []), "service_id")
    attributes = _by(
        [r for r in clean.get("attribute", []) if r["link_entity"] in ("", "service")], "link_id"
    )
    locations = {row["id"]: row for row in clean.get("location", [])}
    addresses = _by(clean.get("address", []), "location_id")
    accessibility = _by(clean.get("accessibility", []), "location_id")
    allowed_municipalities = list(municipalities(user=actor))
    allowed_counties = {k.ags: k for k in counties(user=actor)}
    editable_providers = ServiceProvider.objects.filter(rules.editable_q(actor))
    editable_services = Service.objects.filter(rules.editable_q(actor))

    providers: dict[str, ServiceProvider] = {}
    for index, row in enumerate(clean.get("organization", [])):
        phone = by_org["phone"].get(row["id"], [])
        identifier = [
            r
            for _n, r in by_org["identifier"].get(row["id"], [])
            if r["identifier_type"] in ("", IDENTIFIER_TYPE_EXTERNAL)
        ]
        fields = {
            "name": row["name"],
            "description": row["description"],
            "email": row["email"],
            "website": row["website"],
            "phone": phone[0][1]["number"] if phone else "",
            "external_id": identifier[0]["identifier"] if identifier else "",
        }
        existing = (
            editable_providers.filter(uuid=row["id"]).first()
            or editable_providers.filter(name=row["name"]).first()
        )
        try:
            if existing is not None:
                providers[row["id"]] = services.provider_update(
                    actor=actor, provider=existing, version=None, **fields
                )
                result.providers_updated += 1
            else:
                provider = services.provider_create(actor=actor, **fields)
                if not ServiceProvider.objects.filter(uuid=row["id"]).exists():
                    ServiceProvider.objects.filter(pk=provider.pk).update(uuid=row["id"])
                    provider.uuid = uuid_lib.UUID(row["id"])
                providers[row["id"]] = provider
                result.providers_created += 1
        except ValidationError as exc:
            for message in _messages(exc):
                errors.add("organization", index, message)

    for index, row in enumerate(clean.get("service", [])):
        problems: list[str] = []
        fields = _service_fields(
            row,
            by_service=by_service,
            attributes=attributes.get(row["id"], []),
            terms=terms,
            locations=locations,
            addresses=addresses,
            accessibility=accessibility,
            municipalities=allowed_municipalities,
            problems=problems,
        )
        counties_served = []
        for _n, area in by_service["service_area"].get(row["id"], []):
            kreis = allowed_counties.get(area["extent"])
            if kreis is None:
                problems.append(
                    _("The county %(name)s (%(ags)s) is not a county of your state.")
                    % {"name": area["name"], "ags": area["extent"]}
                )
            else:
                counties_served.append(kreis)
        provider = providers.get(row["organization_id"])
        for message in problems:
            errors.add("service", index, message)
        if problems or provider is None:
            continue
        is_active = row["status"] in ("", "active")
        existing = editable_services.filter(uuid=row["id"]).first()
        try:
            if existing is not None:
                service = services.service_update(
                    actor=actor,
                    service=existing,
                    version=None,
                    provider=provider,
                    counties_served=counties_served,
                    **fields,
                )
                result.services_updated += 1
            else:
                free = not Service.objects.filter(uuid=row["id"]).exists()
                service = services.service_create(
                    actor=actor,
                    provider=provider,
                    counties_served=counties_served,
                    uuid=uuid_lib.UUID(row["id"]) if free else None,
                    **fields,
                )
                result.services_created += 1
            if service.is_active != is_active:
                Service.objects.filter(pk=service.pk).update(is_active=is_active)
        except ValidationError as exc:
            for message in _messages(exc):
                errors.add("service", index, message)
    errors.raise_if_any()
    audit_record(
        actor=actor,
        action="directory.import.completed",
        data={
            "providers_created": result.providers_created,
            "providers_updated": result.providers_updated,
            "services_created": result.services_created,
            "services_updated": result.services_updated,
        },
    )
    return result


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{field}: {message}" if field != "__all__" else message
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return list(exc.messages)


def _service_fields(
    row,
    *,
    by_service,
    attributes,
    terms,
    locations,
    addresses,
    accessibility,
    municipalities,
    problems,
) -> dict:
    sid = row["id"]

    def first(table, column):
        found = by_service[table].get(sid, [])
        return found[0][1][column] if found else ""

    fields = {
        "name": row["name"],
        "description": row["description"],
        "website": row["url"],
        "email": row["email"],
        "costs": row["fees_description"],
        "eligibility": row["eligibility_description"],
        "phone": first("phone", "number"),
        "contact_name": first("contact", "name"),
        "opening_hours": first("schedule", "description"),
        "kind": ServiceKind.OTHER,
        "fields_of_action": [],
        "languages": [],
        "by_appointment_only": False,
        "external_id": "",
        "street": "",
        "postal_code": "",
        "city": "",
        "municipality": None,
        "accessibility": "",
    }
    for _n, language in by_service["language"].get(sid, []):
        code = language["code"]
        if code not in services.LANGUAGE_CODES:
            problems.append(_("Unknown language code %(code)s.") % {"code": code or "—"})
        else:
            fields["languages"].append(code)
    for _n, attribute in attributes:
        term = terms.get(attribute["taxonomy_term_id"], {})
        taxonomy, code = term.get("taxonomy"), term.get("code")
        if taxonomy == TAXONOMY_FIELD_OF_ACTION:
            if code not in FieldOfAction.values:
                problems.append(_("Unknown field of action %(code)s.") % {"code": code})
            else:
                fields["fields_of_action"].append(code)
        elif taxonomy == TAXONOMY_KIND:
            if code not in ServiceKind.values:
                problems.append(_("Unknown kind of service %(code)s.") % {"code": code})
            else:
                fields["kind"] = code
        elif taxonomy == TAXONOMY_FIELD and code == TERM_BY_APPOINTMENT:
            fields["by_appointment_only"] = attribute["value"].lower() in ("true", "1", "ja")
        elif taxonomy == TAXONOMY_FIELD and code == TERM_EXTERNAL_ID:
            fields["external_id"] = attribute["value"]
    sal = by_service["service_at_location"].get(sid, [])
    if sal:
        loc_id = sal[0][1]["location_id"]
        location = locations.get(loc_id, {})
        address = addresses.get(loc_id, [])
        if address:
            address_row = address[0][1]
            fields["street"] = address_row["address_1"]
            fields["postal_code"] = address_row["postal_code"]
            fields["city"] = address_row["city"]
        access_rows = accessibility.get(loc_id, [])
        if access_rows:
            fields["accessibility"] = access_rows[0][1]["description"]
        ags = location.get("external_identifier", "") if location else ""
        region = address[0][1]["region"] if address else ""
        if ags and location.get("external_identifier_type") == "ags":
            match = [m for m in municipalities if m.ags == ags]
        elif region:
            match = [m for m in municipalities if m.name == region]
        else:
            match = None
        if match is not None:
            if not match:
                problems.append(
                    _("The municipality %(name)s is not a municipality of your county.")
                    % {"name": region or ags}
                )
            else:
                fields["municipality"] = match[0]
    return fields
