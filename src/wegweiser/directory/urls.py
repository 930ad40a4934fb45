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
]
