"""Name search on PostgreSQL: the pg_trgm extension, the placewell_fold() function (lower case, no accents,
single spaces) and a GIN trigram index on employers' folded names. SQLite skips all of it: the extension
operation checks the database itself, and the rest checks ``connection.vendor``; there the same functions are
registered from Python on each connection (placewell.ui.namesearch).

The function folds accents with translate() and the two strings of placewell.engine.namematch (written out
here, as a migration must not change when the code does), skipping translate() for names without accents
(the bytes and the characters number the same). It is STRICT and costed at 100 so that PostgreSQL keeps it a
function call and, seeing that working it out for every row is dear, reads the trigram index instead."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FOLD_FROM = (
    "àáâãäåāăąÀÁÂÃÄÅĀĂĄçćĉċčÇĆĈĊČďđĎĐèéêëēĕėęěÈÉÊËĒĔĖĘĚĝğġģĜĞĠĢĥħĤĦìíîïĩīĭįıÌÍÎÏĨĪĬĮİĵĴķĶĺļľŀłĹĻĽĿŁñńņň"
    "ÑŃŅŇòóôõöøōŏőÒÓÔÕÖØŌŎŐŕŗřŔŖŘśŝşšŚŜŞŠţťŧŢŤŦùúûüũūŭůűųÙÚÛÜŨŪŬŮŰŲŵŴýÿŷÝŸŶźżžŹŻŽ\u2019\u2018"
)
FOLD_TO = (
    "aaaaaaaaaaaaaaaaaaccccccccccddddeeeeeeeeeeeeeeeeeegggggggghhhhiiiiiiiiiiiiiiiiiijjkkllllllllllnnnn"
    "nnnnoooooooooooooooooorrrrrrssssssssttttttuuuuuuuuuuuuuuuuuuuuwwyyyyyyzzzzzz''"
)
FOLD_FUNCTION = r"""
CREATE OR REPLACE FUNCTION placewell_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 100 AS $$
    SELECT btrim(regexp_replace(lower(
        CASE WHEN octet_length(value) = char_length(value) THEN value ELSE translate(value, %s, %s) END
    ), '\s+', ' ', 'g'), E' \t\n\r\f\v')
$$
"""
INDEX = (
    "CREATE INDEX IF NOT EXISTS employer_name_trgm ON employers_employer "
    "USING gin (placewell_fold(name) gin_trgm_ops)"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_value
    schema_editor.execute(FOLD_FUNCTION % (quote(FOLD_FROM), quote(FOLD_TO)))
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
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
