import time
from django.test import TestCase
from tests.reports.factories import build_2024
from reports.services import report_build_pdf, report_render_html


class Smoke(TestCase):
    def test_smoke(self):
        data = build_2024()
        html = report_render_html(data["report"])
        open("/tmp/r.html", "w").write(html)
        t = time.time()
        pdf = report_build_pdf(data["report"])
        print("render", time.time() - t)
        open("/tmp/r.pdf", "wb").write(pdf)
