"""Shared cache for public pages, invalidated by version numbers, never by a timeout.

Each namespace (registered by the catalogues and floors in permits.kernel.registry, plus "site") has a
version number stored in the configured cache (Redis in production, so every app server sees
the same one). Cached pages carry the versions of their namespaces in their key: a publish
bumps the version and every app server re-renders at once. Old entries simply age out.

Wiring a public view is one line::

    @public_cache("permits")
    def item_list(request): ...
"""
import functools
import hashlib
import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

logger = logging.getLogger(__name__)

from permits.kernel.registry import SITE_NAMESPACE, edition_namespace, public_namespaces

VERSION_KEY = "pubver:%s"
CACHE_HEADER = "X-Cache"


def _fresh_version():
    # A re-created version (after eviction or a Redis restart) must never equal an old one.
    return time.time_ns()


# Version numbers already read during the current request (one dict per thread, reset by the
# request signals): a page asks the shared cache once, however many remembered reads it makes.
_request = threading.local()


def _request_started(**kwargs):
    _request.versions = {}


def _request_finished(**kwargs):
    _request.versions = None


request_started.connect(_request_started, dispatch_uid="permits.kernel.cache.request_started")
request_finished.connect(_request_finished, dispatch_uid="permits.kernel.cache.request_finished")


def cache_versions(*namespaces):
    """Current version of each namespace, creating missing ones; one cache round trip when warm,
    none for namespaces already read in this request."""
    seen = getattr(_request, "versions", None)
    missing = [ns for ns in namespaces if seen is None or ns not in seen]
    keys = {VERSION_KEY % ns: ns for ns in missing}
    found = cache.get_many(list(keys)) if keys else {}
    versions = {ns: seen[ns] for ns in namespaces if ns not in missing}
    for key, ns in keys.items():
        if key not in found:
            cache.add(key, _fresh_version(), timeout=None)
            found[key] = cache.get(key)
        versions[ns] = found[key]
        if seen is not None:
            seen[ns] = found[key]
    return versions


def cache_version(namespace):
    """The current version number of one namespace."""
    return cache_versions(namespace)[namespace]


def _bump_now(namespaces):
    seen = getattr(_request, "versions", None)
    if seen:
        seen.clear()
    for ns in namespaces:
        key = VERSION_KEY % ns
        try:
            try:
                cache.incr(key)
            except ValueError:  # missing: start from a value no old entry can carry
                cache.set(key, _fresh_version(), timeout=None)
        except Exception:  # a cache outage must not break a publish
            logger.exception("缓存版本号更新失败：%s", ns)


def cache_version_bump(*namespaces):
    """Invalidate every cached page of these namespaces, now and again when the transaction commits.

    The second bump drops pages another request rendered from the old data while the
    publishing transaction was still open.
    """
    namespaces = tuple(dict.fromkeys(namespaces))
    if not namespaces:
        return
    _bump_now(namespaces)
    transaction.on_commit(lambda: _bump_now(namespaces))


def versioned_read(*namespaces, size=64):
    """Remember a read per process while the version numbers of `namespaces` stand still.

    These are the numbers that invalidate the page cache: a publish or a save of a watched model
    changes them on every app server, so a remembered read is never older than the next request.
    Costs one cache round trip instead of the query; off when settings.VERSIONED_READS is False.
    Arguments must be hashable; results are shared between requests and must not be changed.
    Without namespaces the read depends on every registered public namespace.
    """
    def decorate(func):
        memo = {}

        @functools.wraps(func)
        def wrapped(*args):
            if not getattr(settings, "VERSIONED_READS", True):
                return func(*args)
            try:
                names = namespaces or public_namespaces()
                versions = cache_versions(*names)
            except Exception:  # the cache is down: read the database
                logger.warning("缓存不可用，直接查询数据库：%s", func.__qualname__)
                return func(*args)
            key = (args, tuple(versions[ns] for ns in names))
            if None in key[1]:  # the cache keeps nothing (outage): a remembered read could go stale
                return func(*args)
            if key in memo:
                return memo[key]
            value = func(*args)
            if len(memo) >= size:
                memo.clear()
            memo[key] = value
            return value

        wrapped.memo = memo
        return wrapped

    return decorate


def namespaces_for_model(model):
    """Cache namespaces a publish of `model` changes (permits.kernel.registry.edition_namespace)."""
    return (edition_namespace(model),)


def _key_cookies():
    return getattr(settings, "PUBLIC_CACHE_KEY_COOKIES", ("zh", "care"))


def _bypass_cookies():
    return (
        settings.SESSION_COOKIE_NAME,
        getattr(settings, "MESSAGE_COOKIE_NAME", "messages"),
    ) + tuple(getattr(settings, "PUBLIC_CACHE_BYPASS_COOKIES", ()))


def request_is_cacheable(request):
    """Only anonymous GETs: any session cookie (staff, or messages waiting) bypasses the cache."""
    if request.method != "GET":
        return False
    if request.path.startswith("/admin/"):
        return False
    return not any(name in request.COOKIES for name in _bypass_cookies())


def _page_key(request, namespaces, versions):
    parts = [
        request.build_absolute_uri(),
        translation.get_language() or "",
    ]
    for name in _key_cookies():
        parts.append("%s=%s" % (name, request.COOKIES.get(name, "")[:32]))
    digest = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
    version_part = ".".join("%s%s" % (ns, versions[ns]) for ns in namespaces)
    return "pubpage:%s:%s" % (version_part, digest)


def response_is_cacheable(request, response):
    """A complete 200 with nothing personal in it: no cookie, no CSRF token, no session use."""
    if response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    if "cookie" in response.get("Vary", "").lower():
        return False
    if "private" in response.get("Cache-Control", "") or "no-store" in response.get("Cache-Control", ""):
        return False
    # The page used a CSRF token: CsrfViewMiddleware will set a cookie for this visitor.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and getattr(session, "modified", False):
        return False
    return True


def public_cache(*namespaces, timeout=None, more=None):
    """Cache whole anonymous GET responses (HTML and exports) under the namespaces' versions;
    `more()` names namespaces known only once every app has registered (e.g. item-page sections)."""
    if not namespaces:
        raise TypeError("public_cache() needs at least one namespace")

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not getattr(settings, "PUBLIC_CACHE_ENABLED", True) or not request_is_cacheable(request):
                return view(request, *args, **kwargs)
            all_namespaces = tuple(dict.fromkeys(namespaces + tuple(more() if more else ()) + (SITE_NAMESPACE,)))
            try:
                key = _page_key(request, all_namespaces, cache_versions(*all_namespaces))
                cached = cache.get(key)
            except Exception:  # cache outage: serve uncached
                logger.exception("公共页面缓存不可用")
                return view(request, *args, **kwargs)
            if cached is not None:
                cached[CACHE_HEADER] = "HIT"
                # A revalidating client still gets its 304 from a cached page.
                return get_conditional_response(
                    request,
                    etag=cached.get("ETag"),
                    last_modified=parse_http_date_safe(cached.get("Last-Modified", "")),
                    response=cached,
                )

            response = view(request, *args, **kwargs)
            seconds = timeout if timeout is not None else getattr(settings, "PUBLIC_CACHE_TIMEOUT", 86400)

            def store(rendered):
                if response_is_cacheable(request, rendered):
                    rendered[CACHE_HEADER] = "MISS"
                    try:
                        cache.set(key, rendered, seconds)
                    except Exception:
                        logger.exception("公共页面缓存写入失败")

            if getattr(response, "is_rendered", True) is False:
                response.add_post_render_callback(store)
            else:
                store(response)
            return response

        return wrapped

    return decorator


def _bump_receiver(namespaces):
    def receiver(sender, raw=False, **kwargs):
        if not raw:  # fixtures being loaded are not edits
            cache_version_bump(*namespaces)

    return receiver


def watch_model(label, namespaces):
    """Saves and deletes of `label` ("app_label.model") bump `namespaces`.

    A lazy label as sender keeps this floor free of imports from higher apps; the dispatch uid
    holds the namespaces, so a second registration of the same pair connects nothing more."""
    from django.db.models.signals import post_delete, post_save

    namespaces = tuple(namespaces)
    receiver = _bump_receiver(namespaces)
    uid = "public_cache.%s.%s" % (label, ".".join(namespaces))
    post_save.connect(receiver, sender=label, weak=False, dispatch_uid="save." + uid)
    post_delete.connect(receiver, sender=label, weak=False, dispatch_uid="delete." + uid)
