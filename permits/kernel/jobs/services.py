"""Background work: Django's tasks API (django-tasks) on its database queue, run by `manage.py db_worker`.

The pattern every job follows (files written after a publish, renders, large imports and copies):

1. A service does the work and can be called synchronously too (a staff command, a test). It takes
   `beat`, a callable it calls now and then (and with a short Chinese progress note) while it runs.
2. `<app>/tasks.py` turns a thin function calling that service into a task with `@background_job`.
3. Callers enqueue it under a key naming the state of the data:
   `job_enqueue(open_data_build_task, "open-data:permits-3-…", edition_id=3)`. One BackgroundJob
   row per key means one writer per state: enqueueing a key that is queued or running does nothing.
   Synchronous callers hold the same key with `job_claim(key)`.
4. Anyone asks how it goes with `permits.kernel.jobs.selectors.job_state(key)`.

A worker that dies mid-task (killed, machine lost) stops beating; the next enqueue or claim of that
key takes the row over (STALE_AFTER), and the dead task, should it ever wake, finds it lost the key.
"""
import contextlib
import functools
import time
import uuid

from django.db import transaction
from django.utils import timezone

from permits.kernel.models.jobs import BackgroundJob

from permits.kernel.jobs.selectors import job_is_stale

try:  # Django 6 ships the tasks framework; on 5.2 the django-tasks backport provides the same API
    from django.tasks import task
except ImportError:
    from django_tasks import task

# Seconds between two heartbeats written by a running job (well inside STALE_AFTER).
HEARTBEAT = 5


class JobBusy(Exception):
    """Another live worker holds this key."""


class JobTakenOver(Exception):
    """This run lost its key (it was silent too long and another run took over): stop writing."""


class Beat:
    """Called by a running job: refreshes its heartbeat at most every HEARTBEAT seconds, and
    records `progress` when given; raises JobTakenOver once the key belongs to another run."""

    def __init__(self, key, token):
        self.key, self.token, self.last = key, token, time.monotonic()

    def __call__(self, progress=None):
        if progress is None and time.monotonic() - self.last < HEARTBEAT:
            return
        fields = {"heartbeat_at": timezone.now()}
        if progress is not None:
            fields["progress"] = str(progress)[:200]
        if not BackgroundJob.objects.filter(key=self.key, token=self.token).update(**fields):
            raise JobTakenOver(self.key)
        self.last = time.monotonic()


def _take(key, *, started):
    """(job, token): the key's row, new or taken over from a dead run; token None if a live run has it.
    A synchronous claim (`started`) also takes over a run that is only queued: it will find it lost."""
    token, now = uuid.uuid4(), timezone.now()
    fields = {"token": token, "enqueued_at": now, "started_at": now if started else None,
              "heartbeat_at": now if started else None, "task_id": "", "progress": ""}
    job, created = BackgroundJob.objects.select_for_update().get_or_create(key=key, defaults=fields)
    if created:
        return job, token
    if job_is_stale(job, now) or (started and job.started_at is None):
        for name, value in fields.items():
            setattr(job, name, value)
        job.save()
        return job, token
    return job, None


def job_enqueue(job_task, key, **kwargs):
    """Queue `job_task(**kwargs)` under `key` unless a live run already has it; the key's row."""
    with transaction.atomic():
        job, token = _take(key, started=False)
        if token is None:
            return job
        # In the same transaction as the row: the queue holds the task exactly when the key is taken.
        result = job_task.enqueue(job_key=key, job_token=str(token), **kwargs)
        BackgroundJob.objects.filter(key=key, token=token).update(task_id=str(result.id))
    return job


@contextlib.contextmanager
def job_claim(key):
    """Hold `key` while running its work here and now, yielding a Beat; JobBusy if a live run has it."""
    with transaction.atomic():
        job, token = _take(key, started=True)
    if token is None:
        raise JobBusy(job)
    try:
        yield Beat(key, token)
    finally:
        BackgroundJob.objects.filter(key=key, token=token).delete()


def _adopt(key, token):
    now = timezone.now()
    return BackgroundJob.objects.filter(key=key, token=token).update(started_at=now, heartbeat_at=now) == 1


def background_job(function=None, **task_options):
    """A task (options as django-tasks' @task) whose function gets `beat=` and runs only while its run
    holds the key it was enqueued under; returns None without running when the key was taken over."""

    def decorate(function):
        @functools.wraps(function)
        def run(*args, job_key, job_token, **kwargs):
            if not _adopt(job_key, job_token):
                return None
            try:
                return function(*args, beat=Beat(job_key, job_token), **kwargs)
            except JobTakenOver:
                return None
            finally:
                BackgroundJob.objects.filter(key=job_key, token=job_token).delete()

        return task(**task_options)(run)

    return decorate(function) if function is not None else decorate
