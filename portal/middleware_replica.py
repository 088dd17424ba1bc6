"""Marks a request public (reads may go to the replica) or staff (everything on the primary)."""
from django.conf import settings

from portal.db_router import public_request

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def is_public_request(request):
    """Anonymous and read-only; /admin/ and any logged-in user stay on the primary."""
    if request.method not in SAFE_METHODS or request.path.startswith("/admin/"):
        return False
    # No session cookie means no user: decide without loading a session.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    user = getattr(request, "user", None)  # loaded from the primary: the contextvar is still unset
    return not (user is not None and user.is_authenticated)


class ReplicaRoutingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = public_request.set(is_public_request(request))
        try:
            return self.get_response(request)
        finally:
            public_request.reset(token)
