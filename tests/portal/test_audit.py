"""The audit trail: what is recorded, that it cannot be changed or deleted, retention, browsing and export."""
import csv
import datetime
import io

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from permits.models import AuditEvent, PermitItem
from permits.kernel.access import roles
from permits.kernel.access.audit import audit_purge, audit_record
from permits.kernel.lifecycle import edition_copy, edition_publish, edition_send_back, edition_submit
from tests.factories import build_catalogue
from tests.portal.factories import make_staff


def age(event, days):
    # Written through SQL on purpose: the model refuses updates.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET created_at = %s WHERE id = %s",
                       [timezone.now() - datetime.timedelta(days=days), event.pk])


class RecordingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("editor_scjg", roles.DEPARTMENT_EDITOR)
        cls.reviewer = make_staff("reviewer", roles.REVIEWER)
        cls.edition = build_catalogue(items=1, subs=1, handlings=1)

    def test_lifecycle_services_record_who_did_what(self):
        edition_submit(self.edition, user=self.editor)
        edition_send_back(self.edition, user=self.reviewer, comment="请核对编码")
        edition_submit(self.edition, user=self.editor)
        edition_publish(self.edition, user=self.reviewer)
        copy = edition_copy(self.edition, user=self.editor)
        lifecycle = ("submit", "send_back", "publish", "copy")
        events = list(AuditEvent.objects.filter(action__in=lifecycle).order_by("id")
                      .values_list("action", "username", "object_id"))
        self.assertEqual(events, [
            ("submit", "editor_scjg", str(self.edition.pk)), ("send_back", "reviewer", str(self.edition.pk)),
            ("submit", "editor_scjg", str(self.edition.pk)), ("publish", "reviewer", str(self.edition.pk)),
            ("copy", "editor_scjg", str(copy.pk)),
        ])
        self.assertEqual(AuditEvent.objects.get(action="send_back").detail["comment"], "请核对编码")

    def test_report_copy_is_audited(self):
        from reports.models import AnnualReport
        from reports.services import report_copy

        report = AnnualReport.objects.create(year=2024, title="2024年法治政府建设年度报告")
        copy = report_copy(report, user=self.reviewer)
        event = AuditEvent.objects.get(action=AuditEvent.Action.COPY, object_type="reports.AnnualReport")
        self.assertEqual((event.object_id, event.username, event.detail["copied_from"]),
                         (str(copy.pk), "reviewer", report.pk))

    def test_row_changes_keep_before_and_after(self):
        item = PermitItem.objects.get(edition=self.edition)
        before = item.name
        item.name = "改过的名称"
        item.save()
        latest, previous = item.history.order_by("-history_id")[:2]
        delta = latest.diff_against(previous)
        self.assertEqual([(c.field, c.old, c.new) for c in delta.changes], [("name", before, "改过的名称")])


class ImmutabilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.event = audit_record(AuditEvent.Action.LOGIN, None, None, username="someone")
        cls.edition = build_catalogue(items=1, subs=1, handlings=1)

    def test_events_cannot_change_or_go(self):
        self.event.username = "other"
        for attempt in (self.event.save, self.event.delete, AuditEvent.objects.all().delete,
                        lambda: AuditEvent.objects.update(username="x")):
            with self.subTest(attempt=attempt), self.assertRaises(PermissionDenied):
                attempt()
        self.assertEqual(AuditEvent.objects.get(pk=self.event.pk).username, "someone")

    def test_history_rows_cannot_change_or_go(self):
        record = PermitItem.history.first()
        record.name = "篡改"
        for attempt in (record.save, record.delete, PermitItem.history.all().delete):
            with self.subTest(attempt=attempt), self.assertRaises(PermissionDenied), transaction.atomic():
                attempt()
        self.assertNotEqual(PermitItem.history.get(pk=record.pk).name, "篡改")

    def test_purge_keeps_180_days(self):
        with self.assertRaises(PermissionDenied):
            audit_purge(older_than_days=179)
        with self.assertRaises(CommandError):
            call_command("purge_audit", "--older-than-days", "30", stdout=io.StringIO())
        old = audit_record(AuditEvent.Action.LOGIN, None, None, username="old")
        age(old, 200)
        call_command("purge_audit", "--older-than-days", "180", stdout=io.StringIO())
        self.assertFalse(AuditEvent.objects.filter(pk=old.pk).exists())
        self.assertTrue(AuditEvent.objects.filter(pk=self.event.pk).exists())
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.PURGE).exists())


class AuditorBrowsingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.auditor = make_staff("auditor", roles.AUDIT_ADMIN)
        cls.editor = make_staff("editor_scjg", roles.DEPARTMENT_EDITOR)
        audit_record(AuditEvent.Action.LOGIN, None, cls.editor)
        audit_record(AuditEvent.Action.LOGIN_FAILED, None, None, success=False, username="=cmd|' /C calc'!A0")
        build_catalogue(items=2, subs=1, handlings=1)

    def test_filter_and_export_csv(self):
        self.client.force_login(self.auditor)
        url = reverse("admin:permits_auditevent_changelist")
        response = self.client.get(url, {"action__exact": "login_failed"})
        self.assertEqual(response.context["cl"].result_count, 1)
        ids = list(AuditEvent.objects.values_list("pk", flat=True))
        export = self.client.post(url, {"action": "export_csv", "_selected_action": ids})
        self.assertEqual(export["Content-Type"], "text/csv; charset=utf-8")
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][:4], ["时间", "操作", "成功", "用户名"])
        usernames = {row[3] for row in rows[1:]}
        self.assertIn("editor_scjg", usernames)
        # A formula-looking user name is neutralised in the export.
        self.assertIn("'=cmd|' /C calc'!A0", usernames)
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, user=self.auditor).exists())

    def test_change_history_is_browsable_with_before_and_after(self):
        item = PermitItem.objects.first()
        old_name = item.name
        item.name = "新名称"
        item.save()
        self.client.force_login(self.auditor)
        response = self.client.get(reverse("admin:permits_historicalpermititem_changelist"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f"{old_name} → 新名称")

    def test_auditor_cannot_change_anything(self):
        self.client.force_login(self.auditor)
        user = get_user_model().objects.get(username="editor_scjg")
        url = reverse("admin:auth_user_change", args=[user.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.post(url, {"username": "hacked"}).status_code, 403)
        self.assertEqual(get_user_model().objects.get(pk=user.pk).username, "editor_scjg")
