"""gzip for public HTML, JSON and XML pages, never for responses that could leak a secret (BREACH).

A page is left uncompressed when it carries a CSRF token (the request asked for one), when the
reader is signed in (drafts, names, the admin), when the view marks it personal
(`response.personal = True`), or when it streams (open-data files have their own .gz copies).
Django's GZipMiddleware also pads each body with random bytes ("Heal the Breach").
"""
from django.middleware.gzip import GZipMiddleware

COMPRESSIBLE = ("text/html", "application/json", "application/xml", "text/xml", "application/atom+xml")
NEVER_UNDER = ("/admin/",)


def may_compress(request, response):
    if response.streaming or getattr(response, "personal", False):
        return False
    if not response.get("Content-Type", "").startswith(COMPRESSIBLE):
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.path.startswith(NEVER_UNDER):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


class PublicGZipMiddleware(GZipMiddleware):
    def process_response(self, request, response):
        if not may_compress(request, response):
            return response
        return super().process_response(request, response)
