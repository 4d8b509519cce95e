from django.db import migrations


def forwards(apps, schema_editor):
    from placewell.participants import starter_content

    starter_content.install(apps)


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
