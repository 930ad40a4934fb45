from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wegweiser.clients.choices import FieldOfAction
from wegweiser.clients.languages import language_label
from wegweiser.core import navigation

register = template.Library()

_ACTION_LABELS = {
    "clients.client.created": gettext_noop("Person created"),
    "clients.client.updated": gettext_noop("Personal data changed"),
    "clients.client.viewed": gettext_noop("Person viewed"),
    "clients.household.created": gettext_noop("Household created"),
    "clients.case.opened": gettext_noop("Case opened"),
    "clients.case.updated": gettext_noop("Case changed"),
    "clients.case.closed": gettext_noop("Case closed"),
    "clients.case.viewed": gettext_noop("Case file opened"),
    "clients.case.access_reason_recorded": gettext_noop("Case file opened with a recorded reason"),
    "clients.consent.recorded": gettext_noop("Consent recorded"),
    "clients.consent.withdrawn": gettext_noop("Consent withdrawn"),
    "counselling.session.recorded": gettext_noop("Session recorded"),
    "counselling.session.updated": gettext_noop("Session corrected"),
    "accounts.user.logged_in": gettext_noop("Logged in"),
    "accounts.user.logged_out": gettext_noop("Logged out"),
    "accounts.user.created": gettext_noop("User created"),
    "accounts.user.updated": gettext_noop("User changed"),
    "accounts.user.deactivated": gettext_noop("User deactivated"),
    "accounts.user.reactivated": gettext_noop("User reactivated"),
    "accounts.user.password_changed": gettext_noop("Password changed"),
    "accounts.user.second_factor_added": gettext_noop("Second factor set up"),
    "accounts.user.second_factor_removed": gettext_noop("Second factor removed"),
    "accounts.api_token.created": gettext_noop("API token created"),
    "accounts.api_token.revoked": gettext_noop("API token revoked"),
    "audit.log.exported": gettext_noop("Audit log exported"),
    "audit.access_review.exported": gettext_noop("Access review exported"),
    "core.keys.rotated": gettext_noop("Encryption keys rotated"),
    "plans.plan.created": gettext_noop("Integration plan created"),
    "plans.goal.added": gettext_noop("Goal added"),
    "plans.goal.updated": gettext_noop("Goal changed"),
    "plans.step.added": gettext_noop("Step added"),
    "plans.step.updated": gettext_noop("Step changed"),
    "plans.plan.agreed": gettext_noop("Plan agreed"),
    "referrals.referral.created": gettext_noop("Referral recorded"),
    "referrals.referral.updated": gettext_noop("Referral updated"),
    "referrals.referral.closed": gettext_noop("Referral closed"),
    "referrals.authority_contact.created": gettext_noop("Contact at an authority added"),
    "referrals.authority_contact.updated": gettext_noop("Contact at an authority changed"),
    "directory.provider.created": gettext_noop("Provider created"),
    "directory.provider.updated": gettext_noop("Provider changed"),
    "directory.service.created": gettext_noop("Service created"),
    "directory.service.updated": gettext_noop("Service changed"),
    "directory.service.deactivated": gettext_noop("Service deactivated"),
    "directory.service.reactivated": gettext_noop("Service reactivated"),
    "directory.import.completed": gettext_noop("Services imported (HSDS)"),
    "directory.export.created": gettext_noop("Services exported (HSDS)"),
    "dataprotection.auskunft.exported": gettext_noop("Auskunft (Art. 15 GDPR) exported"),
    "dataprotection.restriction.set": gettext_noop("Processing restricted (Art. 18 GDPR)"),
    "dataprotection.restriction.lifted": gettext_noop("Restriction of processing lifted"),
    "accounts.user.login_failed": gettext_noop("Failed login"),
    "dataprotection.erasure.requested": gettext_noop("Erasure requested (Art. 17 GDPR)"),
    "dataprotection.person.erased": gettext_noop("Person erased (anonymised)"),
    "dataprotection.volunteer.erased": gettext_noop("Volunteer erased (anonymised)"),
    "dataprotection.retention.rule_set": gettext_noop("Retention period changed"),
    "dataprotection.retention.decided": gettext_noop("Erasure proposal decided"),
    "clients.case.merged": gettext_noop("Case files merged"),
    "clients.duplicates.warned": gettext_noop("Warned of a likely duplicate"),
    "clients.duplicates.overridden": gettext_noop("Created despite a likely duplicate"),
    "clients.duplicates.report_viewed": gettext_noop("Duplicate report viewed"),
    "volunteers.volunteer.created": gettext_noop("Volunteer added"),
    "volunteers.volunteer.updated": gettext_noop("Volunteer changed"),
    "volunteers.volunteer.status_set": gettext_noop("Status of a volunteer changed"),
    "volunteers.check.recorded": gettext_noop("Check of a volunteer recorded"),
    "volunteers.qualification.recorded": gettext_noop("Training of a volunteer recorded"),
    "volunteers.qualification.removed": gettext_noop("Training of a volunteer removed"),
    "volunteers.qualification.certificate_attached": gettext_noop("Certificate uploaded"),
    "volunteers.qualification.certificate_downloaded": gettext_noop("Certificate downloaded"),
    "volunteers.tandem.created": gettext_noop("Tandem set up"),
    "volunteers.tandem.updated": gettext_noop("Sharing of a tandem changed"),
    "volunteers.tandem.ended": gettext_noop("Tandem ended"),
    "volunteers.tandem.viewed": gettext_noop("Tandem viewed by the volunteer"),
    "volunteers.activity.logged": gettext_noop("Hours logged"),
    "volunteers.activity.cancelled": gettext_noop("Logged hours cancelled"),
    "volunteers.support_request.posted": gettext_noop("Support request posted"),
    "volunteers.support_request.taken": gettext_noop("Support request taken"),
    "volunteers.support_request.released": gettext_noop("Support request given back"),
    "volunteers.support_request.done": gettext_noop("Support request done"),
    "volunteers.support_request.cancelled": gettext_noop("Support request withdrawn"),
    "volunteers.support_request.viewed": gettext_noop("Support request viewed by the volunteer"),
    "volunteers.group.created": gettext_noop("Mentoring group created"),
    "volunteers.group.updated": gettext_noop("Mentoring group changed"),
    "volunteers.group.member_added": gettext_noop("Member added to a mentoring group"),
    "volunteers.group.member_removed": gettext_noop("Member left a mentoring group"),
    "volunteers.group.commitment_added": gettext_noop("Commitment of a mentoring group recorded"),
    "volunteers.group.family_linked": gettext_noop("Family linked to a mentoring group"),
    "volunteers.group.started": gettext_noop("Mentoring group started"),
    "volunteers.group.ended": gettext_noop("Mentoring group ended"),
    "volunteers.group.viewed": gettext_noop("Mentoring group viewed by a member"),
    "volunteers.training_event.created": gettext_noop("Training event added"),
    "volunteers.training_event.updated": gettext_noop("Training event changed"),
    "volunteers.training_event.cancelled": gettext_noop("Training event cancelled"),
    "volunteers.training.registered": gettext_noop("Registered for a training event"),
    "volunteers.training.registration_cancelled": gettext_noop(
        "Registration for a training event cancelled"
    ),
    "volunteers.training.attendance_recorded": gettext_noop("Attendance recorded"),
    "volunteers.training.certificate_downloaded": gettext_noop(
        "Certificate of attendance downloaded"
    ),
}


@register.filter
def action_label(code: str) -> str:
    label = _ACTION_LABELS.get(code)
    return _(label) if label else code


@register.filter
def fields_of_action(codes) -> str:
    labels = dict(FieldOfAction.choices)
    return ", ".join(str(labels.get(c, c)) for c in codes or [])


@register.filter
def languages(codes) -> str:
    return ", ".join(language_label(c) for c in codes or [])


@register.filter
def lang(code) -> str:
    return language_label(code) if code else ""


@register.filter
def changed_fields(entry) -> str:
    """The changed fields of an audit entry by their (translated) labels, not column names."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    names = (entry.data or {}).get("fields") or []
    try:
        model = apps.get_model(entry.object_type) if entry.object_type else None
    except (LookupError, ValueError):
        model = None
    labels = []
    for name in names:
        label = name
        if model is not None:
            try:
                label = str(model._meta.get_field(name).verbose_name)
            except FieldDoesNotExist:
                pass
        labels.append(label)
    return ", ".join(labels)


@register.simple_tag(takes_context=True)
def main_nav(context):
    """The main navigation of base.html for the logged-in user, the view's ``nav`` marked."""
    return navigation.main_nav(context["user"], context.get("nav"))
