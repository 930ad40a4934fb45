from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wegweiser.accounts"
    label = "accounts"
    verbose_name = "Benutzerkonten"

    def ready(self) -> None:
        from wegweiser.accounts import signals  # noqa: F401
