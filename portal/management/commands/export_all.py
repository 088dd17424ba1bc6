"""python manage.py export_all DIR — every catalogue, list, report and figure (portal.backup)."""
from django.core.management.base import BaseCommand

from portal.backup import export_all


class Command(BaseCommand):
    help = "导出全部目录、清单、报告和填报数据到指定文件夹（可用 import_all 恢复）"

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        manifest = export_all(directory)
        total = sum(manifest["models"].values())
        self.stdout.write(f"已导出 {total} 条记录、{len(manifest['files'])} 个文件到 {directory}")
