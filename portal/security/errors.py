"""Error pages that touch no database: static Chinese text rendered without context processors."""
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

RETRY_AFTER_SECONDS = 30


def _render(template_name, status, context=None):
    # No request: no context processors, so nothing here reads the database or the site profile.
    body = loader.get_template(template_name).render(context or {})
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


def database_unavailable(request=None):
    response = _render("503.html", 503, {"retry_after": RETRY_AFTER_SECONDS})
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception=None):
    return _render("400.html", 400)


def permission_denied(request, exception=None):
    return _render("403.html", 403)


def page_not_found(request, exception=None):
    return _render("404.html", 404)


def server_error(request):
    # handler500 runs inside the except block: a database fault becomes a 503, not a 500.
    if isinstance(sys.exc_info()[1], (OperationalError, InterfaceError)):
        return database_unavailable(request)
    return _render("500.html", 500)
