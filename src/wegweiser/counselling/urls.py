from django.urls import path

from wegweiser.counselling import views

app_name = "counselling"

urlpatterns = [
    path("faelle/<uuid:uuid>/gespraeche/neu/", views.session_create, name="session_create"),
    path("gespraeche/<uuid:uuid>/", views.session_update, name="session_update"),
]
