"""Loaded with `-p tests.pytest_env` before Django starts: the environment the suite runs in.
Production-like (DEBUG off) but over plain HTTP on the test client and live server."""

import os

for key, value in {
    "DEBUG": "0",
    "SECRET_KEY": "test-secret-key-not-for-production-0123456789abcdefghijklmnop",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "SECURE_HSTS_SECONDS": "0",
    "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "WHITENOISE_USE_FINDERS": "1",
    "FAST_PASSWORD_HASHER": "1",
    "ALLOWED_HOSTS": "*",
    # The suite signs in with force_login and the password form; the second factor is tested on
    # its own (tests/coordination/test_security.py turns it on).
    "REQUIRE_2FA": "0",
    # Playwright's sync API runs an event loop in the test thread; the ORM calls made by
    # fixtures there are still plain synchronous code.
    "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
    # Background tasks (imports) run inside the request that enqueues them.
    "TASKS_BACKEND": "immediate",
}.items():
    os.environ.setdefault(key, value)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coordination.settings")
