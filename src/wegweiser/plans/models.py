"""Integration plans: goals per field of action, steps, agreed versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wegweiser.clients.choices import FieldOfAction
from wegweiser.core.models import CountyOneToOneField, KreisOwnedModel, VersionedModel
from wegweiser.core.validators import validate_no_control_characters


class Plan(KreisOwnedModel, VersionedModel):
    """The integration plan of a case (one per case)."""

    case = CountyOneToOneField("clients.Case", on_delete=models.PROTECT, related_name="plan")
    review_interval_months = models.PositiveSmallIntegerField(_("review every (months)"), default=3)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("integration plan")
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.UniqueConstraint(fields=["case", "kreis"], name="plan_one_per_case"),
        ]


class Priority(models.TextChoices):
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    REACHED = "reached", _("reached")
    PARTLY = "partly", _("partly reached")
    NOT_REACHED = "not_reached", _("not reached")
    DROPPED = "dropped", _("dropped")


class Goal(KreisOwnedModel, VersionedModel):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="goals")
    field_of_action = models.CharField(
        _("field of action"), max_length=20, choices=FieldOfAction.choices
    )
    text = models.TextField(_("goal"), max_length=2000, validators=[validate_no_control_characters])
    target_date = models.DateField(_("target date"), null=True, blank=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.OPEN
    )
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    # The date of the first agreed plan version that contained the goal (key figures).
    agreed_on = models.DateField(_("first agreed on"), null=True, blank=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("goal")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["kreis", "field_of_action", "status"])]


class StepOwner(models.TextChoices):
    CLIENT = "client", _("the client")
    MANAGER = "manager", _("the integration manager")
    SERVICE = "service", _("a service")


class StepStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    DROPPED = "dropped", _("dropped")


class Step(KreisOwnedModel, VersionedModel):
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="steps")
    text = models.TextField(_("step"), max_length=1000, validators=[validate_no_control_characters])
    owner = models.CharField(_("who"), max_length=10, choices=StepOwner.choices)
    service = models.ForeignKey(
        "directory.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    due_on = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.OPEN
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("step")
        ordering = ["position", "pk"]


class AgreementForm(models.TextChoices):
    SIGNED = "signed", _("signed")
    ORAL = "oral", _("oral")
    ORAL_INTERPRETER = "oral_interpreter", _("oral, with interpreter")


class PlanVersion(KreisOwnedModel):
    """An agreed state of the plan: a snapshot of goals and steps, with the client's agreement."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    agreed_on = models.DateField(_("agreed on"))
    agreement_form = models.CharField(_("how agreed"), max_length=20, choices=AgreementForm.choices)
    snapshot = models.JSONField(default=dict)
    changes = models.JSONField(default=list, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(KreisOwnedModel.Meta):
        verbose_name = _("agreed plan version")
        ordering = ["-number"]
        constraints = [
            *KreisOwnedModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["kreis", "plan", "number"], name="plan_version_unique_number"
            ),
        ]
