"""Sessions with an idle timeout that does not cost a database write on every request.

Django's SESSION_SAVE_EVERY_REQUEST rewrites the session row on each page to push its expiry
forward. Here the row is rewritten only when the session changed or its idle clock was last
pushed more than SESSION_REFRESH_SECONDS ago: the idle timeout then ends a session between
SESSION_COOKIE_AGE − SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE after its last request
(29–30 minutes with the defaults), and a page read costs no write."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.middleware import SessionMiddleware

REFRESHED = "_refreshed"
UserModel = get_user_model()


class RefreshingSessionMiddleware(SessionMiddleware):
    def process_response(self, request, response):
        session = getattr(request, "session", None)
        # Only a signed-in session has an idle clock; a visitor's stale cookie makes no new row.
        if session is not None and session.get(SESSION_KEY):
            now = int(time.time())
            if session.modified or now - session.get(REFRESHED, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED] = now  # marks it modified: saved with a new expiry below
        return super().process_response(request, response)


class PortalBackend(ModelBackend):
    """The model backend, loading the user's center (and ward) with the user: the page header names it on
    every page a coordinator opens, which otherwise costs a query of its own."""

    def get_user(self, user_id):
        try:
            user = UserModel._default_manager.select_related("center", "ward").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
