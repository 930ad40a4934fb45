"""Who may produce an Auskunft (Art. 15 GDPR) about a person.

- The case's editors (the responsible integration manager, the team lead): they know the person
  and hand the Auskunft over.
- The data protection officer of the Kreis, who answers the requests of data subjects; to find
  the person they enter a case number and the reference of the request, and both are logged.
- Everyone else: 403; a case of another Kreis: 404.

Restriction of processing (Art. 18): set by the case's editors or the DPO, lifted by the DPO.
"""

from __future__ import annotations

from wegweiser.accounts.roles import Role
from wegweiser.clients import rules as case_rules


def is_dpo(user) -> bool:
    return bool(
        user.is_authenticated and user.kreis_id and user.role == Role.DATA_PROTECTION_OFFICER
    )


def may_export(user, case) -> bool:
    if case.kreis_id != user.kreis_id:
        return False
    if is_dpo(user):
        return True
    access = case_rules.case_access(user, case)
    # A restricted case is read-only for its responsible manager, who still answers the person.
    return access is case_rules.Access.EDIT or (
        access is case_rules.Access.CONTENT and case.responsible_id == user.pk
    )


def may_restrict(user, case) -> bool:
    """Set a restriction: the case's editors (on the person's request) and the DPO."""
    if case.kreis_id != user.kreis_id:
        return False
    return is_dpo(user) or case_rules.case_access(user, case) is case_rules.Access.EDIT


def may_lift(user, case) -> bool:
    """Lift a restriction: the data protection officer only (nobody else may change the file
    while it stands)."""
    return case.kreis_id == user.kreis_id and is_dpo(user)


def may_manage_retention(user) -> bool:
    """Retention rules and the erasure proposals: the county administrator and the DPO."""
    from wegweiser.accounts.roles import Role

    return bool(
        user.is_authenticated
        and user.kreis_id
        and user.role in (Role.COUNTY_ADMIN, Role.DATA_PROTECTION_OFFICER)
    )
