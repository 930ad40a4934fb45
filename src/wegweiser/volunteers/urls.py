from django.urls import path

from wegweiser.volunteers import views, views_groups, views_portal, views_tandems, views_training

app_name = "volunteers"

urlpatterns = [
    path("", views.volunteer_list, name="volunteer_list"),
    path("neu/", views.volunteer_create, name="volunteer_create"),
    path("<uuid:uuid>/", views.volunteer_detail, name="volunteer_detail"),
    path("<uuid:uuid>/bearbeiten/", views.volunteer_update, name="volunteer_update"),
    path("<uuid:uuid>/status/", views.volunteer_status, name="volunteer_status"),
    path("<uuid:uuid>/nachweise/neu/", views.check_create, name="check_create"),
    path(
        "<uuid:uuid>/qualifizierungen/neu/",
        views.qualification_create,
        name="qualification_create",
    ),
    # Tandems and support requests from the case's side; the coordination's list
    path("fall/<uuid:uuid>/", views_tandems.case_volunteering, name="case_volunteering"),
    path("fall/<uuid:uuid>/tandem/neu/", views_tandems.tandem_create, name="tandem_create"),
    path(
        "fall/<uuid:uuid>/anfrage/neu/",
        views_tandems.support_request_create,
        name="support_request_create",
    ),
    path("tandems/<uuid:uuid>/teilen/", views_tandems.tandem_update, name="tandem_update"),
    path("tandems/<uuid:uuid>/beenden/", views_tandems.tandem_end, name="tandem_end"),
    path("anfragen/", views_tandems.support_request_list, name="support_request_list"),
    path(
        "anfragen/<uuid:uuid>/zurueckziehen/",
        views_tandems.support_request_cancel,
        name="support_request_cancel",
    ),
    # The volunteer's own pages
    path("mein/", views_portal.portal, name="portal"),
    path("mein/tandems/<uuid:uuid>/", views_portal.portal_tandem, name="portal_tandem"),
    path("mein/anfragen/<uuid:uuid>/", views_portal.portal_request, name="portal_request"),
    path(
        "mein/anfragen/<uuid:uuid>/uebernehmen/",
        views_portal.portal_request_take,
        name="portal_request_take",
    ),
    path(
        "mein/anfragen/<uuid:uuid>/zurueckgeben/",
        views_portal.portal_request_release,
        name="portal_request_release",
    ),
    path(
        "mein/anfragen/<uuid:uuid>/erledigt/",
        views_portal.portal_request_done,
        name="portal_request_done",
    ),
    path(
        "mein/stunden/<uuid:uuid>/stornieren/",
        views_portal.activity_cancel,
        name="activity_cancel",
    ),
    # Mentoring groups (NesT): the coordination's pages, linking the family, the member's page
    path("gruppen/", views_groups.group_list, name="group_list"),
    path("gruppen/neu/", views_groups.group_create, name="group_create"),
    path("gruppen/<uuid:uuid>/", views_groups.group_detail, name="group_detail"),
    path("gruppen/<uuid:uuid>/bearbeiten/", views_groups.group_update, name="group_update"),
    path(
        "gruppen/<uuid:uuid>/mitglieder/neu/",
        views_groups.group_member_add,
        name="group_member_add",
    ),
    path(
        "gruppen/<uuid:uuid>/mitglieder/<uuid:member_uuid>/austritt/",
        views_groups.group_member_remove,
        name="group_member_remove",
    ),
    path(
        "gruppen/<uuid:uuid>/zusagen/neu/",
        views_groups.group_commitment_add,
        name="group_commitment_add",
    ),
    path("gruppen/<uuid:uuid>/start/", views_groups.group_start, name="group_start"),
    path("gruppen/<uuid:uuid>/ende/", views_groups.group_end, name="group_end"),
    path("gruppen/<uuid:uuid>/familie/", views_groups.group_family, name="group_family"),
    path("mein/gruppen/<uuid:uuid>/", views_groups.portal_group, name="portal_group"),
    # Training events (Qualifizierung): the coordination's pages, certificates, the volunteer's
    path("fortbildungen/", views_training.training_event_list, name="training_event_list"),
    path("fortbildungen/neu/", views_training.training_event_create, name="training_event_create"),
    path(
        "fortbildungen/<uuid:uuid>/",
        views_training.training_event_detail,
        name="training_event_detail",
    ),
    path(
        "fortbildungen/<uuid:uuid>/bearbeiten/",
        views_training.training_event_update,
        name="training_event_update",
    ),
    path(
        "fortbildungen/<uuid:uuid>/absagen/",
        views_training.training_event_cancel,
        name="training_event_cancel",
    ),
    path(
        "fortbildungen/<uuid:uuid>/anmelden/",
        views_training.training_registration_create,
        name="training_registration_create",
    ),
    path(
        "fortbildungen/<uuid:uuid>/teilnahme/",
        views_training.training_attendance,
        name="training_attendance",
    ),
    path(
        "fortbildungen/anmeldungen/<uuid:uuid>/abmelden/",
        views_training.training_registration_cancel,
        name="training_registration_cancel",
    ),
    path(
        "fortbildungen/anmeldungen/<uuid:uuid>/bescheinigung/",
        views_training.training_certificate,
        name="training_certificate",
    ),
    path(
        "<uuid:uuid>/qualifizierungen/<uuid:q_uuid>/nachweis/",
        views_training.qualification_certificate,
        name="qualification_certificate",
    ),
    path(
        "<uuid:uuid>/qualifizierungen/<uuid:q_uuid>/nachweis/datei/",
        views_training.qualification_certificate_download,
        name="qualification_certificate_download",
    ),
    path("mein/fortbildungen/", views_training.my_training, name="my_training"),
    path(
        "mein/fortbildungen/<uuid:uuid>/anmelden/",
        views_training.my_training_register,
        name="my_training_register",
    ),
    path(
        "mein/fortbildungen/<uuid:uuid>/abmelden/",
        views_training.my_training_cancel,
        name="my_training_cancel",
    ),
]
