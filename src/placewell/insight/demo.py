"""The demo's two services made to differ the way the Health-led Trials' two sites did (seed 001, MI figures
and section 3.3), so the MI dashboards and evidence show it:

- Steps into Work (WMCA-like): small caseloads focused on people out of work, with frequent, shorter
  contacts (WMCA: about 14 contacts per person, about 8 of them over 15 minutes);
- Brightpath IPS (SCR-like): larger caseloads mixing people in and out of work, with fewer, longer contacts
  (SCR: about 10 contacts per person, nearly all over 15 minutes).

The contact pattern and the out-of-work focus come from the casework and participant demo steps. This step,
run after them, adds two specialists to Steps into Work's City team and shares its open caseload among all
four through the real transfer action, so its caseload per specialist is about half of Brightpath's.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from django.db import transaction

from placewell.accounts import services as accounts
from placewell.accounts.models import Role, Team, User
from placewell.casework.services_support import transfer
from placewell.participants.models import Participant, Status

NEW_STAFF = (("gita", "Gita", "Sharma"), ("hal", "Hal", "Morgan"))


def sharpen_service_difference(rng: random.Random, progress: Callable[[str], None]) -> None:
    from placewell.web.demo import DEMO_PASSWORD

    team = Team.objects.filter(service__name="Steps into Work", name="City").first()
    if team is None or User.objects.filter(username=NEW_STAFF[0][0]).exists():
        return
    with transaction.atomic():
        for username, first, last in NEW_STAFF:
            accounts.create_staff(
                by=None,
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.placewell.invalid",
                role=Role.SPECIALIST,
                team=team,
            )
        staff = list(User.objects.filter(team=team, role=Role.SPECIALIST).order_by("pk"))
        by = staff[0]
        people = list(
            Participant.objects.filter(team=team, status__in=[Status.ACTIVE, Status.IN_WORK])
            .select_related("specialist", "team")
            .order_by("pk")
        )
        moved = 0
        for i, p in enumerate(people):
            to = staff[i % len(staff)]
            if p.specialist_id != to.pk:
                transfer(by=by, participants=[p], to_specialist=to, reason="Demo: sharing the City caseload")
                moved += 1
    progress(f"Steps into Work: two more specialists, {moved} participants transferred to share the caseload")
