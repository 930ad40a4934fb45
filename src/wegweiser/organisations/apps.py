from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "wegweiser.organisations"
    label = "organisations"
    verbose_name = "Organisationen"
