import datetime
import shutil
import tempfile

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from permits.kernel.importing.formats import read_rows
from permits.kernel.exporting import write_csv
from permits.models import DelegatedPower, EditionStatus, PowerCatalogue, Region, StaffProfile
from permits.powers.selectors import POWER_HEADERS

from .factories_powers import DelegatedPowerFactory, PowerCatalogueFactory, ZoneFactory, ZoneFixture


# Import uploads wait under MEDIA_ROOT between preview and confirm; keep them out of the checkout.
MEDIA = tempfile.mkdtemp(prefix="powers-admin-test-media-")


@override_settings(MEDIA_ROOT=MEDIA)
class PowerAdminTests(TestCase):
    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        cls.fx = ZoneFixture(kept_by_code=2, kept_by_name=1, added=2, removed=3, departments=2,
                             points={(Region.Kind.COUNTY, "渝水区"): 1})
        cls.draft = PowerCatalogueFactory(recipient=cls.fx.zone, title="草稿目录", effective_on=None)
        DelegatedPowerFactory(edition=cls.draft, department=cls.fx.depts[0], name="草稿中的事项", code="D1")
        cls.admin = get_user_model().objects.create_superuser("root", "root@example.com", "x" * 16)

    def setUp(self):
        self.client.force_login(self.admin)

    def changelist(self, model="powercatalogue"):
        return reverse(f"admin:permits_{model}_changelist")

    def test_catalogue_changelist_shows_counts(self):
        response = self.client.get(self.changelist())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'<td class="field-power_count">{self.fx.new_count}</td>', html=True)
        self.assertContains(response, f'<td class="field-power_count">{self.fx.old_count}</td>', html=True)

    def test_published_catalogue_is_read_only_and_shows_diff(self):
        response = self.client.get(reverse("admin:permits_powercatalogue_change", args=[self.fx.new.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, 'name="_save"')
        self.assertNotContains(response, 'name="title"')
        fx = self.fx
        self.assertContains(response, f"新增 {fx.added} 项，调出 {fx.removed} 项，保留 {fx.kept} 项")
        self.assertNotContains(response, reverse("admin:permits_powercatalogue_import", args=[fx.new.pk]))
        response = self.client.post(reverse("admin:permits_powercatalogue_change", args=[fx.new.pk]), {"title": "x"})
        self.assertEqual(response.status_code, 403)
        self.fx.new.refresh_from_db()
        self.assertNotEqual(self.fx.new.title, "x")

    def test_draft_change_page_editable_with_import_link(self):
        response = self.client.get(reverse("admin:permits_powercatalogue_change", args=[self.draft.pk]))
        self.assertContains(response, 'name="title"')
        self.assertContains(response, reverse("admin:permits_powercatalogue_import", args=[self.draft.pk]))
        self.assertContains(response, "未设置替代的目录")

    def test_replaces_must_be_another_catalogue_of_the_same_region(self):
        url = reverse("admin:permits_powercatalogue_change", args=[self.draft.pk])
        form = {"title": "草稿目录", "edition": "2025年版", "recipient": self.fx.zone.pk, "basis": "", "basis_number": "",
                "effective_on": "", "replaces": self.draft.pk}
        response = self.client.post(url, form)
        self.assertContains(response, "目录不能替代它自己")
        other_zone = ZoneFactory(name="仙女湖区", parent=self.fx.city)
        foreign = PowerCatalogueFactory(recipient=other_zone)
        response = self.client.post(url, {**form, "replaces": foreign.pk})
        self.assertContains(response, "替代的目录应属于同一承接地区")
        response = self.client.post(url, {**form, "replaces": self.fx.new.pk})
        self.assertEqual(response.status_code, 302)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.replaces, self.fx.new)

    def action(self, name, *pks):
        return self.client.post(self.changelist(), {"action": name, "_selected_action": list(pks)}, follow=True)

    def test_submit_publish_copy_actions(self):
        self.action("action_submit", self.draft.pk)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, EditionStatus.SUBMITTED)
        response = self.action("action_submit", self.draft.pk)
        self.assertContains(response, "不是草稿，不能提交审核")
        confirm = self.action("action_publish", self.draft.pk)
        self.assertContains(confirm, "四眼原则")  # the admin submitted it: another reviewer publishes
        self.client.force_login(get_user_model().objects.create_superuser("root2", password="Sup3r-Secret-Pass-2!"))
        self.client.post(reverse("admin:permits_powercatalogue_publish", args=[self.draft.pk]))
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, EditionStatus.PUBLISHED)
        self.fx.new.refresh_from_db()
        self.assertEqual(self.fx.new.status, EditionStatus.ARCHIVED)
        self.client.post(reverse("admin:permits_powercatalogue_copy", args=[self.draft.pk]),
                         {"title": "新余高新区赋权目录（第三版）", "edition": "2025年版"})
        copy = PowerCatalogue.objects.get(copied_from=self.draft)
        self.assertEqual(copy.title, "新余高新区赋权目录（第三版）")
        self.assertEqual((copy.status, copy.replaces), (EditionStatus.DRAFT, self.draft))
        self.assertEqual(copy.powers.count(), 1)

    def test_export_action_and_view(self):
        response = self.action("action_export_xlsx", self.fx.new.pk)
        rows = read_rows(response.content, "a.xlsx")
        self.assertEqual(rows[0], POWER_HEADERS)
        self.assertEqual(len(rows) - 1, self.fx.new_count)
        response = self.action("action_export_csv", self.fx.new.pk, self.fx.old.pk)
        self.assertContains(response, "请只选择一个目录导出")
        response = self.client.get(reverse("admin:permits_powercatalogue_export", args=[self.draft.pk, "csv"]))
        self.assertEqual(len(read_rows(response.content, "a.csv")), 2)

    def import_url(self, catalogue):
        return reverse("admin:permits_powercatalogue_import", args=[catalogue.pk])

    def upload(self, rows, name="目录.csv"):
        return SimpleUploadedFile(name, write_csv(POWER_HEADERS, rows), content_type="text/csv")

    def test_import_preview_then_confirm(self):
        dept = self.fx.depts[1].name
        rows = [[1, dept, "草稿中的事项", "D1", "行政许可", "委托", ""],
                [2, dept, "新增的事项", "D2", "行政确认", "直报", ""]]
        url = self.import_url(self.draft)
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, {"file": self.upload(rows)})
        self.assertContains(response, "预览（尚未写入）")
        self.assertContains(response, "新增的事项")
        self.assertContains(response, "确认导入")
        self.assertContains(response, "共 2 行，新增赋权事项 1 个，更新赋权事项 1 个")
        self.assertNotContains(response, "目录.csv\"")  # no link back to the upload
        token = response.context["token"]
        self.assertEqual(list(self.draft.powers.values_list("code", flat=True)), ["D1"])
        response = self.client.post(url, {"token": token}, follow=True)
        self.assertRedirects(response, reverse("admin:permits_powercatalogue_change", args=[self.draft.pk]))
        self.assertContains(response, "导入完成")
        self.assertEqual(sorted(self.draft.powers.values_list("code", flat=True)), ["D1", "D2"])
        self.assertEqual(self.draft.powers.get(code="D1").mode, "委托")
        # The upload is gone after use.
        response = self.client.post(url, {"token": token})
        self.assertContains(response, "预览已过期或无效")

    def test_token_bound_to_user(self):
        rows = [[1, self.fx.depts[0].name, "甲", "", "行政许可", "委托", ""]]
        response = self.client.post(self.import_url(self.draft), {"file": self.upload(rows)})
        token = response.context["token"]
        other = get_user_model().objects.create_superuser("other", "o@example.com", "y" * 16)
        self.client.force_login(other)
        response = self.client.post(self.import_url(self.draft), {"token": token})
        self.assertContains(response, "预览已过期或无效")
        self.assertFalse(self.draft.powers.filter(name="甲").exists())

    def test_import_errors_shown_with_rows(self):
        rows = [[1, "不存在的部门", "甲", "X1", "行政许可", "委托", ""],
                [2, self.fx.depts[0].name, "乙", "X1", "许可", "委托", ""]]
        response = self.client.post(self.import_url(self.draft), {"file": self.upload(rows)})
        self.assertContains(response, "导入未执行")
        self.assertContains(response, "第2行“实施部门”列")
        self.assertContains(response, "第3行“事项类型”列")
        self.assertContains(response, "与第3行相同")
        self.assertNotIn("token", response.context)

    def test_import_into_locked_catalogue_refused(self):
        url = self.import_url(self.fx.new)
        response = self.client.get(url)
        self.assertContains(response, "不是草稿")
        rows = [[1, self.fx.depts[0].name, "甲", "", "行政许可", "委托", ""]]
        response = self.client.post(url, {"file": self.upload(rows)})
        self.assertContains(response, "不是草稿")
        self.assertEqual(self.fx.new.powers.count(), self.fx.new_count)

    def test_power_admin_search_filter_and_locking(self):
        response = self.client.get(self.changelist("delegatedpower"), {"q": "新增权限", "mode__exact": "委托"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["cl"].result_count, self.fx.added)
        locked = self.fx.new.powers.first()
        response = self.client.get(reverse("admin:permits_delegatedpower_change", args=[locked.pk]))
        self.assertNotContains(response, 'name="_save"')
        open_power = self.draft.powers.get()
        response = self.client.get(reverse("admin:permits_delegatedpower_change", args=[open_power.pk]))
        self.assertContains(response, 'name="_save"')
        # Bulk delete of locked rows is refused by the permission check, not by a 500.
        response = self.client.post(self.changelist("delegatedpower"), {
            "action": "delete_selected", "_selected_action": [locked.pk], "post": "yes"})
        self.assertIn(response.status_code, (200, 302, 403))
        self.assertTrue(DelegatedPower.objects.filter(pk=locked.pk).exists())

    def test_points_and_sites_admin(self):
        for model in ("observationpoint", "demonstrationsite"):
            response = self.client.get(self.changelist(model))
            self.assertEqual(response.status_code, 200)
        response = self.client.get(self.changelist("demonstrationsite"), {"q": "双林"})
        self.assertEqual(response.context["cl"].result_count, 1)


class DepartmentScopeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.fx = ZoneFixture(kept_by_code=2, kept_by_name=0, added=2, removed=1, departments=2,
                             points={(Region.Kind.COUNTY, "渝水区"): 1})
        User = get_user_model()
        cls.editor = User.objects.create_user("editor", password="z" * 16, is_staff=True)
        cls.editor.user_permissions.add(*Permission.objects.filter(
            content_type__app_label="permits", codename__endswith="delegatedpower"))
        cls.editor.user_permissions.add(*Permission.objects.filter(
            content_type__app_label="permits", codename__endswith="powercatalogue"))
        StaffProfile.objects.create(user=cls.editor).departments.add(cls.fx.depts[0])
        cls.draft = PowerCatalogueFactory(recipient=cls.fx.zone, effective_on=datetime.date(2025, 1, 1))

    def test_editor_sees_only_own_department(self):
        self.client.force_login(self.editor)
        response = self.client.get(reverse("admin:permits_delegatedpower_changelist"),
                                   {"edition__id__exact": self.fx.new.pk})
        shown = {p.department_id for p in response.context["cl"].result_list}
        self.assertEqual(shown, {self.fx.depts[0].pk})
        other = self.fx.new.powers.filter(department=self.fx.depts[1]).first()
        response = self.client.get(reverse("admin:permits_delegatedpower_change", args=[other.pk]))
        self.assertEqual(response.status_code, 404)  # another department's row is not found (issue 7)

    def test_editor_may_not_publish(self):
        self.client.force_login(self.editor)
        response = self.client.post(reverse("admin:permits_powercatalogue_changelist"), {
            "action": "action_publish", "_selected_action": [self.draft.pk]}, follow=True)
        self.assertEqual(response.status_code, 200)  # the action is not offered to an editor
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, EditionStatus.DRAFT)

    def test_editor_may_not_import_a_whole_catalogue(self):
        self.client.force_login(self.editor)
        response = self.client.get(reverse("admin:permits_powercatalogue_import", args=[self.draft.pk]))
        self.assertContains(response, "只有不限部门的工作人员可以导入")
        response = self.client.post(reverse("admin:permits_powercatalogue_import", args=[self.draft.pk]), {
            "file": SimpleUploadedFile("a.csv", write_csv(POWER_HEADERS, [[1, self.fx.depts[0].name, "甲", "", "行政许可", "委托", ""]]))})
        self.assertContains(response, "只有不限部门的工作人员可以导入")
        self.assertFalse(self.draft.powers.exists())
