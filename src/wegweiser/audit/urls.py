from django.urls import path

from wegweiser.audit import views, views_review

app_name = "audit"

urlpatterns = [
    path("", views.log, name="log"),
    path("export.csv", views.export, name="export"),
    path("zugriffe/", views_review.access_review_page, name="access_review"),
    path("zugriffe/export.csv", views_review.access_review_csv, name="access_review_csv"),
    path("zugriffe/export.xlsx", views_review.access_review_xlsx, name="access_review_xlsx"),
]
