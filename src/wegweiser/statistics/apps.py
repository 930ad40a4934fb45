from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "wegweiser.statistics"
    label = "statistics"
    verbose_name = "Kennzahlen"
