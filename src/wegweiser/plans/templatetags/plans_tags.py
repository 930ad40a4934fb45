"""Template tags of the plans app: the desk section and the texts of recorded changes."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wegweiser.plans import selectors
from wegweiser.plans.models import Goal, GoalStatus, Step, StepStatus

register = template.Library()

_CHANGE_TEXTS = {
    "goal_added": gettext_noop("Goal added: %(goal)s"),
    "goal_removed": gettext_noop("Goal removed: %(goal)s"),
    "goal_changed": gettext_noop("Goal changed (%(fields)s): %(goal)s"),
    "step_added": gettext_noop("Step added to “%(goal)s”: %(step)s"),
    "step_removed": gettext_noop("Step removed from “%(goal)s”: %(step)s"),
    "step_changed": gettext_noop("Step of “%(goal)s” changed (%(fields)s): %(step)s"),
    "confirmed": gettext_noop("Plan confirmed without changes"),
}


def _field_label(kind: str, name: str) -> str:
    model = Goal if kind.startswith("goal") else Step
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 - an unknown name from an old snapshot is shown as is
        return name


@register.filter
def change_text(change: dict) -> str:
    kind = change.get("kind", "")
    text = _CHANGE_TEXTS.get(kind)
    if text is None:
        return kind
    fields = ", ".join(_field_label(kind, f) for f in change.get("fields", []))
    if "status" in change:
        labels = dict(GoalStatus.choices if kind.startswith("goal") else StepStatus.choices)
        fields += " → " + str(labels.get(change["status"], change["status"]))
    return _(text) % {
        "goal": change.get("goal", ""),
        "step": change.get("step", ""),
        "fields": fields,
    }


@register.inclusion_tag("plans/_reviews_due.html")
def plan_reviews_due(user):
    """Plans in the user's caseload whose review is due (one query, whatever their number)."""
    return {"plans": selectors.reviews_due(user=user), "user": user}
