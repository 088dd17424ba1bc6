"""Reports follow the same review as editions: editors submit, reviewers send back (with a comment) or publish."""
from django.core.exceptions import ValidationError
from django.test import TestCase
from django.urls import reverse

from permits.models import AuditEvent, EditionStatus
from permits.kernel.access import roles
from reports.models import AnnualReport, ReportSection
from reports.services import report_send_back, report_submit
from tests.portal.factories import make_staff


class ReportReviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("editor_report", roles.REPORT_EDITOR)
        cls.reviewer = make_staff("reviewer", roles.REVIEWER)
        cls.auditor = make_staff("auditor", roles.AUDIT_ADMIN)
        cls.report = AnnualReport.objects.create(year=2024, title="2024年法治政府建设年度报告")
        ReportSection.objects.create(report=cls.report, order=1, heading="一、主要举措", body="正文")

    def changelist_action(self, action, **extra):
        return self.client.post(reverse("admin:reports_annualreport_changelist"),
                                {"action": action, "_selected_action": [self.report.pk], **extra})

    def status(self):
        return AnnualReport.objects.get(pk=self.report.pk).status

    def test_services(self):
        report_submit(self.report, user=self.editor)
        self.assertEqual(self.status(), EditionStatus.SUBMITTED)
        with self.assertRaises(ValidationError):
            report_submit(self.report, user=self.editor)
        with self.assertRaises(ValidationError):
            report_send_back(self.report, user=self.reviewer, comment=" ")
        report_send_back(self.report, user=self.reviewer, comment="数据口径请核对")
        report = AnnualReport.objects.get(pk=self.report.pk)
        self.assertEqual((report.status, report.review_comment), (EditionStatus.DRAFT, "数据口径请核对"))
        self.assertEqual(list(AuditEvent.objects.filter(object_type="reports.AnnualReport").order_by("id")
                              .values_list("action", "username")),
                         [("submit", "editor_report"), ("send_back", "reviewer")])

    def test_admin_actions_by_role(self):
        self.client.force_login(self.auditor)
        self.changelist_action("submit_reports")
        self.assertEqual(self.status(), EditionStatus.DRAFT)
        self.client.force_login(self.editor)
        self.changelist_action("send_back_reports", apply="1", review_comment="x")
        self.changelist_action("submit_reports")
        self.assertEqual(self.status(), EditionStatus.SUBMITTED)
        # Under review the editor can no longer change the report.
        change = self.client.get(reverse("admin:reports_annualreport_change", args=[self.report.pk]))
        self.assertFalse(change.context["has_change_permission"])
        self.client.force_login(self.reviewer)
        self.assertContains(self.changelist_action("send_back_reports"), "审核意见")
        self.changelist_action("send_back_reports", apply="1", review_comment="请补充第二部分")
        self.assertEqual(self.status(), EditionStatus.DRAFT)
