"""What the benchmarks that serve the app over HTTP share: a scratch PostgreSQL database's server, the
environment a served process runs in, a free port and the percentile the figures report."""

from __future__ import annotations

import os
import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("PLACEWELL_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
"""The PostgreSQL server the scratch databases are created on (and dropped from)."""


def django_env(database_url: str) -> dict[str, str]:
    """This process's environment with the project's settings, source and ``database_url``."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="placewell.web.settings",
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")]),
    )
    return env


def admin(sql: str) -> None:
    """Run one statement on the server outside a transaction (CREATE or DROP DATABASE)."""
    import psycopg

    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile ``q`` (0-1) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]
