"""URLs of a county (programmes open to it, its application, pass-through, proof of use)."""

from django.urls import path

from wegweiser.funding import views_county as views

urlpatterns = [
    path("kreis/", views.county_home, name="county_home"),
    path(
        "kreis/programme/<uuid:uuid>/antrag/",
        views.county_application_form,
        name="county_application_form",
    ),
    path(
        "kreis/antraege/<uuid:uuid>/",
        views.county_application_detail,
        name="county_application_detail",
    ),
    path(
        "kreis/antraege/<uuid:uuid>/einreichen/",
        views.county_application_submit,
        name="county_application_submit",
    ),
    path(
        "kreis/antraege/<uuid:uuid>/weitergabe/",
        views.county_pass_through,
        name="county_pass_through",
    ),
    path(
        "kreis/antraege/<uuid:uuid>/verwendungsnachweis/",
        views.county_proof,
        name="county_proof",
    ),
    path("kreis/dokumente/<uuid:uuid>/", views.county_document, name="county_document"),
]
