"""Rate limits on the public forms (django-ratelimit on the shared cache) and the browser token of 好差评."""
import secrets

from django.conf import settings
from django_ratelimit.core import is_ratelimited

from .crypto import digest

BROWSER_COOKIE = "interact_browser"


def over_limit(request, group, *, phone=None, rate=None):
    """Counts this attempt against the address and, when given, the phone; True once either is over."""
    rate = rate or settings.PORTAL_INTERACT_RATE
    by_ip = is_ratelimited(request, group=f"{group}:ip", key="ip", rate=rate, increment=True)
    by_phone = phone is not None and is_ratelimited(
        request, group=f"{group}:phone", key=lambda _group, _request: digest(phone), rate=rate, increment=True)
    return by_ip or by_phone


def browser_token(request):
    """(token, is_new): a random id kept in a cookie, so a browser rates a service once a day."""
    token = request.COOKIES.get(BROWSER_COOKIE, "")
    if 20 <= len(token) <= 64 and token.isalnum():
        return token, False
    return secrets.token_hex(16), True
