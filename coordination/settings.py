"""The one settings file. Everything that differs between machines comes from the
environment (or a `.env` file beside manage.py), read with django-environ."""

from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# A development key is fine only while DEBUG is on; production must set SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", default="dev-insecure-key-change-me" if DEBUG else None)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
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
    "django.forms",
    "django_filters",
    "import_export",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "coordination",
    "resources",
    "consultations",
    "training",
    "meetings",  # after training: it links 解決策 to training events (and seeds after it)
    "rota",  # after resources and consultations: its panels sit on their pages
    "surveys",
    "documents",  # after surveys: a rule document names the survey that monitors it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "coordination.sessions.RefreshingSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "coordination.security.PortalSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "coordination.urls"
WSGI_APPLICATION = "coordination.wsgi.application"

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
                "django.template.context_processors.csp",
                "coordination.context_processors.portal",
            ],
            "builtins": ["coordination.templatetags.portal"],
        },
    }
]
# One form renderer for every form of the portal (templates/forms/).
FORM_RENDERER = "coordination.forms.PortalFormRenderer"

# SQLite by default so `make run` needs nothing; DATABASE_URL for PostgreSQL.
_database_url = env("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
DATABASES = {"default": env.db_url_config(_database_url)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A transaction takes the write lock when it begins (IMMEDIATE): two saves at once then wait
    # for each other for up to the busy timeout (seconds) instead of failing at once when a
    # reader tries to become a writer. A wait longer than that answers the portal's 503 page
    # (coordination.security.database_busy_response), never a 500.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20)}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "coordination.User"
# The model backend with the user's center loaded alongside; ModelBackend stays second so that
# sessions signed in before it was added still find their user.
AUTHENTICATION_BACKENDS = [
    "coordination.sessions.PortalBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "dashboard"
if env.bool("FAST_PASSWORD_HASHER", default=False):  # tests only
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
# The portal's Japanese for what installed apps' ja catalogues leave in English (django-import-
# export's admin pages); a compiled catalogue, committed: locale/ja/LC_MESSAGES/django.po says why.
LOCALE_PATHS = [BASE_DIR / "locale"]
# An admin export of a name or description holding a control character (pasted from another
# program) would otherwise fail as a whole: openpyxl refuses such a cell. The character is written
# as 「\N{REPLACEMENT CHARACTER}」 instead.
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Whitenoise serves from STATIC_ROOT (collectstatic); from the app folders only in development.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# Sessions: idle timeout and a fixed browser-close end. The idle clock is pushed forward by a
# request at most once every SESSION_REFRESH_SECONDS (coordination.sessions), not by a database
# write on every page.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# …and an absolute lifetime from login, however active the session is.
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=10 * 60 * 60)

# Two-factor authentication (TOTP) for admins, coordinators and officials; on unless DEBUG.
REQUIRE_2FA = env.bool("REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="在宅医療・介護連携支援ポータル")
# django-otp's own switch: its admin never shows a TOTP secret, its QR code or backup codes (the
# portal's admin replaces those pages as well: coordination/admin.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Lockout: this many failures for one account (or LOCKOUT_IP_FAILURES from one address) within
# LOCKOUT_SECONDS refuse every login, even with the right password, until the window has passed
# or an admin unlocks (管理画面 → ログイン試行).
LOCKOUT_FAILURES = env.int("LOCKOUT_FAILURES", default=5)
LOCKOUT_IP_FAILURES = env.int("LOCKOUT_IP_FAILURES", default=20)
LOCKOUT_SECONDS = env.int("LOCKOUT_SECONDS", default=15 * 60)
# Behind a load balancer that sets X-Forwarded-For, the client's address is its first entry.
TRUST_X_FORWARDED_FOR = env.bool("TRUST_X_FORWARDED_FOR", default=False)
# The audit log and login attempts are kept this long (purge_audit_log removes older rows).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=5 * 365)
# Requests denied to visitors who are not signed in: one audit event per address in this window,
# the rest counted (管理画面 → アクセス拒否の集計), so that they cannot grow the log without bound.
DENIED_AUDIT_WINDOW_SECONDS = env.int("DENIED_AUDIT_WINDOW_SECONDS", default=60 * 60)
# Survey answers by link: one per browser (a signed cookie), and at most SURVEY_ANSWER_LIMIT from one
# address per window (participants at one venue often share an address, so the limit is generous).
SURVEY_ANSWER_LIMIT = env.int("SURVEY_ANSWER_LIMIT", default=20)
SURVEY_ANSWER_WINDOW_SECONDS = env.int("SURVEY_ANSWER_WINDOW_SECONDS", default=60)

# Security headers. The secure-cookie/HSTS/redirect set follows DEBUG unless overridden.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0

# Background work (imports' preview and confirm): Django Tasks with the database as the queue, so
# SQLite serves `make run` and PostgreSQL serves several hosts; `python manage.py db_worker` runs
# them. TASKS_BACKEND=immediate runs each task inside the request that enqueues it (tests).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[env("TASKS_BACKEND", default="database")]}}

# Map tiles: the only other host a page may load from (images only).
MAP_TILE_URL = env("MAP_TILE_URL", default="https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env(
    "MAP_TILE_ATTRIBUTION",
    default='<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>',
)
_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]) if "://" in MAP_TILE_URL else ""

# Django's built-in CSP: no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"] + ([_tile_origin] if _tile_origin else []),
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Uploads (facility and consultation imports).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=50 * 1024 * 1024)

# The document library: uploaded files (Django's storage API, local files by default) and their limit.
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "media"))
MEDIA_URL = "/media/"
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)

# How long a directory entry stays "fresh" after someone confirmed it.
FACILITY_FRESH_DAYS = env.int("FACILITY_FRESH_DAYS", default=365)
# A facility's update link stays valid this long.
UPDATE_LINK_DAYS = env.int("UPDATE_LINK_DAYS", default=90)

# Email (update links, reminders): printed to the console while DEBUG unless EMAIL_URL is set;
# otherwise SMTP from EMAIL_URL (e.g. smtp+tls://user:pass@mail.example.lg.jp:587).
_email_url = env("EMAIL_URL", default="")
if DEBUG and not _email_url:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    _email = environ.Env.email_url_config(_email_url or "smtp://localhost:25")
    MAILERS = {
        "default": {
            "BACKEND": _email["EMAIL_BACKEND"],
            "OPTIONS": {
                "host": _email.get("EMAIL_HOST", "localhost"),
                "port": _email.get("EMAIL_PORT") or 25,
                "username": _email.get("EMAIL_HOST_USER", ""),
                "password": _email.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": bool(_email.get("EMAIL_USE_TLS")),
                "use_ssl": bool(_email.get("EMAIL_USE_SSL")),
            },
        }
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="portal@localhost")
# The address the links in letters and emails start with (the portal's public address).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# Published counts (public pages, exports marked for publication, survey results made public)
# below this show as 「-」: a small group could be recognised.
PUBLISH_SUPPRESS_BELOW = env.int("PUBLISH_SUPPRESS_BELOW", default=5)
# The city's main number, given to residents whose address lies outside the city (/centers/find/).
CITY_MAIN_PHONE = env("CITY_MAIN_PHONE", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
