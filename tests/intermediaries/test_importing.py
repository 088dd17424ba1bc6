import csv
import io

from django.test import TestCase
from openpyxl import Workbook

from intermediaries.models import IntermediaryService
from intermediaries.selectors import SERVICE_HEADERS
from intermediaries.services import intermediary_import, intermediary_import_message
from permits.kernel.lock import edition_lock_lifted
from permits.kernel.importing.errors import ImportFailed
from permits.models import EditionStatus, ImportLog
from permits.kernel.lifecycle import edition_publish
from tests.factories import DepartmentFactory, PermitCatalogueFactory, PermitItemFactory, RegionFactory

from .factories import IntermediaryListFactory, IntermediaryServiceFactory, published_permit_catalogue

THROUGH = IntermediaryService.permit_items.through


def row(seq, name, refs, department, **extra):
    values = {
        "序号": seq, "中介服务事项名称": name, "涉及的审批事项": refs, "审批部门": department,
        "设定依据": "《建设项目环境保护管理条例》第九条", "中介服务实施机构": "具备相应能力的技术单位",
        "机构性质": "企业", "委托方": "申请人委托", "收费性质": "市场调节价", "收费依据": "",
        "服务时限": "30个工作日", "层级": "市级、县级", "备注": "",
    }
    values.update(extra)
    return values


def csv_bytes(rows, headers=SERVICE_HEADERS, encoding="utf-8"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for values in rows:
        writer.writerow([values.get(h, "") for h in headers])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, headers=SERVICE_HEADERS, title_row=None):
    workbook = Workbook()
    sheet = workbook.active
    if title_row:
        sheet.append([title_row])
    sheet.append(headers)
    for values in rows:
        sheet.append([values.get(h, "") for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class ImporterTestBase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.region = RegionFactory()
        cls.dept = DepartmentFactory(name="新余市生态环境局", short_name="市生态环境局", region=cls.region)
        cls.other_dept = DepartmentFactory(name="新余市自然资源局", region=cls.region)
        cls.catalogue, cls.items = published_permit_catalogue(cls.region, items=3, department=cls.dept)
        # A draft permit catalogue: its items must not be found by the importer.
        cls.draft_catalogue = PermitCatalogueFactory(region=cls.region, title="草稿许可清单")
        cls.draft_item = PermitItemFactory(edition=cls.draft_catalogue, department=cls.dept, name="草稿中的许可事项")
        cls.target = IntermediaryListFactory(region=cls.region)
        cls.kept = IntermediaryServiceFactory(edition=cls.target, seq=1, department=cls.dept, name="原有服务",
                                              permit_items=[cls.items[0]])

    def state(self):
        return (
            sorted(IntermediaryService.objects.filter(edition=self.target).values_list("seq", "name", "department")),
            sorted(THROUGH.objects.filter(intermediaryservice__edition=self.target)
                   .values_list("intermediaryservice__seq", "permititem_id")),
        )

    def assert_fails(self, data, *fragments, filename="list.csv", target=None):
        before = self.state()
        with self.assertRaises(ImportFailed) as raised:
            intermediary_import(data, filename, edition=target or self.target)
        messages = [str(p) for p in raised.exception.problems]
        for fragment in fragments:
            self.assertTrue(any(fragment in m for m in messages), f"{fragment!r} not in {messages}")
        self.assertEqual(self.state(), before, "a failed import must leave the database unchanged")
        return messages


class ImportSuccessTests(ImporterTestBase):
    def test_references_by_code_name_and_name_with_code(self):
        a, b, c = self.items
        data = csv_bytes([
            row(1, "环境影响评价文件编制", f"{a.code}；{b.name}", "新余市生态环境局"),
            # short name, half-width separator, the export's "名称（编码）" form, full-width digits in the code
            row(2, "节能报告编制", f"{c.name}（{c.code}）;{a.code.replace('0', '０')}", "市生态环境局",
                委托方="审批部门委托", 收费性质="财政支付", 层级="市级"),
        ])
        summary = intermediary_import(data, "list.csv", edition=self.target)
        services = {s.seq: s for s in IntermediaryService.objects.filter(edition=self.target)}
        self.assertEqual(set(services), {1, 2})
        self.assertEqual(services[1].name, "环境影响评价文件编制")
        self.assertEqual(set(services[1].permit_items.all()), {a, b})
        self.assertEqual(set(services[2].permit_items.all()), {c, a})
        self.assertEqual(services[2].commissioner, IntermediaryService.Commissioner.AUTHORITY)
        self.assertTrue(services[2].paid_by_government)
        self.assertEqual(services[2].department, self.dept)
        self.assertEqual(summary.created, {"中介服务事项": 1})
        self.assertEqual(summary.updated, {"中介服务事项": 1})
        self.assertIn("新增中介服务事项 1 个", intermediary_import_message(summary))

    def test_xlsx_with_title_row_and_line_break_separated_references(self):
        a, b, _ = self.items
        data = xlsx_bytes([row(1, "水土保持方案编制", f"{a.code}\n{b.code}", "新余市生态环境局", 序号=1)],
                          title_row="新余市中介服务事项清单")
        intermediary_import(data, "list.xlsx", edition=self.target)
        service = IntermediaryService.objects.get(edition=self.target, seq=1)
        self.assertEqual(set(service.permit_items.all()), {a, b})

    def test_gbk_csv(self):
        data = csv_bytes([row(1, "地质灾害危险性评估", self.items[0].code, "新余市自然资源局")], encoding="gb18030")
        intermediary_import(data, "list.csv", edition=self.target)
        self.assertEqual(IntermediaryService.objects.get(edition=self.target, seq=1).department, self.other_dept)

    def test_file_is_the_whole_list_rows_missing_are_removed(self):
        data = csv_bytes([row(2, "防雷装置检测", "", "新余市生态环境局")])
        summary = intermediary_import(data, "list.csv", edition=self.target)
        self.assertEqual(list(IntermediaryService.objects.filter(edition=self.target).values_list("seq", flat=True)), [2])
        self.assertEqual(summary.removed, 1)
        self.assertFalse(THROUGH.objects.filter(intermediaryservice__edition=self.target).exists())

    def test_reimport_writes_only_what_changed(self):
        same = {"设定依据": self.kept.legal_basis, "中介服务实施机构": self.kept.providers, "服务时限": ""}
        data = csv_bytes([row(1, "原有服务（改名）", self.items[0].code, "新余市生态环境局", **same)])
        summary = intermediary_import(data, "list.csv", edition=self.target)
        self.assertEqual(summary.preview[0]["changed"], ["中介服务事项名称"])
        service = IntermediaryService.objects.get(pk=self.kept.pk)
        self.assertEqual(service.name, "原有服务（改名）")
        self.assertEqual(list(service.permit_items.all()), [self.items[0]])
        history = service.history.count()
        summary = intermediary_import(data, "list.csv", edition=self.target)
        self.assertEqual((summary.created, summary.updated), ({}, {}))
        self.assertEqual(intermediary_import_message(summary), "共 1 行，1 个无变化")
        self.assertEqual(service.history.count(), history)
        self.assertEqual(list(service.permit_items.all()), [self.items[0]])

    def test_dry_run_writes_nothing_and_previews(self):
        before = self.state()
        same = {"设定依据": self.kept.legal_basis, "中介服务实施机构": self.kept.providers, "服务时限": ""}
        data = csv_bytes([row(1, "原有服务", self.items[1].code, "新余市生态环境局", **same),
                          row(5, "新服务", "", "新余市生态环境局")])
        summary = intermediary_import(data, "list.csv", edition=self.target, dry_run=True)
        self.assertEqual(self.state(), before)
        actions = {entry["seq"]: (entry["action"], entry["changed"]) for entry in summary.preview}
        self.assertEqual(actions[5], ("新增", []))
        self.assertEqual(actions[1], ("更新", ["涉及的审批事项"]))
        self.assertEqual(ImportLog.objects.latest("pk").result, ImportLog.Result.DRY_RUN)


class ImportErrorTests(ImporterTestBase):
    def test_reference_matching_no_published_item_names_row_and_text(self):
        data = csv_bytes([
            row(1, "甲", self.items[0].code, "新余市生态环境局"),
            row(2, "乙", f"{self.items[1].code}；不存在的审批事项", "新余市生态环境局"),
            row(3, "丙", self.draft_item.name, "新余市生态环境局"),
            row(4, "丁", "99999999999Y", "新余市生态环境局"),
        ])
        messages = self.assert_fails(data, "第3行“涉及的审批事项”列：“不存在的审批事项”", f"第4行", "“草稿中的许可事项”",
                                     "第5行", "“99999999999Y”")
        self.assertEqual(len(messages), 3)
        self.assertEqual(ImportLog.objects.latest("pk").result, ImportLog.Result.FAILED)

    def test_county_list_falls_back_to_city_permit_catalogue(self):
        county = RegionFactory(name="渝水区", kind="county", parent=self.region)
        target = IntermediaryListFactory(region=county)
        data = csv_bytes([row(1, "甲", self.items[0].code, "新余市生态环境局")])
        intermediary_import(data, "list.csv", edition=target)
        self.assertEqual(IntermediaryService.objects.get(edition=target).permit_items.get(), self.items[0])

    def test_unknown_department(self):
        data = csv_bytes([row(1, "甲", "", "新余市生态环境厅")])
        self.assert_fails(data, "第2行“审批部门”列：部门“新余市生态环境厅”不存在", "新余市生态环境局")

    def test_bad_choice_values_list_allowed_ones(self):
        data = csv_bytes([
            row(1, "甲", "", "新余市生态环境局", 委托方="企业自选"),
            row(2, "乙", "", "新余市生态环境局", 收费性质="看情况"),
            row(3, "丙", "", "新余市生态环境局", 层级="省级"),
            row(4, "丁", "", "新余市生态环境局", 委托方=""),
        ])
        self.assert_fails(
            data,
            "第2行“委托方”列：“企业自选”不是可选值；可选值：“申请人委托”“审批部门委托”",
            "第3行“收费性质”列：“看情况”不是可选值；可选值：“市场调节价”“政府定价”“政府指导价”“不收费”“财政支付”",
            "第4行“层级”列：“省级”不是可选值；可选值：“市级”“县级”“市级、县级”",
            "第5行“委托方”列：不能为空",
        )

    def test_duplicate_seq_reports_both_rows(self):
        data = csv_bytes([
            row(7, "甲", "", "新余市生态环境局"), row(8, "乙", "", "新余市生态环境局"), row(7, "丙", "", "新余市生态环境局"),
        ])
        self.assert_fails(data, "第2行“序号”列：序号“7”重复（与第4行相同）", "第4行“序号”列：序号“7”重复（与第2行相同）")

    def test_bad_or_missing_seq_and_name(self):
        self.assert_fails(csv_bytes([row("一", "甲", "", "新余市生态环境局")]), "第2行“序号”列：应填写数字，实际为“一”")
        data = csv_bytes([row(1, "甲", "", "新余市生态环境局"), row("", "", "", "新余市生态环境局")])
        self.assert_fails(data, "第3行“序号”列：不能为空", "第3行“中介服务事项名称”列：不能为空")

    def test_missing_required_column(self):
        headers = [h for h in SERVICE_HEADERS if h != "委托方"]
        data = csv_bytes([row(1, "甲", "", "新余市生态环境局")], headers=headers)
        self.assert_fails(data, "第1行：缺少必需的列：委托方")

    def test_text_too_long(self):
        data = csv_bytes([row(1, "甲" * 201, "", "新余市生态环境局")])
        self.assert_fails(data, "第2行“中介服务事项名称”列：内容过长：201 个字，最多 200 个字")

    def test_ambiguous_name_asks_for_code(self):
        twin = PermitItemFactory.build(edition=self.catalogue, department=self.dept, name=self.items[2].name)
        # The catalogue is published (locked): lift the lock, as a restore does, to build the case.
        with edition_lock_lifted():
            type(twin).objects.bulk_create([twin])
        data = csv_bytes([row(1, "甲", self.items[2].name, "新余市生态环境局")])
        self.assert_fails(data, "对应多个审批事项", self.items[2].code, "请改填事项编码")

    def test_refused_into_locked_or_submitted_list(self):
        edition_publish(self.target)
        data = csv_bytes([row(1, "甲", "", "新余市生态环境局")])
        self.assert_fails(data, "不是草稿（已发布），不能导入")
        self.target.refresh_from_db()
        self.assertEqual(self.target.status, EditionStatus.PUBLISHED)

    def test_not_a_spreadsheet(self):
        self.assert_fails(b"\x00\x01binary", "只支持 .xlsx 和 .csv 文件", filename="list.pdf")
        self.assert_fails(b"\xff\xfe\x00garbage\x00", filename="list.csv")


class NoPublishedPermitCatalogueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.region = RegionFactory()
        cls.dept = DepartmentFactory(name="新余市发展和改革委员会", region=cls.region)
        cls.draft_item = PermitItemFactory(edition=PermitCatalogueFactory(region=cls.region), department=cls.dept)
        cls.target = IntermediaryListFactory(region=cls.region)

    def test_reference_without_published_catalogue_is_an_error(self):
        data = csv_bytes([row(1, "项目申请报告编制", self.draft_item.code, "新余市发展和改革委员会")])
        with self.assertRaises(ImportFailed) as raised:
            intermediary_import(data, "list.csv", edition=self.target)
        self.assertIn("第2行“涉及的审批事项”列：没有已发布的行政许可事项清单", str(raised.exception.problems[0]))
        self.assertFalse(IntermediaryService.objects.exists())

    def test_rows_without_references_import_without_a_catalogue(self):
        intermediary_import(csv_bytes([row(1, "项目申请报告编制", "", "新余市发展和改革委员会")]), "l.csv",
                            edition=self.target)
        self.assertEqual(IntermediaryService.objects.get().name, "项目申请报告编制")


class SparseImportTests(ImporterTestBase):
    """A blank cell of a service the file matches by 序号 keeps the stored value; （清空） clears it."""

    def test_blank_keeps_fields_and_links_and_the_marker_clears(self):
        before = IntermediaryService.objects.get(pk=self.kept.pk)
        summary = intermediary_import(csv_bytes([{"序号": 1, "服务时限": "20个工作日", "备注": "（清空）"}]),
                                      "list.csv", edition=self.target)
        after = IntermediaryService.objects.get(pk=self.kept.pk)
        self.assertEqual((after.name, after.department, after.commissioner, after.level, after.legal_basis),
                         (before.name, before.department, before.commissioner, before.level, before.legal_basis))
        self.assertEqual((after.time_limit, after.remarks), ("20个工作日", ""))
        self.assertEqual(list(after.permit_items.all()), [self.items[0]])
        # 备注 was already empty: clearing it is no change.
        self.assertEqual([(c.label, c.old, c.new, c.cleared) for c in summary.preview[0]["changes"]],
                         [("服务时限", "（空）", "20个工作日", False)])

    def test_marker_removes_every_link(self):
        summary = intermediary_import(csv_bytes([{"序号": 1, "涉及的审批事项": "（清空）"}]), "list.csv",
                                      edition=self.target)
        self.assertEqual(list(IntermediaryService.objects.get(pk=self.kept.pk).permit_items.all()), [])
        change = summary.preview[0]["changes"][-1]
        self.assertEqual((change.label, change.old, change.cleared),
                         ("涉及的审批事项", f"{self.items[0].code} {self.items[0].name}", True))
