import datetime

from django.test import TestCase

from permits.models import OneThing, PermitItem
from permits.kernel.lifecycle import edition_copy, edition_publish
from reports.models import AnnualFigure, ReportSection
from tests.reports.base import make_user
from tests.reports.factories import OneThingFactory, build_2024, build_report


class ReportPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = build_2024()
        cls.staff = make_user("staff")

    def get(self, path="/reports/2024/"):
        self.client.force_login(self.staff)
        return self.client.get(path)

    def test_draft_hidden_from_public(self):
        self.assertEqual(self.client.get("/reports/2024/").status_code, 404)
        self.assertEqual(self.client.get("/reports/2024.pdf").status_code, 404)
        self.assertNotContains(self.client.get("/reports/"), self.data["report"].title)
        self.assertEqual(self.client.get("/reports/1999/").status_code, 404)

    def test_staff_sees_every_figure_linked_to_its_page(self):
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "reports/report.html")
        for key, expected in self.data["expected"].items():
            self.assertContains(response, f'data-figure="{key}"')
            self.assertContains(response, f">{expected}</", msg_prefix=key)
        self.assertContains(response, f'data-figure="zone_powers" href="/powers/{self.data["zone"].pk}/"')
        self.assertContains(response, 'data-figure="permit_items" href="/permits/editions/2023%E5%B9%B4%E7%89%88/#items"')
        self.assertContains(response, 'data-figure="one_things" href="/one-things/?year=2024"')
        self.assertNotContains(response, "数据缺失")
        self.assertContains(response, "<svg", count=1)

    def test_headings_numbered(self):
        response = self.get()
        for text in ("一、2024年度推进法治政府建设的主要举措和成效", "（一）压实主体责任", "（二）依法履行政府职能",
                     "1.营造浓厚法治氛围。", "二、党政主要负责人", "三、下一年度主要安排"):
            self.assertContains(response, text)

    def test_draft_follows_the_data(self):
        # A new permit edition published in 2024 with one item less.
        draft = edition_copy(self.data["permits"], title="新余市行政许可事项清单（2024年版）")
        PermitItem.objects.filter(edition=draft).order_by("pk").first().delete()
        edition_publish(draft, published_on=datetime.date(2024, 6, 1))
        expected = int(self.data["expected"]["permit_items"]) - 1
        self.assertContains(self.get(), f'data-figure="permit_items" href="/permits/editions/2023%E5%B9%B4%E7%89%88/#items" title="行政许可事项数">{expected}</a>')
        # Removing a measurement moves the average.
        OneThing.objects.filter(pk=self.data["measured"][0].pk).update(materials_after=None)
        remaining = self.data["measured"][1].reduction
        self.assertContains(self.get(), f">超过{int(remaining * 100)}%<")

    def test_missing_staff_figure_shows_marker(self):
        AnnualFigure.objects.filter(year=2024, key="law_meetings").delete()
        response = self.get()
        self.assertContains(response, "「数据缺失：法治专题会议次数」")

    def test_list_for_staff_shows_draft(self):
        response = self.get("/reports/")
        self.assertContains(response, self.data["report"].title)
        self.assertContains(response, "草稿")

    def test_query_count_does_not_grow_with_sections_or_catalogues(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def count():
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get("/reports/2024/").status_code, 200)
            return len(queries)

        self.client.force_login(self.staff)
        self.client.get("/reports/2024/")
        before = count()
        self.assertLessEqual(before, 30)
        report = self.data["report"]
        for i in range(10):
            ReportSection.objects.create(report=report, order=100 + i, level=3, heading=f"补充{i}",
                                         body="共{permit_items}项")
        for i in range(5):
            OneThingFactory(materials_before=5, materials_after=1, visits_before=2, visits_after=1,
                            days_before=5, days_after=1)
        self.assertEqual(count(), before)


class ReportListTests(TestCase):
    def test_public_list_shows_published_only(self):
        from permits.models import EditionStatus

        published = build_report(2023)
        type(published).objects.filter(pk=published.pk).update(status=EditionStatus.PUBLISHED,
                                                                published_on=datetime.date(2024, 3, 1))
        build_report(2024)
        response = self.client.get("/reports/")
        self.assertContains(response, "2023年度")
        self.assertNotContains(response, "2024年度")


class BadYearTests(TestCase):
    def test_out_of_range_years_are_404(self):
        for path in ("/reports/99999999999/", "/reports/99999999999.pdf", "/reports/0/", "/reports/abc/"):
            self.assertEqual(self.client.get(path).status_code, 404, path)
