"""gunicorn settings for `make serve` and production; every value can be overridden by environment."""
import multiprocessing
import os


def _int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


# Two workers per core plus one, capped: each sync worker holds one request at a time.
_cores = multiprocessing.cpu_count()
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", min(2 * _cores + 1, _int("GUNICORN_MAX_WORKERS", 9))))
worker_class = "sync"
# portal.settings reads this: without Redis, separate workers cannot share cache version numbers.
os.environ.setdefault("PORTAL_PROCESSES", str(workers))
bind = os.environ.get("GUNICORN_BIND", "%s:%s" % (os.environ.get("HOST", "127.0.0.1"), os.environ.get("PORT", "8000")))
backlog = 2048

# A stuck request is killed after `timeout`; a restart lets running requests finish first.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Recycle workers now and then (bounds any slow leak); jitter keeps them from restarting together.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)

# Import Django once in the master: faster restarts, shared memory pages between workers.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") not in ("0", "false", "no")


def when_ready(server):
    """With the app preloaded, compile templates and URL maps once for all workers (portal.prefork)."""
    if server.cfg.preload_app:
        from portal.prefork import app_warm_up

        server.log.info("预热完成：%s 个模板已编译", app_warm_up())


def pre_fork(server, worker):
    # What the master holds is shared with the workers; the collector in each need not walk it.
    if server.cfg.preload_app:
        from portal.prefork import freeze_before_fork

        freeze_before_fork()


def post_fork(server, worker):
    # A restart during a worker's boot must not wait graceful_timeout for it (portal.prefork).
    from portal.prefork import worker_signals_after_fork

    worker_signals_after_fork(server, worker)

# The heartbeat file in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs to stdout/stderr for journald or the container runtime; %(M)s is the duration in ms.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

# Trust X-Forwarded-* only from the reverse proxy (nginx on the same host by default).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips

# Request line and header limits (the body limit is nginx's client_max_body_size).
limit_request_line = 8190
limit_request_fields = 100

# gunicorn's control socket has one default path per user, shared by every instance on the
# machine; off unless a path is given (e.g. /run/xyportal/gunicorn.ctl under systemd).
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
