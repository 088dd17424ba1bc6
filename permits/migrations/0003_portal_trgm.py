"""Trigram indexes for the public search on PostgreSQL (no-op elsewhere).

Django's icontains runs UPPER(col::text) LIKE UPPER(%s), so the indexes are on that expression.
"""
from django.db import migrations

SEARCH_COLUMNS = [
    ("permits_permititem", "name"), ("permits_permititem", "code"), ("permits_permititem", "legal_basis"),
    ("permits_subitem", "name"), ("permits_subitem", "code"),
    ("permits_handlingitem", "name"), ("permits_handlingitem", "code"),
]


def _index(table, column):
    return f"{table}_{column}_upper_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in SEARCH_COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_index(table, column)}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in SEARCH_COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_index(table, column)}"')


class Migration(migrations.Migration):
    dependencies = [("permits", "0002_staff_profile")]

    operations = [migrations.RunPython(forwards, backwards)]
