"""How a background job goes, by its key (see permits.kernel.jobs.services for the pattern)."""
from dataclasses import dataclass

from django.utils import timezone

from permits.kernel.models.jobs import STALE_AFTER, BackgroundJob

try:  # Django 6 ships the tasks framework; on 5.2 the django-tasks backport provides the same API
    from django.tasks import task_backends
    from django.tasks.exceptions import TaskResultDoesNotExist
except ImportError:
    from django_tasks import task_backends
    from django_tasks.exceptions import TaskResultDoesNotExist


def job_is_stale(job, now=None):
    """Whether the run holding `job` is gone: started and silent too long, or its queued task lost."""
    now = now or timezone.now()
    if job.started_at is not None:
        return (job.heartbeat_at or job.started_at) < now - STALE_AFTER
    if not job.task_id:
        return False
    try:
        return task_backends["default"].get_result(job.task_id).is_finished  # failed before it began
    except TaskResultDoesNotExist:
        return True
    except NotImplementedError:  # a backend that keeps no results
        return False


@dataclass(frozen=True)
class JobState:
    state: str  # "none" (not queued, or finished), "queued", "running", "stale" (its worker died)
    progress: str = ""
    enqueued_at: object = None
    started_at: object = None
    heartbeat_at: object = None
    task_id: str = ""


def job_state(key):
    job = BackgroundJob.objects.filter(key=key).first()
    if job is None:
        return JobState("none")
    if job_is_stale(job):
        state = "stale"
    else:
        state = "queued" if job.started_at is None else "running"
    return JobState(state, job.progress, job.enqueued_at, job.started_at, job.heartbeat_at, job.task_id)
