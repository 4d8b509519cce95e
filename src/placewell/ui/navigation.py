"""The service navigation each role sees, built from the permission policy."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from placewell.accounts.policy import Perm, has_perm


def nav_items(request: HttpRequest) -> list[dict[str, object]]:
    user = request.user
    if not user.is_authenticated:
        return []
    items: list[tuple[str, str]] = [("Home", reverse("home"))]
    if has_perm(user, Perm.VIEW_PARTICIPANTS):
        items.append(("Participants", reverse("participants:list")))
        items.append(("Caseload", reverse("casework:caseload")))
        items.append(("This week", reverse("casework:week")))
        items.append(("Diary", reverse("appointments:diary")))
        items.append(("Employers", reverse("employers:list")))
    if has_perm(user, Perm.REFER):
        items.append(("Refer someone", reverse("participants:refer")))
    if has_perm(user, Perm.VIEW_AUDIT):
        items.append(("Audit log", reverse("accounts:audit")))
    if has_perm(user, Perm.IMPORT_DATA):
        items.append(("Import data", reverse("imports:start")))
    if has_perm(user, Perm.CONFIGURE):
        items.append(("Services", reverse("accounts:services")))
        items.append(("Staff", reverse("accounts:staff")))
    if any(has_perm(user, p) for p in (Perm.RANDOMISE, Perm.MONITOR_TRIALS, Perm.CONFIGURE_TRIALS)):
        items.append(("Trials", reverse("trials:list")))
    if has_perm(user, Perm.VIEW_AGGREGATES) or has_perm(user, Perm.CONFIGURE):
        items.append(("Surveys", reverse("surveys:overview")))
    if has_perm(user, Perm.VIEW_AGGREGATES):
        items.append(("Job outcomes", reverse("placements:outcomes")))
        items.append(("MI dashboard", reverse("insight:dashboard")))
    if has_perm(user, Perm.VIEW_REVIEWS):
        items.append(("Fidelity reviews", reverse("fidelity:list")))
    if has_perm(user, Perm.VIEW_PSEUDONYMISED):
        items.append(("Research extract", reverse("governance:extract")))
    if has_perm(user, Perm.VIEW_JOBS):
        items.append(("Background jobs", reverse("jobs:jobs")))
    elif has_perm(user, Perm.VIEW_SCHEDULES):
        items.append(("Schedules", reverse("jobs:schedules")))
    path = request.path
    out = []
    for label, url in items:
        current = path == url if url == reverse("home") else path.startswith(url)
        out.append({"label": label, "url": url, "current": current})
    return out
