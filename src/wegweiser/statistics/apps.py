from django.apps import AppConfig


class StatisticsConfig(AppConfig):
    name = "wegweiser.statistics"
    label = "statistics"
    verbose_name = "Kennzahlen"

    def ready(self):
        from django.core.signals import request_finished

        from wegweiser.statistics.figures import hand_over_refreshes

        request_finished.connect(hand_over_refreshes, dispatch_uid="figures-refresh")
