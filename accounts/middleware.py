"""Security middleware: response headers, the 12-hour session limit, steps a user owes before going on."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

LOGIN_AT = "_login_at"
SEEN_AT = "_seen_at"


class SecurityHeadersMiddleware:
    """Content-Security-Policy (Django 5.2 has none built in) and Permissions-Policy on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class SessionLifetimeMiddleware:
    """End a session 30 idle minutes after the last request and 12 hours after login, however active.

    Django expires the session ``SESSION_COOKIE_AGE`` after its last save. Saving it on every
    request would cost a write per page, so the clock is renewed at most once a minute instead:
    the idle limit holds to within that minute.
    """

    renew_every = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            login_at = request.session.get(LOGIN_AT)
            if login_at is None:
                request.session[LOGIN_AT] = now
            elif now - login_at > settings.SESSION_MAX_LIFETIME:
                logout(request)
                return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
            if now - request.session.get(SEEN_AT, 0) >= self.renew_every:
                request.session[SEEN_AT] = now  # a change: the session is saved with a fresh expiry
        return self.get_response(request)


def record_login_time(sender, request, user, **kwargs):
    """Connected to ``user_logged_in``: the clock of the 12-hour limit starts at login."""
    if hasattr(request, "session"):
        request.session[LOGIN_AT] = request.session[SEEN_AT] = int(time.time())


class RequiredStepMiddleware:
    """Keep a signed-in user who owes a step on that step's page (and logout) until it is done.

    The steps, in order, the first one due wins: a password of their own for an account someone
    else set up; then an authenticator app where an organization over the user's staff role
    requires a second factor (issue 9).
    """

    steps = (
        ("accounts:password_change", lambda user: user.must_change_password),
        ("accounts:totp_enrol", lambda user: user.second_factor_missing()),
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            static = (settings.STATIC_URL or "/static/").lstrip("/")
            for page, is_due in self.steps:
                if not is_due(user):
                    continue
                exempt_paths = {reverse(page), reverse("accounts:logout")}
                if request.path not in exempt_paths and not request.path.lstrip("/").startswith(static):
                    return redirect(page)
                break
        return self.get_response(request)
