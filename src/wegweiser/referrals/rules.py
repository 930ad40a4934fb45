"""Who may read and change referrals and contacts at authorities: exactly who may read and change
the case file (``clients.rules.case_access``). A referral of a case the user cannot see answers
404; a visible case without the right to edit, 403.

The consent rule: a referral that passes personal data to the service needs the person's
recorded, unwithdrawn consent to passing data on when referring (``Consent.covers_referral``),
either for any service or naming exactly this recipient.
Without it only an anonymous referral can be recorded: the service gets no personal data.
"""

from __future__ import annotations

from django.db.models import Q

from wegweiser.clients.models import Client, Consent


def referral_consent(
    client: Client, *, service=None, service_name: str | None = None
) -> Consent | None:
    """The person's recorded, unwithdrawn consent to passing data to services, or None.

    A consent may name its recipient. Given a recipient (a directory ``service`` or the
    free-text ``service_name`` of a referral), only consents for any service or for exactly that
    recipient count; without one (for hints in forms) any referral consent does."""
    consents = Consent.objects.filter(
        client=client, covers_referral=True, withdrawn_on__isnull=True
    )
    if service is not None or service_name is not None:
        general = Q(referral_recipient__isnull=True, referral_recipient_name="")
        matching = Q(referral_recipient=service) if service is not None else Q(pk__in=[])
        if service_name:
            matching |= Q(
                referral_recipient__isnull=True,
                referral_recipient_name__iexact=service_name.strip(),
            )
        consents = consents.filter(general | matching)
    return consents.order_by("-given_on", "-pk").first()
