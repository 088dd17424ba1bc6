"""python manage.py demo_banner --url URL: what `make run` prints before serving."""
import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from portal.demo import DEMO_ACCOUNTS, PASSWORD_ENV, PASSWORD_FILE_NAME, demo_password


class Command(BaseCommand):
    help = "显示演示站点地址、管理后台地址和演示账号"

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="站点地址")

    def handle(self, *args, url, **options):
        url = url if url.endswith("/") else url + "/"
        password = demo_password()
        present = set(get_user_model().objects.filter(
            username__in=[a[0] for a in DEMO_ACCOUNTS]).values_list("username", flat=True))
        out = self.stdout.write
        out("=" * 64)
        out(f"新余市行政审批局门户（演示）  {url}")
        out(f"管理后台  {url}admin/")
        out("-" * 64)
        if not present:
            out("尚无演示账号，请先运行：python manage.py seed_demo")
        for username, role, _name, departments in DEMO_ACCOUNTS:
            if username not in present:
                continue
            label = role or "超级用户（仅用于初始化）"
            if departments:
                label += f"（{'、'.join(departments)}）"
            out(f"  {username:<14} {label}")
        if present:
            source = f"环境变量 {PASSWORD_ENV}" if os.environ.get(PASSWORD_ENV, "").strip() else f"文件 {PASSWORD_FILE_NAME}"
            out(f"密码（所有演示账号相同，取自{source}）：{password or '未知，请重新运行 seed_demo'}")
        out("=" * 64)
