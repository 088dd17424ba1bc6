import datetime

from django.test import TestCase

from permits.kernel.importing.errors import ImportFailed
from permits.kernel.importing.formats import read_rows
from permits.kernel.exporting import write_csv, write_xlsx
from permits.models import DelegatedPower, EditionStatus, ImportLog, PowerMode, PowerType
from permits.powers.selectors import POWER_HEADERS, power_export_rows, powers_of
from permits.kernel.lifecycle import edition_publish
from permits.powers.services import power_catalogue_import, power_import_description
from tests.factories import DepartmentFactory, PermitItemFactory

from .factories_powers import DelegatedPowerFactory, PowerCatalogueFactory, ZoneFactory

H = POWER_HEADERS


def csv_bytes(rows, headers=H):
    return write_csv(headers, rows)


class PowerImportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.zone = ZoneFactory()
        cls.dev = DepartmentFactory(name="新余市发展和改革委员会", short_name="市发改委")
        cls.nr = DepartmentFactory(name="新余市自然资源局")
        cls.catalogue = PowerCatalogueFactory(recipient=cls.zone)

    def good_rows(self):
        return [
            [1, "新余市发展和改革委员会", "企业投资项目备案", "FG001", "行政确认", "直接行使", ""],
            [2, "市发改委", "固定资产投资项目节能审查", "FG002", "行政许可", "委托", "限额以下"],
            [3, "新余市自然资源局", "建设用地规划许可证核发", "", "行政许可", "窗口前移", ""],
        ]

    def problems(self, data, filename="x.csv", catalogue=None):
        with self.assertRaises(ImportFailed) as ctx:
            power_catalogue_import(data, filename, catalogue=catalogue or self.catalogue)
        return [str(p) for p in ctx.exception.problems]

    def test_import_creates_powers(self):
        summary = power_catalogue_import(csv_bytes(self.good_rows()), "目录.csv", catalogue=self.catalogue)
        powers = list(powers_of(self.catalogue))
        self.assertEqual([p.name for p in powers], [r[2] for r in self.good_rows()])
        self.assertEqual(powers[1].department, self.dev)  # found by short name
        self.assertEqual(powers[1].mode, PowerMode.ENTRUSTED)
        self.assertEqual(powers[0].power_type, PowerType.CONFIRMATION)
        self.assertEqual(summary.created["赋权事项"], 3)
        self.assertEqual(ImportLog.objects.filter(result=ImportLog.Result.SUCCESS).count(), 1)

    def test_dry_run_writes_nothing_and_previews(self):
        summary = power_catalogue_import(csv_bytes(self.good_rows()), "x.csv", catalogue=self.catalogue, dry_run=True)
        self.assertEqual(DelegatedPower.objects.filter(edition=self.catalogue).count(), 0)
        self.assertEqual([r["status"] for r in summary.preview], ["新增"] * 3)
        self.assertEqual([r["row"] for r in summary.preview], [2, 3, 4])

    def test_xlsx_round_trip_of_export(self):
        power_catalogue_import(csv_bytes(self.good_rows()), "x.csv", catalogue=self.catalogue)
        exported = write_xlsx(H, power_export_rows(powers_of(self.catalogue)))
        other = PowerCatalogueFactory(recipient=self.zone)
        power_catalogue_import(exported, "back.xlsx", catalogue=other)
        fields = ("seq", "department_id", "name", "code", "power_type", "mode", "remarks")
        self.assertEqual(
            list(powers_of(other).values_list(*fields)), list(powers_of(self.catalogue).values_list(*fields)),
        )
        self.assertEqual(read_rows(exported, "a.xlsx")[0], H)

    def test_reimport_updates_keeps_links_and_removes_missing(self):
        power_catalogue_import(csv_bytes(self.good_rows()), "x.csv", catalogue=self.catalogue)
        linked = DelegatedPower.objects.get(edition=self.catalogue, code="FG001")
        item = PermitItemFactory(department=self.dev)
        DelegatedPower.objects.filter(pk=linked.pk).update(permit_item=item)
        rows = self.good_rows()[:2]
        rows[0][2] = "企业投资项目备案（含技改）"  # renamed, same code
        rows[1][5] = "直报"
        rows.append([3, "新余市自然资源局", "新的权限", "NR9", "其它", "直接 行使", ""])
        rows.append([4, "新余市发展和改革委员会", "不变的权限", "FG004", "行政许可", "直接行使", ""])
        DelegatedPowerFactory(edition=self.catalogue, seq=4, department=self.dev, name="不变的权限", code="FG004")
        summary = power_catalogue_import(csv_bytes(rows), "x.csv", catalogue=self.catalogue)
        linked.refresh_from_db()
        self.assertEqual(linked.name, "企业投资项目备案（含技改）")
        self.assertEqual(linked.permit_item, item)
        self.assertEqual(DelegatedPower.objects.get(edition=self.catalogue, code="FG002").mode, PowerMode.DIRECT_REPORT)
        self.assertFalse(DelegatedPower.objects.filter(name="建设用地规划许可证核发").exists())
        new = DelegatedPower.objects.get(code="NR9")
        self.assertEqual((new.power_type, new.mode), (PowerType.OTHER, PowerMode.DIRECT))
        self.assertEqual(summary.updated["赋权事项"], 2)
        self.assertEqual(summary.deleted, 1)
        self.assertEqual(summary.created["赋权事项"], 1)
        self.assertEqual([r["name"] for r in summary.removed], ["建设用地规划许可证核发"])
        self.assertIn("删除赋权事项 1 个", power_import_description(summary))
        self.assertEqual([r["status"] for r in summary.preview], ["修改", "修改", "新增", "不变"])

    def test_swapped_codes_do_not_break_unique_constraint(self):
        power_catalogue_import(csv_bytes(self.good_rows()), "x.csv", catalogue=self.catalogue)
        rows = self.good_rows()
        rows[0][3], rows[1][3] = rows[1][3], rows[0][3]
        power_catalogue_import(csv_bytes(rows), "x.csv", catalogue=self.catalogue)
        self.assertEqual(DelegatedPower.objects.get(edition=self.catalogue, code="FG002").name, "企业投资项目备案")

    def test_unknown_department_names_close_ones(self):
        rows = self.good_rows()
        rows[2][1] = "新余市自然资源和规划局"
        problems = self.problems(csv_bytes(rows))
        self.assertEqual(len(problems), 1)
        self.assertIn("第4行", problems[0])
        self.assertIn("“实施部门”列", problems[0])
        self.assertIn("新余市自然资源局", problems[0])

    def test_bad_type_and_mode_list_allowed_values(self):
        rows = self.good_rows()
        rows[0][4] = "行政审批"
        rows[1][5] = ""
        problems = self.problems(csv_bytes(rows))
        self.assertEqual(len(problems), 2)
        self.assertTrue(problems[0].startswith("第2行“事项类型”列"))
        for value in PowerType.values:
            self.assertIn(value, problems[0])
        self.assertTrue(problems[1].startswith("第3行“赋权方式”列"))
        for value in PowerMode.values:
            self.assertIn(value, problems[1])

    def test_duplicate_code_names_both_rows(self):
        rows = self.good_rows()
        rows[2][3] = "ｆｇ００１"  # full-width, lower case: the same code
        problems = self.problems(csv_bytes(rows))
        self.assertEqual(len(problems), 2)
        self.assertIn("第2行", problems[0])
        self.assertIn("第4行", problems[0])
        self.assertTrue(problems[1].startswith("第4行"))
        self.assertIn("第2行", problems[1])

    def test_missing_column(self):
        headers = [h for h in H if h != "赋权方式"]
        rows = [[r[i] for i in range(7) if H[i] != "赋权方式"] for r in self.good_rows()]
        problems = self.problems(csv_bytes(rows, headers))
        self.assertEqual(len(problems), 1)
        self.assertIn("缺少必需的列：赋权方式", problems[0])

    def test_non_number_seq(self):
        rows = self.good_rows()
        rows[1][0] = "二"
        rows[2][0] = ""
        problems = self.problems(csv_bytes(rows))
        self.assertIn("第3行“序号”列", problems[0])
        self.assertIn("二", problems[0])

    def test_empty_seq_and_name(self):
        rows = self.good_rows()
        rows[1][0] = ""
        rows[2][2] = ""
        problems = self.problems(csv_bytes(rows))
        self.assertEqual(problems, ["第3行“序号”列：不能为空", "第4行“事项名称”列：不能为空"])

    def test_failure_is_atomic(self):
        DelegatedPowerFactory(edition=self.catalogue, department=self.nr, name="原有事项", code="OLD1")
        rows = self.good_rows()
        rows[2][4] = "错误类型"
        self.problems(csv_bytes(rows))
        self.assertEqual(list(DelegatedPower.objects.filter(edition=self.catalogue).values_list("code", flat=True)), ["OLD1"])
        self.assertEqual(ImportLog.objects.filter(result=ImportLog.Result.FAILED).count(), 1)

    def test_locked_catalogue_refused(self):
        edition_publish(self.catalogue, published_on=datetime.date(2024, 1, 1))
        problems = self.problems(csv_bytes(self.good_rows()))
        self.assertIn("不是草稿", problems[0])
        self.catalogue.refresh_from_db()
        self.assertEqual(self.catalogue.status, EditionStatus.PUBLISHED)
        self.assertEqual(DelegatedPower.objects.filter(edition=self.catalogue).count(), 0)

    def test_title_rows_above_header_and_gbk(self):
        text = "新余高新区赋权目录\n" + ",".join(H) + "\n1,新余市自然资源局,建设用地规划许可证核发,,行政许可,直接行使,\n"
        power_catalogue_import(text.encode("gb18030"), "x.csv", catalogue=self.catalogue)
        self.assertEqual(DelegatedPower.objects.get(edition=self.catalogue).name, "建设用地规划许可证核发")

    def test_formula_is_escaped_on_export(self):
        DelegatedPowerFactory(edition=self.catalogue, department=self.nr, name="=HYPERLINK(1)", code="F1")
        body = write_csv(H, power_export_rows(powers_of(self.catalogue))).decode("utf-8-sig")
        self.assertIn("'=HYPERLINK(1)", body)


class SparsePowerImportTests(TestCase):
    """A blank cell of a power the file matches keeps the stored value; （清空） clears it."""

    @classmethod
    def setUpTestData(cls):
        cls.dev = DepartmentFactory(name="新余市发展和改革委员会")
        cls.catalogue = PowerCatalogueFactory(recipient=ZoneFactory())
        cls.power = DelegatedPowerFactory(edition=cls.catalogue, seq=1, department=cls.dev, name="企业投资项目备案",
                                          code="FG001", power_type=PowerType.CONFIRMATION, mode=PowerMode.DIRECT,
                                          remarks="原备注")

    def test_blank_cells_keep_and_the_marker_clears(self):
        summary = power_catalogue_import(csv_bytes([["", "", "", "FG001", "", "委托", "（清空）"]]), "x.csv",
                                         catalogue=self.catalogue)
        self.power.refresh_from_db()
        self.assertEqual((self.power.seq, self.power.department, self.power.name, self.power.power_type,
                          self.power.mode, self.power.remarks),
                         (1, self.dev, "企业投资项目备案", PowerType.CONFIRMATION, PowerMode.ENTRUSTED, ""))
        self.assertEqual([(c.label, c.old, c.new, c.cleared) for c in summary.preview[0]["changes"]],
                         [("赋权方式", "直接行使", "委托", False), ("备注", "原备注", "", True)])
        history = self.power.history.order_by("-history_id").first()
        self.assertEqual((history.history_type, history.mode), ("~", PowerMode.ENTRUSTED))

    def test_a_new_power_needs_every_required_cell(self):
        with self.assertRaises(ImportFailed) as caught:
            power_catalogue_import(csv_bytes([["", "", "新事项", "FG009", "", "", ""], self.full_row()]), "x.csv",
                                   catalogue=self.catalogue)
        self.assertEqual([str(p).split("：")[0] for p in caught.exception.problems],
                         ["第2行“序号”列", "第2行“实施部门”列", "第2行“事项类型”列", "第2行“赋权方式”列"])

    def full_row(self):
        return [1, "新余市发展和改革委员会", "企业投资项目备案", "FG001", "行政确认", "直接行使", "原备注"]
