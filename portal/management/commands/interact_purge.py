from django.core.management.base import BaseCommand, CommandError

from portal.interact.services import personal_data_purge


class Command(BaseCommand):
    help = "删除超过保存期限（默认3年，PORTAL_INTERACT_RETENTION_YEARS）的留言人姓名和手机号码"

    def add_arguments(self, parser):
        parser.add_argument("--years", type=float, default=None, help="保存年限（默认取设置）")

    def handle(self, *args, years=None, **options):
        if years is not None and years < 1:
            raise CommandError("保存年限不能少于1年。")
        count = personal_data_purge(years=years)
        self.stdout.write(f"已删除 {count} 条留言的个人信息")
