"""Expected status per role for the URLs of the funding app, merged into tests/test_url_matrix.py
(see tests/directory/url_expectations.py for the building blocks).

The state funding officer administers (programmes of the own Land); the county coordination
applies for its county, the county administration reads along; everyone else 403. Objects of
another Land or county are 404."""

from __future__ import annotations

from tests.matrix import by_role, status  # noqa: F401

AUTHORITY = {"state_officer"}
COUNTY = {"coordinator", "county_admin"}

EXPECTED_COMMON: dict = {"funding:home": by_role(AUTHORITY | COUNTY, ok_status=302)}

# --- the authority (urls_authority) ------------------------------------------------------------
# The state officer of the Land: 200 (a decision on an application that is not submitted, or the
# edit of a published programme, would redirect: the world has a draft programme and a submitted
# application for those); every other role 403; anonymous 302; POST-only actions 405.
_AUTHORITY_PAGES = (
    "programme_list",
    "programme_create",
    "programme_detail",
    "programme_update",
    "frame_review",
    "frame_pdf",
    "frame_xlsx",
    "deadline_extend",
    "status_board",
    "basis_list",
    "basis_upload",
    "basis_reference",
    "basis_detail",
    "application_detail",
    "application_signed_form",
    "application_correction",
    "application_grant",
    "application_refuse",
    "grant_notice_pdf",
    "proof_detail",
    "proof_narrative",
)
_AUTHORITY_POST_ONLY = ("frame_compute", "frame_publish", "payout_paid", "proof_decide")
EXPECTED_AUTHORITY: dict = {
    **{f"funding:{name}": by_role(AUTHORITY) for name in _AUTHORITY_PAGES},
    **{f"funding:{name}": status(405) for name in _AUTHORITY_POST_ONLY},
}


def authority_objects(officer, coordinator, kreis, other_kreis) -> dict:
    """A published programme of the officer's Land with a frame for both counties: the county
    ``kreis`` has applied, been granted (two instalments) and submitted its proof of use with a
    narrative report; ``other_kreis`` has submitted its application (undecided). A draft
    programme with a computed frame and a basis dataset. Built with the services where they
    allow it (test set-up of the authority's pages, also used by tests/funding/test_authority_*)."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from tests.funding.conftest import PDF, make_programme, publish
    from wegweiser.funding import services
    from wegweiser.funding.models import (
        Application,
        ApplicationStatus,
        BasisDataset,
        PassThrough,
        ProofOfUse,
    )

    basis = BasisDataset.objects.create(
        land_id=officer.land_id,
        kind="refugees",
        version=1,
        reference_date=dt.date(2025, 12, 31),
        period_start=dt.date(2025, 1, 1),
        source="Zugangsstatistik 2025",
        values={kreis.ags: "1200", other_kreis.ags: "600"},
        uploaded_by=officer,
    )
    programme = make_programme(officer, name="Integrationsmanagement Matrix")
    programme.basis.set([basis])
    publish(programme, officer, {kreis: Decimal("100000.00"), other_kreis: Decimal("80000.00")})

    def document(name):
        return services.document_store(
            actor=coordinator,
            land_id=officer.land_id,
            kreis_id=kreis.pk,
            name=name,
            content=PDF,
        )

    now = timezone.now()
    granted = Application.objects.create(
        programme=programme,
        kreis=kreis,
        amount=Decimal("90000.00"),
        posts=Decimal("1.5"),
        planned_uses="Zwei Integrationsmanagerinnen",
        signed_form=document("antrag.pdf"),
        status=ApplicationStatus.SUBMITTED,
        submitted_at=now,
        submitted_by=coordinator,
    )
    PassThrough.objects.create(
        kreis=kreis, application=granted, recipient_name="Caritas", planned=Decimal("40000")
    )
    granted = services.application_grant(
        actor=officer, application=granted, version=None, amount=Decimal("90000.00")
    )
    proof = ProofOfUse.objects.create(
        kreis=kreis,
        application=granted,
        spent=Decimal("85000.00"),
        figures={"period": ["2026-01-01", "2026-12-31"], "figures": {"persons": 12}},
        narrative=document("sachbericht.pdf"),
        submitted_at=now,
        submitted_by=coordinator,
    )
    submitted = Application.objects.create(
        programme=programme,
        kreis=other_kreis,
        amount=Decimal("80000.00"),
        planned_uses="Eine Stelle",
        status=ApplicationStatus.SUBMITTED,
        submitted_at=now,
        submitted_by=coordinator,
    )
    draft = make_programme(officer, name="Soforthilfe Matrix", year=2027)
    draft.basis.set([basis])
    services.frame_compute(actor=officer, programme=draft)
    return {
        "basis": basis,
        "programme": programme,
        "draft": draft,
        "granted": granted,
        "submitted": submitted,
        "proof": proof,
    }


def authority_kwargs(world: dict) -> dict:
    users = world["users"]
    kreis = users["alice"].team.organisation.kreis
    other_kreis = users["charlie"].kreis
    objects = authority_objects(users["state_officer"], users["coordinator"], kreis, other_kreis)
    programme = {"uuid": objects["programme"].uuid}
    granted = {"uuid": objects["granted"].uuid}
    submitted = {"uuid": objects["submitted"].uuid}
    proof = {"uuid": objects["proof"].uuid}
    return {
        "funding:programme_detail": programme,
        "funding:programme_update": {"uuid": objects["draft"].uuid},
        "funding:frame_review": {"uuid": objects["draft"].uuid},
        "funding:frame_compute": {"uuid": objects["draft"].uuid},
        "funding:frame_publish": {"uuid": objects["draft"].uuid},
        "funding:frame_pdf": programme,
        "funding:frame_xlsx": programme,
        "funding:deadline_extend": programme,
        "funding:status_board": programme,
        "funding:basis_detail": {"uuid": objects["basis"].uuid},
        "funding:application_detail": granted,
        "funding:application_signed_form": granted,
        "funding:grant_notice_pdf": granted,
        "funding:application_correction": submitted,
        "funding:application_grant": submitted,
        "funding:application_refuse": submitted,
        "funding:payout_paid": {"uuid": objects["granted"].uuid, "number": 1},
        "funding:proof_detail": proof,
        "funding:proof_narrative": proof,
        "funding:proof_decide": proof,
    }


# --- the county (urls_county) ----------------------------------------------------------------
# The county coordination applies and writes, the county administration reads along (403 on the
# pages that write); every other role (the authority included: it has its own pages) 403;
# anonymous 302; the POST-only submission 405. Another county's application is 404
# (tests/funding/test_county_views.py).
COORDINATION = {"coordinator"}
EXPECTED_COUNTY: dict = {
    "funding:county_home": by_role(COUNTY),
    "funding:county_application_form": by_role(COORDINATION),
    "funding:county_application_detail": by_role(COUNTY),
    "funding:county_application_submit": status(405),
    "funding:county_pass_through": by_role(COORDINATION),
    "funding:county_proof": by_role(COORDINATION),
    "funding:county_document": by_role(COUNTY),
}


def county_objects(officer, coordinator, kreis) -> dict:
    """Two published programmes with a frame for ``kreis``: in one the county has a draft (with
    its signed form), in the other its application has been granted (no proof of use yet)."""
    from decimal import Decimal

    from django.utils import timezone

    from tests.funding.conftest import PDF, make_programme, publish
    from wegweiser.funding import services
    from wegweiser.funding.models import Application, ApplicationStatus

    signed = services.document_store(
        actor=coordinator,
        land_id=coordinator.land_id,
        kreis_id=kreis.pk,
        name="antrag.pdf",
        content=PDF,
    )
    open_programme = make_programme(officer, name="Kreis-Matrix offen")
    publish(open_programme, officer, {kreis: Decimal("50000.00")})
    draft = services.application_save(
        actor=coordinator,
        programme=open_programme,
        amount=Decimal("40000.00"),
        posts=Decimal("1"),
        planned_uses="Eine Stelle",
        pass_throughs=[{"organisation": None, "recipient_name": "Caritas", "planned": "1000"}],
        signed_form=signed,
    )
    granted_programme = make_programme(officer, name="Kreis-Matrix bewilligt")
    publish(granted_programme, officer, {kreis: Decimal("60000.00")})
    submitted = Application.objects.create(
        programme=granted_programme,
        kreis=kreis,
        amount=Decimal("60000.00"),
        posts=Decimal("1"),
        planned_uses="Eine Stelle",
        signed_form=signed,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=coordinator,
    )
    granted = services.application_grant(
        actor=officer, application=submitted, version=None, amount=Decimal("60000.00")
    )
    return {"programme": open_programme, "draft": draft, "granted": granted, "document": signed}


def county_kwargs(world: dict) -> dict:
    users = world["users"]
    coordinator = users["coordinator"]
    objects = county_objects(users["state_officer"], coordinator, coordinator.kreis)
    return {
        "funding:county_application_form": {"uuid": objects["programme"].uuid},
        "funding:county_application_detail": {"uuid": objects["granted"].uuid},
        "funding:county_application_submit": {"uuid": objects["draft"].uuid},
        "funding:county_pass_through": {"uuid": objects["granted"].uuid},
        "funding:county_proof": {"uuid": objects["granted"].uuid},
        "funding:county_document": {"uuid": objects["document"].uuid},
    }


EXPECTED = {**EXPECTED_COMMON, **EXPECTED_AUTHORITY, **EXPECTED_COUNTY}


def url_kwargs(world: dict) -> dict:
    return {**authority_kwargs(world), **county_kwargs(world)}
