"""Production-safe base settings: every secret and service comes from the environment."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "dsfr",
    "widget_tweaks",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Sécuparcours
    "workflows",
    "accounts",
    "territories",
    "audit",
    "students",
    "dossiers",
    "prevention",
    "mlds",
    "foquale",
    "notifications",
    "reports",
    "operations",
    "rulebook",
    "imports",
    "jobs",
    "demo",
]

MIDDLEWARE = [
    "operations.middleware.HealthCheckMiddleware",
    "config.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.middleware.ActiveRoleMiddleware",
    "accounts.middleware.SessionActivityMiddleware",
    "notifications.middleware.CalendarMemoMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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
                "accounts.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "config.forms.FormRenderer"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Read replica (PostgreSQL streaming replication, behind PgBouncer like the primary): the
# precomputed steering figures are read there when REPLICA_DATABASE_URL is set; writes and
# every other read stay on the primary (config.routers.ReportReplicaRouter).
REPLICA_DATABASE_URL = env("REPLICA_DATABASE_URL", default="")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = env.db_url_config(REPLICA_DATABASE_URL)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
REPORTS_READ_DATABASE = "replica" if REPLICA_DATABASE_URL else "default"
DATABASE_ROUTERS = ["config.routers.ReportReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PasswordBackend",
    "accounts.proconnect.ProConnectBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.RoleAwareMinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.validators.PasswordStrengthValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions expire after 30 minutes of inactivity (SessionActivityMiddleware pushes the expiry
# back at most once a minute); the key is rotated at login by Django.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Repeated failed logins: 5 failures lock the (username, IP) pair for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_SENSITIVE_PARAMETERS = ["password"]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Manifest storage rewrites file contents, so the DSFR integrity hashes no longer match.
DSFR_USE_INTEGRITY_CHECKSUMS = False
# django-dsfr marks the text of its alerts safe by default; flash messages quote pupil names
# that come from imported files, so they are escaped like any other value.
DSFR_CONTENT_IS_SAFE = False

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security headers (check --deploy clean with production settings).
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No inline script anywhere (progress polling lives in static/js/poll.js, the DSFR and the
# API docs load their scripts from files): scripts, styles, images and fonts come from this
# site only. Style *attributes* stay allowed (computed bar widths); <style> elements do not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        # No form-action: the login and logout buttons post forms that redirect through
        # ProConnect and on to the académie's identity provider, and browsers apply
        # form-action to every hop of that chain, whose origins are not known in advance.
        "frame-ancestors": ["'none'"],
    }
}
# Browser features the application never uses are switched off for every page.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "interest-cohort",
    )
}

# E-mail: one URL, console on a laptop, SMTP in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Sécuparcours <ne-pas-repondre@secuparcours.local>"
)
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# REST API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "reports.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.DefaultPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["config.api.filters.StrictFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("API_THROTTLE_USER", default="2000/hour"),
        "anon": env("API_THROTTLE_ANON", default="60/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API Sécuparcours",
    "DESCRIPTION": "API REST v1 : élèves, structures, dossiers, parcours et indicateurs, "
    "toujours restreints au périmètre du compte ou du jeton.",
    "VERSION": "1.0.0",
    # One partner vocabulary (territories' directory) serves MLDS, FoQualE and TDO fields.
    "ENUM_NAME_OVERRIDES": {"PartnerKindEnum": "territories.enums.PartnerKind"},
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from this site (no CDN; compatible with the Content-Security-Policy).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "reports.api.schema.add_error_responses",
    ],
}

# Cache (API throttles, the ProConnect discovery document, the precomputed steering figures'
# freshness): Redis when CACHE_URL is set, so a limit holds across every gunicorn worker and
# machine; in-process memory otherwise (one process: a laptop, the tests).
CACHE_URL = env("CACHE_URL", default="")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="secuparcours"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Celery: one URL for the broker; without one (a laptop), tasks run in-process: in the caller's
# thread (commands, tests), or in a background thread of the web server when
# TASKS_IN_BACKGROUND_THREAD is on (`make run`, see config/celery.py).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
TASKS_IN_BACKGROUND_THREAD = False
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Queues per kind (CELERY_QUEUES_PER_KIND=true): a results-day import never waits behind a
# batch of 5,000 letters, nor a sweep behind either; start one worker pool per queue
# (`celery -A config worker -Q letters`, `-Q imports`, `-Q sweeps,celery`). Off by default:
# one worker then consumes everything from the default queue.
CELERY_QUEUES_PER_KIND = env.bool("CELERY_QUEUES_PER_KIND", default=False)
CELERY_TASK_ROUTES = (
    {
        "dossiers.render_batch": {"queue": "letters"},
        "students.tasks.*": {"queue": "imports"},
        "dossiers.import_*": {"queue": "imports"},
        "jobs.process_upload": {"queue": "imports"},
        "notifications.*": {"queue": "sweeps"},
        "reports.refresh_indicators": {"queue": "sweeps"},
        "audit.tasks.*": {"queue": "sweeps"},
    }
    if CELERY_QUEUES_PER_KIND
    else {}
)
# Behind PgBouncer in transaction mode, server-side cursors (CSV streams) cannot span
# transactions: set DISABLE_SERVER_SIDE_CURSORS=true and CONN_MAX_AGE=0.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DISABLE_SERVER_SIDE_CURSORS", default=False
)
CELERY_TIMEZONE = TIME_ZONE
# Background jobs (imports): a job waiting longer than this is sent again by the sweep, one
# running without a heartbeat for longer is taken as lost with its worker and run again.
JOBS_RESEND_AFTER_SECONDS = env.int("JOBS_RESEND_AFTER_SECONDS", default=60)
JOBS_STALE_AFTER_SECONDS = env.int("JOBS_STALE_AFTER_SECONDS", default=600)
# Upload limits per kind of import, in bytes.
IMPORT_MAX_BYTES = {
    "eleves": env.int("IMPORT_MAX_BYTES_ELEVES", default=100 * 1024 * 1024),
    "resultats": env.int("IMPORT_MAX_BYTES_RESULTATS", default=20 * 1024 * 1024),
    "siei": env.int("IMPORT_MAX_BYTES_SIEI", default=10 * 1024 * 1024),
    "absences": env.int("IMPORT_MAX_BYTES_ABSENCES", default=20 * 1024 * 1024),
}

# Dashboard panels contributed by each app (callables taking the request, returning HTML or "").
# What falls due comes first on the home page; the figures of each module follow.
DASHBOARD_PANELS = [
    "notifications.views.dashboard_panel",
    "students.views.dashboard_panel",
    "dossiers.views.dashboard_panel",
    "prevention.views.dashboard_panel",
    "mlds.views.dashboard_panel",
    "foquale.views.dashboard_panel",
    "notifications.views.calendar_panel",
    "reports.views.dashboard_panel",
    "accounts.views.dashboard_panel",
]

# Each module lists the pupil's cases the viewer may open, linked from the pupil's record.
STUDENT_CASES = [
    "dossiers.views.student_cases",
    "mlds.views.student_cases",
    "prevention.views.student_cases",
]

ACADEMIE_NAME = env("ACADEMIE_NAME", default="Académie de démonstration")
# Where users report an accessibility barrier (named in the accessibility statement).
ACCESSIBILITY_CONTACT = env("ACCESSIBILITY_CONTACT", default="accessibilite@ac-creteil.example")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Health checks (/healthz/ready): the beat heartbeat runs every 2 minutes.
HEALTHZ_BEAT_MAX_AGE = env.int("HEALTHZ_BEAT_MAX_AGE", default=10 * 60)
HEALTHZ_TIMEOUT = env.float("HEALTHZ_TIMEOUT", default=2.0)

# Error tracking: only when SENTRY_DSN is set; personal data is scrubbed before sending.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from config.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# Backups (python manage.py backup_database / restore_check, docker-compose `backup` service).
BACKUP_DIR = env.path("BACKUP_DIR", default=str(BASE_DIR / "backups"))
BACKUP_KEEP = env.int("BACKUP_KEEP", default=14)

from .identity import *  # noqa: E402,F403

SILENCED_SYSTEM_CHECKS = ["models.W047"]  # SQLite (laptop only) ignores nulls_distinct
