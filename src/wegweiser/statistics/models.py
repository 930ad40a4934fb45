"""Rollups for the key figures and the frozen annual reports.

``ContactMonth`` holds one row per county, month, counsellor, case and person who took part in a
session of that case in that month (the person of the case, and household members present). It is
kept current on every write of a session (``rollups.refresh_case_months``) inside the same
transaction, so the figures never scan the sessions at request time and are never stale.

``AnnualReport`` is the annual report of a county as submitted to the state: the figures as they
were at submission, frozen (later edits of cases do not change it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wegweiser.core.models import CountyModel

# Bits of ``ContactMonth.fields_mask``: one per field of action (clients.choices.FieldOfAction).
FIELD_BITS = {
    "language": 1,
    "work": 2,
    "housing": 4,
    "education": 8,
    "childcare": 16,
    "health": 32,
    "residence": 64,
    "finance": 128,
    "participation": 256,
}


class ContactMonth(models.Model):
    kreis = models.ForeignKey("organisations.Kreis", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()  # the first day of the month
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Team and provider of the case at the time of the refresh (the unit that did the work).
    team = models.ForeignKey(
        "organisations.Team", on_delete=models.PROTECT, null=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    case = models.ForeignKey("clients.Case", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="+")
    # The person of the case (True) or a household member present (False): sessions, minutes
    # and channels are counted on the rows of the person of the case only, so once per session.
    is_case_client = models.BooleanField(default=True)
    household_key = models.CharField(max_length=24)  # "h<household id>" or "p<client id>"
    sessions = models.PositiveIntegerField(default=0)
    minutes = models.PositiveIntegerField(default=0)
    interpreter_sessions = models.PositiveIntegerField(default=0)
    in_person = models.PositiveIntegerField(default=0)
    phone = models.PositiveIntegerField(default=0)
    email = models.PositiveIntegerField(default=0)
    video = models.PositiveIntegerField(default=0)
    outreach = models.PositiveIntegerField(default=0)
    fields_mask = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kreis", "month", "counsellor", "case", "client"],
                name="statistics_contactmonth_unique",
            )
        ]
        indexes = [
            models.Index(fields=["kreis", "month"]),
            models.Index(fields=["kreis", "counsellor", "month"]),
            models.Index(fields=["case", "month"]),
        ]


class AnnualReport(CountyModel):
    """The key figures of a county for a calendar year as submitted to the state."""

    year = models.PositiveSmallIntegerField(_("year"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField()  # statistics.report.report_data() at submission

    class Meta(CountyModel.Meta):
        verbose_name = _("annual report")
        ordering = ["-year"]
        constraints = [
            *CountyModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["kreis", "year"], name="statistics_report_one_per_year"
            ),
        ]


class ArrivalOutcome(models.Model):
    """Per person with a known arrival date: how many months after arrival the first goal of
    each outcome field was reached (None: not reached). Kept current by the services that change
    goals and the arrival date; the cohort figures are grouped counts over this table."""

    kreis = models.ForeignKey("organisations.Kreis", on_delete=models.PROTECT, related_name="+")
    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    arrival_quarter = models.DateField()  # first day of the quarter of arrival
    work_months = models.PositiveSmallIntegerField(null=True)
    language_months = models.PositiveSmallIntegerField(null=True)
    housing_months = models.PositiveSmallIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["kreis", "arrival_quarter"])]
