from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "wegweiser.referrals"
    label = "referrals"
    verbose_name = "Verweisungen"
