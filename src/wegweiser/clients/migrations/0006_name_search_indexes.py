"""Indexes for the name search and the duplicate check on PostgreSQL (SQLite: nothing to do).

- ``clients_block_keys(kreis, birth_year, name_phonetic)``: the phonetic keys of a person's name
  as "<kreis>:<year of birth>:<key>" and "<kreis>:*:<key>" (year empty when unknown), with a GIN
  index over it. The duplicate check looks up keys by county and year of birth, the search keys
  by county (clients.names.phonetic_q): the work grows with the persons found, not with the
  persons of the county.
- a trigram index (pg_trgm) on ``name_tokens`` for the search by the beginning of a name word
  (``LIKE '% mue%'``).
The function must stay IMMUTABLE and its text the same as the index's (the planner matches the
expression of the query with the index's).
SQLite: an index (kreis, birth_year, name_phonetic), from which the duplicate check compares the
keys with LIKE without reading the rows.
"""

from django.db import migrations

FUNCTION_SQL = r"""
CREATE OR REPLACE FUNCTION clients_block_keys(kreis bigint, birth_year smallint, phonetic text)
RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT string_to_array(
    regexp_replace(
        btrim(phonetic),
        '(\S+)',
        kreis::text || ':' || coalesce(birth_year::text, '') || ':\1 ' || kreis::text || ':*:\1',
        'g'
    ),
    ' '
)
$$
"""

FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    FUNCTION_SQL,
    "CREATE INDEX IF NOT EXISTS clients_client_block_keys ON clients_client "
    "USING gin (clients_block_keys(kreis_id, birth_year, name_phonetic))",
    "CREATE INDEX IF NOT EXISTS clients_client_tokens_trgm ON clients_client "
    "USING gin (name_tokens gin_trgm_ops)",
    "ANALYZE clients_client",
]

SQLITE_FORWARDS = [
    "CREATE INDEX IF NOT EXISTS clients_client_year_phonetic ON clients_client "
    "(kreis_id, birth_year, name_phonetic)",
]
SQLITE_BACKWARDS = ["DROP INDEX IF EXISTS clients_client_year_phonetic"]

BACKWARDS = [
    "DROP INDEX IF EXISTS clients_client_tokens_trgm",
    "DROP INDEX IF EXISTS clients_client_block_keys",
    "DROP FUNCTION IF EXISTS clients_block_keys(bigint, smallint, text)",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": FORWARDS, "sqlite": SQLITE_FORWARDS}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": BACKWARDS, "sqlite": SQLITE_BACKWARDS}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [("clients", "0005_unique_per_county")]
    operations = [migrations.RunPython(forwards, backwards)]
