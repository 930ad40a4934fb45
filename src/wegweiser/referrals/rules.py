"""Who may read and change referrals and contacts at authorities: exactly who may read and change
the case file (``clients.rules.case_access``). A referral of a case the user cannot see answers
404; a visible case without the right to edit, 403.

The consent rule: a referral that passes personal data to the service needs the person's
recorded, unwithdrawn consent to passing data on when referring (``Consent.covers_referral``).
Without it only an anonymous referral can be recorded: the service gets no personal data.
"""

from __future__ import annotations

from wegweiser.clients.models import Client, Consent


def referral_consent(client: Client) -> Consent | None:
    """The person's recorded, unwithdrawn consent to passing data to services, or None."""
    return (
        Consent.objects.filter(client=client, covers_referral=True, withdrawn_on__isnull=True)
        .order_by("-given_on", "-pk")
        .first()
    )
