"""Redis cache that degrades to no cache while Redis is unreachable.

An outage must cost neither a traceback per request nor a connect timeout per request: the first
failure opens a circuit for RETRY_SECONDS, during which every call answers as Django's dummy cache
would (miss, nothing stored) without touching the network; one warning is logged per minute."""
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("portal.cache")

RETRY_SECONDS = 5
WARN_EVERY_SECONDS = 60
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._warned_at = None
        self._failures = 0

    def _outage(self, error):
        now = time.monotonic()
        with self._lock:
            self._down_until = now + RETRY_SECONDS
            self._failures += 1
            if self._warned_at is None or now - self._warned_at >= WARN_EVERY_SECONDS:
                self._warned_at = now
                failures, self._failures = self._failures, 0
                logger.warning("Redis 缓存不可用（%s），页面暂不缓存，%d 秒后重试；此前一分钟内失败 %d 次",
                               error.__class__.__name__, RETRY_SECONDS, failures)

    def _call(self, name, miss, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return miss() if callable(miss) else miss
        try:
            return getattr(super(), name)(*args, **kwargs)
        except OUTAGE_ERRORS as error:
            self._outage(error)
            return miss() if callable(miss) else miss

    @property
    def is_down(self):
        return time.monotonic() < self._down_until

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", dict, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)


def _no_increment(*args, **kwargs):
    raise ValueError("缓存不可用")


def _writer(name, miss):
    def method(self, *args, **kwargs):
        return self._call(name, miss, *args, **kwargs)
    method.__name__ = name
    return method


# Writes answer as Django's dummy cache does: add() "succeeds", nothing is kept.
for _name, _miss in (("add", True), ("set", None), ("set_many", list), ("touch", False), ("delete", False),
                     ("delete_many", None), ("clear", None), ("incr", _no_increment)):
    setattr(ResilientRedisCache, _name, _writer(_name, _miss))
