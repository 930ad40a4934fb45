"""The volunteer register (Ehrenamt): volunteers (Integrationslotsen, Paten), their required
checks (erweitertes Führungszeugnis, confidentiality undertaking) and the training they attended.
No personal data of clients is kept here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wegweiser.core.models import CountyOneToOneField, KreisOwnedModel, VersionedModel
from wegweiser.core.validators import validate_no_control_characters, validate_single_line


def _line(max_length: int, verbose_name, **kwargs) -> models.CharField:
    return models.CharField(
        verbose_name, max_length=max_length, validators=[validate_single_line], **kwargs
    )


def _text(max_length: int, verbose_name, **kwargs) -> models.TextField:
    return models.TextField(
        verbose_name,
        max_length=max_length,
        validators=[validate_no_control_characters],
        **kwargs,
    )


class VolunteerStatus(models.TextChoices):
    INTERESTED = "interested", pgettext_lazy("volunteer status", "interested")
    ACTIVE = "active", pgettext_lazy("volunteer status", "active")
    PAUSED = "paused", pgettext_lazy("volunteer status", "paused")
    LEFT = "left", pgettext_lazy("volunteer status", "left")


class Volunteer(KreisOwnedModel, VersionedModel):
    """A volunteer of the county's network: contact, languages, what they offer and where."""

    given_name = _line(100, _("given name"))
    family_name = _line(100, _("family name"))
    phone = _line(40, _("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    skills = _text(2000, _("skills"), blank=True)
    availability = _text(1000, _("availability"), blank=True)
    municipalities = models.ManyToManyField(
        "organisations.Municipality",
        through="VolunteerMunicipality",
        blank=True,
        related_name="+",
        verbose_name=_("municipalities"),
    )
    fields_of_action = models.JSONField(_("fields of action"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=VolunteerStatus.choices,
        default=VolunteerStatus.INTERESTED,
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    user = CountyOneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_profile",
        verbose_name=_("user account"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("volunteer")
        ordering = ["family_name", "given_name", "id"]
        indexes = [models.Index(fields=["kreis", "status"])]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.UniqueConstraint(fields=["user", "kreis"], name="volunteer_one_per_user"),
            models.CheckConstraint(
                condition=models.Q(status=VolunteerStatus.LEFT, left_on__isnull=False)
                | (~models.Q(status=VolunteerStatus.LEFT) & models.Q(left_on__isnull=True)),
                name="volunteer_left_on_matches_status",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class VolunteerMunicipalityQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """``volunteer.municipalities.add()`` and ``.set()`` create the links in bulk without a
        county: each takes its volunteer's (one query), as every county-owned row carries its
        county."""
        objs = list(objs)
        missing = {obj.volunteer_id for obj in objs if obj.kreis_id is None}
        if missing:
            kreise = dict(
                Volunteer.objects.using(self.db)
                .filter(pk__in=missing)
                .values_list("pk", "kreis_id")
            )
            for obj in objs:
                if obj.kreis_id is None:
                    obj.kreis_id = kreise.get(obj.volunteer_id)
        return super().bulk_create(objs, *args, **kwargs)


class VolunteerMunicipality(models.Model):
    """A municipality a volunteer is active in (the links of ``Volunteer.municipalities``)."""

    kreis = models.ForeignKey("organisations.Kreis", on_delete=models.PROTECT, related_name="+")
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    municipality = models.ForeignKey(
        "organisations.Municipality", on_delete=models.CASCADE, related_name="+"
    )

    objects = VolunteerMunicipalityQuerySet.as_manager()

    class Meta:
        # The table of the many-to-many field before it had a county.
        db_table = "volunteers_volunteer_municipalities"
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "municipality", "kreis"], name="volunteer_municipality_once"
            )
        ]


class CheckKind(models.TextChoices):
    CERTIFICATE_OF_CONDUCT = "certificate_of_conduct", _("extended certificate of conduct")
    CONFIDENTIALITY = "confidentiality", _("signed confidentiality undertaking")


class VolunteerCheck(KreisOwnedModel):
    """A required check of a volunteer: the extended certificate of conduct (issued on, next due
    on) or the signed confidentiality undertaking (signed on). Append-only: a renewal is a new
    row."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="checks")
    kind = models.CharField(_("kind"), max_length=30, choices=CheckKind.choices)
    issued_on = models.DateField(_("issued or signed on"))
    next_due_on = models.DateField(_("next due on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("check of a volunteer")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["kreis", "volunteer", "kind"]),
            models.Index(fields=["kreis", "next_due_on"]),
        ]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(kind=CheckKind.CERTIFICATE_OF_CONDUCT, next_due_on__isnull=False)
                | models.Q(kind=CheckKind.CONFIDENTIALITY, next_due_on__isnull=True),
                name="volunteer_check_due_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.issued_on:%d.%m.%Y}"


class Qualification(KreisOwnedModel):
    """Training a volunteer attended (Qualifizierung)."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="qualifications"
    )
    title = _line(200, _("title"))
    attended_on = models.DateField(_("date"))
    provider = _line(200, _("provider"), blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    certificate = models.ForeignKey(
        "funding.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("certificate"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("qualification")
        ordering = ["-attended_on", "-id"]
        indexes = [models.Index(fields=["kreis", "volunteer"])]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(hours__isnull=True) | models.Q(hours__gt=0),
                name="qualification_hours_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title


# --- Working with clients: tandems, support requests, mentoring groups, hours ------------------


class TandemEndReason(models.TextChoices):
    GOAL_REACHED = "goal_reached", _("accompaniment no longer needed")
    CLIENT_WISH = "client_wish", _("at the client's wish")
    VOLUNTEER_WISH = "volunteer_wish", _("at the volunteer's wish")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("consent withdrawn")
    VOLUNTEER_LEFT = "volunteer_left", _("volunteer left the network")
    CASE_CLOSED = "case_closed", _("case closed")
    OTHER = "other", _("other")


class Tandem(KreisOwnedModel, VersionedModel):
    """A Patenschaft: a volunteer accompanies the person of a case (and, if chosen, the
    household). The volunteer sees only what the manager chose to share, and only while the
    person's consent to passing contact data to volunteers stands."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="tandems")
    case = models.ForeignKey("clients.Case", on_delete=models.PROTECT, related_name="+")
    includes_household = models.BooleanField(_("accompanies the whole household"), default=False)
    share_phone = models.BooleanField(_("share the phone number"), default=True)
    share_email = models.BooleanField(_("share the e-mail address"), default=False)
    share_address = models.BooleanField(_("share the address"), default=False)
    shared_note = _text(
        2000,
        _("what the volunteer should know"),
        blank=True,
        help_text=_("Shown to the volunteer. No health, residence or other sensitive details."),
    )
    started_on = models.DateField(_("start"))
    ended_on = models.DateField(_("end"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason for the end"), max_length=20, choices=TandemEndReason.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("tandem")
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(fields=["kreis", "volunteer", "ended_on"]),
            models.Index(fields=["kreis", "case"]),
        ]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True, end_reason="")
                | (models.Q(ended_on__isnull=False) & ~models.Q(end_reason="")),
                name="tandem_end_reason_matches_end",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="tandem_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["kreis", "volunteer", "case"],
                condition=models.Q(ended_on__isnull=True),
                name="tandem_one_running_per_volunteer_and_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} ({self.started_on:%d.%m.%Y})"

    @property
    def is_running(self) -> bool:
        return self.ended_on is None


class SupportRequestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("support request status", "open")
    TAKEN = "taken", pgettext_lazy("support request status", "taken")
    DONE = "done", pgettext_lazy("support request status", "done")
    CANCELLED = "cancelled", pgettext_lazy("support request status", "cancelled")


class SupportRequest(KreisOwnedModel, VersionedModel):
    """A one-off request for support (for example: accompany to the Ausländerbehörde on a date,
    in Arabic), posted by the case's manager and taken by a suitable volunteer. Before taking,
    volunteers see what, when, where and in which language, never who; afterwards the volunteer
    who took it sees the person's first name and the contact the consent allows."""

    case = models.ForeignKey("clients.Case", on_delete=models.PROTECT, related_name="+")
    title = _line(200, _("what is needed"))
    description = _text(
        2000,
        _("details for the volunteer"),
        blank=True,
        help_text=_("Shown to volunteers. No health, residence or other sensitive details."),
    )
    field_of_action = models.CharField(_("field of action"), max_length=20, blank=True)
    language = models.CharField(_("language needed"), max_length=5, blank=True)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    place = _line(200, _("place"), blank=True)
    needed_on = models.DateField(_("date"))
    time_from = models.TimeField(_("from"), null=True, blank=True)
    time_until = models.TimeField(_("until"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SupportRequestStatus.choices,
        default=SupportRequestStatus.OPEN,
    )
    taken_by = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_requests",
        verbose_name=_("taken by"),
    )
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancel_reason = _line(300, _("reason for cancelling"), blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("support request")
        ordering = ["needed_on", "time_from", "id"]
        indexes = [
            models.Index(fields=["kreis", "status", "needed_on"]),
            models.Index(fields=["kreis", "case"]),
            models.Index(fields=["kreis", "taken_by"]),
        ]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(status=SupportRequestStatus.OPEN, taken_by__isnull=True)
                | models.Q(status=SupportRequestStatus.CANCELLED)
                | models.Q(
                    status__in=[SupportRequestStatus.TAKEN, SupportRequestStatus.DONE],
                    taken_by__isnull=False,
                ),
                name="support_request_taken_by_matches_status",
            ),
            models.CheckConstraint(
                condition=models.Q(time_from__isnull=True)
                | models.Q(time_until__isnull=True)
                | models.Q(time_until__gt=models.F("time_from")),
                name="support_request_time_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MentoringGroupStatus(models.TextChoices):
    FORMING = "forming", pgettext_lazy("mentoring group status", "forming")
    ACTIVE = "active", pgettext_lazy("mentoring group status", "accompanying")
    ENDED = "ended", pgettext_lazy("mentoring group status", "ended")


class MentoringGroup(KreisOwnedModel, VersionedModel):
    """A mentoring group (NesT: Neustart im Team): at least four volunteers who together
    accompany a family for a period and make commitments (for example paying the net cold rent
    for a year). The family is the person of a case (with their household), shared under the
    same consent as a tandem."""

    name = _line(200, _("name of the group"))
    case = models.ForeignKey(
        "clients.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("family accompanied"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MentoringGroupStatus.choices,
        default=MentoringGroupStatus.FORMING,
    )
    starts_on = models.DateField(_("start of the accompaniment"), null=True, blank=True)
    ends_on = models.DateField(_("end of the accompaniment"), null=True, blank=True)
    shared_note = _text(
        2000,
        _("what the group should know"),
        blank=True,
        help_text=_("Shown to the members. No health, residence or other sensitive details."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("mentoring group")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["kreis", "status"])]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gt=models.F("starts_on")),
                name="mentoring_group_period_order",
            ),
            models.CheckConstraint(
                condition=models.Q(status=MentoringGroupStatus.FORMING)
                | models.Q(case__isnull=False, starts_on__isnull=False, ends_on__isnull=False),
                name="mentoring_group_active_has_family_and_period",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(KreisOwnedModel):
    """A volunteer's membership of a mentoring group, from joining to leaving."""

    group = models.ForeignKey(MentoringGroup, on_delete=models.PROTECT, related_name="memberships")
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="group_memberships"
    )
    is_contact = models.BooleanField(_("contact person of the group"), default=False)
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("member of a mentoring group")
        ordering = ["joined_on", "id"]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["kreis", "group", "volunteer"],
                condition=models.Q(left_on__isnull=True),
                name="group_membership_once",
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True)
                | models.Q(left_on__gte=models.F("joined_on")),
                name="group_membership_leaves_after_joining",
            ),
        ]


class CommitmentKind(models.TextChoices):
    RENT = "rent", _("paying the net cold rent")
    HOUSING = "housing", _("finding housing")
    ARRIVAL = "arrival", _("reception and first weeks")
    AUTHORITIES = "authorities", _("accompanying to authorities")
    LANGUAGE = "language", _("learning German")
    WORK = "work", _("work and training")
    OTHER = "other", _("other")


class GroupCommitment(KreisOwnedModel):
    """What a mentoring group commits to for the family, for a period (for example the net cold
    rent of 450 EUR a month for twelve months)."""

    group = models.ForeignKey(MentoringGroup, on_delete=models.PROTECT, related_name="commitments")
    kind = models.CharField(_("kind"), max_length=20, choices=CommitmentKind.choices)
    description = _text(1000, _("description"), blank=True)
    monthly_amount = models.DecimalField(
        _("amount per month (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    from_on = models.DateField(_("from"))
    until_on = models.DateField(_("until"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("commitment")
        ordering = ["from_on", "id"]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(until_on__gte=models.F("from_on")),
                name="group_commitment_period_order",
            ),
            models.CheckConstraint(
                condition=models.Q(monthly_amount__isnull=True) | models.Q(monthly_amount__gt=0),
                name="group_commitment_amount_positive",
            ),
        ]


class ActivityKind(models.TextChoices):
    TANDEM = "tandem", _("meeting in a tandem")
    SUPPORT_REQUEST = "support_request", _("support request")
    MENTORING_GROUP = "mentoring_group", _("mentoring group")


class Activity(KreisOwnedModel):
    """Hours a volunteer gave: a meeting in a tandem, a support request, time for a mentoring
    group. Logged by the volunteer (or the coordination for them); the basis of the hours in
    the programme figures. Append-only; a wrong entry is cancelled, not changed."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    tandem = models.ForeignKey(
        Tandem, on_delete=models.PROTECT, null=True, blank=True, related_name="activities"
    )
    support_request = models.ForeignKey(
        SupportRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="activities"
    )
    group = models.ForeignKey(
        MentoringGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="activities"
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=2)
    note = _text(
        500,
        _("short note"),
        blank=True,
        help_text=_("What you did, in a few words. No health or other sensitive details."),
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("hours given")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["kreis", "date"]),
            models.Index(fields=["kreis", "volunteer", "date"]),
        ]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=24),
                name="activity_hours_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kind=ActivityKind.TANDEM,
                    tandem__isnull=False,
                    support_request__isnull=True,
                    group__isnull=True,
                )
                | models.Q(
                    kind=ActivityKind.SUPPORT_REQUEST,
                    tandem__isnull=True,
                    support_request__isnull=False,
                    group__isnull=True,
                )
                | models.Q(
                    kind=ActivityKind.MENTORING_GROUP,
                    tandem__isnull=True,
                    support_request__isnull=True,
                    group__isnull=False,
                ),
                name="activity_kind_matches_link",
            ),
        ]


# --- Training events ----------------------------------------------------------------------------


class TrainingEvent(KreisOwnedModel, VersionedModel):
    """A training event of the county for volunteers (Qualifizierung), with registration and
    attendance; attending adds the training to the volunteer's profile."""

    title = _line(200, _("title"))
    description = _text(2000, _("description"), blank=True)
    provider = _line(200, _("provider"), blank=True)
    place = _line(200, _("place"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    registration_until = models.DateField(_("registration until"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("training event")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["kreis", "starts_at"])]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="training_event_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0), name="training_event_hours_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__isnull=True) | models.Q(capacity__gt=0),
                name="training_event_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingRegistration(KreisOwnedModel):
    """A volunteer registered for a training event; attendance is recorded afterwards
    (attended: a Qualification is added to the profile)."""

    event = models.ForeignKey(TrainingEvent, on_delete=models.PROTECT, related_name="registrations")
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="training_registrations"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    qualification = CountyOneToOneField(
        Qualification,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registration",
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("registration for a training event")
        ordering = ["created_at", "id"]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["kreis", "event", "volunteer"],
                condition=models.Q(cancelled_at__isnull=True),
                name="training_registration_once",
            ),
            models.UniqueConstraint(
                fields=["qualification", "kreis"], name="training_registration_one_qualification"
            ),
        ]
