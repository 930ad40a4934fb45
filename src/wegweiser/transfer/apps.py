from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "wegweiser.transfer"
    label = "transfer"
    verbose_name = "Import und Export"
