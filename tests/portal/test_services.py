"""Signing in to "My support": codes and links are single-use, expire, are kept only as hashes, and lock
after 5 wrong codes; unknown, withdrawn and erased people get exactly the answer a known person gets."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from placewell.accounts.models import AuditEvent
from placewell.messaging.models import Message
from placewell.participants import services as ps
from placewell.participants.erasure import ErasureReason
from placewell.portal import services
from placewell.portal.models import AddressLock, SignInToken
from tests.casework.conftest import supported
from tests.portal.conftest import code_in

# The limits the service promises (the sign-in page and messages say them in words).
CODE_MINUTES, LINK_DAYS, MAX_WRONG, LOCK_MINUTES = 10, 7, 5, 15


@pytest.fixture
def rowan(world):  # type: ignore[no-untyped-def]
    return supported(world, started=dt.date(2026, 11, 2), email="rowan@example.org", phone="07700 900123")


def _wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_limits_are_the_promised_ones() -> None:
    assert (services.CODE_MINUTES, services.LINK_DAYS) == (CODE_MINUTES, LINK_DAYS)
    assert (services.MAX_WRONG_CODES, services.LOCK_MINUTES) == (MAX_WRONG, LOCK_MINUTES)
    assert services.IDLE_MINUTES == 30


def test_code_by_email_signs_in_once_and_only_its_hash_is_kept(rowan, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    address = services.request_code("  Rowan@Example.org ")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["rowan@example.org"]
    code = code_in(mailoutbox[0].body)
    token = SignInToken.objects.get()
    assert code not in token.secret_hash and token.address_hash == address
    message = Message.objects.get(template_key="portal_code")
    assert message.status == "sent" and code not in message.body  # the words are replaced once sent
    assert services.check_code(address, code) == rowan
    with pytest.raises(services.WrongCode):
        services.check_code(address, code)  # used once


def test_code_by_text_matches_the_number_however_it_is_written(rowan) -> None:  # type: ignore[no-untyped-def]
    services.request_code("+44 7700 900123")
    message = Message.objects.get(template_key="portal_code")
    assert message.channel == "text" and message.participant == rowan


def test_code_expires_after_ten_minutes(rowan, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    address = services.request_code("rowan@example.org")
    code = code_in(mailoutbox[0].body)
    later = timezone.now() + dt.timedelta(minutes=CODE_MINUTES, seconds=1)
    with time_machine.travel(later), pytest.raises(services.WrongCode):
        services.check_code(address, code)


def test_a_new_code_replaces_the_old_one(rowan, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    address = services.request_code("rowan@example.org")
    first = code_in(mailoutbox[0].body)
    services.request_code("rowan@example.org")
    second = code_in(mailoutbox[1].body)
    if first != second:
        with pytest.raises(services.WrongCode):
            services.check_code(address, first)
    assert services.check_code(address, second) == rowan


def test_five_wrong_codes_lock_the_address_for_fifteen_minutes(rowan, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    address = services.request_code("rowan@example.org")
    code = code_in(mailoutbox[0].body)
    for _ in range(MAX_WRONG - 1):
        with pytest.raises(services.WrongCode):
            services.check_code(address, _wrong(code))
    with pytest.raises(services.Locked):
        services.check_code(address, _wrong(code))
    with pytest.raises(services.Locked):
        services.check_code(address, code)  # even the right code, while locked
    assert AddressLock.objects.get(address_hash=address).locked_until is not None
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=LOCK_MINUTES, seconds=1)):
        fresh = services.request_code("rowan@example.org")
        assert services.check_code(fresh, code_in(mailoutbox[-1].body)) == rowan


def test_unknown_address_locks_the_same_way(db) -> None:  # type: ignore[no-untyped-def]
    address = services.request_code("nobody@example.org")
    for _ in range(MAX_WRONG - 1):
        with pytest.raises(services.WrongCode):
            services.check_code(address, "123456")
    with pytest.raises(services.Locked):
        services.check_code(address, "123456")


@pytest.mark.parametrize("how", ["unknown", "withdrawn", "erased"])
def test_nobody_else_is_sent_a_code(world, rowan, mailoutbox, how) -> None:  # type: ignore[no-untyped-def]
    if how == "withdrawn":
        ps.withdraw(by=world.alice, participant=rowan, scope=ps.WithdrawalScope.SERVICE)
    elif how == "erased":
        ps.erase(
            by=world.mandy,
            participant=rowan,
            reason=ErasureReason(dt.date(2026, 11, 20), "role:data_protection_officer"),
        )
    address = "someone@example.org" if how == "unknown" else "rowan@example.org"
    services.request_code(address)
    assert mailoutbox == [] and not SignInToken.objects.exists()


def test_a_link_signs_in_once_and_expires_after_seven_days(world, rowan, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    import re

    services.send_link(by=world.alice, participant=rowan, base_url="http://testserver/")
    url = re.search(r"http://testserver/my-support/link/(\S+)/", mailoutbox[0].body)
    assert url
    secret = url.group(1)
    assert not SignInToken.objects.filter(secret_hash__contains=secret).exists()
    assert secret not in Message.objects.get(template_key="portal_link").body
    assert services.use_link(secret) == rowan
    assert services.use_link(secret) is None  # used once
    services.send_link(by=world.alice, participant=rowan, base_url="http://testserver/")
    later = re.search(r"/my-support/link/(\S+)/", mailoutbox[1].body).group(1)  # type: ignore[union-attr]
    with time_machine.travel(timezone.now() + dt.timedelta(days=LINK_DAYS, seconds=1)):
        assert services.use_link(later) is None


def test_sign_in_and_requests_are_audited_without_personal_data(world, rowan, mailoutbox) -> None:  # type: ignore[no-untyped-def]
    address = services.request_code("rowan@example.org")
    services.check_code(address, code_in(mailoutbox[0].body))
    services.ask(
        participant=rowan, kind="call_back", best_time="morning", note="Call after 10, I am at the GP"
    )
    events = list(AuditEvent.objects.filter(record_type__startswith="portal"))
    assert {e.record_type for e in events} >= {"portal_sign_in", "portal_request"}
    for e in events:
        text = f"{e.summary} {e.changes}".lower()
        for personal in ("rowan", "example.org", "07700", "gp", "after 10"):
            assert personal not in text, (personal, e.summary, e.changes)


def test_erasure_deletes_links_codes_and_requests(world, rowan) -> None:  # type: ignore[no-untyped-def]
    from placewell.portal.models import CallBackRequest

    services.request_code("rowan@example.org")
    services.ask(participant=rowan, kind="call_back", best_time="any", note="My own words")
    ps.close(by=world.alice, participant=rowan, reason="Finished")
    ps.erase(
        by=world.mandy,
        participant=rowan,
        reason=ErasureReason(dt.date(2026, 11, 20), "role:data_protection_officer"),
    )
    assert not SignInToken.objects.exists() and not CallBackRequest.objects.exists()
