"""The directory of offers and regular services (Angebote und Regeldienste).

Shaped after Open Referral HSDS 3.0: an organisation (``ServiceProvider``) offers services; a
service has locations/contacts, opening hours, languages and the counties it serves. A county
maintains its own entries; state-wide entries (``kreis`` empty) are visible in every county of
their state.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wegweiser.core.models import CountyModel, PublicIdModel, VersionedModel
from wegweiser.core.validators import validate_no_control_characters, validate_single_line


def _line(max_length: int, verbose_name, **kwargs) -> models.CharField:
    return models.CharField(
        verbose_name, max_length=max_length, validators=[validate_single_line], **kwargs
    )


class DirectoryEntry(PublicIdModel, VersionedModel):
    """Common columns: owning Kreis (empty = state-wide, then ``land`` is set), timestamps."""

    kreis = models.ForeignKey(
        "organisations.Kreis", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    land = models.ForeignKey("organisations.Land", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ServiceProvider(DirectoryEntry):
    """An organisation that offers services (Jobcenter, Ausländerbehörde, a school, a Verein)."""

    name = _line(200, _("name"))
    description = models.TextField(
        _("description"), blank=True, max_length=4000, validators=[validate_no_control_characters]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    phone = _line(40, _("phone"), blank=True)
    external_id = _line(100, _("external identifier"), blank=True)

    class Meta:
        verbose_name = _("service provider")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kreis", "land", "name"], name="directory_provider_unique_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class ServiceKind(models.TextChoices):
    REGULAR_SERVICE = "regular", _("regular service (Regeldienst)")
    COUNSELLING = "counselling", _("counselling")
    LANGUAGE_COURSE = "language_course", _("language course")
    CONSULTATION_HOURS = "consultation_hours", _("consultation hours")
    GROUP = "group", _("group or project")
    OTHER = "other", _("other")


class Service(DirectoryEntry):
    """One offer or regular service of a provider."""

    provider = models.ForeignKey(ServiceProvider, on_delete=models.PROTECT, related_name="services")
    name = _line(200, _("name"))
    kind = models.CharField(
        _("kind"), max_length=30, choices=ServiceKind.choices, default=ServiceKind.OTHER
    )
    description = models.TextField(
        _("description"), blank=True, max_length=4000, validators=[validate_no_control_characters]
    )
    fields_of_action = models.JSONField(_("fields of action"), default=list, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    street = _line(200, _("street and number"), blank=True)
    postal_code = _line(10, _("postal code"), blank=True)
    city = _line(100, _("city"), blank=True)
    municipality = models.ForeignKey(
        "organisations.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    contact_name = _line(200, _("contact person"), blank=True)
    phone = _line(40, _("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.TextField(
        _("opening hours"), blank=True, max_length=1000, validators=[validate_no_control_characters]
    )
    by_appointment_only = models.BooleanField(_("only by appointment"), default=False)
    accessibility = _line(500, _("accessibility"), blank=True)
    costs = _line(500, _("costs"), blank=True)
    eligibility = _line(500, _("eligibility"), blank=True)
    counties_served = models.ManyToManyField(
        "organisations.Kreis", blank=True, related_name="+", verbose_name=_("counties served")
    )
    is_active = models.BooleanField(_("active"), default=True)
    external_id = _line(100, _("external identifier"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("service")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["kreis", "is_active"]),
            models.Index(fields=["land", "kreis"]),
        ]

    def __str__(self) -> str:
        return self.name


# --- Offers with capacity: consultation hours (slots) and courses -------------------------------


class ConsultationSlot(PublicIdModel, VersionedModel):
    """One appointment of consultation hours of a service; ``capacity`` persons may book it.
    Kreis and Land are those of the service (who administers it follows the service)."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="slots")
    kreis = models.ForeignKey(
        "organisations.Kreis", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    land = models.ForeignKey("organisations.Land", on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=30)
    place = _line(200, _("place"), blank=True)
    online = models.BooleanField(_("online"), default=False)
    capacity = models.PositiveSmallIntegerField(_("capacity"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consultation slot")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1), name="directory_slot_capacity_min_1"
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=5, duration_minutes__lte=480),
                name="directory_slot_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.starts_at:%d.%m.%Y %H:%M}"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("booked")
    CANCELLED = "cancelled", _("cancelled")
    ATTENDED = "attended", _("attended")
    NO_SHOW = "no_show", _("did not attend")


class SlotBooking(CountyModel):
    """A slot booked for the person of a case. Kreis is the case's (it is about a person)."""

    slot = models.ForeignKey(ConsultationSlot, on_delete=models.PROTECT, related_name="bookings")
    case = models.ForeignKey("clients.Case", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    booked_at = models.DateTimeField(_("booked at"))
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = _line(500, _("reason for the cancellation"), blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)

    class Meta(CountyModel.Meta):
        verbose_name = _("booking")
        ordering = ["booked_at", "pk"]
        constraints = [
            *CountyModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["kreis", "slot", "case"],
                condition=~models.Q(status="cancelled"),
                name="directory_booking_one_active_per_case",
            ),
        ]

    @property
    def is_active(self) -> bool:
        return self.status != BookingStatus.CANCELLED


class Course(PublicIdModel, VersionedModel):
    """A course of a service (for example a low-threshold German course) with places."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="courses")
    kreis = models.ForeignKey(
        "organisations.Kreis", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    land = models.ForeignKey("organisations.Land", on_delete=models.PROTECT, related_name="+")
    title = _line(200, _("title"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    places = models.PositiveSmallIntegerField(_("places"))
    answer_days = models.PositiveSmallIntegerField(_("days to answer an offered place"), default=7)
    place = _line(200, _("place"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        ordering = ["starts_on", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(places__gte=1), name="directory_course_places_min_1"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="directory_course_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(answer_days__gte=1, answer_days__lte=60),
                name="directory_course_answer_days_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("enrolled")
    WAITING = "waiting", _("on the waiting list")
    OFFERED = "offered", _("place offered")
    WITHDRAWN = "withdrawn", _("withdrawn")
    REMOVED = "removed", _("removed")
    DECLINED = "declined", _("offer declined")
    EXPIRED = "expired", _("offer expired")


ACTIVE_ENROLMENT = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING, EnrolmentStatus.OFFERED)
TAKING_A_PLACE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.OFFERED)


class Enrolment(CountyModel):
    """The person of a case in a course: enrolled, waiting (ordered by ``requested_at``) or
    offered a freed place (until ``answer_by``). Kreis is the case's."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    case = models.ForeignKey("clients.Case", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=EnrolmentStatus.choices)
    requested_at = models.DateTimeField(_("requested at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)
    answer_by = models.DateField(_("answer by"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    end_reason = _line(500, _("reason"), blank=True)
    attended_dates = models.JSONField(_("dates attended"), default=list, blank=True)

    class Meta(CountyModel.Meta):
        verbose_name = _("enrolment")
        ordering = ["requested_at", "pk"]
        constraints = [
            *CountyModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["kreis", "course", "case"],
                condition=models.Q(status__in=["enrolled", "waiting", "offered"]),
                name="directory_enrolment_one_active_per_case",
            ),
        ]
        indexes = [models.Index(fields=["course", "status", "requested_at"])]

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_ENROLMENT
