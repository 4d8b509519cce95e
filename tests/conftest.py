"""Shared fixtures: the named personas every view test uses, and markers for the two CI legs.

Personas (after healthchecks' Alice, Bob and Charlie):
- alice: employment specialist in North team, owns the caseload under test;
- bob: employment specialist in North team, a colleague who may see it;
- charlie: employment specialist in South team, who must be refused;
- tess: team leader of North team;
- mandy: service manager of the service;
- evan: evaluator, who sees no personal data;
- ada: administrator, who configures but sees no participant records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_setup",
    "live_server",
    "world",
    "client_as",
    "participant",
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that touches the database, so the PostgreSQL leg of CI can run them again."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & DB_FIXTURES or item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.db_leg)
    # Tests that need PostgreSQL (row locks, real concurrency) run in CI's PostgreSQL leg; on the SQLite
    # default they are deselected (not skipped), and pytest reports how many were deselected.
    from django.conf import settings

    # Likewise tests of SQLite-only machinery (the SQLite backup) are deselected on PostgreSQL.
    other = (
        "sqlite" if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" else "postgres"
    )
    elsewhere = [item for item in items if item.get_closest_marker(other)]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [item for item in items if not item.get_closest_marker(other)]


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    settings.PLACEWELL_DEMO_FULLSIZE_TRIAL = False  # the 9,785-person demo trial; tests load it themselves
    # Test erasures go to a ledger of their own, never the development database's (governance.ledger)
    import tempfile
    from pathlib import Path

    settings.ERASURE_LEDGER = Path(tempfile.mkdtemp(prefix="placewell-ledger-")) / "erasure-ledger.jsonl"
    # Background jobs run at once, in the caller, through django-q2's own sync mode (its worker code, its
    # result records); tests/jobs also run a real worker process against the database broker.
    from django_q.conf import Conf

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    Conf.SYNC = True
    _flush_past_the_audit_trigger()


def _flush_past_the_audit_trigger() -> None:
    """Transactional tests empty every table afterwards (Django's flush). On SQLite that is a DELETE, which
    the audit log's append-only trigger refuses, so the test flush lifts the trigger and puts it back in the
    same transaction. (PostgreSQL's flush is a TRUNCATE, which the row trigger does not see.)"""
    from django.db.backends.sqlite3.base import DatabaseOperations

    flush = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):  # type: ignore[no-untyped-def]
        from placewell.accounts import audit_chain

        statements = flush(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        if not statements:
            return statements
        return [*audit_chain.SQLITE_DROP, *statements, *audit_chain.SQLITE_TRIGGERS]

    DatabaseOperations.sql_flush = sql_flush


PASSWORD = "correct-horse-battery-staple-42"


@dataclass
class World:
    commissioner: object
    provider: object
    service: object
    north: object
    south: object
    alice: object
    bob: object
    charlie: object
    tess: object
    mandy: object
    evan: object
    ada: object


@pytest.fixture
def world(db: None, settings) -> World:  # type: ignore[no-untyped-def]
    from placewell.accounts import services as acc
    from placewell.accounts.models import Role
    from placewell.participants import starter_content

    # Browser tests run in transactions that are flushed afterwards, which removes the rows the data
    # migration made; put them back (installing is idempotent).
    starter_content.install()
    # The personas' passwords are hashed with a fast hasher: strong hashing is Django's, tested upstream,
    # and at full strength it dominates the suite's set-up time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    commissioner = acc.create_organisation(by=None, name="Test Commissioner", kind="commissioner")
    provider = acc.create_organisation(by=None, name="Test Provider", kind="provider")
    service = acc.create_service(
        by=None,
        provider=provider,
        name="Test IPS",
        model="ips_lite",
        pre_employment_limit_months=9,
        in_work_limit_months=4,
    )
    service.commissioner = commissioner
    service.save()
    north = acc.create_team(by=None, service=service, name="North")
    south = acc.create_team(by=None, service=service, name="South")

    def staff(username: str, role: str, **kw: object) -> object:
        return acc.create_staff(
            by=None,
            username=username,
            password=PASSWORD,
            first_name=username.title(),
            last_name="Persona",
            email=f"{username}@example.org",
            role=role,
            **kw,
        )

    return World(
        commissioner=commissioner,
        provider=provider,
        service=service,
        north=north,
        south=south,
        alice=staff("alice", Role.SPECIALIST, team=north),
        bob=staff("bob", Role.SPECIALIST, team=north),
        charlie=staff("charlie", Role.SPECIALIST, team=south),
        tess=staff("tess", Role.TEAM_LEADER, team=north),
        mandy=staff("mandy", Role.SERVICE_MANAGER, service=service),
        evan=staff("evan", Role.EVALUATOR, organisation=commissioner),
        ada=staff("ada", Role.ADMINISTRATOR, organisation=provider),
    )


def refer(world: World, **overrides: object):  # type: ignore[no-untyped-def]
    """Refer a person to North team, allocated to alice, through the real action."""
    from placewell.participants import services

    values: dict[str, object] = {
        "by": world.alice,
        "service": world.service,
        "team": world.north,
        "specialist": world.alice,
        "source": "gp",
        "referral_date": dt.date(2026, 11, 2),
        "given_name": "Rowan",
        "family_name": "Example",
        "date_of_birth": dt.date(1985, 3, 27),
        "nhs_number": "9434765919",
        "email": "rowan@example.org",
        "preferred_contact_method": "email",
    }
    values.update(overrides)
    return services.refer_participant(**values)


@pytest.fixture
def participant(world: World):  # type: ignore[no-untyped-def]
    return refer(world)


@pytest.fixture
def client_as(client, world):  # type: ignore[no-untyped-def]
    """Sign the test client in as a persona: ``client_as("alice")``."""

    def sign_in(name: str):  # type: ignore[no-untyped-def]
        client.force_login(getattr(world, name))
        return client

    return sign_in
