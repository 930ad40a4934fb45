from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "wegweiser.plans"
    label = "plans"
    verbose_name = "Integrationspläne"
