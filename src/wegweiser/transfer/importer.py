"""The import of a table (``readers.Table``) with a mapping (``ImportJob.mapping``): the dry run
(``check``) and the import (``run``).

Both read the whole table, parse every mapped cell (``values.parse``), validate each row against
the rules of the regular services, and decide per object whether it is created, updated or left
unchanged (``ExternalRef``: the object's identifier in the source and a fingerprint of its
imported values). ``check`` writes nothing and returns the per-row report; ``run`` does the same
analysis again (the data may have changed since the dry run) and then writes everything in one
transaction, in bulk (no query per row), or nothing:

- a refused row stops the import unless the user chose to skip refused rows;
- a likely duplicate of a person already in Wegweiser stops it until the user decided
  ("new", "skip" or the uuid of the existing person);
- any exception rolls back everything (the caller's ``transaction.atomic()`` and ours).

Persons: ``importer_persons``; sessions, goals and referrals: ``importer_records``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wegweiser.audit.models import AuditEntry
from wegweiser.audit.services import audit_record
from wegweiser.core.context import current_ip
from wegweiser.transfer import fields as catalogue
from wegweiser.transfer import values
from wegweiser.transfer.models import Entity, ExternalRef, ImportJob, ImportKind, MessageLevel
from wegweiser.transfer.rules import can_transfer

CHUNK = 2000
PROGRESS_EVERY = 1000
AUTO = "auto:"
ID_MAX = 150  # an ID from the source; with a prefix or suffix it fits ExternalRef.external_id


@dataclasses.dataclass
class Message:
    """One line of the report (saved by the job runner as ``ImportMessage``)."""

    row: int
    column: str
    level: str  # MessageLevel: "error" | "warning" | "duplicate"
    message: str
    data: dict = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class Report:
    summary: dict
    messages: list[Message]


class ImportRefused(Exception):
    """The import was not started or stopped before writing; ``message`` says why (German)."""

    def __init__(self, message) -> None:
        self.message = str(message)
        super().__init__(self.message)


def can_import(user) -> bool:
    """County administrators of a Kreis (decision 0011)."""
    return can_transfer(user)


# --- the context of one analysis --------------------------------------------------------------


class Context:
    """What one check or run knows: the job, the parsed mapping, the county's lookups and refs,
    the messages and the counts."""

    def __init__(self, job: ImportJob, table, progress: Callable | None, *, writing: bool):
        self.job = job
        self.table = table
        self.kreis_id = job.kreis_id
        self.actor = job.created_by
        self.writing = writing
        self.lookups = values.Lookups.for_kreis(job.kreis)
        self.today = _today()
        self.messages: list[Message] = []
        self.refused: set[int] = set()
        self.duplicate_rows: set[int] = set()
        self.undecided: set[int] = set()
        self.skipped: set[int] = set()  # rows left out by a decision ("skip")
        self.counts = {"create": Counter(), "update": Counter(), "unchanged": Counter()}
        self._progress = progress
        self.total = len(table.rows) * (2 if writing else 1)
        self.fields = {f.key: f for f in catalogue.fields_of(job.kind)}
        self.columns: dict[str, int] = {}  # field key -> column index
        self.headers: dict[str, str] = {}  # field key -> header
        self.mapping_ok = True
        self._year_of_birth = None
        self._read_mapping()

    # progress ---------------------------------------------------------------------------------
    def progress(self, done: int) -> None:
        if self._progress is not None:
            self._progress(done, self.total)

    # messages ---------------------------------------------------------------------------------
    def column(self, key: str | None) -> str:
        return self.headers.get(key, "") if key else ""

    def error(self, row: int, key: str | None, message) -> None:
        self.messages.append(Message(row, self.column(key), MessageLevel.ERROR, str(message)))
        self.refused.add(row)

    def warn(self, row: int, key: str | None, message) -> None:
        self.messages.append(Message(row, self.column(key), MessageLevel.WARNING, str(message)))

    def validation_errors(self, row: int, exc: ValidationError, keys: dict | None = None) -> None:
        """A model's or service's ValidationError as messages (field name -> field key)."""
        keys = keys or {}
        if hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                key = keys.get(name, name)
                key = key if key in self.headers else None
                for message in errors:
                    self.error(row, key, message)
        else:
            for message in exc.messages:
                self.error(row, None, message)

    # mapping ----------------------------------------------------------------------------------
    def _read_mapping(self) -> None:
        mapping = self.job.mapping or {}
        for key, header in mapping.items():
            if not header or key not in self.fields:
                continue
            try:
                self.columns[key] = self.table.column(header)
            except KeyError:
                self.mapping_error(
                    _("The column “%(column)s” assigned to “%(field)s” is not in the file.")
                    % {"column": header, "field": self.fields[key].label}
                )
                continue
            self.headers[key] = header
        for f in self.fields.values():
            if f.required and f.key not in self.columns:
                self.mapping_error(
                    _("No column is assigned to “%(field)s”, which every row needs.")
                    % {"field": f.label}
                )

    def mapping_error(self, message) -> None:
        self.mapping_ok = False
        self.messages.append(Message(0, "", MessageLevel.ERROR, str(message)))

    def locked(self, queryset):
        """Objects the import will change are locked while it runs (not in the dry run)."""
        return queryset.select_for_update() if self.writing else queryset

    def mapped(self, key: str) -> bool:
        return key in self.columns

    # rows -------------------------------------------------------------------------------------
    def parse(self, row) -> dict:
        """The row's values per mapped field key (None for empty cells); every cell that does
        not parse becomes an error message (and the row refused)."""
        result = {}
        cells = row.values
        for key, index in self.columns.items():
            raw = cells[index] if index < len(cells) else None
            f = self.fields[key]
            invalid = False
            try:
                value = values.parse(f, raw, self.lookups)
            except values.Invalid as exc:
                value = None
                invalid = not self._year_only(key, raw, result)
                if invalid:
                    self.error(row.number, key, exc.message)
            if f.type == catalogue.T.ID and value is not None and len(value) > ID_MAX:
                self.error(
                    row.number,
                    key,
                    _("An ID may have at most %(max)d characters.") % {"max": ID_MAX},
                )
                value, invalid = None, True
            if value is None and f.required and not invalid:
                self.error(row.number, key, _("This cell is empty; every row needs a value here."))
            result[key] = value
        if self._year_of_birth is not None:
            if not result.get("birth_year"):
                result["birth_year"] = self._year_of_birth
            self._year_of_birth = None
        return result

    def _year_only(self, key: str, raw, result: dict):
        """A date of birth given as a year only ("1985", a common habit) is the year of birth
        (unless a column of its own gives one); the date stays empty."""
        if key != "birth_date" or "birth_year" not in self.fields:
            return False
        if not str(raw).strip().isdigit():
            return False
        try:
            year = values.parse(self.fields["birth_year"], raw)
        except values.Invalid:
            return False
        self._year_of_birth = year
        return year is not None

    def rows(self) -> Iterable:
        for i, row in enumerate(self.table.rows):
            if i % PROGRESS_EVERY == 0:
                self.progress(i)
            yield row

    # refs -------------------------------------------------------------------------------------
    def load_refs(self, entities: Iterable[str]) -> dict[str, dict[str, tuple]]:
        """{entity: {external_id: (ref pk, object id, fingerprint)}} of the county (one query)."""
        refs: dict[str, dict[str, tuple]] = {e: {} for e in entities}
        for pk, entity, external_id, object_id, fingerprint in ExternalRef.objects.filter(
            kreis_id=self.kreis_id, entity__in=list(refs)
        ).values_list("pk", "entity", "external_id", "object_id", "fingerprint"):
            refs[entity][external_id] = (pk, object_id, fingerprint)
        return refs

    def count(self, what: str, entity: str, n: int = 1) -> None:
        self.counts[what][entity] += n

    # audit ------------------------------------------------------------------------------------
    def audit(self, action: str, obj, *, client=None, case=None, data: dict | None = None):
        """One audit entry as a row for ``write_audit`` (as ``audit.services._entry``)."""
        return (
            self.now,
            self.actor.pk,
            self.actor.email or "",
            action,
            obj._meta.label_lower,
            obj.uuid,
            self.kreis_id,
            getattr(client, "uuid", None),
            getattr(case, "uuid", None),
            self.ip,
            {"import": str(self.job.uuid), **(data or {})},
        )

    ip = None
    now = None

    def summary(self) -> dict:
        return {
            "rows": len(self.table.rows),
            "refused_rows": len(self.refused - {0}),
            "duplicate_rows": len(self.duplicate_rows),
            "create": _plain(self.counts["create"]),
            "update": _plain(self.counts["update"]),
            "unchanged": _plain(self.counts["unchanged"]),
        }


def _plain(counter: Counter) -> dict:
    return {entity.value: counter.get(entity.value, 0) for entity in Entity if counter.get(entity)}


def _today() -> dt.date:
    return timezone.localdate()


# --- shared helpers of the kinds --------------------------------------------------------------


def jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "pk"):
        return value.pk
    return str(value)


def fingerprint(parts: dict) -> str:
    """A stable hash of the imported values of one object."""
    text = json.dumps({k: jsonable(v) for k, v in parts.items()}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def auto_key(*parts) -> str:
    text = json.dumps([jsonable(p) for p in parts], default=str)
    return AUTO + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def bulk_create(model, objects: list) -> None:
    """Insert new model objects and set their primary keys. On PostgreSQL the keys come from
    the table's sequence in one query and the rows go in with COPY (a third of the time of
    ``bulk_create`` for a large import); elsewhere ``bulk_create`` in chunks."""
    if not objects:
        return
    if connection.vendor != "postgresql" or not isinstance(
        model._meta.pk, (models.AutoField, models.BigAutoField)
    ):
        for part in chunks(objects):
            model.objects.bulk_create(part)
        return
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        ids = [row[0] for row in cursor.fetchall()]
    now = timezone.now()
    fields = meta.concrete_fields
    getters = [_getter(f, now) for f in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({names}) FROM STDIN") as copy:
            for obj, pk in zip(objects, ids, strict=True):
                obj.pk = pk
                copy.write_row([get(obj) for get in getters])
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


# Field classes whose Python value psycopg writes as it is (exact classes: subclasses such as the
# CountryField or the encrypted text field convert their values).
_PLAIN = (
    models.CharField,
    models.TextField,
    models.EmailField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.DateField,
    models.BooleanField,
    models.UUIDField,
    models.ForeignKey,
    models.AutoField,
    models.BigAutoField,
)


def _getter(field, now):
    attname = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):

        def stamp(obj):
            setattr(obj, attname, now)
            return now

        return stamp
    if type(field) in _PLAIN:
        return lambda obj: getattr(obj, attname)
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda obj: json.dumps(getattr(obj, attname), cls=encoder)
    return lambda obj: field.get_db_prep_save(getattr(obj, attname), connection)


def bulk_update(model, objects: list, fields: list[str]) -> None:
    for part in chunks(objects):
        model.objects.bulk_update(part, fields)


def date_text(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


REF_COLUMNS = ("uuid", "kreis_id", "entity", "external_id", "object_id", "job_id", "fingerprint")
AUDIT_COLUMNS = (
    "at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_uuid",
    "kreis_id",
    "client_uuid",
    "case_uuid",
    "ip",
    "data",
)


def write_refs(ctx: Context, new: list[tuple], changed: list[ExternalRef]) -> None:
    insert_rows(ExternalRef, REF_COLUMNS, new)
    if changed:
        bulk_update(ExternalRef, changed, ["object_id", "fingerprint", "job"])


def new_ref(ctx: Context, entity: str, external_id: str, object_id: int, fp: str) -> tuple:
    return (uuid.uuid4(), ctx.kreis_id, entity, external_id[:200], object_id, ctx.job.pk, fp)


def changed_ref(ctx: Context, ref_pk: int, object_id: int, fp: str) -> ExternalRef:
    ref = ExternalRef(pk=ref_pk, kreis_id=ctx.kreis_id, object_id=object_id, fingerprint=fp)
    ref.job = ctx.job
    return ref


def write_audit(entries: list[tuple]) -> None:
    insert_rows(AuditEntry, AUDIT_COLUMNS, entries)


def insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert plain rows (tuples in the order of ``columns``, attribute names) into the model's
    table: on PostgreSQL with COPY (the audit entries and refs of a large import are most of its
    rows, and COPY takes them without building a model instance each), elsewhere with
    ``bulk_create``. Only for tables whose rows need no primary key back."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        for part in chunks(rows):
            model.objects.bulk_create(
                [model(**dict(zip(columns, row, strict=True))) for row in part]
            )
        return
    json_at = [i for i, c in enumerate(columns) if c == "data"]
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = json.dumps(row[i])
                copy.write_row(row)


# --- the entry points -------------------------------------------------------------------------


def _module(kind: str):
    if kind == ImportKind.PERSONS:
        from wegweiser.transfer import importer_persons

        return importer_persons
    from wegweiser.transfer import importer_records

    return importer_records


def check(job: ImportJob, table, *, progress=None) -> Report:
    """The dry run: the report of what ``run`` would do. Writes nothing."""
    ctx = Context(job, table, progress, writing=False)
    if ctx.mapping_ok:
        _module(job.kind).analyse(ctx)
    ctx.progress(len(table.rows))
    ctx.messages.sort(key=lambda m: m.row)
    return Report(summary=ctx.summary(), messages=ctx.messages)


def run(job: ImportJob, table, *, progress=None) -> dict:
    """The import, all or nothing (see the module docstring). Returns the result counts."""
    actor = job.created_by
    if not can_import(actor) or actor.kreis_id != job.kreis_id:
        raise ImportRefused(_("You do not have the right to import data into this county."))
    ctx = Context(job, table, progress, writing=True)
    ctx.ip = current_ip()
    ctx.now = timezone.now()
    with transaction.atomic():
        if not ctx.mapping_ok:
            raise ImportRefused(
                _("The columns are not assigned completely; please check the assignment.")
            )
        plan = _module(job.kind).analyse(ctx)
        refused = ctx.refused - ctx.skipped
        if refused and not job.skip_refused:
            raise ImportRefused(
                _(
                    "%(n)d rows cannot be imported (see the report). Please correct the file, "
                    "or choose to leave these rows out."
                )
                % {"n": len(refused)}
            )
        if ctx.undecided:
            raise ImportRefused(
                _(
                    "%(n)d rows look like persons already in Wegweiser. Please decide for each "
                    "of them first."
                )
                % {"n": len(ctx.undecided)}
            )
        _module(job.kind).write(ctx, plan)
        result = {
            "create": _plain(ctx.counts["create"]),
            "update": _plain(ctx.counts["update"]),
            "unchanged": _plain(ctx.counts["unchanged"]),
            "skipped_rows": len(ctx.refused | ctx.skipped),
        }
        audit_record(
            actor=actor,
            action="transfer.import.done",
            obj=job,
            data={
                "file": job.file_name,
                "sha256": job.file_sha256,
                "kind": job.kind,
                "created": result["create"],
                "updated": result["update"],
                "unchanged": result["unchanged"],
                "skipped_rows": result["skipped_rows"],
            },
        )
    ctx.progress(ctx.total)
    return result
