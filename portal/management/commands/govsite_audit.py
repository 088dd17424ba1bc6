"""python manage.py govsite_audit: the site's own check against 《政府网站与政务新媒体检查指标》."""
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.govsite_audit import SLOW_SECONDS, format_table, parse_day, run_audit


class Command(BaseCommand):
    help = _("按《政府网站与政务新媒体检查指标》自查：页脚要素、发布日期、空白和不更新的栏目、无效链接和附件、打开过慢的页面")

    def add_arguments(self, parser):
        parser.add_argument("--slow", type=float, default=SLOW_SECONDS, help=_("页面打开超过多少秒算过慢（默认15）"))
        parser.add_argument("--today", help=_("按哪一天判断栏目是否按期更新（YYYY-MM-DD，默认今天）"))
        parser.add_argument("--host", help=_("请求使用的主机名（默认 ALLOWED_HOSTS 的第一个）"))

    def handle(self, *args, slow, today, host, **options):
        try:
            day = parse_day(today) if today else None
        except ValueError:
            raise CommandError(_("--today 的格式应为 YYYY-MM-DD，例如 2025-01-31")) from None
        rows = run_audit(slow_seconds=slow, today=day, host=host)
        self.stdout.write(format_table(rows))
        failed = [row for row in rows if not row.passed]
        if failed:
            raise CommandError(_("%(n)s项不通过：%(items)s") % {
                "n": len(failed), "items": "、".join(dict.fromkeys(row.item for row in failed))})
        self.stdout.write(self.style.SUCCESS(_("全部%(n)s项通过") % {"n": len(rows)}))
