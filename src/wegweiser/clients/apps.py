from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "wegweiser.clients"
    label = "clients"
    verbose_name = "Klientinnen und Klienten"
