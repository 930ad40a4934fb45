"""Every write of the statistics app: the submission of a county's annual report to the state,
and the audit entries of exported figures. Each service checks the actor's rights, runs in one
transaction and writes its audit entry."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wegweiser.audit.services import audit_record
from wegweiser.statistics import report as reports
from wegweiser.statistics import rules
from wegweiser.statistics.models import AnnualReport

FILE_FORMATS = ("xlsx", "csv")


def _already_submitted(report: AnnualReport) -> ValidationError:
    local = timezone.localtime(report.submitted_at)
    return ValidationError(
        _(
            "The annual report %(year)s was already submitted on %(date)s by %(name)s. "
            "A submitted report is frozen and cannot be submitted a second time."
        )
        % {
            "year": report.year,
            "date": local.strftime("%d.%m.%Y"),
            "name": report.submitted_by.display_name,
        },
        code="already_submitted",
    )


@transaction.atomic
def report_submit(*, actor, kreis, year: int) -> AnnualReport:
    """Submit the annual figures of ``kreis`` for ``year`` to the state: the report as it stands
    now is stored and frozen. Only the county coordination of that county, only after the year
    has ended, once per year."""
    from wegweiser.organisations.models import Kreis

    if not rules.can_submit(actor) or actor.kreis_id != kreis.pk:
        raise PermissionDenied
    today = timezone.localdate()
    if year < reports.FIRST_YEAR or year > today.year:
        raise ValidationError(_("There is no annual report for this year."), code="year")
    if not reports.year_has_ended(year, today):
        raise ValidationError(
            _(
                "The annual report %(year)s can only be submitted once the year has ended, "
                "from 1 January %(next)s."
            )
            % {"year": year, "next": year + 1},
            code="too_early",
        )
    # One submission at a time per county (PostgreSQL; SQLite serialises writes anyway).
    Kreis.objects.select_for_update().filter(pk=kreis.pk).values_list("pk", flat=True).first()
    existing = (
        AnnualReport.objects.filter(kreis_id=kreis.pk, year=year)
        .select_related("submitted_by")
        .first()
    )
    if existing is not None:
        raise _already_submitted(existing)
    data = reports.report_data(kreis, year)
    report = AnnualReport(
        kreis=kreis, year=year, submitted_at=timezone.now(), submitted_by=actor, data=data
    )
    report.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # A second coordinator submitted in the same moment.
        existing = AnnualReport.objects.select_related("submitted_by").get(
            kreis_id=kreis.pk, year=year
        )
        raise _already_submitted(existing) from None
    audit_record(
        actor=actor,
        action="statistics.report.submitted",
        obj=report,
        kreis=kreis,
        data={"year": year, "managers": len(data["managers"])},
    )
    return report


@transaction.atomic
def report_export(
    *,
    actor,
    kreis,
    data: dict,
    file_format: str,
    suppressed: bool,
    report: AnnualReport | None = None,
) -> bytes:
    """The annual report of ``kreis`` (``data``: the submitted figures of ``report``, or the
    current ones) as a file; the export is audited. Figures read by the state are always
    suppressed."""
    if file_format not in FILE_FORMATS:
        raise ValueError(f"Unknown file format {file_format!r}")
    if not rules.can_read_county_report(actor, kreis):
        raise PermissionDenied
    if rules.needs_suppression(actor) and (not suppressed or report is None):
        raise PermissionDenied  # the state reads submitted reports only, always suppressed
    if report is not None and report.kreis_id != kreis.pk:
        raise PermissionDenied
    with translation.override("de"):  # the files are in German, like the state's template
        if report is not None:
            status = _("Submitted to the state on %(date)s.") % {
                "date": timezone.localtime(report.submitted_at).strftime("%d.%m.%Y")
            }
        else:
            status = _("Not submitted; figures as of %(date)s.") % {
                "date": timezone.localtime().strftime("%d.%m.%Y %H:%M")
            }
    if file_format == "xlsx":
        content = reports.report_xlsx(data, suppressed=suppressed, status=status)
    else:
        content = reports.report_csv(data, suppressed=suppressed)
    audit_record(
        actor=actor,
        action="statistics.report.exported",
        obj=report,
        kreis=kreis,
        data={
            "year": data["year"],
            "format": file_format,
            "submitted": report is not None,
            "suppressed": suppressed,
        },
    )
    return content
