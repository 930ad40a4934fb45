from django.urls import path

from wegweiser.dataprotection import views

app_name = "dataprotection"

urlpatterns = [
    path("auskunft/", views.auskunft_find, name="auskunft_find"),
    path("auskunft/<uuid:uuid>/", views.auskunft, name="auskunft"),
]
