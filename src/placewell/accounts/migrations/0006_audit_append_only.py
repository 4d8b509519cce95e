"""A database trigger that refuses UPDATE and DELETE on the audit log, on SQLite and PostgreSQL.

The model refuses them too, but raw SQL and ``_base_manager`` went past it. Reversing drops the trigger.
"""

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    from placewell.accounts import audit_chain

    for sql in audit_chain.trigger_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql, params=None)


def remove(apps: Any, schema_editor: Any) -> None:
    from placewell.accounts import audit_chain

    for sql in audit_chain.trigger_sql(schema_editor.connection.vendor, drop=True):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_audit_scrub_and_chain"),
    ]

    operations = [
        migrations.RunPython(install, remove, elidable=False),
    ]
