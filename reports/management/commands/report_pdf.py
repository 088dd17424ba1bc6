from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from reports.models import AnnualReport
from reports.services import report_document


class Command(BaseCommand):
    help = "写出某年度报告的PDF（已发布的报告写出发布时保存的文件）"
    extension = "pdf"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("-o", "--output", required=True, help="输出文件路径")

    def handle(self, year, output, **options):
        report = AnnualReport.objects.filter(year=year).first()
        if report is None:
            raise CommandError(f"没有{year}年度的报告")
        path, _ = report_document(report, self.extension)
        with default_storage.open(path, "rb") as source, open(output, "wb") as target:
            target.write(source.read())
        self.stdout.write(f"已写出 {output}")
