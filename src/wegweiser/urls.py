from django.urls import include, path

from wegweiser.api.api import api
from wegweiser.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("konto/", include("wegweiser.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("verwaltung/", include("wegweiser.accounts.admin_urls")),
    path("protokoll/", include("wegweiser.audit.urls")),
    path("", include("wegweiser.clients.urls")),
    path("", include("wegweiser.counselling.urls")),
    path("angebote/", include("wegweiser.directory.urls")),
    path("kennzahlen/", include("wegweiser.statistics.urls")),
    path("foerderung/", include("wegweiser.funding.urls")),
    path("ehrenamt/", include("wegweiser.volunteers.urls")),
    path("datenschutz/", include("wegweiser.dataprotection.urls")),
    path("datenuebernahme/", include("wegweiser.transfer.urls")),
    path("", include("wegweiser.plans.urls")),
    path("", include("wegweiser.referrals.urls")),
    path("", include("wegweiser.core.urls")),
]

handler404 = "wegweiser.core.views.not_found"
handler403 = "wegweiser.core.views.forbidden"
