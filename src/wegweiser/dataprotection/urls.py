from django.urls import path

from wegweiser.dataprotection import views

app_name = "dataprotection"

urlpatterns = [
    path("auskunft/", views.auskunft_find, name="auskunft_find"),
    path("auskunft/<uuid:uuid>/", views.auskunft, name="auskunft"),
    path("einschraenkung/<uuid:uuid>/", views.restriction, name="restriction"),
    path("loeschung/", views.retention, name="retention"),
    path("loeschung/antrag/<uuid:uuid>/", views.erasure_request, name="erasure_request"),
    path("loeschung/entscheiden/", views.retention_decide, name="retention_decide"),
    path("einschraenkung/<uuid:uuid>/aufheben/", views.restriction_lift, name="restriction_lift"),
]
