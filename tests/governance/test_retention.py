"""Retention and the purge: a dry run changes nothing; the purge is idempotent."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from placewell.accounts.models import AuditEvent
from placewell.casework.models import Contact
from placewell.governance import retention, services
from placewell.participants import services as ps
from placewell.participants.models import Participant, Status
from tests.casework.conftest import supported


def _closed(world, **kw):  # type: ignore[no-untyped-def]
    p = supported(world, started=timezone.localdate() - dt.timedelta(days=30), **kw)
    return ps.close(by=world.alice, participant=p, reason="Support finished")


def _snapshot() -> list[tuple[object, ...]]:
    return list(Participant.objects.order_by("pk").values_list("pk", "status", "given_name", "nhs_number"))


def test_default_is_three_years_after_support_ends(world) -> None:  # type: ignore[no-untyped-def]
    p = _closed(world)
    today = timezone.localdate()
    assert retention.review(retention.add_years(today, 3) - dt.timedelta(days=1)).due == []
    due = retention.review(retention.add_years(today, 3)).due
    assert [r.participant_id for r in due] == [p.pk] and due[0].years == 3


def test_dry_run_reports_and_changes_nothing(world) -> None:  # type: ignore[no-untyped-def]
    p = _closed(world)
    _open = supported(world)
    before, events = _snapshot(), AuditEvent.objects.count()
    out = io.StringIO()
    as_of = retention.add_years(timezone.localdate(), 4).isoformat()
    call_command("purge_expired", "--as-of", as_of, stdout=out)
    assert _snapshot() == before and AuditEvent.objects.count() == events
    text = out.getvalue()
    assert "Dry run: nothing changed. 1 records would be anonymised" in text and p.reference in text


def test_purge_anonymises_once_and_is_idempotent(world) -> None:  # type: ignore[no-untyped-def]
    p = _closed(world, given_name="Pat")
    keep = supported(world, given_name="Kit")
    later = retention.add_years(timezone.localdate(), 4)
    first = services.purge_expired(by=None, apply=True, today=later, actor_label="test")
    assert first.anonymised == [p.pk]
    p.refresh_from_db()
    assert (
        p.status == Status.ERASED
        and p.given_name == ""
        and not Contact.objects.filter(participant=p).exists()
    )
    keep.refresh_from_db()
    assert keep.given_name == "Kit" and keep.status == Status.ACTIVE
    snapshot, events = _snapshot(), AuditEvent.objects.filter(action="erase").count()
    second = services.purge_expired(by=None, apply=True, today=later, actor_label="test")
    assert second.anonymised == [] and second.review.due == []
    assert _snapshot() == snapshot
    assert AuditEvent.objects.filter(action="erase").count() == events + 1  # only the run's own summary
    summary = AuditEvent.objects.filter(record_type="retention_purge").order_by("id").first()
    assert summary.changes["ids"] == [p.pk]


def test_a_longer_period_for_a_service_delays_the_purge(world) -> None:  # type: ignore[no-untyped-def]
    _closed(world)
    services.set_retention_period(by=None, service=world.service, years=6, reason="Longer agreement")
    assert retention.review(retention.add_years(timezone.localdate(), 4)).due == []
    assert len(retention.review(retention.add_years(timezone.localdate(), 6)).due) == 1
    assert AuditEvent.objects.filter(record_type="retention_policy").exists()


def test_a_trial_still_recruiting_holds_its_records(world) -> None:  # type: ignore[no-untyped-def]
    from placewell.trials import services as ts
    from tests.trials.helpers import agreed, make_trial

    trial = make_trial(world)
    p = agreed(world)
    ts.randomise(by=world.alice, trial=trial, participant=p)
    ps.start_support(by=world.alice, participant=p)
    ps.close(by=world.alice, participant=p, reason="Support finished")
    later = retention.add_years(timezone.localdate(), 4)
    review = retention.review(later)
    assert review.due == [] and review.held_by_open_trials == 1
    ts.close_recruitment(by=world.mandy, trial=trial)
    assert [r.participant_id for r in retention.review(later).due] == [p.pk]
