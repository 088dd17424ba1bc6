"""Middleware of the security layer: database faults, CSP for the admin, session and password age."""
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import QueryDict
from django.db import InterfaceError, OperationalError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .errors import database_unavailable, page_not_found

DB_ERRORS = (OperationalError, InterfaceError)


def _admin_path(request):
    return request.path.startswith("/admin/")


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached gives a static 503 page with Retry-After, never a 500.

    Catches what views raise (process_exception) and what inner middleware raise (around the call);
    handler500 (portal.security.errors.server_error) catches the rest."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except DB_ERRORS:
            return database_unavailable(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DB_ERRORS):
            return database_unavailable(request)
        return None


class PermissionsPolicyMiddleware:
    """Permissions-Policy: no page of this site uses the camera, microphone, location, payment and the like."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.value)
        return response


class AdminCSPMiddleware:
    """The Django admin needs inline styles (and its widgets' style attributes); public pages do not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _admin_path(request):
            update = dict(getattr(response, "_csp_update", None) or {})
            update["style-src"] = list(update.get("style-src", [])) + ["'unsafe-inline'"]
            response._csp_update = update
        return response


SESSION_STARTED = "_security_started"
SESSION_SEEN = "_security_seen"


class SessionTimeoutMiddleware:
    """Signed-in sessions end after PORTAL_SESSION_IDLE_SECONDS idle and PORTAL_SESSION_ABSOLUTE_SECONDS in all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.get(SESSION_STARTED)
            seen = session.get(SESSION_SEEN)
            if started is None:
                session[SESSION_STARTED] = started = now
            idle = seen is not None and now - seen > settings.PORTAL_SESSION_IDLE_SECONDS
            too_long = now - started > settings.PORTAL_SESSION_ABSOLUTE_SECONDS
            if idle or too_long:
                logout(request)
                messages.warning(request, "会话已超时，请重新登录。", fail_silently=True)
                if _admin_path(request):
                    return redirect(f"{reverse('admin:login')}?next={request.path}")
            elif seen is None or now - seen >= 30:
                # Written at most every 30 s so that every click does not rewrite the session.
                session[SESSION_SEEN] = now
        return self.get_response(request)


class PasswordAgeMiddleware:
    """Staff whose password is older than PORTAL_PASSWORD_MAX_AGE_DAYS are sent to change it."""

    ALLOWED = ("admin:password_change", "admin:password_change_done", "admin:logout", "admin:jsi18n",
               "admin:security_otp")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and user.is_staff and _admin_path(request)
                and request.path not in self._allowed_paths() and password_expired(user)):
            messages.warning(request, f"密码已超过 {settings.PORTAL_PASSWORD_MAX_AGE_DAYS} 天未修改，请先修改密码。", fail_silently=True)
            return redirect("admin:password_change")
        return self.get_response(request)

    def _allowed_paths(self):
        paths = []
        for name in self.ALLOWED:
            try:
                paths.append(reverse(name))
            except Exception:  # noqa: BLE001 - NoReverseMatch while urls load
                continue
        return paths


def password_expired(user):
    profile = getattr(user, "staff_profile", None)
    # Never changed since the account was made (create_user sets no change time): count from then.
    changed = getattr(profile, "password_changed_at", None) or user.date_joined
    return (timezone.now() - changed).days >= settings.PORTAL_PASSWORD_MAX_AGE_DAYS


class NulCharacterMiddleware:
    """NUL bytes are never meaningful in a URL: dropped from query-string values (a search for
    "\x00环境" is a search for "环境"), and the Chinese 404 page when the path holds one. PostgreSQL
    refuses such text, which would otherwise surface as a 500 wherever a parameter reaches a query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            return page_not_found(request)  # no page has such an address
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
