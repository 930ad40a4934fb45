from django.apps import AppConfig


class DataprotectionConfig(AppConfig):
    name = "wegweiser.dataprotection"
    label = "dataprotection"
    verbose_name = "Datenschutz"
