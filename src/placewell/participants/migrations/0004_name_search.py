"""Name search on PostgreSQL: GIN trigram indexes on participants' folded first and last names (the function
and extensions come from the employers migration). SQLite skips it (``connection.vendor``)."""

from django.db import migrations

INDEXES = {
    "participant_given_name_trgm": "given_name",
    "participant_family_name_trgm": "family_name",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON participants_participant "
            f"USING gin (placewell_fold({column}) gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0003_contact_language"),
        ("employers", "0002_name_search"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
