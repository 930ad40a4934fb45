"""The single-column indexes of ``actor_id`` and ``kreis_id`` repeated the first column of the
indexes (actor, at) and (kreis, at): every lookup by actor or county uses those. The audit log
is the table written most often (an entry for every case file opened), and each index is one
more write per entry; two of its ten go.

Only the indexes are dropped (``DROP INDEX``, at once on PostgreSQL and SQLite); the state
records ``db_index=False`` on both foreign keys. Django's own operation would rebuild the whole
table on SQLite, twice."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEXES = ("audit_auditentry_actor_id_8ab278be", "audit_auditentry_kreis_id_c891e111")


def drop(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create(apps, schema_editor):
    for name, column in zip(INDEXES, ("actor_id", "kreis_id"), strict=True):
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "audit_auditentry" ("{column}")'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_trigger"),
        ("organisations", "0003_unique_per_county"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop, create)],
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="auditentry",
                    name="kreis",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="organisations.kreis",
                    ),
                ),
            ],
        )
    ]
