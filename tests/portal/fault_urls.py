"""Views that fail on purpose, for the error-page tests."""
from django.db import InterfaceError, OperationalError
from django.urls import include, path


def boom(request):
    raise RuntimeError("boom")


def database_gone(request):
    raise OperationalError("could not connect to server")


def interface_gone(request):
    raise InterfaceError("connection already closed")


urlpatterns = [
    path("boom/", boom),
    path("db-gone/", database_gone),
    path("db-interface/", interface_gone),
    path("", include("portal.urls")),
]

handler400 = "portal.security.errors.bad_request"
handler403 = "portal.security.errors.permission_denied"
handler404 = "portal.security.errors.page_not_found"
handler500 = "portal.security.errors.server_error"
