"""The chart: no label cut at any catalogue size, values in its alternative text and in a data table."""
import re

from django.test import SimpleTestCase, TestCase

from permits.models import OneThing
from reports.chart import reduction_chart_svg
from reports.services import report_build_pdf
from tests.reports.base import compact, make_user, pdf_text
from tests.reports.factories import OneThingFactory, build_2024
from tests.reports.glyphs import BLOCK_BOTTOM, page_lines

LONG_NAME = "二手房转移登记及水电气联动过户网络宽带有线电视同步变更“一件事”"  # 33 characters


def svg_labels(svg):
    """Each bar's label as drawn: its text element's tspans joined."""
    return ["".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", text))
            for text in re.findall(r'<text text-anchor="end">(.*?)</text>', svg)]


class ChartSvgTests(SimpleTestCase):
    def test_long_label_wraps_instead_of_being_cut(self):
        svg = reduction_chart_svg([(LONG_NAME, 0.8), ("短名", 0.5)])
        self.assertEqual(svg_labels(svg), [LONG_NAME, "短名"])
        self.assertNotIn("…", svg)
        self.assertGreaterEqual(svg.count("<tspan"), 3)  # the long one on two lines

    def test_alternative_text_lists_every_value(self):
        svg = reduction_chart_svg([(LONG_NAME, 0.8), ("短名", 0.5)])
        label = re.search(r'aria-label="([^"]*)"', svg).group(1)
        self.assertIn(f"{LONG_NAME}：80%", label.replace("&ldquo;", "“").replace("&rdquo;", "”").replace("&#x201c;", "“"))
        self.assertIn("短名：50%", label)
        self.assertIn("<desc>", svg)


class ChartInDocumentsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = build_2024()
        # A large catalogue: 60 measured bundles with long names, more than one page of bars.
        for i in range(60):
            OneThingFactory(name=f"{LONG_NAME}{i:02d}", materials_before=10, materials_after=i % 7,
                            visits_before=4, visits_after=1, days_before=20, days_after=5)
        cls.names = list(OneThing.objects.of_year(2024).exclude(days_after=None).values_list("name", flat=True))
        cls.staff = make_user("staff")

    def test_every_label_whole_in_the_pdf_and_inside_the_page(self):
        pdf = report_build_pdf(self.data["report"])
        text = compact(pdf_text(pdf).split("附件", 1)[1])
        self.assertGreater(len(self.names), 60)
        for name in self.names:
            self.assertIn(name, text)
        pages = page_lines(pdf)
        start = next(i for i, lines in enumerate(pages) if any(
            "".join(c[0] for c in line["chars"]) == "附件" for line in lines))
        self.assertGreater(len(pages) - start, 1)  # the bars go on over more than one page
        for lines in pages[start:]:
            for line in lines:
                if line["size"] != 14.0 and "草稿" not in "".join(c[0] for c in line["chars"]):
                    self.assertLess(line["y"], BLOCK_BOTTOM, line)  # nothing drawn past the block's foot

    def test_html_has_a_data_table_after_the_chart(self):
        self.client.force_login(self.staff)
        html = self.client.get("/reports/2024/").content.decode()
        figure_at = html.index('<figure class="chart">')
        table_at = html.index('<table class="chart-data">')
        self.assertLess(figure_at, table_at)
        rows = re.findall(r'<tr><th scope="row">([^<]*)</th><td>(\d+%)</td></tr>', html[table_at:])
        self.assertEqual(sorted(name for name, _ in rows), sorted(self.names))
