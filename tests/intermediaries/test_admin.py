import io
import shutil
import tempfile
from pathlib import Path

from django.contrib.auth.models import Group, Permission, User
from django.test import TestCase, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from intermediaries.models import IntermediaryList, IntermediaryService
from intermediaries.selectors import SERVICE_HEADERS
from permits.models import EditionStatus, StaffProfile
from permits.kernel.access.roles import REVIEWER
from permits.kernel.lifecycle import edition_publish
from tests.factories import DepartmentFactory, PermitCatalogueFactory, PermitItemFactory, RegionFactory

from .factories import IntermediaryListFactory, IntermediaryServiceFactory, published_permit_catalogue
from .test_importing import csv_bytes, row

MEDIA = tempfile.mkdtemp(prefix="intermediaries-test-media-")


def admin_url(name, *args):
    return reverse(f"admin:intermediaries_{name}", args=args)


@override_settings(MEDIA_ROOT=MEDIA)
class AdminTestBase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.region = RegionFactory()
        cls.env = DepartmentFactory(region=cls.region, name="新余市生态环境局")
        cls.build = DepartmentFactory(region=cls.region, name="新余市住房和城乡建设局")
        cls.catalogue, cls.items = published_permit_catalogue(cls.region, items=2, department=cls.env)
        cls.published = IntermediaryListFactory(region=cls.region, title="已发布清单")
        cls.pub_service = IntermediaryServiceFactory(edition=cls.published, seq=1, department=cls.env,
                                                     permit_items=cls.items)
        edition_publish(cls.published)
        cls.draft = IntermediaryListFactory(region=cls.region, title="草稿清单")
        cls.env_service = IntermediaryServiceFactory(edition=cls.draft, seq=1, department=cls.env, name="环评编制")
        cls.build_service = IntermediaryServiceFactory(edition=cls.draft, seq=2, department=cls.build, name="施工图审查")
        cls.superuser = User.objects.create_superuser("root", "root@example.com", "pw-not-used-123")

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def setUp(self):
        self.client.force_login(self.superuser)

    def staged_files(self):
        folder = Path(MEDIA) / "private" / "imports"
        return sorted(folder.iterdir()) if folder.exists() else []


class AdminPagesTests(AdminTestBase):
    def test_pages_answer_200_for_superuser(self):
        urls = [
            admin_url("intermediarylist_changelist"),
            admin_url("intermediarylist_add"),
            admin_url("intermediarylist_change", self.draft.pk),
            admin_url("intermediarylist_change", self.published.pk),
            admin_url("intermediarylist_history", self.published.pk),
            admin_url("intermediarylist_import", self.draft.pk),
            admin_url("intermediaryservice_changelist"),
            admin_url("intermediaryservice_changelist") + "?q=环评",
            admin_url("intermediaryservice_changelist") + f"?q={self.items[0].code}",
            admin_url("intermediaryservice_changelist") + f"?department__id__exact={self.env.pk}&commissioner=申请人委托"
            f"&fee_nature=市场调节价&level=市级、县级&edition__id__exact={self.draft.pk}&edition_status=draft",
            admin_url("intermediaryservice_add"),
            admin_url("intermediaryservice_change", self.env_service.pk),
            admin_url("intermediaryservice_change", self.pub_service.pk),
            admin_url("intermediaryservice_history", self.pub_service.pk),
        ]
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_changelist_counts_services(self):
        response = self.client.get(admin_url("intermediarylist_changelist"))
        counts = {e.title: e.service_count for e in response.context["cl"].result_list}
        self.assertEqual(counts, {"已发布清单": 1, "草稿清单": 2})
        self.assertContains(response, admin_url("intermediarylist_template"))

    def test_service_search_and_filters(self):
        response = self.client.get(admin_url("intermediaryservice_changelist"), {"q": "施工图"})
        self.assertEqual([s.name for s in response.context["cl"].result_list], ["施工图审查"])
        response = self.client.get(admin_url("intermediaryservice_changelist"), {"department__id__exact": self.env.pk})
        self.assertEqual({s.pk for s in response.context["cl"].result_list}, {self.env_service.pk, self.pub_service.pk})

    def test_locked_list_and_services_are_read_only(self):
        response = self.client.get(admin_url("intermediaryservice_change", self.pub_service.pk))
        self.assertNotContains(response, 'name="_save"')
        self.assertContains(response, "本事项只能查看")
        response = self.client.post(admin_url("intermediaryservice_change", self.pub_service.pk), {"name": "改名"})
        self.assertEqual(response.status_code, 403)
        self.assertNotEqual(IntermediaryService.objects.get(pk=self.pub_service.pk).name, "改名")
        response = self.client.get(admin_url("intermediarylist_change", self.published.pk))
        self.assertContains(response, "只能查看")
        self.assertNotContains(response, 'name="_save"')
        response = self.client.post(admin_url("intermediarylist_changelist"), {
            "action": "delete_selected", "_selected_action": [self.published.pk], "post": "yes"})
        self.assertTrue(IntermediaryList.objects.filter(pk=self.published.pk).exists())

    def test_service_edit_in_draft(self):
        data = {
            "edition": self.draft.pk, "seq": 3, "name": "节能报告编制", "department": self.env.pk,
            "permit_items": [self.items[0].pk], "legal_basis": "", "providers": "", "provider_nature": "",
            "commissioner": "申请人委托", "fee_nature": "市场调节价", "fee_basis": "", "time_limit": "",
            "level": "市级", "remarks": "",
        }
        response = self.client.post(admin_url("intermediaryservice_add"), data)
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        service = IntermediaryService.objects.get(edition=self.draft, seq=3)
        self.assertEqual(list(service.permit_items.all()), [self.items[0]])
        # Only items of the published permit list may be linked.
        draft_item = PermitItemFactory(edition=PermitCatalogueFactory(region=self.region), department=self.env)
        response = self.client.post(admin_url("intermediaryservice_add"), {**data, "seq": 4, "permit_items": [draft_item.pk]})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(IntermediaryService.objects.filter(seq=4).exists())
        # A published list is not offered as the list of a new service.
        data.update(edition=self.published.pk, seq=9)
        response = self.client.post(admin_url("intermediaryservice_add"), data)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(IntermediaryService.objects.filter(seq=9).exists())

    def test_template_and_exports(self):
        response = self.client.get(admin_url("intermediarylist_template"))
        workbook = load_workbook(io.BytesIO(response.content))
        self.assertEqual(list(next(workbook.worksheets[0].iter_rows(values_only=True))), SERVICE_HEADERS)
        help_rows = list(workbook["填写说明"].iter_rows(values_only=True))
        self.assertIn("可选值：“申请人委托”“审批部门委托”", [r[2] for r in help_rows])
        response = self.client.get(admin_url("intermediarylist_export", self.draft.pk, "csv"))
        self.assertIn("施工图审查", response.content.decode("utf-8-sig"))
        response = self.client.post(admin_url("intermediarylist_changelist"), {
            "action": "action_export_xlsx", "_selected_action": [self.draft.pk]})
        self.assertEqual(response["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response = self.client.post(admin_url("intermediaryservice_changelist"), {
            "action": "export_action", "_selected_action": [self.build_service.pk]})
        rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
        self.assertEqual([r[1] for r in rows[1:]], ["施工图审查"])
        self.assertEqual(self.client.get(admin_url("intermediarylist_export", self.draft.pk, "pdf")).status_code, 404)


class AdminActionsTests(AdminTestBase):
    def act(self, action, *editions):
        return self.client.post(admin_url("intermediarylist_changelist"), {
            "action": action, "_selected_action": [e.pk for e in editions]}, follow=True)

    def test_submit_publish_copy(self):
        response = self.act("action_publish", self.draft)
        self.assertContains(response, "不能发布")
        self.act("action_submit", self.draft)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, EditionStatus.SUBMITTED)
        confirm = self.act("action_publish", self.draft)
        self.assertContains(confirm, "四眼原则")  # the superuser submitted it
        IntermediaryList.objects.filter(pk=self.draft.pk).update(submitted_by=None)
        self.client.post(admin_url("intermediarylist_publish", self.draft.pk))
        self.draft.refresh_from_db()
        self.published.refresh_from_db()
        self.assertEqual(self.draft.status, EditionStatus.PUBLISHED)
        self.assertEqual(self.draft.published_by, self.superuser)
        self.assertEqual(self.published.status, EditionStatus.ARCHIVED)
        form = self.act("action_copy", self.draft)
        response = self.client.post(form.redirect_chain[-1][0], {"title": "中介服务事项清单（2025年版）",
                                                                  "edition": "2025年版"}, follow=True)
        self.assertContains(response, "已复制为新草稿")
        copy = IntermediaryList.objects.get(copied_from=self.draft)
        self.assertEqual(copy.status, EditionStatus.DRAFT)
        self.assertEqual(copy.services.count(), 2)

    def test_publish_needs_reviewer_role(self):
        editor = User.objects.create_user("editor", password="pw-not-used-123", is_staff=True)
        editor.user_permissions.set(Permission.objects.filter(content_type__app_label="intermediaries"))
        self.client.force_login(editor)
        self.act("action_submit", self.draft)
        response = self.act("action_publish", self.draft)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, EditionStatus.SUBMITTED)
        self.assertNotIn("action_publish", dict(response.context["action_form"].fields["action"].choices))
        editor.groups.add(Group.objects.get_or_create(name=REVIEWER)[0])
        editor = User.objects.get(pk=editor.pk)
        self.client.force_login(editor)
        with override_settings(PORTAL_FOUR_EYES=False):  # the editor submitted it; a one-person office allows it
            self.client.post(admin_url("intermediarylist_publish", self.draft.pk))
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, EditionStatus.PUBLISHED)

    def test_department_editor_sees_own_department_and_cannot_import(self):
        editor = User.objects.create_user("env-editor", password="pw-not-used-123", is_staff=True)
        editor.user_permissions.set(Permission.objects.filter(content_type__app_label="intermediaries"))
        StaffProfile.objects.create(user=editor).departments.set([self.env])
        self.client.force_login(editor)
        response = self.client.get(admin_url("intermediaryservice_changelist"))
        self.assertEqual({s.department_id for s in response.context["cl"].result_list}, {self.env.pk})
        self.assertEqual(self.client.get(admin_url("intermediaryservice_change", self.build_service.pk)).status_code, 404)
        self.assertEqual(self.client.get(admin_url("intermediarylist_import", self.draft.pk)).status_code, 403)


class AdminImportTests(AdminTestBase):
    def upload(self, data, name="清单.csv"):
        upload = io.BytesIO(data)
        upload.name = name
        return self.client.post(admin_url("intermediarylist_import", self.draft.pk), {"file": upload})

    def test_preview_then_confirm(self):
        data = csv_bytes([
            row(1, "环评编制", self.items[0].code, "新余市生态环境局"),
            row(5, "防雷装置检测", f"{self.items[1].name}", "新余市住房和城乡建设局", 层级="县级"),
        ])
        response = self.upload(data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "预览（尚未写入）")
        self.assertContains(response, "防雷装置检测")
        self.assertContains(response, "删除")  # seq 2 is not in the file
        self.assertEqual(set(self.draft.services.values_list("seq", flat=True)), {1, 2})
        token = response.context["token"]
        self.assertEqual(len(self.staged_files()), 1)
        self.assertNotIn(str(Path(MEDIA)), response.content.decode())

        response = self.client.post(admin_url("intermediarylist_import", self.draft.pk), {"token": token}, follow=True)
        self.assertRedirects(response, admin_url("intermediaryservice_changelist") + f"?edition__id__exact={self.draft.pk}")
        self.assertContains(response, "导入完成")
        self.assertEqual(set(self.draft.services.values_list("seq", flat=True)), {1, 5})
        self.assertEqual(list(self.draft.services.get(seq=5).permit_items.all()), [self.items[1]])
        self.assertEqual(self.staged_files(), [])
        # The token is spent.
        response = self.client.post(admin_url("intermediarylist_import", self.draft.pk), {"token": token})
        self.assertContains(response, "预览已过期")

    def test_preview_with_errors_stages_nothing(self):
        response = self.upload(csv_bytes([row(1, "甲", "没有这个事项", "新余市生态环境局")]))
        self.assertContains(response, "第2行“涉及的审批事项”列：“没有这个事项”")
        self.assertContains(response, "数据库未作任何修改")
        self.assertNotIn("token", response.context)
        self.assertEqual(self.staged_files(), [])
        self.assertEqual(self.draft.services.count(), 2)

    def test_bogus_token_and_other_users_token(self):
        response = self.client.post(admin_url("intermediarylist_import", self.draft.pk), {"token": "../../etc/passwd"})
        self.assertContains(response, "预览已过期")
        self.assertEqual(self.draft.services.count(), 2)

    def test_locked_list_refuses_import(self):
        url = admin_url("intermediarylist_import", self.published.pk)
        self.assertContains(self.client.get(url), "不能导入")
        upload = io.BytesIO(csv_bytes([row(1, "甲", "", "新余市生态环境局")]))
        upload.name = "x.csv"
        response = self.client.post(url, {"file": upload})
        self.assertContains(response, "不能导入")
        self.assertEqual(self.published.services.count(), 1)
        self.assertEqual(self.staged_files(), [])


class AutocompleteTests(TestCase):
    def test_autocomplete_follows_related_admins(self):
        from django.contrib import admin
        from django.test import RequestFactory

        from intermediaries.admin.services import IntermediaryServiceAdmin
        from permits.models import Department, PermitItem

        site = admin.AdminSite(name="probe")
        model_admin = IntermediaryServiceAdmin(IntermediaryService, site)
        request = RequestFactory().get("/")
        self.assertEqual(model_admin.get_autocomplete_fields(request), ())
        site.register(Department, search_fields=("name",))
        site.register(PermitItem, search_fields=("code", "name"))
        self.assertEqual(model_admin.get_autocomplete_fields(request), ("permit_items", "department"))
