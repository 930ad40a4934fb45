"""Access review for the data-protection officer: who opened which case files in a period, with
unusual access flagged (issue 8).

Every opening of a case file is an audit entry ``clients.case.viewed`` (see
``clients.services.case_viewed``). The review groups the openings of one Kreis by user and case
file and shows no case content: the case number, the case's responsible manager and team, how
often, when (first and last opening, Europe/Berlin local time) and which parts were opened.

Flags of a row (one user, one case file):

``outside``   *outside own caseload*: the opener is neither the case's responsible manager, nor a
              member of the case's team while the case is shared with the team, nor the team lead
              of the case's team. Judged against the **current** state of case and user (the log
              does not keep who was responsible at the time), so a case handed over since the
              opening shows up here too; the reviewer checks. Openings covered by a recorded reason
              (below) do not count here.
``reason``    *with recorded reason*: the county coordination opened the file under a reason it
              recorded (``CaseAccessReason`` valid at the time of the opening). Only that a
              reason exists is shown, never its text (free text that may hold personal data).
``burst``     *many files in a short time*: the user opened more than ``BURST_CASES`` distinct
              case files within some window of ``BURST_MINUTES`` minutes; flagged are the rows of
              the case files opened inside such a window. Only openings within the period count.
``night``     *at night*: at least one opening from ``NIGHT_FROM`` o'clock to before
              ``NIGHT_UNTIL`` o'clock local time.

The thresholds are module constants on purpose (no settings): the review must mean the same in
every county, and a change is a code change with a review.

Cost: one grouped query over the period's openings, one for the case files, one for the users,
and (only when someone opened more than ``BURST_CASES`` files) one ordered scan of the openings
of those users for the sliding window. The number of queries does not grow with the data.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, deque
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import ExtractHour
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wegweiser.accounts.models import User
from wegweiser.accounts.roles import Role
from wegweiser.audit.models import AuditEntry
from wegweiser.clients.models import Case, CaseAccessReason

VIEWED = "clients.case.viewed"
LOCAL_TZ = ZoneInfo("Europe/Berlin")

#: "many files in a short time": more than BURST_CASES distinct case files within BURST_MINUTES.
BURST_CASES = 20
BURST_MINUTES = 60
#: "at night": openings from NIGHT_FROM o'clock to before NIGHT_UNTIL o'clock, local time.
NIGHT_FROM = 22
NIGHT_UNTIL = 6
#: The period shown without a filter: the last DEFAULT_DAYS days including today.
DEFAULT_DAYS = 30
#: The longest period one review covers (bounds the work of one request).
MAX_DAYS = 366

OUTSIDE, REASON, BURST, NIGHT = "outside", "reason", "burst", "night"
FLAGS = (OUTSIDE, REASON, BURST, NIGHT)
FLAG_LABELS = {
    OUTSIDE: _("outside own caseload"),
    REASON: _("with recorded reason"),
    BURST: _("many files in a short time"),
    NIGHT: _("at night"),
}
# KERN badge variant per flag (a recorded reason is information, not a warning).
FLAG_BADGES = {OUTSIDE: "danger", REASON: "info", BURST: "warning", NIGHT: "warning"}

PART_LABELS = {
    "file": _("Case file"),
    "timeline": _("Timeline"),
    "volunteers": _("Volunteers"),
    "plan": _("Integration plan"),
    "plan_pdf": _("Integration plan (PDF)"),
}


def part_label(code: str) -> str:
    if code in PART_LABELS:
        return str(PART_LABELS[code])
    if code.startswith("api"):
        return str(_("Interface (API)"))
    return code or "—"


@dataclass
class Flag:
    code: str

    @property
    def label(self) -> str:
        return str(FLAG_LABELS[self.code])

    @property
    def badge(self) -> str:
        return FLAG_BADGES[self.code]


@dataclass
class ReviewRow:
    """The openings of one case file by one user in the period."""

    actor_id: int | None
    user: str
    case_uuid: object
    case_number: str  # "" when the case no longer exists
    responsible: str
    team: str
    openings: int = 0
    first: dt.datetime | None = None
    last: dt.datetime | None = None
    parts: set[str] = field(default_factory=set)
    night: int = 0
    with_reason: int = 0
    outside: bool = False
    burst: bool = False

    @property
    def flag_codes(self) -> list[str]:
        codes = []
        if self.outside:
            codes.append(OUTSIDE)
        if self.with_reason:
            codes.append(REASON)
        if self.burst:
            codes.append(BURST)
        if self.night:
            codes.append(NIGHT)
        return codes

    @property
    def flags(self) -> list[Flag]:
        return [Flag(code) for code in self.flag_codes]

    @property
    def flagged(self) -> bool:
        return bool(self.flag_codes)

    @property
    def part_labels(self) -> list[str]:
        return sorted(part_label(p) for p in self.parts)


@dataclass
class UserSummary:
    actor_id: int | None
    user: str
    openings: int = 0
    cases: int = 0
    flagged: int = 0  # rows (case files) with at least one flag
    flag_codes: set[str] = field(default_factory=set)
    burst_peak: int = 0  # most distinct files within BURST_MINUTES (0: at most BURST_CASES)

    @property
    def flags(self) -> list[Flag]:
        return [Flag(code) for code in FLAGS if code in self.flag_codes]


@dataclass
class AccessReview:
    since: dt.date
    until: dt.date
    rows: list[ReviewRow]
    users: list[UserSummary]

    @property
    def openings(self) -> int:
        return sum(u.openings for u in self.users)


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate(timezone=LOCAL_TZ)
    return today - dt.timedelta(days=DEFAULT_DAYS - 1), today


def in_caseload(user: User | None, case: Case) -> bool:
    """Whether the case belongs to the user's own caseload (current state of both)."""
    if user is None:
        return False
    if case.responsible_id == user.pk:
        return True
    if not user.team_id or case.team_id != user.team_id:
        return False
    return case.shared_with_team or user.role == Role.TEAM_LEAD


def _bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(since, dt.time.min, tzinfo=LOCAL_TZ)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL_TZ)
    return start, end


def _openings(kreis_id: int, since: dt.date, until: dt.date, actor=None):
    start, end = _bounds(since, until)
    qs = AuditEntry.objects.filter(
        kreis_id=kreis_id, action=VIEWED, at__gte=start, at__lt=end, case_uuid__isnull=False
    )
    if actor is not None:
        qs = qs.filter(actor_id=actor.pk)
    return qs.order_by()  # no default ordering: it would enter the GROUP BY


def access_review(
    *,
    user,
    since: dt.date | None = None,
    until: dt.date | None = None,
    actor: User | None = None,
    only_flagged: bool = False,
) -> AccessReview:
    """The case-file openings of the user's Kreis in the period (local dates, both included)."""
    if not (user.is_authenticated and user.reads_audit_log and user.kreis_id):
        raise PermissionDenied
    default_since, default_until = default_period()
    since = since or default_since
    until = until or default_until
    kreis_id = user.kreis_id
    openings = _openings(kreis_id, since, until, actor)

    # 1. One grouped query: per user, case file and part the counts and times.
    reason = CaseAccessReason.objects.filter(
        kreis_id=OuterRef("kreis_id"),
        user_id=OuterRef("actor_id"),
        case__uuid=OuterRef("case_uuid"),
        created_at__lte=OuterRef("at"),
        valid_until__gt=OuterRef("at"),
    )
    grouped = (
        openings.annotate(
            local_hour=ExtractHour("at", tzinfo=LOCAL_TZ), part=KeyTextTransform("part", "data")
        )
        .values("actor_id", "case_uuid", "part")
        .annotate(
            n=Count("id"),
            first=Min("at"),
            last=Max("at"),
            label=Max("actor_label"),
            night=Count("id", filter=Q(local_hour__gte=NIGHT_FROM) | Q(local_hour__lt=NIGHT_UNTIL)),
            with_reason=Count("id", filter=Q(Exists(reason))),
        )
    )
    # 2. and 3.: the case files and users concerned, each in one query.
    cases = {
        c.uuid: c
        for c in Case.objects.filter(
            kreis_id=kreis_id, uuid__in=openings.values("case_uuid")
        ).select_related("responsible", "team")
    }
    users = {u.pk: u for u in User.objects.filter(pk__in=openings.values("actor_id"))}

    rows: dict[tuple, ReviewRow] = {}
    for g in grouped:
        key = (g["actor_id"], g["case_uuid"])
        row = rows.get(key)
        if row is None:
            opener = users.get(g["actor_id"])
            case = cases.get(g["case_uuid"])
            row = rows[key] = ReviewRow(
                actor_id=g["actor_id"],
                user=opener.display_name if opener else (g["label"] or "—"),
                case_uuid=g["case_uuid"],
                case_number=case.number if case else "",
                responsible=case.responsible.display_name if case else "",
                team=case.team.name if case and case.team_id else "",
                first=g["first"],
                last=g["last"],
            )
            row.outside = case is not None and not in_caseload(opener, case)
        row.openings += g["n"]
        row.first = min(row.first, g["first"])
        row.last = max(row.last, g["last"])
        row.parts.add(g["part"] or "")
        row.night += g["night"]
        row.with_reason += g["with_reason"]
    for row in rows.values():
        # Openings under a recorded reason are the "reason" flag, not "outside own caseload".
        row.outside = row.outside and row.openings > row.with_reason

    summaries: dict[int | None, UserSummary] = {}
    for row in rows.values():
        s = summaries.setdefault(row.actor_id, UserSummary(actor_id=row.actor_id, user=row.user))
        s.openings += row.openings
        s.cases += 1

    # 4. Many files in a short time: a sliding window over the openings of the users concerned.
    candidates = [s.actor_id for s in summaries.values() if s.cases > BURST_CASES]
    if candidates:
        peaks, burst_cases = _bursts(openings.filter(actor_id__in=candidates))
        for actor_id, peak in peaks.items():
            summaries[actor_id].burst_peak = peak
        for key in burst_cases:
            rows[key].burst = True

    for row in rows.values():
        if row.flagged:
            s = summaries[row.actor_id]
            s.flagged += 1
            s.flag_codes.update(row.flag_codes)
    row_list = sorted(rows.values(), key=lambda r: (r.user.lower(), r.actor_id or 0, r.first))
    user_list = sorted(
        summaries.values(), key=lambda s: (-s.flagged, s.user.lower(), s.actor_id or 0)
    )
    if only_flagged:
        row_list = [r for r in row_list if r.flagged]
        user_list = [s for s in user_list if s.flagged]
    return AccessReview(since=since, until=until, rows=row_list, users=user_list)


def _bursts(openings) -> tuple[dict[int, int], set[tuple]]:
    """Per user the most distinct case files opened within ``BURST_MINUTES`` (only where it is
    more than ``BURST_CASES``), and the (user, case) pairs opened inside such a window."""
    span = dt.timedelta(minutes=BURST_MINUTES)
    peaks: dict[int, int] = {}
    flagged: set[tuple] = set()
    actor = object()
    window: deque = deque()
    counts: Counter = Counter()
    rows = openings.order_by("actor_id", "at", "id").values_list("actor_id", "case_uuid", "at")
    for actor_id, case_uuid, at in rows.iterator(chunk_size=5000):
        if actor_id != actor:
            actor, window, counts = actor_id, deque(), Counter()
        window.append((at, case_uuid))
        counts[case_uuid] += 1
        while at - window[0][0] >= span:
            _old_at, old_case = window.popleft()
            counts[old_case] -= 1
            if not counts[old_case]:
                del counts[old_case]
        if len(counts) > BURST_CASES:
            peaks[actor_id] = max(peaks.get(actor_id, 0), len(counts))
            flagged.update((actor_id, c) for c in counts)
    return peaks, flagged
