"""Settings every environment shares, read from the environment with django-environ.

Which module extends them is chosen by ``config.settings_module()`` (docs/architecture.md):
``local`` for a developer (``DJANGO_DEBUG=true``, as ``make run`` sets), ``production``
otherwise, ``test`` for pytest. ``DJANGO_SETTINGS_MODULE`` names one explicitly.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

CLINIC_NAME = env.str("CLINIC_NAME", default="Spine Clinic")
# The clinic's contact details, on every article ("Call the clinic: …"); empty: not shown.
CLINIC_PHONE = env.str("CLINIC_PHONE", default="")
CLINIC_ADDRESS = env.str("CLINIC_ADDRESS", default="")
# The logo beside the clinic's name in the header: a path under static/.
CLINIC_LOGO = env.str("CLINIC_LOGO", default="img/clinic-logo.svg")
# A published article's next clinical review falls due this many days after publication.
EDUCATION_REVIEW_INTERVAL_DAYS = env.int("EDUCATION_REVIEW_INTERVAL_DAYS", default=365)
# Which cited set of minimal important change thresholds the outcome figures use.
OUTCOME_MIC_SET = env.str("OUTCOME_MIC_SET", default="ostelo-2008")
# The clinic figures shown in articles count the operations of the last N years (0: all time).
OUTCOME_ARTICLE_YEARS = env.int("OUTCOME_ARTICLE_YEARS", default=3)
# A figure answered by fewer than this share (%) of the patients it was drawn from is marked.
OUTCOME_COMPLETENESS_MIN = env.int("OUTCOME_COMPLETENESS_MIN", default=60)

INSTALLED_APPS = [
    "clinic",
    "education",
    "cases",
    "interop",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
]

# --- Background tasks (django-tasks) ----------------------------------------------------------
# With Redis (REDIS_URL) the RQ backend, whose worker is `python manage.py rqworker --job-class
# django_tasks_rq.Job default`; without it the database backend and `python manage.py db_worker`.
REDIS_URL = env.str("REDIS_URL", default="")
TASKS = {
    "default": {
        "BACKEND": env.str(
            "DJANGO_TASKS_BACKEND",
            default="django_tasks_rq.RQBackend" if REDIS_URL else "django_tasks_db.DatabaseBackend",
        ),
    }
}
if REDIS_URL:
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # The queue on the same Redis; a connection that cannot be made fails fast (503, not a hang).
    RQ_QUEUES = {
        "default": {
            "URL": REDIS_URL,
            "DEFAULT_TIMEOUT": 600,
            "REDIS_CLIENT_KWARGS": {"socket_connect_timeout": 2},
        }
    }
    RQ_SHOW_ADMIN_LINK = False  # the queue's dashboard is not a page the portal offers

# --- FHIR API (interop) -----------------------------------------------------------------------
FHIR_PAGE_SIZE = env.int("FHIR_PAGE_SIZE", default=50)  # resources per Bundle page
FHIR_MAX_PAGE_SIZE = env.int("FHIR_MAX_PAGE_SIZE", default=200)  # the largest _count
# Requests per client per window (a fixed window in the cache), then 429.
FHIR_RATE_LIMIT = env.int("FHIR_RATE_LIMIT", default=600)
FHIR_RATE_LIMIT_WINDOW = env.int("FHIR_RATE_LIMIT_WINDOW", default=60)  # seconds
# Bulk export files: a private directory (not MEDIA_ROOT, never served), deleted after expiry.
FHIR_EXPORT_DIR = env.str("FHIR_EXPORT_DIR", default=str(BASE_DIR / "var" / "fhir-exports"))
FHIR_EXPORT_EXPIRY_HOURS = env.int("FHIR_EXPORT_EXPIRY_HOURS", default=24)
# The URI of the MRN identifiers, and the base of the portal's own code systems.
FHIR_MRN_SYSTEM = env.str("FHIR_MRN_SYSTEM", default="urn:clinic-portal:mrn")
FHIR_SYSTEM_BASE = env.str("FHIR_SYSTEM_BASE", default="urn:clinic-portal:fhir")

MIDDLEWARE = [
    # First: every audit entry written while a request is served carries the client's address.
    "clinic.audit.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before the session and the login are looked up: a NUL byte anywhere is refused (400).
    "clinic.inputs.RefuseUnsafeInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "clinic.middleware.AllowedMethodsMiddleware",
    # Public articles for anonymous readers, from the shared cache: before the session is read.
    "education.page_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the browser's (Accept-Language) or the one chosen in the header (a cookie).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's own language, read with the user (clinic.backends: no query of its own).
    "clinic.middleware.UserLanguageMiddleware",
    # Sees the responses of everything below it, the login and 2FA redirects included.
    "clinic.middleware.PrivateResponsesMiddleware",
    "clinic.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "clinic.middleware.SessionTimeoutMiddleware",
    "clinic.middleware.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "clinic.middleware.PermissionsPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the response of every view and the failed logins above it.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "clinic.context_processors.clinic",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
# SQLite by default (one machine, the demo); PostgreSQL in production via DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections persist on SQLite too: opening one and running the PRAGMAs below cost 1.7 ms,
    # more than a light page takes.
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock when a transaction starts, so concurrent writers wait
        # for it (up to the timeout) instead of failing with "database is locked" mid-way.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }

# A read replica (a managed PostgreSQL's): the outcome pages read the figures from it
# (cases/routers.py); every write and every other read stays on default.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["cases.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# --- Cache and sessions -----------------------------------------------------------------------
# With REDIS_URL, one Redis shared by every app server. A Redis that cannot be reached is a cache
# miss, never an error (django-redis' IGNORE_EXCEPTIONS, logged), and each command tries to
# connect again, so the portal picks Redis up when it returns.
def redis_cache(url):
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "KEY_PREFIX": "clinic",
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,  # seconds: an unreachable host is a quick miss
            "SOCKET_TIMEOUT": 0.5,
        },
    }


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "clinic.cache"
if REDIS_URL:
    CACHES = {"default": redis_cache(REDIS_URL), "sessions": redis_cache(REDIS_URL)}
else:
    # Without Redis (one machine: several app servers need REDIS_URL) the cache is a directory
    # shared by every process on the machine — web workers and the task worker — so what one of
    # them changes or forgets, the others see. Sessions are read through it too: a file read
    # costs a fraction of the database query, and a logout removes both copies.
    cache_dir = Path(env.str("DJANGO_CACHE_DIR", default=str(BASE_DIR / "var" / "cache")))
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(cache_dir / alias),
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
        for alias in ("default", "sessions")
    }
# Sessions are written to the database and read through the cache: a Redis restart (or
# `cache.clear()`) logs nobody out. Django's cached_db store, with the 503 of an unreachable
# database where it would answer 400 (clinic/sessions.py).
SESSION_ENGINE = "clinic.sessions"
SESSION_CACHE_ALIAS = "sessions"

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "clinic.User"
AUTHENTICATION_BACKENDS = [
    # django-axes must come first so that it sees (and can refuse) every attempt.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the user's roles with the user (one query per request).
    "clinic.backends.ModelBackendWithRoles",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # invitation and reset links last three days

# django-axes: 5 failures per (username, IP) lock that pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The client IP (lockout and audit trail) is the socket's address, or behind DJANGO_PROXY_COUNT
# trusted proxies that append to X-Forwarded-For, the entry that many places from the right
# (clinic/audit.py client_ip): what the client itself puts in the header is never trusted.
CLIENT_IP_PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=0)
CLIENT_IP_HEADER = env.str("DJANGO_CLIENT_IP_HEADER", default="HTTP_X_FORWARDED_FOR")
AXES_CLIENT_IP_CALLABLE = "clinic.audit.client_ip"
# A page viewed reaches the audit trail within this many seconds, written together with the
# process's other views (clinic/audit.py ViewEvents; README, Audit trail); 0 writes each view
# before its page is sent. Changes, exports and sign-ins are always written at once.
AUDIT_VIEW_DELAY_SECONDS = env.float("AUDIT_VIEW_DELAY_SECONDS", default=1.0)
AXES_USERNAME_CALLABLE = "clinic.inputs.login_username"  # cut to a username's length

# Two-factor authentication for staff (specialists, editors, superusers). On unless the local
# settings (the demo) or DJANGO_REQUIRE_2FA turn it off.
REQUIRE_2FA = env.bool("DJANGO_REQUIRE_2FA", default=True)
OTP_TOTP_ISSUER = CLINIC_NAME

# Idle logout: staff after 15 minutes, patients after 30; absolute limit 12 hours.
SESSION_IDLE_TIMEOUT_STAFF = 15 * 60
SESSION_IDLE_TIMEOUT_PATIENT = 30 * 60
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
# Dates shown to people: the active language's formats module (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
# The translations (locale/<language>/LC_MESSAGES/django.po, compiled by `make install`).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

# --- Static files (Bootstrap and the chart library come from npm's node_modules) -------------
STATIC_URL = "static/"
STATIC_ROOT = env.str("DJANGO_STATIC_ROOT", default="") or BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email (console in development) -----------------------------------------------------------
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="portal@clinic.invalid")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in emails point here (no request is at hand in a cron job).
SITE_URL = env.str("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Every email is a task (clinic.tasks.send_email): an SMTP error retries it after 1, 2, 4 … times
# EMAIL_RETRY_BACKOFF_SECONDS, up to EMAIL_MAX_ATTEMPTS attempts in all.
EMAIL_MAX_ATTEMPTS = env.int("DJANGO_EMAIL_MAX_ATTEMPTS", default=5)
EMAIL_RETRY_BACKOFF_SECONDS = env.int("DJANGO_EMAIL_RETRY_BACKOFF_SECONDS", default=60)
# Check-in emails: an invitation the day the window opens, then reminders this many days after
# it (at most three), while the check-in is open and unanswered.
CHECKIN_REMINDER_DAYS = tuple(env.list("CHECKIN_REMINDER_DAYS", cast=int, default=[7, 14]))

# --- Security headers -------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token
# HTTPS only: the local settings turn these off for the development server.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_traceback": {"()": "clinic.unavailable.WithoutTraceback"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "console_one_line": {
            "class": "logging.StreamHandler",
            "filters": ["without_traceback"],
        },
    },
    "loggers": {
        # Redis errors the cache turned into misses (DJANGO_REDIS_LOGGER above).
        "clinic.cache": {"handlers": ["console_one_line"], "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}
