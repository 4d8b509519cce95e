"""``./run manage verify_audit``: check the audit log's hash chain (accounts.audit_chain)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from placewell.accounts.audit_chain import verify_audit_chain


class Command(BaseCommand):
    help = "Check that no audit event has been changed, removed or reordered; exits non-zero if one has."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_audit_chain()
        if not report.ok:
            raise CommandError(
                f"{report.message} Checked {report.checked:,} events before it. Treat this as a security "
                "incident: restrict access to the database and report it to your data protection officer."
            )
        self.stdout.write(self.style.SUCCESS(report.message))
