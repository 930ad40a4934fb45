from django.urls import path

from wegweiser.referrals import views

app_name = "referrals"

urlpatterns = [
    path("faelle/<uuid:uuid>/verweisungen/", views.referral_list, name="referral_list"),
    path("faelle/<uuid:uuid>/verweisungen/neu/", views.referral_create, name="referral_create"),
    path(
        "gespraeche/<uuid:uuid>/verweisung/",
        views.referral_create_from_session,
        name="referral_create_from_session",
    ),
    path(
        "plan/ziele/<uuid:uuid>/verweisung/",
        views.referral_create_from_goal,
        name="referral_create_from_goal",
    ),
    path("verweisungen/<uuid:uuid>/", views.referral_update, name="referral_update"),
    path("verweisungen/<uuid:uuid>/abschliessen/", views.referral_close, name="referral_close"),
    path(
        "faelle/<uuid:uuid>/behoerdenkontakte/neu/",
        views.authority_contact_create,
        name="authority_contact_create",
    ),
    path(
        "behoerdenkontakte/<uuid:uuid>/",
        views.authority_contact_update,
        name="authority_contact_update",
    ),
]
