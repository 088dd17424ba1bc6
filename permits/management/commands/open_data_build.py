"""python manage.py open_data_build [--edition ID]: write the open-data files here and now, under the
same job key as the background build (so never at the same time as it)."""
import time

from django.core.management.base import BaseCommand, CommandError

from permits.models import PermitCatalogue
from permits.catalogue.selectors.catalogue import published_permit_catalogue
from permits.kernel.jobs.services import JobBusy
from permits.catalogue.services.open_data import FORMATS, open_data_build


class Command(BaseCommand):
    help = "生成已发布行政许可事项清单的开放数据文件（CSV、Excel、JSON 及其 gzip 压缩版），已有的不重写。发布清单后由后台任务（db_worker）自动生成。"

    def add_arguments(self, parser):
        parser.add_argument("--edition", type=int, help="清单编号（默认：当前已发布的市本级清单）")
        parser.add_argument("--first", choices=FORMATS, help="先生成这种格式（有人正在等它下载）")

    def handle(self, *args, edition=None, first=None, **options):
        current = published_permit_catalogue()
        if edition is None:
            target = current
            if target is None:
                raise CommandError("暂无已发布的行政许可事项清单。")
        else:
            target = PermitCatalogue.objects.filter(pk=edition).first()
            if target is None:
                raise CommandError(f"编号为 {edition} 的清单不存在。")
            if current is None or target.pk != current.pk:
                # Started after a publish that a newer one has since replaced: nothing to serve.
                self.stdout.write(
                    f"《{target}》不是网站当前公开的清单（状态：{target.get_status_display()}），不生成开放数据文件。"
                )
                return
        started = time.monotonic()
        try:
            paths = open_data_build(target, first=first)
        except JobBusy:
            raise CommandError(f"《{target}》的开放数据文件正由后台任务生成，请稍后再运行或直接等它完成。") from None
        if not all(path.exists() for path in paths):
            self.stdout.write(f"《{target}》生成期间已有更新的清单发布，它的文件已删除。")
            return
        sizes = "，".join(f"{path.name} {path.stat().st_size / 1e6:.1f} MB" for path in paths)
        self.stdout.write(f"《{target}》开放数据文件已就绪（{time.monotonic() - started:.1f} 秒）：{sizes}")
