"""Reads of the data protection pages."""

from __future__ import annotations

from dataclasses import dataclass

from wegweiser.dataprotection.models import ErasureProposal


@dataclass(frozen=True)
class ProposalRow:
    """A proposal as the county administration sees it: what is due, never the person's name
    (case numbers and the responsible managers, to ask them)."""

    proposal: ErasureProposal
    case_numbers: list[str]
    responsible: list[str]


def proposals(*, kreis_id: int, status: str) -> list[ProposalRow]:
    from wegweiser.clients.models import Case

    qs = (
        ErasureProposal.objects.filter(kreis_id=kreis_id, status=status)
        .select_related("volunteer", "decided_by")
        .order_by("due_since", "pk")
    )
    rows = list(qs)
    client_ids = [p.client_id for p in rows if p.client_id]
    cases: dict[int, list[Case]] = {}
    for case in (
        Case.objects.filter(kreis_id=kreis_id, client_id__in=client_ids)
        .select_related("responsible")
        .order_by("opened_on", "pk")
    ):
        cases.setdefault(case.client_id, []).append(case)
    return [
        ProposalRow(
            proposal=p,
            case_numbers=[c.number for c in cases.get(p.client_id, [])],
            responsible=sorted({c.responsible.display_name for c in cases.get(p.client_id, [])}),
        )
        for p in rows
    ]
