"""Delete audit events and change history older than N days (N ≥ 180: the retention period)."""
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from permits.kernel.access.audit import audit_purge
from portal.security.signals import history_models


class Command(BaseCommand):
    help = "清理超过保存期限的审计记录和变更历史（保存期限不少于180天）"

    def add_arguments(self, parser):
        parser.add_argument("--older-than-days", type=int, required=True)

    def handle(self, *args, older_than_days, **options):
        minimum = settings.PORTAL_AUDIT_RETENTION_DAYS
        if older_than_days < minimum:
            raise CommandError(f"审计记录至少保存 {minimum} 天，不能清理 {older_than_days} 天内的记录。")
        cutoff = timezone.now() - datetime.timedelta(days=older_than_days)
        with transaction.atomic():
            try:
                events = audit_purge(older_than_days=older_than_days)
            except PermissionDenied as error:
                raise CommandError(str(error))
            history = 0
            for model in history_models():
                field = "history_date" if any(f.name == "history_date" for f in model._meta.fields) else None
                if field is None:
                    continue
                old = model._base_manager.filter(**{f"{field}__lt": cutoff})
                # _raw_delete: the history guard signals refuse ordinary deletes on purpose.
                history += old._raw_delete(old.db)
        self.stdout.write(f"已清理审计记录 {events} 条、变更历史 {history} 条（{cutoff:%Y-%m-%d} 之前）。")
