from django.core.management.base import BaseCommand

from portal.interact.services import overdue_notify


class Command(BaseCommand):
    help = "给即将到期和已超期留言的承办部门发送邮件提醒（每天运行一次）"

    def add_arguments(self, parser):
        parser.add_argument("--warn-days", type=int, default=None, help="提前几个工作日提醒（默认1）")

    def handle(self, *args, warn_days=None, **options):
        sent = overdue_notify(warn_days=warn_days)
        self.stdout.write(f"已发送提醒 {sent} 条")
