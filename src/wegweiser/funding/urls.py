from django.urls import path

from wegweiser.funding import urls_authority, urls_county, views

app_name = "funding"

urlpatterns = [
    path("", views.home, name="home"),
    *urls_authority.urlpatterns,
    *urls_county.urlpatterns,
]
