"""What casework adds to the participant page and the home page (registered in ``apps.py``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Max, Min, Q, Sum
from django.http import HttpRequest
from django.utils import timezone

from placewell.accounts.models import Role, User
from placewell.accounts.policy import Perm, has_perm
from placewell.casework import alerts, caseload, services, services_notes, worklist
from placewell.casework.models import EndingNotice, Goal, Step
from placewell.casework.views import can_write
from placewell.casework.views_caseload import open_caseload, staff_in_scope, teams_in_scope
from placewell.participants.models import Participant, Status

NOTES_SHOWN = 3


def participant(request: HttpRequest, p: Participant) -> dict[str, Any] | None:
    """Casework summary on the participant page: alerts, profile, recent contacts, plan, transfers."""
    if not has_perm(request.user, Perm.VIEW_PARTICIPANTS):
        return None
    profile = p.profile_versions.aggregate(versions=Max("version"), engaged_at=Min("created_at"))
    contacts = list(p.contacts.select_related("recorded_by")[:5])
    totals = p.contacts.aggregate(
        n=Count("id"),
        minutes=Sum("duration_minutes"),
        long=Count("id", filter=Q(duration_minutes__gt=15)),
    )
    goals = list(Goal.objects.filter(participant=p, status="open").prefetch_related("steps"))
    transfers = list(p.transfers.select_related("from_specialist", "to_specialist", "transferred_by"))
    ending = EndingNotice.objects.filter(participant=p).first() if p.status == Status.CLOSED else None
    notes = list(p.case_notes.select_related("created_by")[:NOTES_SHOWN])
    note_count = p.case_notes.count() if len(notes) == NOTES_SHOWN else len(notes)
    next_step = (
        Step.objects.filter(goal__participant=p, goal__status="open", done_on__isnull=True)
        .order_by(F("due_on").asc(nulls_last=True), "id")
        .first()
    )
    services.record_read(
        by=request.user, participant=p, what="casework summary and case notes", request=request
    )
    snoozed = services_notes.snoozed({"pk": p.pk})
    found = alerts.alerts_for([p])
    if p.status == Status.CLOSED:
        found += alerts.not_told_of_ending(Q(pk=p.pk))
    return {
        "p": p,
        "alerts": [
            worklist.Item(a, *worklist.action_for(a)) for a in worklist.without_snoozed(found, snoozed)
        ],
        "next_step": next_step,
        "notes": notes,
        "note_count": note_count,
        "profile": profile,
        "contacts": contacts,
        "totals": totals,
        "goals": goals,
        "transfers": transfers,
        "ending": ending,
        "can_write": can_write(request, p),
        "can_edit": has_perm(request.user, Perm.EDIT_PARTICIPANT),
        "can_transfer": has_perm(request.user, Perm.TRANSFER) and p.status in caseload.OPEN_STATUSES,
    }


def home(request: HttpRequest) -> dict[str, Any] | None:
    """The worklist on the home page.

    A specialist (or a team leader with a caseload): their alerts grouped by kind, less the snoozed, with the
    plan steps they promised. A team leader: also the team's alerts by specialist. A service manager: each
    team's caseload against target (the unallocated referrals come from the participants app's panel).
    """
    user = request.user
    if not has_perm(user, Perm.VIEW_PARTICIPANTS):
        return None
    today = timezone.localdate()
    if user.role == Role.SERVICE_MANAGER:
        return {"kind": "service", "teams": team_picture(user), "today": today}
    if user.role not in {Role.SPECIALIST, Role.TEAM_LEADER}:
        return None
    team_view = has_perm(user, Perm.VIEW_TEAM_CASELOADS)
    scope = Q(team_id=user.team_id) if team_view else Q(specialist=user)
    people = open_caseload(scope, user)
    found = alerts.alerts_for(people, today)
    found += alerts.not_told_of_ending(scope & Q(specialist__isnull=False), today)
    snoozed = services_notes.snoozed({"team_id": user.team_id} if team_view else {"specialist": user}, today)
    found = worklist.without_snoozed(found, snoozed)
    mine_people = [p for p in people if p.specialist_id == user.pk]
    mine_ids = {p.pk for p in mine_people}
    mine = [a for a in found if a.participant.specialist_id == user.pk]
    in_work = sum(p.status == Status.IN_WORK for p in mine_people)
    target = user.team.service.caseload_target if user.team_id else 20  # type: ignore[union-attr]
    figures = caseload.CaseloadFigures(user, user.fte, target, len(mine_people), in_work)
    context: dict[str, Any] = {
        "kind": "team" if team_view else "specialist",
        "groups": worklist.group(mine),
        "alert_count": len(mine),
        "urgent_count": sum(a.urgent for a in mine),
        "snoozed_count": sum(pid in mine_ids for pid, _ in snoozed),
        "promises": worklist.promises(user, today),
        "figures": figures,
        "today": today,
        "has_caseload": bool(mine_people) or user.role == Role.SPECIALIST,
    }
    if team_view:
        staff = staff_in_scope(user)
        context["team_rows"] = worklist.by_specialist(staff, found)
        context["team_alert_count"] = len(found)
    shown = list({a.participant.pk: a.participant for a in (found if team_view else mine)}.values())
    services.record_list(by=user, participants=shown, what="home page worklist", request=request)
    return context


def team_picture(user: User) -> list[dict[str, Any]]:
    """Each team of the manager's service: specialists, open caseload against target, in work. Two queries."""
    teams = teams_in_scope(user)
    counts = caseload.open_counts(Q(team__in=teams))
    staff = staff_in_scope(user)
    by_team: dict[int, list[User]] = {}
    for s in staff:
        by_team.setdefault(s.team_id, []).append(s)  # type: ignore[arg-type]
    out = []
    for t in teams:
        rows = caseload.figures_for([s for s in by_team.get(t.pk, []) if s.role == Role.SPECIALIST], counts)
        out.append({"team": t, "total": caseload.team_total(rows), "specialists": len(rows)})
    return out
