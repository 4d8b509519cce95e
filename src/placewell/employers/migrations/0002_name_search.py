"""Name search on PostgreSQL: the pg_trgm and unaccent extensions, the placewell_fold() function (lower
case, no accents, single spaces) and a GIN trigram index on employers' folded names. SQLite skips all of it:
the extension operations check the database themselves, and the rest checks ``connection.vendor``; there
the same functions are registered from Python on each connection (placewell.ui.namesearch)."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

FOLD_FUNCTION = r"""
CREATE OR REPLACE FUNCTION placewell_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT btrim(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary,
                                                      coalesce(value, ''))), '\s+', ' ', 'g'))
$$
"""
INDEX = (
    "CREATE INDEX IF NOT EXISTS employer_name_trgm ON employers_employer "
    "USING gin (placewell_fold(name) gin_trgm_ops)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FOLD_FUNCTION)
    schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS employer_name_trgm")
    schema_editor.execute("DROP FUNCTION IF EXISTS placewell_fold(text)")


class Migration(migrations.Migration):
    dependencies = [("employers", "0001_initial")]

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
