"""Administrators configure services, teams and staff; every change is audited; bad input saves nothing."""

from __future__ import annotations

from placewell.accounts.models import AuditEvent, Team, User


def test_add_staff_with_errors_then_success(client_as, world) -> None:  # type: ignore[no-untyped-def]
    client = client_as("ada")
    bad = client.post(
        "/accounts/staff/new/", {"username": "alice", "password": "short", "role": "specialist", "fte": "2"}
    )
    body = bad.content.decode()
    assert "That user name is taken" in body and "Enter first name" in body
    assert User.objects.count() == 7
    missing_team = client.post(
        "/accounts/staff/new/",
        {
            "username": "zed",
            "password": "a-long-enough-passphrase",
            "first_name": "Zed",
            "last_name": "Jones",
            "email": "zed@example.org",
            "role": "specialist",
            "fte": "1",
        },
    )
    assert "needs a team" in missing_team.content.decode()
    ok = client.post(
        "/accounts/staff/new/",
        {
            "username": "zed",
            "password": "a-long-enough-passphrase",
            "first_name": "Zed",
            "last_name": "Jones",
            "email": "zed@example.org",
            "role": "specialist",
            "team": world.south.pk,
            "fte": "0.6",
        },
    )
    assert ok.status_code == 302
    zed = User.objects.get(username="zed")
    assert zed.service == world.service and str(zed.fte) == "0.60"
    assert AuditEvent.objects.filter(record_type="staff", record_id=str(zed.pk), actor=world.ada).exists()


def test_change_service_settings_and_add_team(client_as, world) -> None:  # type: ignore[no-untyped-def]
    client = client_as("ada")
    form = {
        "name": "Test IPS",
        "model": "ips",
        "pre_employment_limit_months": "",
        "in_work_limit_months": "",
        "caseload_target": "0",
        "response_working_days": "5",
        "public_description": "",
    }
    assert (
        "Caseload target per full-time specialist must be 1 or more"
        in client.post(f"/accounts/services/{world.service.pk}/", form).content.decode()
    )
    form["caseload_target"] = "18"
    assert client.post(f"/accounts/services/{world.service.pk}/", form).status_code == 302
    world.service.refresh_from_db()
    assert (
        world.service.caseload_target == 18
        and world.service.model == "ips"
        and world.service.pre_employment_limit_months is None
    )
    event = AuditEvent.objects.filter(record_type="service", actor=world.ada).latest("id")
    assert event.changes["caseload_target"] == [20, 18]
    assert (
        "already has a team"
        in client.post(
            f"/accounts/services/{world.service.pk}/teams/new/", {"name": "north"}
        ).content.decode()
    )
    client.post(f"/accounts/services/{world.service.pk}/teams/new/", {"name": "East"})
    assert Team.objects.filter(service=world.service, name="East").exists()


def test_audit_log_filters(client_as, world, participant) -> None:  # type: ignore[no-untyped-def]
    client = client_as("alice")
    client.get(f"/participants/{participant.pk}/")
    client = client_as("mandy")
    body = client.get(f"/accounts/audit/?participant={participant.reference}&action=view").content.decode()
    assert "Viewed participant record" in body and "Alice Persona" in body
    assert "1 entries" in body or "entries" in body
    none = client.get("/accounts/audit/?action=erase").content.decode()
    assert "No entries match" in none
