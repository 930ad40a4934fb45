"""Every read of the mentoring groups. Selectors take ``user=`` and return only what that user may
see (the rules live in volunteers.rules).

- Coordination and readers of the Kreis: the groups of the Kreis, with members, commitments and
  whether a family is linked; the case itself only for a user who may edit it.
- A member (volunteer role): their current groups, and of the family only the first names, the
  phone of the person, the note for the group and the commitments, and only while the person's
  consent to passing contact data to volunteers stands. Never the case, plan or notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from wegweiser.accounts.roles import Role
from wegweiser.clients import rules as case_rules
from wegweiser.clients.models import Case
from wegweiser.volunteers import rules
from wegweiser.volunteers.models import (
    Activity,
    GroupCommitment,
    GroupMembership,
    MentoringGroup,
    MentoringGroupStatus,
    Volunteer,
)
from wegweiser.volunteers.selectors_tandems import PersonCard, person_card

_OPEN_STATUSES = (MentoringGroupStatus.FORMING, MentoringGroupStatus.ACTIVE)


def _require_read(user) -> None:
    if not rules.can_read(user):
        raise PermissionDenied


def group_list(*, user, status: str = "") -> QuerySet[MentoringGroup]:
    """The mentoring groups of the user's Kreis with the number of current members."""
    _require_read(user)
    qs = MentoringGroup.objects.filter(rules.visible_q(user)).annotate(
        member_count=Count("memberships", filter=Q(memberships__left_on__isnull=True))
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("name", "pk")


def group_get(*, user, uuid) -> tuple[MentoringGroup, rules.Access]:
    """The group if the user may see it (another Kreis: 404)."""
    _require_read(user)
    try:
        group = MentoringGroup.objects.prefetch_related(
            Prefetch(
                "memberships",
                queryset=GroupMembership.objects.select_related("volunteer").order_by(
                    "left_on", "joined_on", "pk"
                ),
            ),
            Prefetch("commitments", queryset=GroupCommitment.objects.order_by("from_on", "pk")),
        ).get(uuid=uuid, kreis_id=user.kreis_id)
    except (MentoringGroup.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc
    access = rules.access(user, group)
    if access is rules.Access.NONE:
        raise Http404
    return group, access


def membership_get(*, group: MentoringGroup, uuid) -> GroupMembership:
    """A current membership of the group (else 404)."""
    try:
        return GroupMembership.objects.select_related("volunteer", "group").get(
            uuid=uuid, group=group, kreis_id=group.kreis_id, left_on__isnull=True
        )
    except (GroupMembership.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404 from exc


def group_hours(group: MentoringGroup) -> Decimal:
    """Hours the members gave for the group (cancelled entries left out)."""
    total = Activity.objects.filter(
        kreis_id=group.kreis_id, group=group, cancelled_at__isnull=True
    ).aggregate(total=Sum("hours"))["total"]
    return total or Decimal("0")


def group_case(*, user, group: MentoringGroup) -> Case | None:
    """The family's case, only for a user who may edit it (their integration manager)."""
    if group.case_id is None:
        return None
    case = Case.objects.select_related("client").get(pk=group.case_id)
    if case_rules.case_access(user, case) is not case_rules.Access.EDIT:
        return None
    return case


def family_consent_stands(group: MentoringGroup) -> bool | None:
    """Whether the linked family's consent to passing contact data to volunteers stands (None:
    no family linked). Tells the coordination, without showing the family."""
    if group.case_id is None:
        return None
    return rules.consent_stands(group.case)


def linkable_cases(*, user) -> QuerySet[Case]:
    """Open cases the user may edit (own caseload and shared team cases): the families the user
    may link to a group."""
    return (
        Case.objects.filter(case_rules.casework_q(user), closed_on__isnull=True)
        .select_related("client")
        .order_by("number")
    )


def candidate_volunteers(*, group: MentoringGroup) -> QuerySet[Volunteer]:
    """Active or paused volunteers of the group's Kreis not already current members."""
    return (
        Volunteer.objects.filter(
            kreis_id=group.kreis_id, status__in=rules.VOLUNTEER_ACTIVE_STATUSES
        )
        .exclude(group_memberships__group=group, group_memberships__left_on__isnull=True)
        .order_by("family_name", "given_name", "pk")
    )


# --- The volunteer role -------------------------------------------------------------------------


def groups_of_volunteer(*, user) -> QuerySet[MentoringGroup]:
    """The groups the user (volunteer role) is a current member of, not ended. For the portal."""
    volunteer = rules.own_volunteer(user)
    if volunteer is None:
        return MentoringGroup.objects.none()
    return (
        MentoringGroup.objects.filter(
            kreis_id=volunteer.kreis_id,
            memberships__volunteer=volunteer,
            memberships__left_on__isnull=True,
        )
        .exclude(status=MentoringGroupStatus.ENDED)
        .distinct()
        .order_by("name", "pk")
    )


@dataclass(frozen=True)
class MemberGroup:
    """A group as its member sees it. ``family`` is None while no family is linked or the
    person's consent does not stand; then the note and the commitments are hidden too."""

    group: MentoringGroup
    membership: GroupMembership
    members: list[GroupMembership]
    family: PersonCard | None
    shared_note: str
    commitments: list[GroupCommitment]
    my_activities: list[Activity] = field(default_factory=list)

    @property
    def family_hidden(self) -> bool:
        return self.group.case_id is not None and self.family is None


def member_group_get(*, user, uuid) -> MemberGroup:
    """A group of the user (volunteer role) who is a current member (else 404)."""
    if not (user.is_authenticated and user.role == Role.VOLUNTEER):
        raise PermissionDenied
    volunteer = rules.own_volunteer(user)
    if volunteer is None:
        raise Http404
    try:
        group = MentoringGroup.objects.get(
            uuid=uuid, kreis_id=volunteer.kreis_id, status__in=_OPEN_STATUSES
        )
        membership = GroupMembership.objects.get(
            group=group, volunteer=volunteer, left_on__isnull=True
        )
    except (
        MentoringGroup.DoesNotExist,
        GroupMembership.DoesNotExist,
        ValueError,
        ValidationError,
    ) as exc:
        raise Http404 from exc
    members = list(
        GroupMembership.objects.filter(group=group, left_on__isnull=True)
        .select_related("volunteer")
        .order_by("volunteer__family_name", "volunteer__given_name", "pk")
    )
    family = None
    shared_note = ""
    commitments: list[GroupCommitment] = []
    if group.case_id is not None:
        case = Case.objects.select_related(
            "client", "client__household", "client__municipality"
        ).get(pk=group.case_id)
        if rules.consent_stands(case):
            # The same card as a tandem's: first names of the household and the phone.
            family = person_card(case, includes_household=True)
            shared_note = group.shared_note
            commitments = list(group.commitments.order_by("from_on", "pk"))
    activities = list(
        Activity.objects.filter(
            kreis_id=group.kreis_id, group=group, volunteer=volunteer, cancelled_at__isnull=True
        ).order_by("-date", "-pk")[:20]
    )
    return MemberGroup(
        group=group,
        membership=membership,
        members=members,
        family=family,
        shared_note=shared_note,
        commitments=commitments,
        my_activities=activities,
    )
