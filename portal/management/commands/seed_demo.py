"""python manage.py seed_demo [--scale N]: the demo data every page shows; safe to run repeatedly."""
import time

from django.core.management.base import BaseCommand, CommandError

from portal.demo import seed_demo


class Command(BaseCommand):
    help = "生成演示数据（可重复执行；--scale N 仅用于性能测试，使现行许可事项清单扩大N倍）"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="现行许可事项清单的倍数（默认1）")

    def handle(self, *args, scale, **options):
        if scale < 1 or scale > 1000:
            raise CommandError("参数 --scale 应为 1 到 1000 之间的整数")
        started = time.monotonic()
        log = self.stdout.write if options["verbosity"] >= 1 else (lambda message: None)
        seed_demo(scale=scale, log=log)
        log(self.style.SUCCESS(f"演示数据已就绪（用时 {time.monotonic() - started:.1f} 秒）"))
