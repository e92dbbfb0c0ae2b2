"""The table of the database cache (settings.CACHES with MOTCUA_CACHE=database).

Created by a migration rather than by `createcachetable` so every path that migrates
(`make migrate`, installs, upgrades, CI, the test database) has it without an extra step, and
created whatever cache is configured today, so switching MOTCUA_CACHE later needs nothing.
The DDL is Django's own (createcachetable's), which skips a table that already exists.
"""

from django.core.management.commands import createcachetable
from django.db import migrations

CACHE_TABLE = "motcua_cache"


def create_cache_table(apps, schema_editor):
    command = createcachetable.Command()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, CACHE_TABLE, dry_run=False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
