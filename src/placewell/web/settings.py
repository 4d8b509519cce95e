"""Placewell's one settings module, driven by environment variables (see docs/how-to/deploy.md).

SQLite is the embedded default so a fresh clone just works; ``DATABASE_URL`` switches to PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from croniter import croniter

from placewell.ui.env import SettingError, env_bool, env_int, env_list, env_str

SRC_DIR = Path(__file__).resolve().parent.parent
ROOT_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(env_str("PLACEWELL_VAR_DIR", str(ROOT_DIR / "var")))
# Erasures by keyed hash, kept outside the database so that a restore erases again (governance.ledger)
ERASURE_LEDGER = Path(env_str("PLACEWELL_ERASURE_LEDGER", str(VAR_DIR / "erasure-ledger.jsonl")))

DEBUG = env_bool("DEBUG", False)
_DEV_KEY = "placewell-development-key-not-for-production-use-0123456789"
SECRET_KEY = env_str("SECRET_KEY", _DEV_KEY)
if not DEBUG and SECRET_KEY == _DEV_KEY and env_bool("PLACEWELL_PRODUCTION", False):
    raise SettingError("SECRET_KEY must be set in production (PLACEWELL_PRODUCTION=true)")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
SITE_NAME = env_str("SITE_NAME", "Placewell")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "placewell.ui",
    "placewell.web",
    "placewell.accounts",
    "placewell.participants",
    "placewell.casework",
    "placewell.surveys",
    "placewell.trials",
    "placewell.employers",
    "placewell.placements",
    "placewell.insight",
    "placewell.fidelity",
    "placewell.api",
    "placewell.governance",
    "placewell.analysis",
    "placewell.imports",
    "placewell.appointments",
    "placewell.messaging",
    "placewell.documents",
    "placewell.portal",
    "django_q",
    "placewell.jobs",
    "placewell.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's LocaleMiddleware, for participant-facing pages only (after sessions, before common).
    "placewell.web.language.ParticipantLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "placewell.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "placewell.web.urls"
WSGI_APPLICATION = "placewell.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "placewell.ui.context_processors.site",
            ],
        },
    },
]
FORM_RENDERER = "placewell.ui.forms.GovukFormRenderer"

_default_sqlite = VAR_DIR / "placewell.sqlite3"
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}"}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(_default_sqlite),
            # IMMEDIATE transactions and a busy timeout, so concurrent writers wait instead of failing.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # zxcvbn's estimate of guessability (repeats, keyboard runs, the user's own name): score 3 of 4 or more.
    {"NAME": "placewell.accounts.passwords.GuessablePasswordValidator", "OPTIONS": {"min_score": 3}},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock-out after repeated failed sign-ins (django-axes), counted separately per user name (one account tried
# from many addresses) and per address (one password tried against many accounts), as OWASP ASVS 2.2.1 asks.
AXES_FAILURE_LIMIT = env_int("PLACEWELL_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("PLACEWELL_LOGIN_COOLOFF_MINUTES", 30, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Sessions end after inactivity; the expiry is renewed on every request.
SESSION_COOKIE_AGE = env_int("PLACEWELL_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
_secure = env_bool("PLACEWELL_SECURE_COOKIES", not DEBUG and env_bool("PLACEWELL_PRODUCTION", False))
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
# In production HTTPS is enforced by default: redirect plain HTTP, and tell browsers (HSTS) for a year.
_production = not DEBUG and env_bool("PLACEWELL_PRODUCTION", False)
SECURE_SSL_REDIRECT = env_bool("PLACEWELL_SSL_REDIRECT", _production)
SECURE_HSTS_SECONDS = env_int("PLACEWELL_HSTS_SECONDS", 31_536_000 if _production else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PLACEWELL_HSTS_INCLUDE_SUBDOMAINS", _production)
SECURE_HSTS_PRELOAD = env_bool("PLACEWELL_HSTS_PRELOAD", _production)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Two-factor sign-in: required for every staff role in production, optional elsewhere. A deployment may
# list fewer roles, or "none" (docs/how-to/deploy.md says what that costs).
OTP_TOTP_ISSUER = SITE_NAME
_STAFF_ROLES = ["specialist", "team_leader", "service_manager", "evaluator", "administrator"]
PLACEWELL_2FA_REQUIRED_ROLES = env_list("PLACEWELL_2FA_REQUIRED_ROLES", _STAFF_ROLES if _production else [])
if [r.lower() for r in PLACEWELL_2FA_REQUIRED_ROLES] == ["none"]:
    PLACEWELL_2FA_REQUIRED_ROLES = []
for _role in PLACEWELL_2FA_REQUIRED_ROLES:
    if _role not in _STAFF_ROLES:
        raise SettingError(
            f"PLACEWELL_2FA_REQUIRED_ROLES lists {_role!r}, which is not a role: use a comma-separated list of "
            f"{', '.join(_STAFF_ROLES)}, or none"
        )

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
# Participant-facing pages are offered in Welsh (placewell.web.language); staff pages stay in English.
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = _secure
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = ROOT_DIR / "build" / "collected"
STATICFILES_DIRS = [
    ("govuk", ROOT_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    ("htmx", ROOT_DIR / "node_modules" / "htmx.org" / "dist"),
    ROOT_DIR / "build" / "static",
]
WHITENOISE_USE_FINDERS = True
# Re-scanning the static folders on every request suits development only; in production the files are
# indexed once when the process starts.
WHITENOISE_AUTOREFRESH = not _production

# Shared state, so any number of server processes on any number of machines behave as one
# (docs/how-to/deploy.md): the cache holds the self-referral rate limit, so it is the database's by default
# (its table is made by the ops app's migration) and Redis by configuration (Django's own RedisCache);
# "locmem" keeps it inside one process, for a single-process server only.
PLACEWELL_CACHE_URL = env_str("PLACEWELL_CACHE_URL", "database").strip() or "database"
if PLACEWELL_CACHE_URL == "database":
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "placewell_cache"}
    }
elif PLACEWELL_CACHE_URL == "locmem":
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "placewell"}
    }
elif PLACEWELL_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": PLACEWELL_CACHE_URL,
            "KEY_PREFIX": "placewell",
        }
    }
else:
    raise SettingError(
        "PLACEWELL_CACHE_URL must be database, locmem or a Redis address such as redis://127.0.0.1:6379/1, "
        f"not {PLACEWELL_CACHE_URL!r}"
    )
# Sessions live in the database (every server sees them); with Redis they are also cached there.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if CACHES["default"]["BACKEND"].endswith("RedisCache")
    else "django.contrib.sessions.backends.db"
)

# Files: uploads waiting to be imported and generated files go through Django's storage API, on this
# machine's disk by default (a disk every server shares, in a fleet) or in S3-compatible object storage
# through django-storages (PLACEWELL_FILE_STORAGE=s3). Files are readable by Placewell's own user only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
MEDIA_ROOT = VAR_DIR / "files"
PLACEWELL_FILE_STORAGE = env_str("PLACEWELL_FILE_STORAGE", "filesystem").strip() or "filesystem"


def _file_storage(folder: str) -> dict[str, object]:
    """One named storage: ``folder`` under ``var/`` on disk, or under that prefix in the S3 bucket."""
    if PLACEWELL_FILE_STORAGE == "filesystem":
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": str(VAR_DIR / folder),
                "file_permissions_mode": 0o600,
                "directory_permissions_mode": 0o700,
                "allow_overwrite": True,
            },
        }
    if PLACEWELL_FILE_STORAGE == "s3":
        bucket = env_str("PLACEWELL_S3_BUCKET", "")
        if not bucket:
            raise SettingError("PLACEWELL_S3_BUCKET must name the bucket when PLACEWELL_FILE_STORAGE=s3")
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "location": folder,
                "endpoint_url": env_str("PLACEWELL_S3_ENDPOINT_URL", "") or None,
                "region_name": env_str("PLACEWELL_S3_REGION", "") or None,
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": True,
                "object_parameters": {"ServerSideEncryption": "AES256"},
            },
        }
    raise SettingError(f"PLACEWELL_FILE_STORAGE must be filesystem or s3, not {PLACEWELL_FILE_STORAGE!r}")


STORAGES = {
    "default": _file_storage("files"),
    "imports": _file_storage("imports"),
    "documents": _file_storage("documents"),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Documents on a participant's record (placewell.documents): the largest file accepted, and the virus
# scanner every file passes before anyone can open it: none, clamd (ClamAV's daemon at PLACEWELL_CLAMD_ADDRESS,
# unix:///path/to/clamd.ctl or tcp://host:3310), or the dotted path of a function taking the file's bytes.
PLACEWELL_DOCUMENT_MAX_BYTES = env_int("PLACEWELL_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
PLACEWELL_DOCUMENT_SCANNER = env_str("PLACEWELL_DOCUMENT_SCANNER", "none").strip() or "none"
PLACEWELL_CLAMD_ADDRESS = env_str("PLACEWELL_CLAMD_ADDRESS", "unix:///var/run/clamav/clamd.ctl")

# Public self-referral form: submissions allowed per address per hour.
PLACEWELL_SELF_REFERRAL_RATE = env_int("PLACEWELL_SELF_REFERRAL_RATE", 5, minimum=1)
PLACEWELL_DEMO_FULLSIZE_TRIAL = env_bool("PLACEWELL_DEMO_FULLSIZE_TRIAL", True)  # the 9,785-person demo trial

# Background work: django-q2 (docs/decisions/0005-task-queue.md). The database is the broker unless
# PLACEWELL_TASK_BROKER names a Redis server (redis://127.0.0.1:6379/0), so a fresh clone needs no extra
# server; workers run as `./run worker` (django-q2's qcluster), the schedules inside the same cluster.
PLACEWELL_TASK_BROKER = env_str("PLACEWELL_TASK_BROKER", "database").strip() or "database"
if PLACEWELL_TASK_BROKER != "database" and not PLACEWELL_TASK_BROKER.startswith(("redis://", "rediss://")):
    raise SettingError(
        f"PLACEWELL_TASK_BROKER must be database or a Redis address such as redis://127.0.0.1:6379/0, "
        f"not {PLACEWELL_TASK_BROKER!r}"
    )
# A job is stopped after PLACEWELL_TASK_TIMEOUT seconds (the full-size demo trial's analysis takes minutes);
# a job whose worker died is offered to another worker once its lease (the timeout plus
# PLACEWELL_TASK_GRACE_SECONDS) has run out, up to PLACEWELL_TASK_ATTEMPTS times in all, then marked failed.
PLACEWELL_TASK_TIMEOUT = env_int("PLACEWELL_TASK_TIMEOUT", 1800, minimum=10)
PLACEWELL_TASK_ATTEMPTS = env_int("PLACEWELL_TASK_ATTEMPTS", 2, minimum=1)
PLACEWELL_TASK_GRACE_SECONDS = env_int("PLACEWELL_TASK_GRACE_SECONDS", 60, minimum=1)
PLACEWELL_JOB_FILE_DAYS = env_int("PLACEWELL_JOB_FILE_DAYS", 7, minimum=1)  # files jobs made, e.g. extracts
Q_CLUSTER = {
    # One name per installation: every worker and web server of it shares the queue of this name.
    "name": env_str("PLACEWELL_TASK_QUEUE", "placewell"),
    "workers": env_int("PLACEWELL_TASK_WORKERS", 2, minimum=1),
    "timeout": PLACEWELL_TASK_TIMEOUT,
    "retry": PLACEWELL_TASK_TIMEOUT + PLACEWELL_TASK_GRACE_SECONDS,
    "max_attempts": PLACEWELL_TASK_ATTEMPTS,
    "ack_failures": True,  # a failed job is recorded as failed (Placewell's job record says why), not redelivered
    "save_limit": 1000,
    "catch_up": False,  # a schedule missed while no worker ran runs once, not once per missed slot
    "label": "Background tasks",
    "poll": 0.5,
    "sync": env_bool("PLACEWELL_TASKS_SYNC", False),  # run each task at once, in the caller (tests)
    **({"orm": "default"} if PLACEWELL_TASK_BROKER == "database" else {"redis": PLACEWELL_TASK_BROKER}),
}

# When each schedule runs (five-field cron expressions, Europe/London time); "off" or empty turns one off.
# Backups are off unless PLACEWELL_CRON_BACKUP is set. A malformed expression stops the server, naming it.
PLACEWELL_SCHEDULES = {
    "SURVEY_INVITATIONS": env_str("PLACEWELL_CRON_SURVEY_INVITATIONS", "0 7 1 * *"),  # 07:00 on the 1st
    "ALERT_SWEEP": env_str("PLACEWELL_CRON_ALERT_SWEEP", "0 6 * * *"),  # 06:00 daily
    "RETENTION_REVIEW": env_str("PLACEWELL_CRON_RETENTION_REVIEW", "0 5 * * 1"),  # 05:00 on Mondays
    "AUDIT_CHECK": env_str("PLACEWELL_CRON_AUDIT_CHECK", "30 2 * * *"),  # 02:30 daily
    "BACKUP": env_str("PLACEWELL_CRON_BACKUP", ""),
    "REAPER": env_str("PLACEWELL_CRON_REAPER", "*/5 * * * *"),
    "IMPORT_UPLOADS": env_str("PLACEWELL_CRON_IMPORT_UPLOADS", "15 * * * *"),  # hourly
    "HEARTBEAT": "* * * * *",
    "MESSAGES": env_str("PLACEWELL_CRON_MESSAGES", "*/5 * * * *"),  # reminders, morning texts, retries
    "MI_SUMMARIES": env_str("PLACEWELL_CRON_MI_SUMMARIES", "*/15 * * * *"),  # MI dashboard and evidence
}
# A stored MI figure older than this is worked out again when a page asks for it (insight.summaries).
PLACEWELL_MI_SUMMARY_MAX_AGE_MINUTES = env_int("PLACEWELL_MI_SUMMARY_MAX_AGE_MINUTES", 30, minimum=1)
for _key, _cron in list(PLACEWELL_SCHEDULES.items()):
    PLACEWELL_SCHEDULES[_key] = "" if _cron.strip().lower() in {"", "off"} else " ".join(_cron.split())
    if PLACEWELL_SCHEDULES[_key] and (
        len(_cron.split()) != 5 or not croniter.is_valid(PLACEWELL_SCHEDULES[_key])
    ):
        raise SettingError(
            f"PLACEWELL_CRON_{_key} must be a five-field cron expression (minute hour day-of-month month "
            f"day-of-week, e.g. '0 7 1 * *') or off, not {_cron!r}"
        )

# Messages to participants (placewell.messaging). Email goes through Django's SMTP backend (EMAIL_HOST and
# friends); text messages through the outbox (development: nothing leaves, service managers read the outbox
# page) or GOV.UK Notify (PLACEWELL_SMS_BACKEND=notify with an API key and a template whose content is
# ((body))). Reminders go the given numbers of minutes before an appointment (default two days and two hours).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # for the file backend `./run demo` uses
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Placewell <no-reply@placewell.invalid>")
PLACEWELL_SMS_BACKEND = env_str("PLACEWELL_SMS_BACKEND", "outbox").strip().lower() or "outbox"
if PLACEWELL_SMS_BACKEND not in {"outbox", "notify"}:
    raise SettingError(f"PLACEWELL_SMS_BACKEND must be outbox or notify, not {PLACEWELL_SMS_BACKEND!r}")
PLACEWELL_NOTIFY_API_KEY = env_str("PLACEWELL_NOTIFY_API_KEY", "")
PLACEWELL_NOTIFY_SMS_TEMPLATE_ID = env_str("PLACEWELL_NOTIFY_SMS_TEMPLATE_ID", "")
if PLACEWELL_SMS_BACKEND == "notify" and not (PLACEWELL_NOTIFY_API_KEY and PLACEWELL_NOTIFY_SMS_TEMPLATE_ID):
    raise SettingError(
        "PLACEWELL_SMS_BACKEND=notify needs PLACEWELL_NOTIFY_API_KEY and PLACEWELL_NOTIFY_SMS_TEMPLATE_ID"
    )
PLACEWELL_CONTACT_PHONE = env_str("PLACEWELL_CONTACT_PHONE", "0300 123 4567")
PLACEWELL_CONTACT_EMAIL = env_str("PLACEWELL_CONTACT_EMAIL", "")
PLACEWELL_MESSAGE_ATTEMPTS = env_int("PLACEWELL_MESSAGE_ATTEMPTS", 3, minimum=1)
PLACEWELL_MESSAGE_RETRY_MINUTES = env_int("PLACEWELL_MESSAGE_RETRY_MINUTES", 10, minimum=1)
_offsets = env_list("PLACEWELL_REMINDER_OFFSETS_MINUTES", ["2880", "120"])  # e.g. "2880,120"
if not all(o.isdigit() and int(o) > 0 for o in _offsets):
    raise SettingError(
        f"PLACEWELL_REMINDER_OFFSETS_MINUTES must be whole numbers of minutes separated by commas, such as "
        f"2880,120 for two days and two hours before, not {','.join(_offsets)!r}"
    )
PLACEWELL_REMINDER_OFFSETS_MINUTES = [int(o) for o in _offsets]

# Logs go to standard error, as text or (PLACEWELL_LOG_FORMAT=json) one JSON object a line for a log
# collector. An ordinary 403 or 404 is one line without a traceback (placewell.ops.logs).
PLACEWELL_LOG_FORMAT = env_str("PLACEWELL_LOG_FORMAT", "text").strip().lower() or "text"
if PLACEWELL_LOG_FORMAT not in {"text", "json"}:
    raise SettingError(f"PLACEWELL_LOG_FORMAT must be text or json, not {PLACEWELL_LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet_client_errors": {"()": "placewell.ops.logs.QuietClientErrors"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "placewell.ops.logs.JsonLinesFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": PLACEWELL_LOG_FORMAT,
            "filters": ["quiet_client_errors"],
        }
    },
    "loggers": {
        "django.request": {"filters": ["quiet_client_errors"]},
        "django.security": {"filters": ["quiet_client_errors"]},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
# Load balancers probe the health pages over plain HTTP inside the network: answer rather than redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
