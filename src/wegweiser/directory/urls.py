from django.urls import path

from wegweiser.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.service_list, name="service_list"),
    path("neu/", views.service_create, name="service_create"),
    path("import/", views.directory_import, name="import"),
    path("export/", views.directory_export, name="export"),
    path("uebersicht.pdf", views.services_pdf, name="pdf"),
    path("anbieter/neu/", views.provider_create, name="provider_create"),
    path("anbieter/<uuid:uuid>/bearbeiten/", views.provider_update, name="provider_update"),
    path("<uuid:uuid>/", views.service_detail, name="service_detail"),
    path("<uuid:uuid>/bearbeiten/", views.service_update, name="service_update"),
    path("<uuid:uuid>/deaktivieren/", views.service_deactivate, name="service_deactivate"),
    path("<uuid:uuid>/reaktivieren/", views.service_reactivate, name="service_reactivate"),
    path("<uuid:uuid>/sprechstunden/neu/", views.slot_create, name="slot_create"),
    path("<uuid:uuid>/kurse/neu/", views.course_create, name="course_create"),
    path("sprechstunden/<uuid:uuid>/", views.slot_detail, name="slot_detail"),
    path(
        "sprechstunden/buchungen/<uuid:uuid>/teilnahme/",
        views.booking_outcome,
        name="booking_outcome",
    ),
    path(
        "sprechstunden/buchungen/<uuid:uuid>/absagen/", views.booking_cancel, name="booking_cancel"
    ),
    path("kurse/<uuid:uuid>/", views.course_detail, name="course_detail"),
    path(
        "kurse/<uuid:uuid>/angebote-pruefen/",
        views.course_process_offers,
        name="course_process_offers",
    ),
    path("kurse/anmeldungen/<uuid:uuid>/beenden/", views.enrolment_end, name="enrolment_end"),
    path("kurse/anmeldungen/<uuid:uuid>/antwort/", views.enrolment_answer, name="enrolment_answer"),
    path(
        "kurse/anmeldungen/<uuid:uuid>/anwesenheit/",
        views.enrolment_attendance,
        name="enrolment_attendance",
    ),
    path("faelle/<uuid:uuid>/termine/", views.case_appointments, name="case_appointments"),
    path("faelle/<uuid:uuid>/termine/buchen/", views.case_book_slot, name="case_book_slot"),
    path("faelle/<uuid:uuid>/termine/kurs/", views.case_enrol, name="case_enrol"),
]
