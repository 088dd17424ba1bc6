import shutil
import tempfile
from unittest import mock

import pytest
from django.core.cache import cache
from django.test import override_settings


@pytest.fixture(autouse=True, scope="session")
def _media_in_a_temporary_folder():
    """Files the tests write (report PDFs, open-data files, uploads) never land in the checkout."""
    folder = tempfile.mkdtemp(prefix="portal-test-media-")
    override = override_settings(MEDIA_ROOT=folder)
    override.enable()
    yield folder
    override.disable()
    shutil.rmtree(folder, ignore_errors=True)


IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True, scope="session")
def _background_jobs_run_where_enqueued():
    """Ordinary tests need no worker: a job runs where it is enqueued (django-tasks' immediate
    backend), in the test's transaction and media folder; what they test is the download or the
    publish, not the background run. tests/permits/test_jobs_worker.py puts back the database queue
    and runs the real `db_worker` against the test database."""
    override = override_settings(TASKS=IMMEDIATE_TASKS)
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache, so a page cached by one test never serves another."""
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _public_cache_only_where_declared(request):
    """Whole-page caching is on only in test classes that set `uses_public_cache = True`.

    Other tests add rows between two requests of the same page without publishing, and
    count queries; a cached page would hide both.
    """
    if getattr(request.cls, "uses_public_cache", False):
        yield
        return
    with override_settings(PUBLIC_CACHE_ENABLED=False):
        yield


def _allows_replica(request):
    databases = getattr(request.cls, "databases", None) or ()
    marker = request.node.get_closest_marker("django_db")
    if marker:
        databases = tuple(databases) + tuple(marker.kwargs.get("databases") or ())
    return databases == "__all__" or "replica" in databases


@pytest.fixture(autouse=True)
def _replica_only_where_declared(request):
    """With DATABASE_REPLICA_URL set, only tests that declare the "replica" alias route reads to it.

    Test data lives in each test's open transaction on "default", which the replica connection
    cannot see; every other test reads from "default" as if no replica were configured.
    """
    if _allows_replica(request):
        yield
        return
    with mock.patch("portal.db_router.replica_configured", return_value=False):
        yield


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_edition_lock():
    """A TransactionTestCase empties every table after each test; on SQLite that is a DELETE per row, which
    the edition lock's triggers refuse for published editions. The flush runs with the lock lifted."""
    from django.db import connections
    from django.test import TransactionTestCase

    from permits.kernel.lock import LIFTED_TABLE

    original = TransactionTestCase._fixture_teardown

    def teardown(self):
        names = [name for name in self._databases_names(include_mirrors=False)
                 if connections[name].vendor == "sqlite"]
        for name in names:
            with connections[name].cursor() as cursor:
                cursor.execute(f"INSERT INTO {LIFTED_TABLE} (lifted) VALUES (1)")
        try:
            original(self)
        finally:
            for name in names:
                with connections[name].cursor() as cursor:
                    cursor.execute(f"DELETE FROM {LIFTED_TABLE}")

    with mock.patch.object(TransactionTestCase, "_fixture_teardown", teardown):
        yield
