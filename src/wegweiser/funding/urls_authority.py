"""URLs of the funding authority (programmes, basis data, planning frames, decisions,
payouts, status board). All below ``/foerderung/land/``; objects by their UUID."""

from django.urls import path

from wegweiser.funding import views_authority as views

urlpatterns: list = [
    path("land/programme/", views.programme_list, name="programme_list"),
    path("land/programme/neu/", views.programme_create, name="programme_create"),
    path("land/programme/<uuid:uuid>/", views.programme_detail, name="programme_detail"),
    path("land/programme/<uuid:uuid>/bearbeiten/", views.programme_update, name="programme_update"),
    path("land/programme/<uuid:uuid>/planungsrahmen/", views.frame_review, name="frame_review"),
    path(
        "land/programme/<uuid:uuid>/planungsrahmen/berechnen/",
        views.frame_compute,
        name="frame_compute",
    ),
    path(
        "land/programme/<uuid:uuid>/planungsrahmen/veroeffentlichen/",
        views.frame_publish,
        name="frame_publish",
    ),
    path("land/programme/<uuid:uuid>/planungsrahmen.pdf", views.frame_pdf, name="frame_pdf"),
    path("land/programme/<uuid:uuid>/planungsrahmen.xlsx", views.frame_xlsx, name="frame_xlsx"),
    path(
        "land/programme/<uuid:uuid>/fristverlaengerung/",
        views.deadline_extend,
        name="deadline_extend",
    ),
    path("land/programme/<uuid:uuid>/antraege/", views.status_board, name="status_board"),
    path("land/grunddaten/", views.basis_list, name="basis_list"),
    path("land/grunddaten/hochladen/", views.basis_upload, name="basis_upload"),
    path("land/grunddaten/referenzdaten/", views.basis_reference, name="basis_reference"),
    path("land/grunddaten/<uuid:uuid>/", views.basis_detail, name="basis_detail"),
    path("land/antraege/<uuid:uuid>/", views.application_detail, name="application_detail"),
    path(
        "land/antraege/<uuid:uuid>/antragsformular/",
        views.application_signed_form,
        name="application_signed_form",
    ),
    path(
        "land/antraege/<uuid:uuid>/korrektur/",
        views.application_correction,
        name="application_correction",
    ),
    path(
        "land/antraege/<uuid:uuid>/bewilligen/", views.application_grant, name="application_grant"
    ),
    path(
        "land/antraege/<uuid:uuid>/ablehnen/", views.application_refuse, name="application_refuse"
    ),
    path(
        "land/antraege/<uuid:uuid>/zuwendungsbescheid.pdf",
        views.grant_notice_pdf,
        name="grant_notice_pdf",
    ),
    path(
        "land/antraege/<uuid:uuid>/auszahlungen/<int:number>/bezahlt/",
        views.payout_paid,
        name="payout_paid",
    ),
    path("land/nachweise/<uuid:uuid>/", views.proof_detail, name="proof_detail"),
    path("land/nachweise/<uuid:uuid>/sachbericht/", views.proof_narrative, name="proof_narrative"),
    path("land/nachweise/<uuid:uuid>/entscheiden/", views.proof_decide, name="proof_decide"),
]
