"""The home page as a worklist: alerts grouped by kind, each with the action that clears it, promises due,
and the team's alerts by specialist.

A specialist starts the day with: who am I seeing today, who has not heard from me for too long, what did I
promise (``docs``: the persona in USERS.md). Alerts come from ``casework.alerts`` (one rule each, explained
once per group), minus those snoozed with a reason (``services_notes.snooze_alert``); promises are the open
steps of action plans that the specialist owns (alone or with the person), due within the next week or late.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from placewell.accounts.models import User
from placewell.casework import alerts
from placewell.casework.choices import Owner
from placewell.casework.models import Step

# The order groups appear in when equally urgent, and the action that clears each kind of alert.
KIND_ORDER: tuple[str, ...] = (
    "outreach",
    "not_told",
    "pre_employment_limit",
    "in_work_limit",
    "rapid_job_search",
    "no_contact",
)
HEADINGS = {
    "outreach": "No contact for 28 days or more",
    "no_contact": "No contact for 14 days or more",
    "rapid_job_search": "No face-to-face employer contact within 30 days",
    "pre_employment_limit": "Pre-employment support limit",
    "in_work_limit": "In-work support limit",
    "not_told": "Closed without a record that they were told",
}
ACTIONS = {
    "outreach": ("Record a contact", "casework:contacts", "#quick-contact"),
    "no_contact": ("Record a contact", "casework:contacts", "#quick-contact"),
    "rapid_job_search": ("Find employers and jobs", "employers:matches", ""),
    "pre_employment_limit": ("Plan the ending", "casework:plan", ""),
    "in_work_limit": ("Plan the ending", "casework:plan", ""),
    "not_told": ("Record that they were told", "casework:ending", ""),
}
SHOWN_PER_GROUP = 3
PROMISE_HORIZON_DAYS = 7


def register_kind(rule: str, heading: str, action: tuple[str, str, str]) -> None:
    """Give a kind of alert another app adds (``alerts.register_source``) its heading and clearing action:
    (label, URL name taking the participant's id, anchor). It is listed after the built-in kinds."""
    global KIND_ORDER
    HEADINGS[rule] = heading
    ACTIONS[rule] = action
    if rule not in KIND_ORDER:
        KIND_ORDER = (*KIND_ORDER, rule)


@dataclass(frozen=True)
class Item:
    alert: alerts.Alert
    action_label: str
    action_url: str

    @property
    def brief(self) -> str:
        """The alert in a few words, for a list under a heading that already names the rule."""
        a = self.alert
        if a.rule in {"outreach", "no_contact"} and a.due is not None:
            days = (timezone.localdate() - a.due).days
            return f"{days} days without contact"
        if a.rule == "rapid_job_search" and a.due is not None:
            return f"was due by {a.due.day} {a.due:%b %Y}"
        return a.title


@dataclass
class AlertGroup:
    rule: str
    heading: str
    rule_text: str
    items: list[Item] = field(default_factory=list)

    @property
    def urgent(self) -> int:
        return sum(i.alert.urgent for i in self.items)

    @property
    def first(self) -> list[Item]:
        return self.items[:SHOWN_PER_GROUP]

    @property
    def more(self) -> list[Item]:
        return self.items[SHOWN_PER_GROUP:]


def action_for(alert: alerts.Alert) -> tuple[str, str]:
    label, name, anchor = ACTIONS[alert.rule]
    return label, reverse(name, args=[alert.participant.pk]) + anchor


def without_snoozed(found: Sequence[alerts.Alert], snoozed: set[tuple[int, str]]) -> list[alerts.Alert]:
    return [a for a in found if (a.participant.pk, a.rule) not in snoozed]


def group(found: Sequence[alerts.Alert]) -> list[AlertGroup]:
    """Alerts by kind, most urgent kind first; within a kind, the order ``alerts_for`` gave (urgent, due)."""
    groups: dict[str, AlertGroup] = {}
    for a in found:
        g = groups.setdefault(a.rule, AlertGroup(a.rule, HEADINGS[a.rule], alerts.RULES[a.rule]))
        g.items.append(Item(a, *action_for(a)))
    return sorted(groups.values(), key=lambda g: (-g.urgent, KIND_ORDER.index(g.rule)))


@dataclass(frozen=True)
class SpecialistAlerts:
    """One row of the team leader's table: a specialist's alerts by kind."""

    specialist: User
    urgent: int
    total: int
    by_kind: dict[str, int]

    @property
    def kinds(self) -> list[tuple[str, int]]:
        return [(HEADINGS[k], self.by_kind[k]) for k in KIND_ORDER if self.by_kind.get(k)]


def by_specialist(staff: Sequence[User], found: Sequence[alerts.Alert]) -> list[SpecialistAlerts]:
    """Each specialist's alert counts, those with the most urgent alerts first (ties by name)."""
    counts: dict[int, dict[str, int]] = {s.pk: {} for s in staff}
    urgent: dict[int, int] = {s.pk: 0 for s in staff}
    for a in found:
        sid = a.participant.specialist_id
        if sid not in counts:
            continue
        counts[sid][a.rule] = counts[sid].get(a.rule, 0) + 1
        urgent[sid] += a.urgent
    rows = [SpecialistAlerts(s, urgent[s.pk], sum(counts[s.pk].values()), counts[s.pk]) for s in staff]
    return sorted(rows, key=lambda r: (-r.urgent, -r.total, str(r.specialist)))


def promises(specialist: User, today: dt.date | None = None) -> list[Step]:
    """Open plan steps the specialist owns (alone or with the person) due within a week, or late. One query."""
    today = today or timezone.localdate()
    return list(
        Step.objects.filter(
            goal__participant__specialist=specialist,
            goal__participant__status__in=alerts.OPEN_STATUSES,
            goal__status="open",
            owner__in=[Owner.SPECIALIST, Owner.TOGETHER],
            done_on__isnull=True,
            due_on__lte=today + dt.timedelta(days=PROMISE_HORIZON_DAYS),
        )
        .select_related("goal__participant")
        .order_by("due_on", "id")[:20]
    )
