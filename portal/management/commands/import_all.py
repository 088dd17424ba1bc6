"""python manage.py import_all DIR — restore an export_all folder into an empty database."""
from django.core.management.base import BaseCommand, CommandError

from portal.backup import NotEmpty, import_all


class Command(BaseCommand):
    help = "把 export_all 导出的文件夹恢复到空数据库"

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        try:
            counts = import_all(directory)
        except (NotEmpty, ValueError, FileNotFoundError) as error:
            raise CommandError(str(error))
        self.stdout.write(f"已导入 {sum(counts.values())} 条记录（{len(counts)} 类）")
