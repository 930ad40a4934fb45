from django.urls import path

from wegweiser.statistics import urls_dashboard, urls_report, views_outcomes

app_name = "statistics"

urlpatterns = [
    *urls_dashboard.urlpatterns,
    *urls_report.urlpatterns,
    path("wirkung/", views_outcomes.outcomes_page, name="outcomes"),
]
