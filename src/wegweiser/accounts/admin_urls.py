from django.urls import path

from wegweiser.accounts import views

app_name = "accounts_admin"

urlpatterns = [
    path("benutzer/", views.user_list, name="user_list"),
    path("benutzer/neu/", views.user_create, name="user_create"),
    path("benutzer/<uuid:uuid>/", views.user_update, name="user_update"),
    path("benutzer/<uuid:uuid>/deaktivieren/", views.user_deactivate, name="user_deactivate"),
    path("benutzer/<uuid:uuid>/reaktivieren/", views.user_reactivate, name="user_reactivate"),
]
