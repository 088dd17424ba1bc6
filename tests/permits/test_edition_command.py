"""python manage.py edition {copy,submit,send-back,publish} KIND ID --user U (issue 14, point 8) and
import_catalogue --user: the same services and rules as the admin, Chinese refusals, non-zero exit codes."""
import tempfile
from pathlib import Path

from django.test import TestCase
from django.urls import reverse

from permits.kernel.access import roles
from permits.models import AuditEvent, EditionStatus, ImportLog, PermitCatalogue, PowerCatalogue
from tests.factories import DepartmentFactory
from tests.permits.command_helpers import run
from tests.permits.factories_powers import DelegatedPowerFactory, PowerCatalogueFactory
from tests.permits.importing_helpers import csv_bytes, row
from tests.permits.review_data import build_pair, review_staff
from tests.portal.factories import make_staff


class EditionCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.published, cls.draft = build_pair()
        review_staff(cls)
        make_staff("auditor", roles.AUDIT_ADMIN)

    def status(self, edition):
        return type(edition).objects.get(pk=edition.pk).status

    def test_copy_submit_publish_with_four_eyes(self):
        code, out, err = run("edition", "copy", "permits", str(self.published.pk), "--user", "reviewer",
                             "--title", "新余市行政许可事项清单（2025年版）", "--label", "2025年版")
        self.assertEqual((code, err), (0, ""))
        new = PermitCatalogue.objects.get(pk=int(out.strip().splitlines()[-1]))  # the new id is the last line
        self.assertEqual((new.title, new.edition, new.status), ("新余市行政许可事项清单（2025年版）", "2025年版",
                                                              EditionStatus.DRAFT))
        self.assertEqual((new.copied_from, new.last_edited_by), (self.published, self.reviewer))
        self.assertEqual(run("edition", "submit", "permits", str(new.pk), "--user", "editor_scjg")[0], 0)
        self.assertEqual(self.status(new), EditionStatus.SUBMITTED)
        # The reviewer made the copy: four eyes.
        code, out, err = run("edition", "publish", "permits", str(new.pk), "--user", "reviewer")
        self.assertEqual(code, 1)
        self.assertIn("四眼原则：您最后修改了", err)
        self.assertEqual(self.status(new), EditionStatus.SUBMITTED)
        code, out, err = run("edition", "publish", "permits", str(new.pk), "--user", "reviewer2")
        self.assertEqual(code, 0, err)
        self.assertIn("已发布", out)
        self.assertEqual((self.status(new), self.status(self.published)),
                         (EditionStatus.PUBLISHED, EditionStatus.ARCHIVED))
        events = AuditEvent.objects.filter(object_id=str(new.pk), object_type__endswith="PermitCatalogue")
        self.assertEqual(list(events.order_by("pk").values_list("action", "username")), [
            (AuditEvent.Action.COPY, "reviewer"), (AuditEvent.Action.SUBMIT, "editor_scjg"),
            (AuditEvent.Action.PUBLISH, "reviewer2")])

    def test_the_submitter_may_not_publish(self):
        run("edition", "submit", "permits", str(self.draft.pk), "--user", "reviewer")
        code, _out, err = run("edition", "publish", "permits", str(self.draft.pk), "--user", "reviewer")
        self.assertEqual(code, 1)
        self.assertIn("由您提交审核", err)

    def test_send_back_needs_a_comment(self):
        run("edition", "submit", "permits", str(self.draft.pk), "--user", "editor_scjg")
        code, _out, err = run("edition", "send-back", "permits", str(self.draft.pk), "--user", "reviewer")
        self.assertEqual(code, 1)
        self.assertIn("退回时请填写审核意见", err)
        code, _out, _err = run("edition", "send-back", "permits", str(self.draft.pk), "--user", "reviewer",
                               "--comment", "请核对承诺时限")
        self.assertEqual(code, 0)
        draft = PermitCatalogue.objects.get(pk=self.draft.pk)
        self.assertEqual((draft.status, draft.review_comment), (EditionStatus.DRAFT, "请核对承诺时限"))

    def test_refusals_exit_non_zero_in_chinese(self):
        pk = str(self.draft.pk)
        cases = [
            (("publish", "permits", pk, "--user", "reviewer2"), "不能发布"),  # a draft, not submitted
            (("publish", "permits", pk, "--user", "editor_scjg"), "没有"),  # not a reviewer
            (("publish", "permits", pk, "--user", "auditor"), "没有"),
            (("copy", "permits", pk, "--user", "editor_scjg"), "没有"),
            (("submit", "permits", pk, "--user", "nobody"), "不存在"),
            (("submit", "catalogues", pk, "--user", "reviewer"), "未知的清单类别"),
            (("submit", "permits", "999999", "--user", "reviewer"), "不存在"),
            (("submit", "permits", "abc", "--user", "reviewer"), "不存在"),
            (("submit", "permits", str(self.published.pk), "--user", "reviewer"), "不是草稿"),
        ]
        for argv, message in cases:
            with self.subTest(argv=argv):
                code, _out, err = run("edition", *argv)
                self.assertEqual(code, 1)
                self.assertIn(message, err)
        self.assertEqual(self.status(self.draft), EditionStatus.DRAFT)
        self.assertEqual(PermitCatalogue.objects.count(), 2)

    def test_powers_kind(self):
        old = PowerCatalogueFactory()
        DelegatedPowerFactory(edition=old)
        from permits.kernel.lifecycle import edition_publish

        edition_publish(old)
        code, out, err = run("edition", "copy", "powers", str(old.pk), "--user", "reviewer",
                             "--title", "新余高新区赋权目录（2025年版）", "--label", "2025年版")
        self.assertEqual(code, 0, err)
        new = PowerCatalogue.objects.get(pk=int(out.splitlines()[-1]))
        self.assertEqual((new.replaces, new.powers.count(), new.title), (old, 1, "新余高新区赋权目录（2025年版）"))
        # The reviewer's page shows the powers diff old → new, from the kernel's diff.
        new.powers.update(mode="委托")
        self.client.force_login(self.reviewer2)
        response = self.client.get(reverse("admin:permits_powercatalogue_review", args=[new.pk]))
        self.assertEqual(response.context["diff"].counts["power"]["changed"], 1)
        self.assertInHTML('<td class="diff-new"><ins>委托</ins></td>', response.content.decode())


class ImportCommandUserTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.published, cls.draft = build_pair()
        DepartmentFactory(name="市市场监管局")
        DepartmentFactory(name="市住建局")
        market = DepartmentFactory(name="市市场监管局")
        cls.editor = make_staff("editor_scjg", roles.DEPARTMENT_EDITOR, departments=[market])

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.path = Path(folder.name) / "清单.csv"

    def test_attribution_and_scope(self):
        self.path.write_bytes(csv_bytes([row()]))
        code, out, err = run("import_catalogue", str(self.path), "--edition", str(self.draft.pk),
                             "--user", "editor_scjg")
        self.assertEqual(code, 0, err)
        draft = PermitCatalogue.objects.get(pk=self.draft.pk)
        self.assertEqual(draft.last_edited_by, self.editor)
        self.assertEqual(ImportLog.objects.latest("pk").user, self.editor)
        # Another department's row is out of the editor's scope: refused, nothing written.
        self.path.write_bytes(csv_bytes([row(item="00016421400Y", department="市住建局")]))
        code, _out, err = run("import_catalogue", str(self.path), "--edition", str(self.draft.pk),
                              "--user", "editor_scjg")
        self.assertEqual(code, 1)
        self.assertIn("市住建局", err)
        self.assertFalse(draft.items.filter(code="00016421400Y").exists())

    def test_unknown_user(self):
        self.path.write_bytes(csv_bytes([row()]))
        code, _out, err = run("import_catalogue", str(self.path), "--edition", str(self.draft.pk), "--user", "x")
        self.assertEqual(code, 1)
        self.assertIn("不存在", err)
