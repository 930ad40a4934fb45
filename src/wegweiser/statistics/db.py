"""Where the figures are read: a read replica when one is configured (docs/skalierung.md).

With ``DATABASE_REPLICA_URL`` set, the settings add the database alias ``replica`` (a streaming
replica of the primary). The dashboards, the annual report as it stands, the outcome cohorts,
the volunteer figures and the figures API compute their aggregates there, so that large reports
do not compete with the case work on the primary. Everything else stays on the primary:

- every write (the replica is read-only; nothing here saves a model it read);
- the submissions that freeze figures (the annual report, the proof of use) and what a user
  must see at once after a change (a submitted report, the object a page is about): they call
  the computations with the default ``using`` and read the primary.

A replica is behind by the replication lag (usually below a second): a report shows the data
of that moment.
"""

from __future__ import annotations

from django.conf import settings

REPLICA = "replica"


def reporting_db() -> str:
    """The alias that figure reports read from: ``replica`` when ``DATABASE_REPLICA_URL`` is
    set, else ``default`` (setting ``WEGWEISER_REPORTING_DATABASE``)."""
    return settings.WEGWEISER_REPORTING_DATABASE
