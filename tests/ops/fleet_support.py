"""Run inside the fleet's own environment (``python -m tests.ops.fleet_support <command> ...``): set up its
people, and enqueue jobs as a server process would."""

from __future__ import annotations

import sys

PASSWORD = "correct-horse-battery-staple-42"


def seed() -> None:
    from placewell.accounts import services as acc
    from placewell.accounts.models import Role

    provider = acc.create_organisation(by=None, name="Fleet Provider", kind="provider")
    service = acc.create_service(
        by=None,
        provider=provider,
        name="Fleet IPS",
        model="ips_lite",
        pre_employment_limit_months=9,
        in_work_limit_months=4,
    )
    acc.create_team(by=None, service=service, name="North")
    acc.create_staff(
        by=None,
        username="mandy",
        password=PASSWORD,
        first_name="Mandy",
        last_name="Persona",
        email="mandy@example.org",
        role=Role.SERVICE_MANAGER,
        service=service,
    )


def enqueue(kind: str, func: str, first: int, count: int) -> None:
    from placewell.jobs import queue

    for number in range(first, first + count):
        queue.enqueue(kind, func, [number], label=f"Fleet test job {number}")


def main(argv: list[str]) -> None:
    import django

    django.setup()
    if argv[0] == "seed":
        seed()
    elif argv[0] == "enqueue":
        enqueue(argv[1], argv[2], int(argv[3]), int(argv[4]))
    else:
        raise SystemExit(f"unknown command {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
