from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "wegweiser.volunteers"
    label = "volunteers"
    verbose_name = "Ehrenamt"
