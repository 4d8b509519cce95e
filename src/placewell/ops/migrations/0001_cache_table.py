"""The database cache's table, made by migrating so every database (the tests' too) has it.

The cache holds state every server process must share, such as the self-referral rate limit, so it is the
database's by default. ``createcachetable`` is Django's own way to make the table; it does nothing when the
table is there already or when the cache is configured to be Redis.
"""

from django.apps.registry import Apps
from django.core.management import call_command
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def make_cache_table(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(make_cache_table, migrations.RunPython.noop, elidable=False)]
