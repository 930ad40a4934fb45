from django.urls import path

from wegweiser.transfer import views_import as views

urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("<uuid:uuid>/", views.import_detail, name="import_detail"),
    path("<uuid:uuid>/fortschritt/", views.import_progress, name="import_progress"),
    path("<uuid:uuid>/lesen/", views.import_reread, name="import_reread"),
    path("<uuid:uuid>/zuordnung/", views.import_map, name="import_map"),
    path("<uuid:uuid>/starten/", views.import_start, name="import_start"),
    path("<uuid:uuid>/verwerfen/", views.import_discard, name="import_discard"),
    path("<uuid:uuid>/neu-starten/", views.import_restart, name="import_restart"),
]
