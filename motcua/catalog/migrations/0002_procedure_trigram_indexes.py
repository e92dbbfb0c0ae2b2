"""Trigram indexes for catalog search on PostgreSQL.

The search matches every query token as a substring of the folded columns (LIKE '%token%'), which
a B-tree cannot serve; pg_trgm's GIN index can. SQLite has no equivalent and scans the (small)
table, so this migration does nothing there.
"""

from django.db import migrations

INDEXES = {
    "catalog_procedure_search_key_trgm": "search_key",
    "catalog_procedure_name_key_trgm": "name_key",
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON catalog_procedure "
            f"USING gin ({column} gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
    ]
