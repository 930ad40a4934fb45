from django.urls import path

from wegweiser.transfer import views_export as views

urlpatterns = [
    path("", views.export_home, name="export_home"),
    path("<uuid:uuid>/", views.export_detail, name="export_detail"),
    path("<uuid:uuid>/fortschritt/", views.export_progress, name="export_progress"),
    path("<uuid:uuid>/herunterladen/", views.export_download, name="export_download"),
]
