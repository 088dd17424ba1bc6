"""Sparse spreadsheets: a blank cell keeps what is stored, （清空） clears it, the preview shows old → new.

Also: the catalogue's rules at import, history rows and one audit event per import and copy."""
import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.test import TestCase
from django.urls import reverse

from permits.catalogue.selectors.export import PERMIT_HEADERS
from permits.catalogue.services.importing import catalogue_import
from permits.kernel.importing.cells import FieldChange
from permits.kernel.importing.errors import ImportFailed
from permits.kernel.lifecycle import edition_copy, edition_publish
from permits.models import AuditEvent, HandlingItem, Material, PermitItem, SubItem
from tests.factories import (
    DepartmentFactory, HandlingItemFactory, MaterialFactory, PermitCatalogueFactory, PermitItemFactory,
    RegionFactory, SubItemFactory,
)

from .importing_helpers import csv_bytes

ITEM, SUB, HANDLING = "00016421300Y", "000164213001", "00016421300101"


def sparse_row(**cells):
    """A full-width row of the import template with only the codes and `cells` (by header) filled."""
    values = {"事项编码": ITEM, "子项编码": SUB, "业务办理项编码": HANDLING, **cells}
    return [values.get(header, "") for header in PERMIT_HEADERS]


def sparse_file(*rows):
    return csv_bytes(list(rows), headers=PERMIT_HEADERS)


def stored(obj):
    obj.refresh_from_db()
    return model_to_dict(obj)


def materials(handling):
    return list(Material.objects.filter(handling_item=handling).order_by("seq", "pk").values_list(
        "seq", "name", "required", "form", "copies", "source", "notes"))


class SparseCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_superuser("root", "root@example.com", "x" * 16)
        city = RegionFactory(name="市本级")
        cls.market = DepartmentFactory(name="市市场监管局", region=city)
        cls.draft = PermitCatalogueFactory(region=city, title="草稿清单")
        cls.item = PermitItemFactory(edition=cls.draft, code=ITEM, name="食品经营许可", department=cls.market,
                                     implementing_bodies="市行政审批局", legal_basis="《中华人民共和国食品安全法》",
                                     remarks="保留的备注")
        cls.sub = SubItemFactory(item=cls.item, seq=1, code=SUB, name="食品经营许可（新办）",
                                 approval_level="市级", exercise_level="市级")
        cls.handling = HandlingItemFactory(
            sub_item=cls.sub, seq=1, code=HANDLING, name="食品经营许可证核发", conditions="有经营场所",
            procedure="申请→受理→决定", statutory_days=20, promised_days=5, visits=0, online_depth="3",
            place="新余市政务服务中心", hours="工作日", online_url="https://www.jxzwfww.gov.cn/")
        MaterialFactory(handling_item=cls.handling, seq=1, name="申请书", form="电子件", source="申请人自备")
        MaterialFactory(handling_item=cls.handling, seq=2, name="营业执照", form="复印件", required=False)

    def import_(self, data, **kwargs):
        kwargs.setdefault("edition", self.draft)
        kwargs.setdefault("user", self.user)
        return catalogue_import(data, "清单.csv", **kwargs)


class BlankKeepsTests(SparseCase):
    def test_one_cell_changes_every_other_field_and_material_stays(self):
        item, sub, handling = stored(self.item), stored(self.sub), stored(self.handling)
        before_materials = materials(self.handling)
        summary = self.import_(sparse_file(sparse_row(承诺办结时限="3")))
        self.assertEqual(stored(self.item), item)
        self.assertEqual(stored(self.sub), sub)
        self.assertEqual(stored(self.handling), {**handling, "promised_days": 3})
        self.assertEqual(materials(self.handling), before_materials)
        self.assertEqual(summary.updated, {"业务办理项": 1})
        self.assertEqual(summary.created, {})

    def test_preview_lists_old_and_new_of_each_changed_field(self):
        summary = self.import_(sparse_file(sparse_row(承诺办结时限="3", 办理时间="工作日 9:00-17:00")), dry_run=True)
        self.assertEqual([(e["level"], e["action"], e["code"]) for e in summary.preview],
                         [("业务办理项", "更新", HANDLING)])
        self.assertEqual(summary.preview[0]["changes"], [
            FieldChange("promised_days", "承诺办结时限（工作日）", "5", "3"),
            FieldChange("hours", "办理时间", "工作日", "工作日 9:00-17:00"),
        ])
        self.assertEqual(stored(self.handling)["promised_days"], 5)  # a dry run writes nothing

    def test_clearing_marker_empties_the_field_and_is_shown_as_cleared(self):
        summary = self.import_(sparse_file(sparse_row(办理地点="（清空）", 备注="(清空)")))
        self.assertEqual(stored(self.handling)["place"], "")
        self.assertEqual(stored(self.item)["remarks"], "")
        changes = [c for entry in summary.preview for c in entry["changes"]]
        self.assertIn(FieldChange("place", "办理地点", "新余市政务服务中心", "", cleared=True), changes)
        self.assertIn(FieldChange("remarks", "备注", "保留的备注", "", cleared=True), changes)

    def test_a_required_field_cannot_be_cleared(self):
        with self.assertRaises(ImportFailed) as caught:
            self.import_(sparse_file(sparse_row(事项名称="（清空）")))
        self.assertEqual([str(p) for p in caught.exception.problems], ["第2行“事项名称”列：不能清空"])

    def test_a_new_row_still_needs_its_names(self):
        row = sparse_row(业务办理项编码="00016421300102")
        with self.assertRaises(ImportFailed) as caught:
            self.import_(sparse_file(row))
        self.assertEqual([str(p) for p in caught.exception.problems], ["第2行“业务办理项名称”列：新增的业务办理项不能为空"])

    def test_given_materials_replace_and_the_preview_lists_each_material_change(self):
        summary = self.import_(sparse_file(sparse_row(申请材料="申请书｜必要｜原件｜1｜申请人自备\n委托书｜非必要｜原件｜1")))
        self.assertEqual(materials(self.handling), [
            (1, "申请书", True, "原件", 1, "申请人自备", ""),
            (2, "委托书", False, "原件", 1, "", ""),
        ])
        self.assertEqual(summary.preview[0]["changes"], [
            FieldChange("materials", "申请材料“申请书”", "申请书｜必要｜电子件｜1份｜申请人自备", "申请书｜必要｜原件｜1份｜申请人自备"),
            FieldChange("materials", "申请材料“委托书”", "（无）", "委托书｜非必要｜原件｜1份"),
            FieldChange("materials", "申请材料“营业执照”", "营业执照｜非必要｜复印件｜1份", "", cleared=True),
        ])

    def test_clearing_marker_in_materials_removes_them_all(self):
        self.import_(sparse_file(sparse_row(申请材料="（清空）")))
        self.assertEqual(materials(self.handling), [])


class RulesAtImportTests(SparseCase):
    def test_promised_over_statutory_is_refused(self):
        with self.assertRaises(ImportFailed) as caught:
            self.import_(sparse_file(sparse_row(法定办结时限="15", 承诺办结时限="30")))
        self.assertEqual([str(p) for p in caught.exception.problems],
                         ["第2行“承诺办结时限”列：承诺办结时限（30个工作日）不能超过法定办结时限（15个工作日）"])

    def test_the_rule_reads_the_stored_value_of_a_blank_cell(self):
        # Stored 法定办结时限 is 20; the file gives only 承诺 25.
        with self.assertRaises(ImportFailed) as caught:
            self.import_(sparse_file(sparse_row(承诺办结时限="25")))
        self.assertIn("不能超过法定办结时限（20个工作日）", str(caught.exception.problems[0]))

    def test_full_online_with_original_only_material_is_a_warning(self):
        summary = self.import_(sparse_file(sparse_row(申请材料="申请书｜必要｜原件")), dry_run=True)
        self.assertEqual([str(w) for w in summary.warnings],
                         ["第2行“申请材料”列：全程网办且到现场0次，但材料“申请书”只收原件"])


class HistoryTests(SparseCase):
    def test_import_leaves_history_rows_naming_the_user(self):
        self.import_(sparse_file(sparse_row(承诺办结时限="3"), sparse_row(
            业务办理项编码="00016421300102", 业务办理项名称="食品经营许可证变更", 承诺办结时限="2")))
        changed = self.handling.history.order_by("-history_id").first()
        self.assertEqual((changed.history_type, changed.promised_days, changed.history_user), ("~", 3, self.user))
        added = HandlingItem.history.filter(code="00016421300102").get()
        self.assertEqual((added.history_type, added.history_user), ("+", self.user))

    def test_first_edit_after_an_import_shows_its_before(self):
        self.import_(sparse_file(sparse_row(承诺办结时限="3")))
        handling = HandlingItem.objects.get(pk=self.handling.pk)
        handling.promised_days = 4
        handling.save()
        latest = handling.history.order_by("-history_id").first()
        delta = latest.diff_against(latest.prev_record)
        self.assertEqual([(c.field, c.old, c.new) for c in delta.changes], [("promised_days", 3, 4)])

    def test_one_audit_event_per_import_with_the_user(self):
        self.import_(sparse_file(sparse_row(承诺办结时限="3")))
        events = AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT)
        self.assertEqual([(e.user, e.object_id) for e in events], [(self.user, str(self.draft.pk))])

    def test_copy_leaves_history_rows_and_one_audit_event(self):
        edition_publish(self.draft)
        copy = edition_copy(self.draft, user=self.user)
        for model in (PermitItem, SubItem, HandlingItem):
            copied = list(model.objects.filter(edition=copy).values_list("pk", flat=True))
            rows = model.history.filter(id__in=copied)
            self.assertEqual(sorted((r.id, r.history_type, r.history_user_id) for r in rows),
                             sorted((pk, "+", self.user.pk) for pk in copied), model.__name__)
        events = AuditEvent.objects.filter(action=AuditEvent.Action.COPY)
        self.assertEqual([(e.user, e.object_id) for e in events], [(self.user, str(copy.pk))])


class CommandAndAdminPreviewTests(SparseCase):
    def test_dry_run_prints_each_change(self):
        path = self.enterContext(self._file(sparse_file(sparse_row(承诺办结时限="3", 办理地点="（清空）"))))
        out = io.StringIO()
        call_command("import_catalogue", path, "--edition", str(self.draft.pk), "--dry-run", stdout=out)
        lines = out.getvalue().splitlines()
        self.assertIn(f"  第2行 更新业务办理项 {HANDLING} 食品经营许可证核发", lines)
        self.assertIn("      承诺办结时限（工作日）：“5” → “3”", lines)
        self.assertIn("      办理地点：清空（原为“新余市政务服务中心”）", lines)
        self.assertEqual(stored(self.handling)["promised_days"], 5)

    def _file(self, data):
        import contextlib
        import tempfile
        from pathlib import Path

        @contextlib.contextmanager
        def made():
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "清单.csv"
                path.write_bytes(data)
                yield str(path)
        return made()

    def test_admin_preview_shows_old_new_and_cleared_in_words_and_colour(self):
        self.client.force_login(self.user)
        file = io.BytesIO(sparse_file(sparse_row(承诺办结时限="3", 办理地点="（清空）")))
        file.name = "清单.csv"
        response = self.client.post(reverse("admin:permits_permitcatalogue_import"),
                                    {"file": file, "edition": self.draft.pk})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "admin_portal/import.css")
        self.assertContains(response, '<span class="import-change-label">承诺办结时限（工作日）</span>：'
                                      '<del><span class="visually-hidden">原值：</span>5</del>', html=False)
        self.assertContains(response, '<ins><span class="visually-hidden">改为：</span>3</ins>', html=False)
        self.assertContains(response, '<li class="import-change import-change-cleared">'
                                      '<span class="import-change-label">办理地点</span>：<strong>将清空</strong>'
                                      '（原值：<del>新余市政务服务中心</del>）</li>', html=False)

    def test_template_has_a_notes_sheet_with_the_marker(self):
        from openpyxl import load_workbook

        self.client.force_login(self.user)
        response = self.client.get(reverse("admin:permits_permitcatalogue_template"))
        workbook = load_workbook(io.BytesIO(response.content))
        self.assertIn("说明", workbook.sheetnames)
        text = "\n".join(str(c) for row in workbook["说明"].iter_rows(values_only=True) for c in row if c)
        self.assertIn("空白单元格表示保留原有内容", text)
        self.assertIn("“（清空）”", text)
        self.assertIn("申请材料：空白表示保留全部现有材料", text)
