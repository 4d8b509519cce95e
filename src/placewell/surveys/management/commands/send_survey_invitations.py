"""The monthly survey batch: run on the first of each month by the scheduler (cron or a systemd timer).

Issues the month's follow-up invitations, closes fieldwork that has ended, and emails a self-completion link
to each new invitee whose survey mode is online and who gave an email address at baseline. Phone and
face-to-face invitees are left for the survey team's fieldwork list; their mode is respected.
"""

from __future__ import annotations

import datetime as dt
import os
from contextlib import nullcontext
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from placewell.participants.choices import SurveyMode
from placewell.surveys import services
from placewell.surveys.models import ContactAttempt, Invitation


def email_text(service: str, url: str, expires: str) -> str:
    """The email with the link, in the language active when it is called (the person's)."""
    return (
        "\n\n".join(
            [
                _("Hello,"),
                _(
                    "%(service)s would like to ask you some questions about your health and wellbeing. "
                    "It takes about 10 minutes, and your answers help us find out whether the support works."
                )
                % {"service": service},
                _("Open this link to start:") + "\n" + url,
                _(
                    "The link works until %(date)s. You can save your answers and come back to them with the "
                    "same link."
                )
                % {"date": expires}
                + "\n"
                + _("If you do not want to answer, you do not need to do anything."),
            ]
        )
        + "\n"
    )


class Command(BaseCommand):
    help = (
        "Issue this month's survey invitations, close ended fieldwork and email online invitees their links."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD)")
        parser.add_argument(
            "--base-url",
            default=os.environ.get("PLACEWELL_SITE_URL", "http://localhost:8000"),
            help="The site's address, for the links in emails (default: $PLACEWELL_SITE_URL)",
        )
        parser.add_argument("--no-email", action="store_true", help="Issue invitations but send no links")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must be a date written YYYY-MM-DD, not {options['date']!r}") from None
        result = services.issue_monthly_batch(on=on)
        sent = 0
        if not options["no_email"]:
            for invitation in result.issued:
                if invitation.mode == SurveyMode.WEB and invitation.enrolment.email:
                    sent += self._send(invitation, options["base_url"].rstrip("/"))
        self.stdout.write(
            f"Batch {result.batch}: {len(result.issued)} invited, {sent} links emailed, "
            f"{result.closed} closed as non-response, {result.withdrawn} closed after withdrawal"
        )

    def _send(self, invitation: Invitation, base_url: str) -> int:
        try:
            with transaction.atomic():
                link, token = services.create_link(by=None, invitation=invitation)
                participant = invitation.participant
                welsh = participant.contact_language == "cy"
                path = reverse("questionnaire:start", args=[token])
                if welsh:  # the link opens the questionnaire in Welsh (the language link, then the page)
                    path = f"{reverse('language', args=['cy'])}?{urlencode({'next': path})}"
                with translation.override("cy") if welsh else nullcontext():
                    subject = _("Questions from %(service)s") % {"service": participant.service.name}
                    body = email_text(
                        participant.service.name,
                        base_url + path,
                        date_format(timezone.localtime(link.expires_at), "j F Y"),
                    )
                send_mail(
                    subject=subject,
                    message=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[invitation.enrolment.email],
                )
                ContactAttempt.objects.create(
                    invitation=invitation,
                    method=ContactAttempt.Method.EMAIL,
                    outcome=ContactAttempt.Outcome.SENT,
                    at=timezone.now(),
                    notes="Self-completion link emailed by the monthly batch",
                )
        except Exception as exc:
            self.stderr.write(f"Could not email the link for invitation {invitation.pk}: {exc}")
            return 0
        return 1
