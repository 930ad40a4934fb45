from django.urls import path

from wegweiser.volunteers import views

app_name = "volunteers"

urlpatterns = [
    path("", views.volunteer_list, name="volunteer_list"),
    path("neu/", views.volunteer_create, name="volunteer_create"),
    path("<uuid:uuid>/", views.volunteer_detail, name="volunteer_detail"),
    path("<uuid:uuid>/bearbeiten/", views.volunteer_update, name="volunteer_update"),
    path("<uuid:uuid>/status/", views.volunteer_status, name="volunteer_status"),
    path("<uuid:uuid>/nachweise/neu/", views.check_create, name="check_create"),
    path(
        "<uuid:uuid>/qualifizierungen/neu/",
        views.qualification_create,
        name="qualification_create",
    ),
]
