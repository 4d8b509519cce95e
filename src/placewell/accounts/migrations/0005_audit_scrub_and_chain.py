"""Remove personal data that earlier versions kept in the audit log, then chain every event already there.

Both run before the append-only trigger (0006) exists; see accounts.audit_scrub.
"""

from typing import Any

from django.db import migrations


def forwards(apps: Any, schema_editor: Any) -> None:
    from placewell.accounts import audit_scrub

    event = apps.get_model("accounts", "AuditEvent")
    audit_scrub.scrub(event)
    audit_scrub.backfill(event, apps.get_model("accounts", "AuditChainHead"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_audit_chain"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
