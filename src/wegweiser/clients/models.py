"""Persons, households, case files, consent and recorded access reasons."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from wegweiser.clients import choices
from wegweiser.core.models import KreisOwnedModel, VersionedModel
from wegweiser.core.validators import validate_no_control_characters, validate_single_line

NAME_MAX = 150
TEXT_MAX = 4000


def single_line(max_length: int, verbose_name, **kwargs) -> models.CharField:
    return models.CharField(
        verbose_name, max_length=max_length, validators=[validate_single_line], **kwargs
    )


class Household(KreisOwnedModel, VersionedModel):
    """People who live and are counselled together (a family, a shared flat)."""

    label = single_line(200, _("household name"))
    street = single_line(200, _("street and number"), blank=True)
    postal_code = single_line(10, _("postal code"), blank=True)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("municipality"),
        related_name="+",
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("household")

    def __str__(self) -> str:
        return self.label


class Client(KreisOwnedModel, VersionedModel):
    """A person counselled by the integration management."""

    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("household"),
    )
    given_names = single_line(NAME_MAX, _("given names (as written by the person)"))
    family_name = single_line(NAME_MAX, _("family name (as written by the person)"))
    given_names_latin = single_line(NAME_MAX, _("given names (Latin script)"), blank=True)
    family_name_latin = single_line(NAME_MAX, _("family name (Latin script)"), blank=True)
    # Precomputed search columns (see clients/names.py); never shown.
    name_tokens = models.CharField(max_length=1000, editable=False, default="")
    name_phonetic = models.CharField(max_length=500, editable=False, default="")

    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    birth_date_precision = models.CharField(
        _("date of birth known"),
        max_length=10,
        choices=choices.BirthDatePrecision.choices,
        default=choices.BirthDatePrecision.FULL,
    )
    gender = models.CharField(
        _("gender"), max_length=10, choices=choices.Gender.choices, default=choices.Gender.UNKNOWN
    )
    nationalities = CountryField(_("nationalities"), multiple=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=5, blank=True)

    phone = single_line(40, _("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("municipality"),
        related_name="+",
    )
    arrival_date = models.DateField(_("arrival in Germany"), null=True, blank=True)
    residence_status = models.CharField(
        _("residence status"),
        max_length=20,
        choices=choices.ResidenceStatus.choices,
        default=choices.ResidenceStatus.UNKNOWN,
    )
    residence_valid_until = models.DateField(
        _("residence permit valid until"), null=True, blank=True
    )
    accommodation_phase = models.CharField(
        _("accommodation"),
        max_length=20,
        choices=choices.AccommodationPhase.choices,
        default=choices.AccommodationPhase.UNKNOWN,
    )
    accommodation_since = models.DateField(_("in this accommodation since"), null=True, blank=True)

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("client")
        ordering = ["family_name_latin", "given_names_latin"]
        indexes = [models.Index(fields=["kreis", "birth_year"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    @property
    def latin_name(self) -> str:
        return f"{self.given_names_latin} {self.family_name_latin}".strip()

    @property
    def shows_latin(self) -> bool:
        return self.latin_name != self.full_name


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)


class Case(KreisOwnedModel, VersionedModel):
    """The case file of one person: responsible manager, counselling period, closing."""

    number = models.CharField(_("case number"), max_length=20)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="cases")
    opened_on = models.DateField(_("opened on"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("responsible integration manager"),
    )
    team = models.ForeignKey(
        "organisations.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("team"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("provider"),
    )
    shared_with_team = models.BooleanField(_("shared with the team"), default=True)
    period_years = models.PositiveSmallIntegerField(_("counselling period (years)"), default=3)
    extension_reason = models.TextField(
        _("justification for a fourth year"),
        blank=True,
        max_length=TEXT_MAX,
        validators=[validate_no_control_characters],
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=choices.CloseReason.choices, blank=True
    )
    period_ends_on = models.DateField(_("counselling period ends"), editable=False)
    last_session_on = models.DateField(_("last session"), null=True, blank=True, editable=False)
    session_count = models.PositiveIntegerField(default=0, editable=False)
    # The person's names in Latin script, kept by the database (triggers of migration 0007 on
    # every insert, on a change of the case's person and on a change of the person's names): the
    # case list sorts by them without joining the persons. Values set here are overwritten.
    sort_family_name = models.CharField(max_length=NAME_MAX, default="", editable=False)
    sort_given_names = models.CharField(max_length=NAME_MAX, default="", editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("case")
        ordering = ["-opened_on", "-id"]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["kreis", "number"], name="case_number_unique_per_kreis"
            ),
            models.UniqueConstraint(
                fields=["kreis", "client"],
                condition=models.Q(closed_on__isnull=True),
                name="case_one_open_case_per_client",
            ),
            models.CheckConstraint(
                condition=models.Q(period_years__in=[3, 4]), name="case_period_3_or_4"
            ),
        ]
        indexes = [
            models.Index(fields=["kreis", "responsible", "closed_on"]),
            models.Index(fields=["kreis", "team", "closed_on"]),
            models.Index(fields=["kreis", "closed_on", "period_ends_on"]),
            # The open cases by name, per manager, per team and per county: a page of the case
            # list reads its part of each from the index alone (clients.rules.listable_parts,
            # core.paging.parts_page), with what the rights check needs besides the range
            # (included columns: PostgreSQL only).
            models.Index(
                fields=["kreis", "responsible", "sort_family_name", "sort_given_names", "id"],
                include=["client"],
                condition=models.Q(closed_on__isnull=True),
                name="case_open_by_manager",
            ),
            models.Index(
                fields=["kreis", "team", "sort_family_name", "sort_given_names", "id"],
                include=["client", "responsible", "shared_with_team"],
                condition=models.Q(closed_on__isnull=True),
                name="case_open_by_team",
            ),
            models.Index(
                fields=["kreis", "sort_family_name", "sort_given_names", "id"],
                include=["client"],
                condition=models.Q(closed_on__isnull=True),
                name="case_open_by_name",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def compute_period_end(self) -> dt.date:
        return add_years(self.opened_on, self.period_years) - dt.timedelta(days=1)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Consent(KreisOwnedModel):
    """The person's consent to processing (and sharing), with its form and any withdrawal."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="consents")
    given_on = models.DateField(_("given on"))
    covers_processing = models.BooleanField(
        _("processing for integration management"), default=True
    )
    covers_referral = models.BooleanField(
        _("passing data to services when referring"), default=False
    )
    covers_volunteer = models.BooleanField(_("passing contact data to volunteers"), default=False)
    # A consent to passing data may name its recipient; none named = any service of the directory.
    referral_recipient = models.ForeignKey(
        "directory.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient (service of the directory)"),
    )
    referral_recipient_name = single_line(200, _("recipient (other service)"), blank=True)
    form = models.CharField(_("form"), max_length=20, choices=choices.ConsentForm.choices)
    witness = single_line(200, _("witness"), blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("consent")
        ordering = ["-given_on", "-id"]

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None

    @property
    def referral_recipient_label(self) -> str:
        if self.referral_recipient_id:
            return str(self.referral_recipient)
        return self.referral_recipient_name


class CaseAccessReason(KreisOwnedModel):
    """A recorded reason with which a county coordinator opened a case file (valid for a while)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="access_reasons")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(max_length=1000, validators=[validate_no_control_characters])
    valid_until = models.DateTimeField()

    class Meta(KreisOwnedModel.Meta):
        indexes = [models.Index(fields=["case", "user", "valid_until"])]


class CaseNumberSequence(models.Model):
    """Per Kreis and year the last case number given (row-locked while numbering)."""

    kreis = models.ForeignKey("organisations.Kreis", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kreis", "year"], name="case_seq_unique")]
