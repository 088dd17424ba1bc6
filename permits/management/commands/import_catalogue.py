"""python manage.py import_catalogue FILE (--edition ID | --new-edition TITLE) [--dry-run] [--user USERNAME]"""
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from permits.kernel.importing.errors import ImportFailed
from permits.models import PermitCatalogue
from permits.catalogue.services.importing import catalogue_import


class Command(BaseCommand):
    help = "从 xlsx 或 csv 文件导入行政许可事项清单（一行一个业务办理项）。出错时不写入任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="xlsx 或 csv 文件")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--edition", type=int, help="导入到这个草稿清单（编号）")
        target.add_argument("--new-edition", metavar="TITLE", help="新建一个市本级草稿清单并导入")
        parser.add_argument("--user", help="以此账号的身份导入：部门编辑只能导入本部门的事项，导入记在此账号名下")
        parser.add_argument("--dry-run", action="store_true",
                            help="只检查并逐行显示将要新增、修改（原值 → 新值）和清空的内容，不写入")

    def handle(self, *args, file, edition=None, new_edition=None, dry_run=False, user=None, **options):
        account = None
        if user is not None:
            account = get_user_model().objects.filter(username=user).first()
            if account is None or not account.is_active or not account.is_staff:
                raise CommandError(f"账号“{user}”不存在、已停用或不是工作人员。")
            if not account.has_perm("permits.change_permititem"):
                raise CommandError(f"账号“{user}”没有导入行政许可事项的权限。")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        target = None
        if edition is not None:
            target = PermitCatalogue.objects.filter(pk=edition).first()
            if target is None:
                raise CommandError(f"编号为 {edition} 的清单不存在。")
        try:
            summary = catalogue_import(
                path.read_bytes(), path.name, edition=target, new_edition_title=new_edition, dry_run=dry_run, user=account,
            )
        except ImportFailed as failure:
            for problem in failure.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"导入失败，共 {len(failure.problems)} 个问题；数据库未作任何修改。")
        verbosity = options.get("verbosity", 1)
        prefix = "预览（未写入）：" if dry_run else "导入完成："
        where = f"《{summary.target}》" if summary.target is not None else f"《{new_edition}》"
        self.stdout.write(f"{prefix}{where}{summary.describe()}")
        for warning in summary.warnings:
            self.stdout.write(f"提醒：{warning}")
        if not dry_run and verbosity < 2:
            return
        # The same field-level preview as the admin: every change old → new, every cleared field.
        for entry in summary.preview:
            self.stdout.write(f"  第{entry['row']}行 {entry['action']}{entry['level']} {entry['code']} {entry['name']}")
            for change in entry.get("changes", ()):
                self.stdout.write(f"      {change}")
