"""URLs of the annual report of a county (XLSX/CSV, submission, comparison) and of the
submitted reports for the state."""

from django.urls import path

from wegweiser.statistics import views_report as views

urlpatterns: list = [
    path("jahresbericht/", views.report_list, name="report_list"),
    path("jahresbericht/<int:year>/", views.report_year, name="report_year"),
    path("jahresbericht/<int:year>/bericht.xlsx", views.report_xlsx, name="report_xlsx"),
    path("jahresbericht/<int:year>/bericht.csv", views.report_csv, name="report_csv"),
    path("jahresbericht/<int:year>/einreichen/", views.report_submit, name="report_submit"),
    path("land/jahresberichte/", views.report_state_list, name="report_state_list"),
    path(
        "land/jahresberichte/<str:ags>/<int:year>/",
        views.report_state,
        name="report_state",
    ),
    path(
        "land/jahresberichte/<str:ags>/<int:year>/bericht.xlsx",
        views.report_state_xlsx,
        name="report_state_xlsx",
    ),
    path(
        "land/jahresberichte/<str:ags>/<int:year>/bericht.csv",
        views.report_state_csv,
        name="report_state_csv",
    ),
]
