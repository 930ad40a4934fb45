from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "wegweiser.funding"
    label = "funding"
    verbose_name = "Förderung"
