"""The person's names on the case, for the case list's order, kept by the database.

The case list sorts a team's open cases (often 2,000 and more, shared in the team) by the
person's name in Latin script and shows 50. With the names only on the person, PostgreSQL looked
up every one of those persons by primary key to sort them (6 of 9 ms for 1,821 cases of profile
S); with the names on the case it sorts the case rows it has read anyway (2.7 ms).

Triggers keep the copy right for every way a case or a name is written (forms, API, import with
bulk inserts, merging, COPY): on inserting a case, on changing its person (``client_id``) and on
a full save (Django writes every column, the copy included), the case takes the names from its
person; when a person's Latin names change, the person's cases take the new ones. The model's
values are never read back: only the database orders by them.
bench/generate.py writes the names with the cases itself and switches the case trigger off while
it loads (COPY of millions of rows, without indexes).
"""

from django.db import migrations, models

POSTGRES_FORWARDS = [
    """
    CREATE OR REPLACE FUNCTION clients_case_sort_name() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        SELECT family_name_latin, given_names_latin
          INTO NEW.sort_family_name, NEW.sort_given_names
          FROM clients_client WHERE id = NEW.client_id;
        RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER clients_case_sort_name
    BEFORE INSERT OR UPDATE OF client_id, sort_family_name, sort_given_names ON clients_case
    FOR EACH ROW EXECUTE FUNCTION clients_case_sort_name()
    """,
    """
    CREATE OR REPLACE FUNCTION clients_client_sort_name() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE clients_case
           SET sort_family_name = NEW.family_name_latin,
               sort_given_names = NEW.given_names_latin
         WHERE client_id = NEW.id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER clients_client_sort_name
    AFTER UPDATE OF family_name_latin, given_names_latin ON clients_client
    FOR EACH ROW
    WHEN (OLD.family_name_latin IS DISTINCT FROM NEW.family_name_latin
          OR OLD.given_names_latin IS DISTINCT FROM NEW.given_names_latin)
    EXECUTE FUNCTION clients_client_sort_name()
    """,
]

POSTGRES_BACKWARDS = [
    "DROP TRIGGER IF EXISTS clients_client_sort_name ON clients_client",
    "DROP FUNCTION IF EXISTS clients_client_sort_name()",
    "DROP TRIGGER IF EXISTS clients_case_sort_name ON clients_case",
    "DROP FUNCTION IF EXISTS clients_case_sort_name()",
]

# SQLite's triggers cannot change the row being written: the case is updated after the write.
# The WHEN clauses make the update a no-op when the copy is already right (no endless chain even
# with recursive triggers switched on).
_CASE_STALE = """
    NEW.sort_family_name IS NOT (SELECT family_name_latin FROM clients_client
                                 WHERE id = NEW.client_id)
    OR NEW.sort_given_names IS NOT (SELECT given_names_latin FROM clients_client
                                    WHERE id = NEW.client_id)
"""
_CASE_COPY = """
    UPDATE clients_case
       SET sort_family_name = (SELECT family_name_latin FROM clients_client
                               WHERE id = NEW.client_id),
           sort_given_names = (SELECT given_names_latin FROM clients_client
                               WHERE id = NEW.client_id)
     WHERE id = NEW.id;
"""

SQLITE_FORWARDS = [
    f"""
    CREATE TRIGGER clients_case_sort_name_insert AFTER INSERT ON clients_case
    FOR EACH ROW WHEN {_CASE_STALE}
    BEGIN {_CASE_COPY} END
    """,
    f"""
    CREATE TRIGGER clients_case_sort_name_update
    AFTER UPDATE OF client_id, sort_family_name, sort_given_names ON clients_case
    FOR EACH ROW WHEN {_CASE_STALE}
    BEGIN {_CASE_COPY} END
    """,
    """
    CREATE TRIGGER clients_client_sort_name
    AFTER UPDATE OF family_name_latin, given_names_latin ON clients_client
    FOR EACH ROW
    WHEN OLD.family_name_latin IS NOT NEW.family_name_latin
         OR OLD.given_names_latin IS NOT NEW.given_names_latin
    BEGIN
        UPDATE clients_case
           SET sort_family_name = NEW.family_name_latin,
               sort_given_names = NEW.given_names_latin
         WHERE client_id = NEW.id;
    END
    """,
]

SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS clients_client_sort_name",
    "DROP TRIGGER IF EXISTS clients_case_sort_name_update",
    "DROP TRIGGER IF EXISTS clients_case_sort_name_insert",
]

# The cases already stored take their person's names (the same statement on both databases).
FILL = """
UPDATE clients_case
   SET sort_family_name = (SELECT family_name_latin FROM clients_client
                           WHERE clients_client.id = clients_case.client_id),
       sort_given_names = (SELECT given_names_latin FROM clients_client
                           WHERE clients_client.id = clients_case.client_id)
"""


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRES_FORWARDS, "sqlite": SQLITE_FORWARDS}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"No triggers for the sort names on {vendor}.")
    for sql in statements:
        schema_editor.execute(sql, params=None)
    schema_editor.execute(FILL, params=None)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRES_BACKWARDS, "sqlite": SQLITE_BACKWARDS}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0006_name_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="sort_family_name",
            field=models.CharField(default="", editable=False, max_length=150),
        ),
        migrations.AddField(
            model_name="case",
            name="sort_given_names",
            field=models.CharField(default="", editable=False, max_length=150),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
