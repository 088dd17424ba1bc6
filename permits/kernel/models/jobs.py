"""The claim on one piece of background work: at most one row, so at most one writer, per key.

A row exists from the moment the work is enqueued until its task ends (done or failed). A worker
killed mid-task cannot delete its row, so the task beats (`heartbeat_at`) while it runs; a started
row whose beat is older than STALE_AFTER belongs to a dead worker and the next enqueue takes it over.
"""
import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

# A running task beats every few seconds; this much silence means its worker is gone.
STALE_AFTER = datetime.timedelta(seconds=60)


class BackgroundJob(models.Model):
    key = models.CharField(_("任务标识"), max_length=200, primary_key=True)
    token = models.UUIDField(_("执行令牌"))
    task_id = models.CharField(_("队列任务编号"), max_length=64, blank=True)
    enqueued_at = models.DateTimeField(_("排队时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    progress = models.CharField(_("进度"), max_length=200, blank=True)

    # Never from a read replica (the project's database router): a claim must be seen the moment it is written.
    read_from_primary = True

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self):
        return self.key
