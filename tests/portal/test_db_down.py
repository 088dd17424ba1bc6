"""A real server process keeps answering while PostgreSQL is stopped, and recovers by itself.

Runs only against PostgreSQL, as root, where `pg_ctlcluster 15 main stop/start` works (CI does);
it stops the machine's PostgreSQL for a few seconds, so run it alone.
"""
import os
from contextlib import closing
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

pytestmark = pytest.mark.live_postgres

PUBLIC_PATHS = ["/", "/permits/", "/intermediaries/", "/powers/", "/reports/", "/admin/login/"]


def _reason_to_skip():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs PostgreSQL: set DATABASE_URL=postgres://… (SQLite has no server to stop)"
    if os.geteuid() != 0 or not shutil.which("pg_ctlcluster"):
        return "needs root and pg_ctlcluster to stop and start PostgreSQL"
    return None


def get(url, timeout=10):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_for(url, status, seconds, server):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server exited with {server.returncode}")
        try:
            last = get(url, timeout=5)
            if last[0] == status:
                return last
        except OSError as error:
            last = error
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer {status} within {seconds}s (last: {last})")


def cluster(action):
    subprocess.run(["pg_ctlcluster", "15", "main", action], check=True, timeout=60)


def routed(path):
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def admin_connection(db):
    import psycopg2

    conn = psycopg2.connect(dbname="postgres", user=db["USER"], password=db["PASSWORD"],
                            host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, connect_timeout=5)
    conn.autocommit = True
    return conn


def test_public_pages_answer_503_while_the_database_is_down():
    reason = _reason_to_skip()
    if reason:
        pytest.skip(reason)
    # A database of its own, migrated by the server's own code, so no test database is disturbed.
    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_dbdown"[:60]
    with closing(admin_connection(db)) as conn, conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    # One database, no replica or shared cache: what is measured is this server and this database.
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_REPLICA_URL", "REDIS_URL")}
    env.update({"DATABASE_URL": url, "DJANGO_DEBUG": "1", "DJANGO_CONN_MAX_AGE": "60",
                "PORTAL_REQUIRE_2FA": "0", "DATABASE_CONNECT_TIMEOUT": "2"})
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=settings.BASE_DIR,
                   env=env, check=True, timeout=300)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    paths = [p for p in PUBLIC_PATHS if routed(p)]
    stopped = False
    try:
        # The persistent connection is open when the database goes away. Public pages are not
        # requested before: a page cached then would rightly still be served from the cache.
        wait_for(f"{base}/healthz", 200, 60, server)
        cluster("stop")
        stopped = True
        status, headers, body = get(f"{base}/healthz")
        assert status == 503 and b'"unavailable"' in body
        for path in paths:
            status, headers, body = get(base + path)
            assert status == 503, (path, status)
            assert headers.get("Retry-After"), path
            assert "服务暂时不可用" in body.decode("utf-8"), path
        cluster("start")
        stopped = False
        wait_for(f"{base}/healthz", 200, 60, server)
        for path in paths:
            status, _, _ = get(base + path)
            assert status in (200, 302), (path, status)
    except AssertionError:
        log.seek(0)
        print(log.read().decode("utf-8", "replace")[-3000:])  # the server's own account, for the failure report
        raise
    finally:
        if stopped:
            cluster("start")
        server.terminate()
        server.wait(20)
        log.close()
        for _ in range(30):
            try:
                with closing(admin_connection(db)) as conn, conn.cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except Exception:  # noqa: BLE001 - PostgreSQL may still be starting
                time.sleep(1)
