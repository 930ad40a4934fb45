from django.urls import path

from wegweiser.clients import views, views_duplicates

app_name = "clients"

urlpatterns = [
    path("faelle/", views.case_list, name="case_list"),
    path("klienten/neu/", views.client_create, name="client_create"),
    path("faelle/<uuid:uuid>/", views.case_detail, name="case_detail"),
    path("faelle/<uuid:uuid>/verlauf/", views.case_timeline, name="case_timeline"),
    path("faelle/<uuid:uuid>/person/", views.client_update, name="client_update"),
    path("faelle/<uuid:uuid>/bearbeiten/", views.case_update, name="case_update"),
    path("faelle/<uuid:uuid>/abschliessen/", views.case_close, name="case_close"),
    path("faelle/<uuid:uuid>/einwilligung/", views.consent_create, name="consent_create"),
    path(
        "faelle/<uuid:uuid>/einwilligung/<uuid:consent_uuid>/widerruf/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "faelle/<uuid:uuid>/zusammenfuehren/",
        views_duplicates.case_merge,
        name="case_merge",
    ),
    path("dubletten/", views_duplicates.duplicate_report, name="duplicate_report"),
]
