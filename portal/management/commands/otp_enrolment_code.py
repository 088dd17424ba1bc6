"""Issue a one-time TOTP enrolment code on the server: how the first 安全管理员 binds a device."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from portal.security.enrolment import enrolment_code_issue


class Command(BaseCommand):
    help = "为账号签发一次性动态口令绑定码（24 小时内有效，只显示一次；记入审计记录）"

    def add_arguments(self, parser):
        parser.add_argument("username", help="账号的用户名")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"账号“{username}”不存在或已停用。")
        code = enrolment_code_issue(user, issued_by=None)
        self.stdout.write(f"账号 {username} 的绑定码：{code}（24 小时内有效，只显示这一次）")
