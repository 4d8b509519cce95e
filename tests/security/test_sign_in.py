"""Sign-in security (OWASP ASVS 4.0 section 2): lock-out counted per account and per address, guessable
passwords refused, two-factor sign-in and HTTPS on by default in production, ``check --deploy`` clean."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from placewell.accounts import services
from placewell.web.demo import DEMO_PASSWORD
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def _try(client, username: str, password: str, address: str):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_one_password_against_many_accounts_from_one_address_is_locked_out(client, world) -> None:  # type: ignore[no-untyped-def]
    """Password spraying: each account fails once only, so a lock-out keyed on (user, address) never fires."""
    names = ["alice", "bob", "charlie", "tess", "mandy", "evan", "ada"]
    limit = settings.AXES_FAILURE_LIMIT
    for name in names[: limit - 1]:
        assert _try(client, name, "Summer2026!", "203.0.113.7").status_code == 200
    assert _try(client, names[limit - 1], "Summer2026!", "203.0.113.7").status_code == 429
    # The address is now locked, even for a right password for an account it has not tried.
    response = _try(client, "ada", PASSWORD, "203.0.113.7")
    assert response.status_code == 429
    assert "You cannot sign in for now" in response.content.decode()
    # Another address is not affected.
    assert _try(client, "ada", PASSWORD, "198.51.100.2").status_code == 302


def test_one_account_from_many_addresses_is_locked_out(client, world) -> None:  # type: ignore[no-untyped-def]
    """A botnet guessing one person's password: each address fails once only."""
    limit = settings.AXES_FAILURE_LIMIT
    for i in range(limit - 1):
        assert _try(client, "alice", f"guess-number-{i}", f"203.0.113.{10 + i}").status_code == 200
    assert _try(client, "alice", "guess-number-last", "203.0.113.99").status_code == 429
    response = _try(client, "alice", PASSWORD, "198.51.100.99")
    assert response.status_code == 429
    # Other people can still sign in from the addresses used.
    assert _try(client, "bob", PASSWORD, "203.0.113.10").status_code == 302


def test_lockout_parameters_are_separate() -> None:
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def _dev_user():  # type: ignore[no-untyped-def]
    from placewell.accounts.models import User

    return User(username="dev", first_name="Dev", last_name="Eloper", email="dev@example.org")


@pytest.mark.parametrize(
    "weak", ["devdevdevdev", "qwertyuiopasdf", "dev-dev-dev-dev", "abcdefghijklmnop", "dev@example.org1"]
)
def test_guessable_passwords_are_refused_with_a_plain_reason(weak: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password(weak, _dev_user())
    text = " ".join(caught.value.messages)
    assert "too easy to guess" in text or "too similar" in text


def test_zxcvbn_validator_refuses_devdevdevdev_itself() -> None:
    """Django's own validators accept "devdevdevdev" for "dev" (12 characters, not in the common list)."""
    from placewell.accounts.passwords import GuessablePasswordValidator

    with pytest.raises(ValidationError) as caught:
        GuessablePasswordValidator().validate("devdevdevdev", _dev_user())
    assert caught.value.code == "password_too_guessable"
    assert "Repeats" in caught.value.messages[0]


@pytest.mark.parametrize("strong", [DEMO_PASSWORD, PASSWORD, "lantern-orchid-gravel-minnow"])
def test_strong_passwords_are_accepted(strong: str) -> None:
    validate_password(strong, _dev_user())


def test_creating_staff_with_devdevdevdev_is_refused(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(services.AccountsError, match="too easy to guess"):
        services.create_staff(
            by=world.ada,
            username="dev",
            password="devdevdevdev",
            first_name="Dev",
            last_name="Eloper",
            email="dev@example.org",
            role="evaluator",
            organisation=world.commissioner,
        )


def _settings_in(env: dict[str, str], expression: str) -> str:
    """Evaluate a settings expression in a fresh interpreter with the given environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PLACEWELL_", "DEBUG", "SECRET_KEY"))}
    clean.update(env, PYTHONPATH=str(ROOT / "src"), DJANGO_SETTINGS_MODULE="placewell.web.settings")
    code = f"from django.conf import settings; print(({expression}))"
    done = subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


PRODUCTION = {
    "PLACEWELL_PRODUCTION": "true",
    "SECRET_KEY": "t7Yq!x2Lr9#Vm4Kp8Wc1Nz6Bs3Hd5Jf0Gq7Ue2Ra9Ty4Io8Pw-not-a-real-key",
    "ALLOWED_HOSTS": "placewell.example.org",
}


def test_production_requires_two_factor_for_every_staff_role_and_https() -> None:
    shown = _settings_in(
        PRODUCTION,
        "sorted(settings.PLACEWELL_2FA_REQUIRED_ROLES), settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS",
    )
    assert shown == (
        "(['administrator', 'evaluator', 'service_manager', 'specialist', 'team_leader'], True, 31536000)"
    )


def test_production_two_factor_can_be_relaxed() -> None:
    some = {**PRODUCTION, "PLACEWELL_2FA_REQUIRED_ROLES": "service_manager,administrator"}
    assert (
        _settings_in(some, "settings.PLACEWELL_2FA_REQUIRED_ROLES") == "['service_manager', 'administrator']"
    )
    assert (
        _settings_in(
            {**PRODUCTION, "PLACEWELL_2FA_REQUIRED_ROLES": "none"}, "settings.PLACEWELL_2FA_REQUIRED_ROLES"
        )
        == "[]"
    )


def test_a_misspelt_role_stops_the_server() -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PLACEWELL_")}
    clean.update(PLACEWELL_2FA_REQUIRED_ROLES="manager", PYTHONPATH=str(ROOT / "src"))
    clean["DJANGO_SETTINGS_MODULE"] = "placewell.web.settings"
    done = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.DEBUG"],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0 and "'manager', which is not a role" in done.stderr


def test_development_does_not_require_two_factor() -> None:
    assert (
        _settings_in({}, "settings.PLACEWELL_2FA_REQUIRED_ROLES, settings.SECURE_HSTS_SECONDS") == "([], 0)"
    )


def test_two_factor_is_enforced_for_a_required_role(client, world, settings) -> None:  # type: ignore[no-untyped-def]
    settings.PLACEWELL_2FA_REQUIRED_ROLES = [
        "specialist",
        "team_leader",
        "service_manager",
        "evaluator",
        "administrator",
    ]
    for name in ("alice", "tess", "mandy", "evan", "ada"):
        client.force_login(getattr(world, name))
        response = client.get("/")
        assert response.status_code == 302 and response["Location"] == "/accounts/two-factor/setup/", name


def test_check_deploy_finds_no_warning_in_production_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # A production server's environment: none of the test run's own switches (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE in this process, which check --deploy rightly refuses).
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PLACEWELL_", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    clean.update(PRODUCTION, PYTHONPATH=str(ROOT / "src"), PLACEWELL_VAR_DIR=str(tmp_path))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            "--settings=placewell.web.settings",
        ],
        env=clean,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout
