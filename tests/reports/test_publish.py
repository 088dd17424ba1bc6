import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse

from permits.models import EditionStatus, OneThing, PermitItem
from permits.kernel.lifecycle import edition_copy, edition_publish
from reports.models import AnnualFigure, AnnualReport, ReportSection
from reports.services import report_copy, report_publish
from tests.reports.base import PrivateMediaMixin, compact, editor, make_user, pdf_text, reviewer
from tests.reports.factories import build_2024


class PublishTests(PrivateMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = build_2024()
        cls.reviewer = reviewer()
        cls.editor = editor()

    def test_non_reviewer_cannot_publish(self):
        with self.assertRaises(PermissionDenied):
            report_publish(self.data["report"], user=self.editor)
        self.assertEqual(AnnualReport.objects.get(pk=self.data["report"].pk).status, EditionStatus.DRAFT)

    def test_publish_refused_with_missing_figure(self):
        AnnualFigure.objects.filter(year=2024, key="open_day_representatives").delete()
        with self.assertRaises(ValidationError) as caught:
            report_publish(self.data["report"], user=self.reviewer)
        self.assertIn("开放日邀请代表人数", " ".join(caught.exception.messages))
        self.assertFalse(AnnualReport.objects.get(pk=self.data["report"].pk).is_published)

    def test_published_report_stays_as_published(self):
        # The publish's after-commit job renders the frozen PDF (run where queued: tests/conftest.py).
        with self.captureOnCommitCallbacks(execute=True):
            report = report_publish(self.data["report"], user=self.reviewer, published_on=datetime.date(2025, 2, 20))
        report.refresh_from_db()
        self.assertTrue(report.is_published)
        self.assertTrue(report.frozen_pdf.name)
        expected_items = self.data["expected"]["permit_items"]
        html_before = self.client.get("/reports/2024/")
        self.assertEqual(html_before.status_code, 200)  # now public
        pdf_before = b"".join(self.client.get("/reports/2024.pdf").streaming_content)

        # The catalogues change after publication.
        draft = edition_copy(self.data["permits"], title="新余市行政许可事项清单（2024年版）")
        PermitItem.objects.filter(edition=draft).order_by("pk").first().delete()
        edition_publish(draft, published_on=datetime.date(2024, 6, 1))
        OneThing.objects.filter(pk=self.data["measured"][0].pk).update(materials_after=None)
        AnnualFigure.objects.filter(year=2024, key="law_meetings").delete()
        ReportSection.objects.filter(report=report).update(body="改写")

        html_after = self.client.get("/reports/2024/")
        self.assertEqual(html_after.content, html_before.content)
        self.assertContains(html_after, f'data-figure="permit_items" href="/permits/editions/2023%E5%B9%B4%E7%89%88/#items" title="行政许可事项数">{expected_items}</a>')
        pdf_response = self.client.get("/reports/2024.pdf")
        self.assertEqual(b"".join(pdf_response.streaming_content), pdf_before)
        self.assertIn("public", pdf_response["Cache-Control"])
        self.assertIn(self.data["expected"]["one_things_reduction"], compact(pdf_text(pdf_before)))
        self.assertIn("2025年2月20日", compact(pdf_text(pdf_before)))

    def test_lost_frozen_file_is_rendered_again_from_the_frozen_content(self):
        with self.captureOnCommitCallbacks(execute=True):
            report = report_publish(self.data["report"], user=self.reviewer)
        report.refresh_from_db()
        from django.core.files.storage import default_storage

        default_storage.delete(report.frozen_pdf.name)
        OneThing.objects.filter(pk=self.data["measured"][0].pk).update(materials_after=None)
        response = self.client.get("/reports/2024.pdf")
        self.assertEqual(response.status_code, 200)
        text = compact(pdf_text(b"".join(response.streaming_content)))
        self.assertIn(self.data["expected"]["one_things_reduction"], text)

    def test_cannot_publish_twice(self):
        report_publish(self.data["report"], user=self.reviewer)
        with self.assertRaises(ValidationError):
            report_publish(self.data["report"], user=self.reviewer)

    def test_copy_to_next_year(self):
        copy = report_copy(self.data["report"])
        self.assertEqual(copy.year, 2025)
        self.assertIn("2025年度", copy.title)
        self.assertEqual(copy.status, EditionStatus.DRAFT)
        self.assertEqual(copy.copied_from, self.data["report"])
        old = list(self.data["report"].sections.values_list("order", "level", "heading", "body"))
        self.assertEqual(list(copy.sections.values_list("order", "level", "heading", "body")), old)
        self.assertFalse(AnnualFigure.objects.filter(year=2025).exists())  # figures are not copied
        staff = make_user("staff")
        self.client.force_login(staff)
        response = self.client.get("/reports/2025/")
        # 2025 has no bundles and no staff figures yet; the permit edition of 2023 is still in force.
        self.assertContains(response, "「数据缺失：“高效办成一件事”数」")
        self.assertContains(response, "「数据缺失：法治专题会议次数」")
        self.assertContains(response, f">{self.data['expected']['permit_items']}</a>")
        with self.assertRaises(ValidationError):
            report_copy(self.data["report"])


class AdminTests(PrivateMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = build_2024()
        cls.superuser = make_user("root")
        cls.superuser.is_superuser = True
        cls.superuser.save()
        cls.editor = editor()

    def test_change_form_lists_figures_with_sources(self):
        self.client.force_login(self.superuser)
        report = self.data["report"]
        response = self.client.get(reverse("admin:reports_annualreport_change", args=[report.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "本年度数据")
        self.assertContains(response, f'href="/powers/{self.data["zone"].pk}/"')
        self.assertContains(response, "{permit_items}")
        self.assertContains(response, "/reports/2024/")
        self.assertContains(response, "/reports/2024.pdf")
        self.assertContains(response, "/reports/2024.docx")
        self.assertContains(response, "/reports/2024.ofd")
        self.assertContains(response, reverse("admin:reports_annualreport_publish", args=[report.pk]))
        # Each figure: the Chinese name staff may type, the English one, its value and its source page.
        self.assertContains(response, "<tr><td><code>{行政许可事项数}</code></td><td><code>{permit_items}</code></td>"
                                      "<td>行政许可事项数</td>\n<td>3</td>\n"
                                      '<td><a href="/permits/editions/2023%E5%B9%B4%E7%89%88/#items"', html=False)
        self.assertContains(response, "<td><code>{法治专题会议次数}</code></td><td><code>{law_meetings}</code></td>")

    def test_admin_publish_requires_reviewer(self):
        from django.contrib.auth.models import Permission

        self.editor.user_permissions.add(*Permission.objects.filter(content_type__app_label="reports"))
        report = self.data["report"]
        self.client.force_login(self.editor)
        url = reverse("admin:reports_annualreport_publish", args=[report.pk])
        change = self.client.get(reverse("admin:reports_annualreport_change", args=[report.pk]))
        self.assertNotContains(change, url)
        self.assertEqual(self.client.post(url).status_code, 403)
        self.assertFalse(AnnualReport.objects.get(pk=report.pk).is_published)
        self.client.force_login(self.superuser)
        self.client.post(url)
        self.assertTrue(AnnualReport.objects.get(pk=report.pk).is_published)

    def test_admin_publish_with_missing_figure_shows_error(self):
        AnnualFigure.objects.filter(year=2024, key="law_lectures").delete()
        self.client.force_login(self.superuser)
        report = self.data["report"]
        response = self.client.post(reverse("admin:reports_annualreport_publish", args=[report.pk]), follow=True)
        self.assertContains(response, "法治宣讲次数")
        self.assertFalse(AnnualReport.objects.get(pk=report.pk).is_published)

    def test_copy_action(self):
        self.client.force_login(self.superuser)
        self.client.post(reverse("admin:reports_annualreport_changelist"),
                         {"action": "copy_to_next_year", "_selected_action": [self.data["report"].pk]})
        self.assertTrue(AnnualReport.objects.filter(year=2025, copied_from=self.data["report"]).exists())

    def test_annual_figure_key_cannot_be_computed(self):
        self.client.force_login(self.superuser)
        response = self.client.post(reverse("admin:reports_annualfigure_add"), {
            "year": 2024, "key": "permit_items", "label": "x", "value": "1"})
        self.assertContains(response, "由系统根据清单数据计算")
        self.assertFalse(AnnualFigure.objects.filter(key="permit_items").exists())

    def test_section_inline_rejects_unknown_key(self):
        self.client.force_login(self.superuser)
        report = self.data["report"]
        sections = list(report.sections.all())
        data = {"year": 2024, "organisation": report.organisation, "title": report.title, "intro": report.intro,
                "sections-TOTAL_FORMS": len(sections) + 1, "sections-INITIAL_FORMS": len(sections),
                "sections-MIN_NUM_FORMS": 0, "sections-MAX_NUM_FORMS": 1000}
        for i, s in enumerate(sections):
            data.update({f"sections-{i}-id": s.pk, f"sections-{i}-report": report.pk, f"sections-{i}-order": s.order,
                         f"sections-{i}-level": s.level, f"sections-{i}-heading": s.heading,
                         f"sections-{i}-body": s.body})
        n = len(sections)
        data.update({f"sections-{n}-report": report.pk, f"sections-{n}-order": 99, f"sections-{n}-level": 3,
                     f"sections-{n}-heading": "新增", f"sections-{n}-body": "共{unknown_figure}项"})
        response = self.client.post(reverse("admin:reports_annualreport_change", args=[report.pk]), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "unknown_figure")
        self.assertContains(response, "最接近的名称")
        self.assertFalse(ReportSection.objects.filter(heading="新增").exists())


class FontWarningTests(PrivateMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = build_2024()
        cls.superuser = make_user("root")
        cls.superuser.is_superuser = True
        cls.superuser.save()

    def test_admin_warns_about_characters_the_fonts_lack(self):
        section = self.data["report"].sections.first()
        section.body = "古文字\U0001F600与\U00031350"  # an emoji and a CJK Extension G character
        section.save()
        self.client.force_login(self.superuser)
        response = self.client.get(reverse("admin:reports_annualreport_change", args=[self.data["report"].pk]))
        self.assertContains(response, "PDF字体不含以下字符")
        self.assertContains(response, "\U0001F600")
