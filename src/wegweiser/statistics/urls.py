from django.urls import path, re_path

from wegweiser.statistics import urls_dashboard, urls_report, views_outcomes, views_volunteers

app_name = "statistics"

urlpatterns = [
    *urls_dashboard.urlpatterns,
    *urls_report.urlpatterns,
    path("wirkung/", views_outcomes.outcomes_page, name="outcomes"),
    path("ehrenamt/", views_volunteers.volunteers_page, name="volunteers"),
    re_path(
        rf"^ehrenamt/{urls_dashboard.EXPORT}$",
        views_volunteers.volunteers_export,
        name="volunteers_export",
    ),
]
