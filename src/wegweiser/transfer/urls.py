from django.urls import include, path

from wegweiser.transfer import urls_export, urls_import

app_name = "transfer"

urlpatterns = [
    path("import/", include(urls_import.urlpatterns)),
    path("export/", include(urls_export.urlpatterns)),
]
