from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _tune_postgresql(sender, connection, **kwargs):
    """Planner costs for a database that lives in memory or on SSD (every server Wegweiser is
    meant for): with PostgreSQL's default ``random_page_cost = 4`` the planner prefers reading a
    whole table of persons over a few thousand index lookups, e.g. for a team's case list.
    ``WEGWEISER_DB_RANDOM_PAGE_COST`` changes it; empty leaves the server's setting."""
    from django.conf import settings

    value = settings.WEGWEISER_DB_RANDOM_PAGE_COST
    if connection.vendor != "postgresql" or not value:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('random_page_cost', %s, false)", [value])


class CoreConfig(AppConfig):
    name = "wegweiser.core"
    label = "core"
    verbose_name = "Kern"

    def ready(self):
        connection_created.connect(_tune_postgresql, dispatch_uid="wegweiser-tune-postgresql")
