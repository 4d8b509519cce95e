"""The fleet's settings: the shared cache, sessions and file storage chosen by environment variables, and
a malformed value stopping the server with a message naming the variable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _settings_in(env_extra: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **env_extra, "DJANGO_SETTINGS_MODULE": "placewell.web.settings"}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, cwd=ROOT
    )


def test_s3_storage_needs_a_bucket_and_is_private() -> None:
    done = _settings_in({"PLACEWELL_FILE_STORAGE": "s3"}, "import django; django.setup()")
    assert done.returncode != 0
    assert "PLACEWELL_S3_BUCKET must name the bucket when PLACEWELL_FILE_STORAGE=s3" in done.stderr
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['imports']))"
    )
    done = _settings_in({"PLACEWELL_FILE_STORAGE": "s3", "PLACEWELL_S3_BUCKET": "placewell-files"}, code)
    assert done.returncode == 0, done.stderr
    imports = json.loads(done.stdout)
    assert imports["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (
        imports["OPTIONS"]["bucket_name"] == "placewell-files" and imports["OPTIONS"]["location"] == "imports"
    )
    assert imports["OPTIONS"]["default_acl"] == "private"
    assert imports["OPTIONS"]["object_parameters"] == {"ServerSideEncryption": "AES256"}


def test_redis_cache_address_also_caches_sessions() -> None:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE)"
    )
    done = _settings_in({"PLACEWELL_CACHE_URL": "redis://127.0.0.1:6379/3"}, code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]
    done = _settings_in({}, code)
    assert done.stdout.split() == [
        "django.core.cache.backends.db.DatabaseCache",
        "django.contrib.sessions.backends.db",
    ]


def test_a_malformed_cache_address_stops_the_server_naming_the_variable() -> None:
    env = {
        **os.environ,
        "PLACEWELL_CACHE_URL": "memcached://x",
        "DJANGO_SETTINGS_MODULE": "placewell.web.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "PLACEWELL_CACHE_URL must be database, locmem or a Redis address" in done.stderr
