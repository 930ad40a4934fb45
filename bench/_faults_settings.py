"""Settings of the fault runs (bench/faults.py): the production settings, except that static
files are not collected before each run (``{% static %}`` without the manifest). The runs never
fetch static files; everything that matters for faults (database, transactions, sessions,
security middleware) is the production configuration."""

from wegweiser.settings import *  # noqa: F403
from wegweiser.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
