"""Roles and what each may do. The single place that says which role sees what."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INTEGRATION_MANAGER = "integration_manager", _("Integration manager")
    TEAM_LEAD = "team_lead", _("Team lead")
    COUNTY_COORDINATOR = "county_coordinator", _("County coordination")
    COUNTY_ADMIN = "county_admin", _("Administrator (county)")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer")
    VOLUNTEER_COORDINATOR = "volunteer_coordinator", _("Volunteer coordination")
    VOLUNTEER = "volunteer", _("Volunteer")
    STATE_FUNDING_OFFICER = "state_funding_officer", _("State funding authority")


# Roles that do case work: they hold a caseload and see case content of what they may see.
CASEWORK_ROLES = frozenset({Role.INTEGRATION_MANAGER, Role.TEAM_LEAD})
# Roles that see county-wide case lists without content; may open a file with a recorded reason.
COUNTY_OVERVIEW_ROLES = frozenset({Role.COUNTY_COORDINATOR})
# Roles whose users are attached to a state, not to a Kreis.
STATE_ROLES = frozenset({Role.STATE_FUNDING_OFFICER})
# Roles that administer the county's users and read its audit log.
ADMIN_ROLES = frozenset({Role.COUNTY_ADMIN})
AUDIT_READER_ROLES = frozenset({Role.COUNTY_ADMIN, Role.DATA_PROTECTION_OFFICER})
# Roles that must use a second factor where the Kreis enforces it: everyone who can reach case
# files, and those who can hand out roles or read the audit log.
MFA_ROLES = CASEWORK_ROLES | COUNTY_OVERVIEW_ROLES | ADMIN_ROLES | {Role.DATA_PROTECTION_OFFICER}
# Which roles a county administrator may assign (never a state role).
ASSIGNABLE_BY_COUNTY_ADMIN = tuple(r for r in Role if r not in STATE_ROLES)
