"""URLs of the dashboards (figures of a unit and period, charts, table exports).

Units are named by their public reference: ``team/<uuid>/``, ``traeger/<uuid>/`` (provider),
``person/<uuid>/`` (integration manager) and ``kreis/<AGS>/`` (a county, for the state); the
reference is checked in the view (unknown or not visible: 404)."""

from django.urls import path, re_path

from wegweiser.statistics import views_dashboard as views

UNIT = r"(?P<kind>team|traeger|person|kreis)/(?P<ref>[0-9A-Za-z-]{1,40})"
EXPORT = r"export/(?P<table>[a-z_]{1,30})\.(?P<fmt>[a-z]{1,5})"

urlpatterns: list = [
    path("", views.dashboard, name="dashboard"),
    re_path(rf"^{EXPORT}$", views.dashboard_export, name="dashboard_export"),
    re_path(rf"^{UNIT}/$", views.dashboard_unit, name="dashboard_unit"),
    re_path(rf"^{UNIT}/{EXPORT}$", views.dashboard_unit_export, name="dashboard_unit_export"),
]
