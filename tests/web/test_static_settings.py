"""Static files: WhiteNoise re-scans the static folders on every request in development only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _autorefresh(env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PLACEWELL_", "DEBUG", "SECRET_KEY"))}
    clean.update(env, PYTHONPATH=str(ROOT / "src"), DJANGO_SETTINGS_MODULE="placewell.web.settings")
    code = "from django.conf import settings; print(settings.WHITENOISE_AUTOREFRESH)"
    done = subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_autorefresh_is_off_in_production_and_on_in_development() -> None:
    production = {
        "PLACEWELL_PRODUCTION": "true",
        "SECRET_KEY": "a-long-random-production-key-for-this-test-only-9f8e7d6c5b4a",
        "ALLOWED_HOSTS": "placewell.example.org",
    }
    assert _autorefresh(production) == "False"
    assert _autorefresh({}) == "True"
