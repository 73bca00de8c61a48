"""Shared start-up for the bench scripts: Django with production-like settings on whatever
DATABASE_URL says (SQLite file by default), migrated."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
for key, value in {
    "DEBUG": "0",
    "SECRET_KEY": "bench-secret-key-not-for-production-0123456789abcdefghijklmnop",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "ALLOWED_HOSTS": "*",
    "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}",
    "LOG_LEVEL": "ERROR",
    # Benchmarks sign in with force_login; the second factor is per session, not per request.
    "REQUIRE_2FA": "0",
}.items():
    os.environ.setdefault(key, value)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coordination.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402


def migrate():
    call_command("migrate", verbosity=0)


def percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def vendor():
    return connection.vendor
