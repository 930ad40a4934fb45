"""Funding administration: the state's programmes, the basis data of their allocation, the
planning frames per county, applications, grants, payouts, pass-through to providers and the
proof of use.

Money is ``Decimal`` with two places everywhere (``MoneyField``); amounts are never floats. The
programme and its frames belong to a Land (the state's funding authority administers them); an
application and everything after it belongs to one Kreis as well."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wegweiser.core.models import (
    CountyModel,
    CountyOneToOneField,
    PublicIdModel,
    VersionedModel,
)
from wegweiser.core.validators import validate_no_control_characters, validate_single_line


def money(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        **kwargs,
    )


def line(max_length: int, verbose_name, **kwargs) -> models.CharField:
    return models.CharField(
        verbose_name, max_length=max_length, validators=[validate_single_line], **kwargs
    )


def text(verbose_name, max_length: int = 4000, **kwargs) -> models.TextField:
    return models.TextField(
        verbose_name,
        max_length=max_length,
        validators=[validate_no_control_characters],
        **kwargs,
    )


class BasisKind(models.TextChoices):
    INHABITANTS = "inhabitants", _("inhabitants at a reference date")
    REFUGEES = "refugees", _("refugees allocated in a reference period")
    POSTS = "posts", _("posts (full-time equivalents)")


class Rounding(models.TextChoices):
    CENT = "cent", _("to the cent")
    EURO = "euro", _("to whole euros")
    TEN = "ten", _("to tens of euros")


class Document(PublicIdModel):
    """An uploaded file (a signed application form, a narrative report), kept in the database so
    that backups, exports and erasure see it like any other data."""

    land = models.ForeignKey("organisations.Land", on_delete=models.PROTECT, related_name="+")
    kreis = models.ForeignKey(
        "organisations.Kreis", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = line(200, _("file name"))
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")


class BasisDataset(PublicIdModel):
    """Basis data of an allocation (inhabitants, refugees allocated, posts) per county of a
    Land, with reference date or period and source; every upload is a new version, never
    changed afterwards. ``values`` maps AGS to the value (a decimal string)."""

    land = models.ForeignKey("organisations.Land", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=BasisKind.choices)
    version = models.PositiveIntegerField(_("version"))
    reference_date = models.DateField(_("reference date (or end of the reference period)"))
    period_start = models.DateField(_("start of the reference period"), null=True, blank=True)
    source = line(300, _("source"))
    file_name = line(200, _("file name"), blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    values = models.JSONField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("basis data")
        ordering = ["-reference_date", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["land", "kind", "version"], name="funding_basis_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference_date:%d.%m.%Y} (v{self.version})"

    def decimal_values(self) -> dict[str, Decimal]:
        return {ags: Decimal(value) for ags, value in self.values.items()}


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("programme status", "draft")
    PUBLISHED = "published", pgettext_lazy("programme status", "planning frame published")
    CLOSED = "closed", pgettext_lazy("programme status", "closed")


class Programme(PublicIdModel, VersionedModel):
    """A funding programme of a Land for one funding year (a programme running several years is
    one programme per year, linked by ``previous`` for the comparison and the change limit)."""

    land = models.ForeignKey("organisations.Land", on_delete=models.PROTECT, related_name="+")
    name = line(200, _("name"))
    year = models.PositiveSmallIntegerField(_("funding year"))
    period_start = models.DateField(_("funding period from"))
    period_end = models.DateField(_("funding period until"))
    budget = money(_("budget"))
    purpose = text(_("purpose and eligible uses"))
    recipients = text(_("recipients"), max_length=1000, blank=True)
    application_deadline = models.DateField(_("application deadline"))
    proof_deadline = models.DateField(_("proof of use due"), null=True, blank=True)
    # The allocation key: weights of the basis kinds (summing to 1), optionally a flat amount per
    # body first or a flat amount per post, bounds, and the rounding unit.
    weights = models.JSONField(_("allocation key"), default=dict, blank=True)
    basis = models.ManyToManyField(BasisDataset, blank=True, related_name="+")
    flat_per_body = money(_("flat amount per county"), null=True, blank=True)
    per_post = money(_("flat amount per post"), null=True, blank=True)
    floor = money(_("minimum per county"), null=True, blank=True)
    cap = money(_("maximum per county"), null=True, blank=True)
    max_change = models.DecimalField(
        _("largest change against the previous year (share)"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
    )
    rounding = models.CharField(
        _("rounding"), max_length=10, choices=Rounding.choices, default=Rounding.EURO
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous year's programme"),
    )
    instalments = models.PositiveSmallIntegerField(_("payout instalments"), default=2)
    status = models.CharField(
        _("status"), max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("funding programme")
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="funding_programme_period",
            ),
            models.CheckConstraint(
                condition=models.Q(instalments__gte=1, instalments__lte=12),
                name="funding_programme_instalments",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class PlanningFrame(PublicIdModel):
    """A computed allocation of a programme (Planungsrahmen): reviewed, then published."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="frames")
    computed_at = models.DateTimeField(auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    trace = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("planning frame")
        ordering = ["-computed_at"]


class FrameEntry(models.Model):
    frame = models.ForeignKey(PlanningFrame, on_delete=models.CASCADE, related_name="entries")
    kreis = models.ForeignKey("organisations.Kreis", on_delete=models.PROTECT, related_name="+")
    amount = money(_("amount"))
    exact = models.DecimalField(max_digits=24, decimal_places=10)
    previous_amount = money(_("previous year"), null=True, blank=True)

    class Meta:
        ordering = ["kreis__name"]
        constraints = [
            models.UniqueConstraint(fields=["frame", "kreis"], name="funding_frame_entry_unique")
        ]


class DeadlineExtension(models.Model):
    """The authority extends the application deadline for one county."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="extensions")
    kreis = models.ForeignKey("organisations.Kreis", on_delete=models.PROTECT, related_name="+")
    until = models.DateField(_("extended until"))
    reason = line(500, _("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "kreis"], name="funding_extension_unique")
        ]


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("application status", "draft")
    SUBMITTED = "submitted", pgettext_lazy("application status", "submitted")
    CORRECTION = "correction", pgettext_lazy("application status", "correction requested")
    GRANTED = "granted", pgettext_lazy("application status", "granted")
    REFUSED = "refused", pgettext_lazy("application status", "refused")


class Application(CountyModel, VersionedModel):
    """A county's application under a programme, up to its planning frame."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="applications")
    amount = money(_("amount applied for"))
    posts = models.DecimalField(
        _("posts (full-time equivalents)"), max_digits=6, decimal_places=2, default=Decimal("0")
    )
    planned_uses = text(_("planned uses"))
    signed_form = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed application form"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    authority_note = text(_("note of the authority"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    granted_amount = money(_("amount granted"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(CountyModel.Meta):
        verbose_name = _("application")
        constraints = [
            *CountyModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["kreis", "programme"], name="funding_application_one_per_county"
            ),
        ]


class PassThrough(models.Model):
    """Funds the county passes on to a municipality or a non-profit provider."""

    kreis = models.ForeignKey("organisations.Kreis", on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="pass_throughs"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient_name = line(200, _("recipient"))
    planned = money(_("planned amount"))
    paid = money(_("amount passed on"), default=Decimal("0"))

    class Meta:
        ordering = ["recipient_name", "pk"]


class Payout(models.Model):
    """An instalment of a grant."""

    kreis = models.ForeignKey("organisations.Kreis", on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payouts")
    number = models.PositiveSmallIntegerField()
    amount = money(_("amount"))
    due_on = models.DateField(_("due on"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["kreis", "application", "number"], name="funding_payout_unique"
            )
        ]


class ProofStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("proof status", "submitted")
    CORRECTION = "correction", pgettext_lazy("proof status", "correction requested")
    ACCEPTED = "accepted", pgettext_lazy("proof status", "accepted")


class ProofOfUse(CountyModel):
    """The county's proof of use: figures of the funding period from the case work (a frozen
    snapshot), the money spent, the narrative report; unspent money gives the reclaim."""

    application = CountyOneToOneField(Application, on_delete=models.PROTECT, related_name="proof")
    spent = money(_("amount spent"))
    figures = models.JSONField(default=dict)
    narrative = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("narrative report"),
    )
    reclaim = money(_("reclaim"), default=Decimal("0"))
    status = models.CharField(
        _("status"), max_length=20, choices=ProofStatus.choices, default=ProofStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    authority_note = text(_("note of the authority"), max_length=2000, blank=True)

    class Meta(CountyModel.Meta):
        verbose_name = _("proof of use")
        constraints = [
            *CountyModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["application", "kreis"], name="funding_proof_one_per_application"
            ),
        ]
