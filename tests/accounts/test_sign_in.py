"""Signing in: GOV.UK errors, lock-out after repeated failures, two-factor sign-in, security headers."""

from __future__ import annotations

import pytest
from django.conf import settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from placewell.accounts.models import AuditEvent
from tests.conftest import PASSWORD


def test_sign_in_and_out(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditEvent.objects.filter(action="sign_in", actor=world.alice).exists()
    assert client.get("/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_wrong_password_shows_an_error_summary(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Enter a correct user name and password" in body
    empty = client.post("/accounts/login/", {"username": "", "password": ""}).content.decode()
    assert 'href="#id_username">Enter your user name' in empty
    assert 'href="#id_password">Enter your password' in empty


def test_lock_out_after_repeated_failures(client, world) -> None:  # type: ignore[no-untyped-def]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "You cannot sign in for now" in response.content.decode()
    assert client.get("/").status_code == 302  # not signed in


def test_session_expires_after_inactivity_setting() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True  # inactivity, not absolute, timeout
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY


def test_password_validators_reject_weak_passwords(world) -> None:  # type: ignore[no-untyped-def]
    from placewell.accounts import services

    for weak in ("short", "password1234", "123456789012"):
        with pytest.raises(services.AccountsError):
            services.create_staff(
                by=world.ada,
                username=f"u{len(weak)}",
                password=weak,
                first_name="A",
                last_name="B",
                email="a@example.org",
                role="evaluator",
            )


def test_security_headers(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_two_factor_setup_and_sign_in(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.alice)
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200 and "data:image/svg+xml;base64," in page.content.decode()
    device = TOTPDevice.objects.get(user=world.alice, confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    bad = client.post("/accounts/two-factor/setup/", {"code": wrong})
    assert "That code is not right" in bad.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows retries after a failure; the test does not wait
    assert client.post("/accounts/two-factor/setup/", {"code": code}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    # Next sign-in: the password alone is not enough.
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    response = client.get("/participants/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/verify/")
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert (
        client.post("/accounts/two-factor/verify/?next=/participants/", {"code": code})["Location"]
        == "/participants/"
    )
    assert client.get("/participants/").status_code == 200


def test_two_factor_can_be_required_for_a_role(client, world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PLACEWELL_2FA_REQUIRED_ROLES = ["service_manager"]
    client.force_login(world.mandy)
    response = client.get("/participants/")
    assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/setup/"
    client.force_login(world.alice)
    assert client.get("/participants/").status_code == 200


def test_verify_refuses_an_outside_next_address(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.bob)
    device = TOTPDevice.objects.create(user=world.bob, name="app", confirmed=True)
    code = f"{totp(device.bin_key):06d}"
    response = client.post("/accounts/two-factor/verify/?next=https://evil.example/", {"code": code})
    assert response["Location"] == "/"
