import io
import shutil
import tempfile

from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from permits.kernel.admin import editions
from permits.models import EditionStatus, HandlingItem, ImportLog, Material, PermitCatalogue, PermitItem, SubItem
from permits.catalogue.selectors.export import PERMIT_HEADERS
from permits.kernel.access.roles import REVIEWER
from permits.kernel.lifecycle import edition_publish, edition_submit
from tests.factories import DepartmentFactory, PermitCatalogueFactory, RegionFactory, build_catalogue

from .importing_helpers import csv_bytes, row


def changelist(model):
    return reverse(f"admin:permits_{model._meta.model_name}_changelist")


# Import uploads wait under MEDIA_ROOT between preview and confirm; keep them out of the checkout.
MEDIA = tempfile.mkdtemp(prefix="permits-admin-test-media-")


@override_settings(MEDIA_ROOT=MEDIA)
class AdminTestCase(TestCase):
    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    @classmethod
    def setUpTestData(cls):
        cls.admin_user = User.objects.create_superuser("root", "root@example.com", "Sup3r-Secret-Pass!")
        cls.city = RegionFactory(name="市本级")
        cls.department = DepartmentFactory(name="市市场监管局", region=cls.city)
        cls.published = build_catalogue(items=2, subs=2, handlings=2, department=cls.department,
                                        edition=PermitCatalogueFactory(region=cls.city, title="已发布清单"))
        edition_publish(cls.published)
        cls.draft = build_catalogue(items=2, subs=1, handlings=1, department=cls.department,
                                    edition=PermitCatalogueFactory(region=cls.city, title="草稿清单"))

    def setUp(self):
        self.client.force_login(self.admin_user)


class PagesTests(AdminTestCase):
    def test_pages_answer_200(self):
        item = PermitItem.objects.filter(edition=self.draft).first()
        sub = SubItem.objects.filter(edition=self.draft).first()
        handling = HandlingItem.objects.filter(edition=self.draft).first()
        urls = [reverse("admin:index"), reverse("admin:app_list", args=["permits"])]
        for model in (PermitCatalogue, PermitItem, SubItem, HandlingItem, Material, ImportLog):
            urls.append(changelist(model))
        urls += [reverse("admin:permits_region_changelist"), reverse("admin:permits_department_changelist")]
        urls += [
            reverse("admin:permits_permitcatalogue_change", args=[self.draft.pk]),
            reverse("admin:permits_permitcatalogue_change", args=[self.published.pk]),
            reverse("admin:permits_permitcatalogue_add"),
            reverse("admin:permits_permititem_change", args=[item.pk]),
            reverse("admin:permits_permititem_add"),
            reverse("admin:permits_subitem_change", args=[sub.pk]),
            reverse("admin:permits_handlingitem_change", args=[handling.pk]),
            reverse("admin:permits_permitcatalogue_import"),
            changelist(PermitItem) + "?q=测试许可",
            changelist(PermitItem) + f"?edition__id__exact={self.draft.pk}&level=市级&department__id__exact={self.department.pk}",
            changelist(HandlingItem) + "?situation__exact=新设&sub_item__approval_level=市级",
            reverse("admin:autocomplete") + "?app_label=permits&model_name=permititem&field_name=department&term=市场",
        ]
        for url in urls:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 200)

    def test_admin_is_in_chinese(self):
        response = self.client.get(reverse("admin:index"))
        self.assertContains(response, "新余市行政审批局")
        self.assertContains(response, "行政许可事项清单")

    def test_department_autocomplete_finds_department(self):
        url = reverse("admin:autocomplete") + "?app_label=permits&model_name=permititem&field_name=department&term=市场"
        self.assertEqual([r["text"] for r in self.client.get(url).json()["results"]], ["市市场监管局"])

    def test_changelist_counts(self):
        response = self.client.get(changelist(PermitCatalogue))
        rows = {e.pk: e for e in response.context["cl"].result_list}
        self.assertEqual((rows[self.published.pk].n_items, rows[self.published.pk].n_sub_items,
                          rows[self.published.pk].n_handling_items), (2, 4, 8))
        self.assertEqual((rows[self.draft.pk].n_items, rows[self.draft.pk].n_sub_items,
                          rows[self.draft.pk].n_handling_items), (2, 2, 2))

    def test_search_by_code_and_name(self):
        item = PermitItem.objects.filter(edition=self.draft).first()
        response = self.client.get(changelist(PermitItem) + f"?q={item.code}")
        self.assertEqual([i.pk for i in response.context["cl"].result_list], [item.pk])
        response = self.client.get(changelist(PermitItem) + f"?q={item.name}")
        self.assertEqual([i.pk for i in response.context["cl"].result_list], [item.pk])


class QueryCountTests(AdminTestCase):
    def count(self, url):
        self.client.get(url)  # remembered reads (site profile) are warm in both counts
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(queries)

    def test_edition_changelist_constant(self):
        url = changelist(PermitCatalogue)
        small = self.count(url)
        for n in range(18):
            build_catalogue(items=1, subs=1, handlings=1, department=self.department,
                            edition=PermitCatalogueFactory(region=self.city, title=f"清单{n}"))
        self.assertEqual(PermitCatalogue.objects.count(), 20)
        with self.assertNumQueries(small):
            self.client.get(url)

    def test_item_and_handling_changelists_constant(self):
        for model in (PermitItem, SubItem, HandlingItem):
            with self.subTest(model=model.__name__):
                url = changelist(model) + f"?edition__id__exact={self.draft.pk}"
                small = self.count(url)
                build_catalogue(items=9, subs=1, handlings=1, department=self.department, edition=self.draft)
                with self.assertNumQueries(small):
                    self.client.get(url)


class ActionTests(AdminTestCase):
    def action(self, name, *editions, user=None):
        return self.client.post(changelist(PermitCatalogue), {
            "action": name, "_selected_action": [e.pk for e in editions]}, follow=True)

    def publish(self, edition):
        """发布 leads to the confirmation page; confirming there publishes."""
        page = self.action("action_publish", edition)
        self.assertEqual(page.redirect_chain[-1][0], reverse("admin:permits_permitcatalogue_publish", args=[edition.pk]))
        return self.client.post(page.redirect_chain[-1][0], follow=True)

    def test_publish_needs_review_first(self):
        response = self.action("action_publish", self.draft)
        self.assertContains(response, "不能发布")
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, EditionStatus.DRAFT)

    def test_publish_archives_the_previous(self):
        edition_submit(self.draft, user=None)  # submitted by someone else: four eyes allows root to publish
        self.publish(self.draft)
        self.draft.refresh_from_db()
        self.published.refresh_from_db()
        self.assertEqual(self.draft.status, EditionStatus.PUBLISHED)
        self.assertEqual(self.published.status, EditionStatus.ARCHIVED)
        self.assertEqual(self.draft.published_by, self.admin_user)

    def test_copy_makes_a_draft_with_everything(self):
        form = self.action("action_copy", self.published)
        self.assertContains(form, "新草稿的标题")
        response = self.client.post(form.redirect_chain[-1][0], {
            "title": "新余市行政许可事项清单（2024年版）", "edition": "2024年版"}, follow=True)
        copy = PermitCatalogue.objects.get(copied_from=self.published)
        self.assertEqual((copy.title, copy.edition), ("新余市行政许可事项清单（2024年版）", "2024年版"))
        self.assertEqual(copy.status, EditionStatus.DRAFT)
        self.assertEqual((copy.items.count(), copy.sub_items.count(), copy.handling_items.count()), (2, 4, 8))
        self.assertContains(response, "复制出新草稿")

    def test_submit(self):
        self.action("action_submit", self.draft)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, EditionStatus.SUBMITTED)

    def test_publish_needs_reviewer_role(self):
        editor = User.objects.create_user("editor", password="Ed1tor-Secret-Pass!", is_staff=True)
        editor.user_permissions.set(Permission.objects.filter(
            content_type__app_label="permits", codename__endswith="permitcatalogue"))
        self.client.force_login(editor)
        self.action("action_submit", self.draft)
        self.action("action_publish", self.draft)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, EditionStatus.SUBMITTED)
        editor.groups.add(Group.objects.get_or_create(name=REVIEWER)[0])
        with override_settings(PORTAL_FOUR_EYES=False):  # a one-person office: the submitter may publish
            self.publish(self.draft)
        self.draft.refresh_from_db()
        self.assertEqual(self.draft.status, EditionStatus.PUBLISHED)

    def test_export_action(self):
        response = self.action("action_export_xlsx", self.published)
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).active
        self.assertEqual(sheet.max_row, 1 + 8)


class ReadOnlyTests(AdminTestCase):
    def test_published_edition_is_read_only(self):
        url = reverse("admin:permits_permitcatalogue_change", args=[self.published.pk])
        response = self.client.get(url)
        self.assertFalse(response.context["has_change_permission"])
        self.assertNotContains(response, 'name="_save"')
        self.assertEqual(self.client.post(url, {"title": "改", "edition": "x"}).status_code, 403)
        delete = reverse("admin:permits_permitcatalogue_delete", args=[self.published.pk])
        self.assertEqual(self.client.post(delete, {"post": "yes"}).status_code, 403)
        self.published.refresh_from_db()
        self.assertEqual(self.published.title, "已发布清单")

    def test_bulk_delete_refuses_published(self):
        self.client.post(changelist(PermitCatalogue), {
            "action": "delete_selected", "_selected_action": [self.published.pk, self.draft.pk], "post": "yes"})
        self.assertTrue(PermitCatalogue.objects.filter(pk=self.published.pk).exists())
        self.assertTrue(PermitCatalogue.objects.filter(pk=self.draft.pk).exists())
        self.client.post(changelist(PermitCatalogue), {
            "action": "delete_selected", "_selected_action": [self.draft.pk], "post": "yes"})
        self.assertFalse(PermitCatalogue.objects.filter(pk=self.draft.pk).exists())

    def test_published_rows_are_read_only(self):
        item = PermitItem.objects.filter(edition=self.published).first()
        url = reverse("admin:permits_permititem_change", args=[item.pk])
        response = self.client.get(url)
        self.assertFalse(response.context["has_change_permission"])
        inline = response.context["inline_admin_formsets"][0]
        self.assertFalse(inline.has_add_permission or inline.has_change_permission or inline.has_delete_permission)
        self.assertEqual(self.client.post(url, {"name": "改名"}).status_code, 403)
        handling = HandlingItem.objects.filter(edition=self.published).first()
        response = self.client.get(reverse("admin:permits_handlingitem_change", args=[handling.pk]))
        self.assertFalse(response.context["has_change_permission"])
        self.assertEqual(PermitItem.objects.get(pk=item.pk).name, item.name)

    def test_draft_item_edit_with_inline(self):
        item = PermitItem.objects.filter(edition=self.draft).first()
        sub = item.sub_items.get()
        url = reverse("admin:permits_permititem_change", args=[item.pk])
        data = {
            "seq": item.seq, "code": item.code, "name": "改过的名称", "department": self.department.pk,
            "implementing_bodies": "", "legal_basis": "依据", "remarks": "",
            "sub_items-TOTAL_FORMS": 2, "sub_items-INITIAL_FORMS": 1, "sub_items-MIN_NUM_FORMS": 0,
            "sub_items-MAX_NUM_FORMS": 1000,
            "sub_items-0-id": sub.pk, "sub_items-0-item": item.pk, "sub_items-0-seq": 1, "sub_items-0-code": sub.code,
            "sub_items-0-name": sub.name, "sub_items-0-approval_level": "市级",
            "sub_items-1-item": item.pk, "sub_items-1-seq": 2, "sub_items-1-code": "999999999992",
            "sub_items-1-name": "错误的子项",
        }
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)  # the form comes back with the error
        self.assertContains(response, "子项编码应以事项编码的前11位")
        data["sub_items-1-code"] = item.code[:11] + "2"
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302)
        item.refresh_from_db()
        self.assertEqual(item.name, "改过的名称")
        added = item.sub_items.get(code=item.code[:11] + "2")
        self.assertEqual((added.edition_id, added.item_prefix), (self.draft.pk, item.code[:11]))


class ImportExportAdminTests(AdminTestCase):
    url = reverse("admin:permits_permitcatalogue_import")

    def upload(self, data, name="清单.csv", **fields):
        file = io.BytesIO(data)
        file.name = name
        return self.client.post(self.url, {"file": file, **fields})

    def test_preview_then_confirm(self):
        data = csv_bytes([row(), row(handling="02"), row("00016421400Y", item_name="建设工程规划许可证核发")])
        response = self.upload(data, new_edition_title="新余市行政许可事项清单（2024年版）")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "确认导入")
        self.assertContains(response, "00016421300102")
        self.assertFalse(PermitCatalogue.objects.filter(title__contains="2024").exists())
        token = self.client.session[editions.import_session_key(PermitCatalogue)]["token"]
        stashed = editions.stashed_path(token)
        self.assertTrue(stashed.exists())
        response = self.client.post(self.url, {"confirm": "1", "token": token})
        edition = PermitCatalogue.objects.get(title="新余市行政许可事项清单（2024年版）")
        self.assertRedirects(response, reverse("admin:permits_permitcatalogue_change", args=[edition.pk]))
        self.assertEqual((edition.items.count(), edition.handling_items.count()), (2, 3))
        self.assertFalse(stashed.exists())
        self.assertNotIn(editions.import_session_key(PermitCatalogue), self.client.session)
        self.assertEqual(ImportLog.objects.latest("created_at").user, self.admin_user)

    def test_preview_into_existing_draft(self):
        response = self.upload(csv_bytes([row()]), edition=self.draft.pk)
        self.assertContains(response, "新增")
        token = self.client.session[editions.import_session_key(PermitCatalogue)]["token"]
        self.client.post(self.url, {"confirm": "1", "token": token})
        self.assertTrue(self.draft.handling_items.filter(code="00016421300101").exists())

    def test_errors_are_shown_and_nothing_kept(self):
        response = self.upload(csv_bytes([row(department="市市场监督局")]), edition=self.draft.pk)
        self.assertContains(response, "第2行“主管部门”列：部门“市市场监督局”不存在")
        self.assertNotContains(response, "确认导入")
        self.assertNotIn(editions.import_session_key(PermitCatalogue), self.client.session)

    def test_upload_checks(self):
        self.assertContains(self.upload(b"x", "清单.pdf", edition=self.draft.pk), "只支持 .xlsx 和 .csv 文件")
        big = csv_bytes([row()]) + b"#" * (10 * 1024 * 1024)
        self.assertContains(self.upload(big, edition=self.draft.pk), "超过 10 MB 上限")
        self.assertContains(self.upload(csv_bytes([row()])), "二者选一")
        self.assertNotIn(editions.import_session_key(PermitCatalogue), self.client.session)

    def test_published_edition_is_not_offered(self):
        response = self.upload(csv_bytes([row()]), edition=self.published.pk)
        self.assertContains(response, "选择一个有效的选项")

    def test_wrong_token_imports_nothing(self):
        self.upload(csv_bytes([row()]), edition=self.draft.pk)
        response = self.client.post(self.url, {"confirm": "1", "token": "x" * 43})
        self.assertEqual(response.status_code, 302)
        self.assertFalse(self.draft.handling_items.filter(code="00016421300101").exists())

    def test_template_download(self):
        response = self.client.get(reverse("admin:permits_permitcatalogue_template", args=["xlsx"]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), PERMIT_HEADERS)
        self.assertEqual(len(rows), 2)
        csv_response = self.client.get(reverse("admin:permits_permitcatalogue_template", args=["csv"]))
        self.assertTrue(csv_response.content.startswith(b"\xef\xbb\xbf"))
        self.assertEqual(self.client.get(reverse("admin:permits_permitcatalogue_template", args=["pdf"])).status_code, 404)

    def test_export_download(self):
        response = self.client.get(reverse("admin:permits_permitcatalogue_export", args=[self.published.pk, "csv"]))
        self.assertEqual(response.status_code, 200)
        lines = response.content.decode("utf-8-sig").strip().splitlines()
        self.assertEqual(lines[0].split(",")[:3], PERMIT_HEADERS[:3])
        self.assertEqual(len(lines), 1 + 8)

    def test_anonymous_cannot_reach_import_or_export(self):
        self.client.logout()
        for url in (self.url, reverse("admin:permits_permitcatalogue_export", args=[self.published.pk, "csv"])):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 302)
            self.assertIn(reverse("admin:login"), response["Location"])

    def test_import_from_the_edition_page(self):
        url = reverse("admin:permits_permitcatalogue_import", args=[self.draft.pk])
        self.assertContains(self.client.get(reverse("admin:permits_permitcatalogue_change", args=[self.draft.pk])), url)
        file = io.BytesIO(csv_bytes([row()]))
        file.name = "清单.csv"
        response = self.client.post(url, {"file": file})
        self.assertContains(response, "确认导入")
        response = self.client.post(url, {"confirm": "1", "token": response.context["token"]})
        self.assertRedirects(response, reverse("admin:permits_permitcatalogue_change", args=[self.draft.pk]))
        self.assertTrue(self.draft.handling_items.filter(code="00016421300101").exists())


class ChildRowFormTests(AdminTestCase):
    def test_code_prefix_uniqueness_and_lock(self):
        from permits.catalogue.admin import HandlingItemForm, SubItemForm

        item = PermitItem.objects.filter(edition=self.draft).first()
        form = SubItemForm(data={"item": item.pk, "code": "999999999992", "seq": 1, "name": "甲"})
        self.assertIn(f"子项编码应以事项编码的前11位“{item.code[:11]}”开头", form.errors["code"])
        sub = SubItem.objects.filter(edition=self.draft).first()
        taken = HandlingItem.objects.filter(sub_item=sub).first()
        form = HandlingItemForm(data={"sub_item": sub.pk, "code": taken.code, "seq": 9, "name": "乙"})
        self.assertIn(f"本清单中已有业务办理项编码“{taken.code}”", form.errors["code"])
        locked_sub = SubItem.objects.filter(edition=self.published).first()
        form = HandlingItemForm(data={"sub_item": locked_sub.pk, "code": locked_sub.code + "99", "seq": 9, "name": "丙"})
        self.assertIn("该子项所在清单不是草稿，不能修改。", form.errors["sub_item"])
