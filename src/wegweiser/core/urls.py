from django.urls import path

from wegweiser.core import views

app_name = "core"

urlpatterns = [path("", views.desk, name="desk")]
