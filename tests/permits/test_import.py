import io

from django.test import TestCase
from openpyxl import load_workbook

from permits.kernel.importing.errors import ImportFailed
from permits.kernel.importing.formats import read_rows
from permits.models import EditionStatus, HandlingItem, ImportLog, Material, PermitCatalogue, PermitItem, SubItem
from permits.catalogue.selectors.export import PERMIT_HEADERS, permit_export_rows, permit_export_spec
from permits.kernel.exporting import export_bytes
from permits.kernel.lifecycle import edition_publish, edition_submit
from permits.catalogue.services.importing import catalogue_import
from tests.factories import (
    DepartmentFactory, HandlingItemFactory, MaterialFactory, PermitCatalogueFactory, PermitItemFactory,
    RegionFactory, SubItemFactory,
)

from .importing_helpers import STANDARD, csv_bytes, row, xlsx_bytes


def snapshot():
    """Everything an import could touch, as plain values."""
    return (
        sorted(PermitCatalogue._base_manager.values_list("pk", "title", "status")),
        sorted(PermitItem.objects.values_list("pk", "edition_id", "code", "name", "department_id", "seq")),
        sorted(SubItem.objects.values_list("pk", "item_id", "code", "name", "seq")),
        sorted(HandlingItem.objects.values_list("pk", "sub_item_id", "code", "name", "statutory_days", "seq")),
        sorted(Material.objects.values_list("pk", "handling_item_id", "name", "seq")),
    )


class ImportTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.city = RegionFactory(name="市本级")
        cls.market = DepartmentFactory(name="市市场监管局", region=cls.city)
        cls.housing = DepartmentFactory(name="市住建局", region=cls.city)
        cls.draft = PermitCatalogueFactory(region=cls.city, title="草稿清单")
        # An existing row in the draft, so that "nothing written" is checked against real content.
        item = PermitItemFactory(edition=cls.draft, code="00099999900Y", name="已有事项", department=cls.housing)
        sub = SubItemFactory(item=item, seq=1)
        HandlingItemFactory(sub_item=sub, seq=1)

    def import_(self, data, filename="清单.csv", **kwargs):
        kwargs.setdefault("edition", self.draft)
        return catalogue_import(data, filename, **kwargs)

    def assertRefused(self, data, *fragments, filename="清单.csv", **kwargs):
        """The import fails with every fragment in one message each, and nothing changes."""
        before = snapshot()
        with self.assertRaises(ImportFailed) as caught:
            self.import_(data, filename, **kwargs)
        messages = [str(p) for p in caught.exception.problems]
        for fragment in fragments:
            self.assertTrue(any(fragment in m for m in messages), f"{fragment!r} not in {messages}")
        self.assertEqual(snapshot(), before)
        return messages


class ValidImportTests(ImportTestCase):
    def test_builds_items_and_sub_items_from_rows(self):
        rows = [
            row("00016421300Y", "1", "01"),
            row("00016421300Y", "1", "02", handling_name="食品经营许可证变更"),
            row("00016421300Y", "2", "01", sub_name="食品经营许可（仅销售预包装食品备案）", handling_name="备案"),
            row("00016421400Y", "1", "01", item_name="建设工程规划许可证核发", sub_name="建设工程规划许可证核发",
                handling_name="建设工程规划许可证核发（新申请）", department="市住建局", seq=2, fee="是"),
        ]
        summary = self.import_(csv_bytes(rows))
        self.assertEqual(summary.created, {"事项": 2, "子项": 3, "业务办理项": 4})
        item = PermitItem.objects.get(edition=self.draft, code="00016421300Y")
        self.assertEqual(item.name, "食品经营许可")
        self.assertEqual(item.department, self.market)
        self.assertEqual(item.legal_basis, "《中华人民共和国食品安全法》")
        subs = list(item.sub_items.order_by("seq").values_list("code", "seq"))
        self.assertEqual(subs, [("000164213001", 1), ("000164213002", 2)])
        handling = HandlingItem.objects.get(edition=self.draft, code="00016421300102")
        self.assertEqual((handling.name, handling.seq, handling.statutory_days, handling.promised_days),
                         ("食品经营许可证变更", 2, 20, 5))
        self.assertEqual(handling.sub_item.code, "000164213001")
        other = PermitItem.objects.get(edition=self.draft, code="00016421400Y")
        self.assertEqual(other.department, self.housing)
        self.assertTrue(HandlingItem.objects.get(code="00016421400101", edition=self.draft).fee)
        self.assertEqual(ImportLog.objects.latest("created_at").result, ImportLog.Result.SUCCESS)

    def test_dry_run_writes_nothing_and_previews(self):
        before = snapshot()
        summary = self.import_(csv_bytes([row()]), dry_run=True)
        self.assertEqual(snapshot(), before)
        self.assertEqual(summary.created["业务办理项"], 1)
        self.assertEqual([(p["level"], p["action"]) for p in summary.preview],
                         [("事项", "新增"), ("子项", "新增"), ("业务办理项", "新增")])

    def test_reimport_updates_only_what_changed(self):
        self.import_(csv_bytes([row(), row(handling="02")]))
        summary = self.import_(csv_bytes([row(), row(handling="02", statutory="30")]))
        self.assertEqual(summary.created, {})
        self.assertEqual(summary.updated, {"业务办理项": 1})
        self.assertEqual(HandlingItem.objects.get(edition=self.draft, code="00016421300102").statutory_days, 30)
        self.assertEqual(PermitItem.objects.filter(edition=self.draft).count(), 2)

    def test_title_rows_blank_rows_and_spaces(self):
        rows = [
            ["", "", ""],
            row("\u3000００016421300Ｙ ", "000164213001", " 00016421300101\u3000", item_name="  食品经营许可\u3000", department=" 市市场监管局 "),
            ["", "", "", ""],
            row("00016421300Y", "０００１６４２１３００１", "00016421300102"),
        ]
        data = csv_bytes(rows, above=[["新余市行政许可事项清单（2023年版）"], ["填报单位：市行政审批局", "", ""], []])
        summary = self.import_(data)
        self.assertEqual(summary.rows, 2)
        item = PermitItem.objects.get(edition=self.draft, code="00016421300Y")
        self.assertEqual(item.name, "食品经营许可")
        self.assertEqual(item.sub_items.get().handling_items.count(), 2)

    def test_encodings_utf8_bom_and_gb18030(self):
        for number, (encoding, bom) in enumerate([("utf-8", False), ("utf-8", True), ("gb18030", False)]):
            with self.subTest(encoding=encoding, bom=bom):
                code = f"000164213{number:02d}Y"
                data = csv_bytes([row(code, item_name=f"食品经营许可{number}")], encoding=encoding, bom=bom)
                self.import_(data)
                self.assertEqual(PermitItem.objects.get(edition=self.draft, code=code).name, f"食品经营许可{number}")

    def test_gb18030_file_is_really_not_utf8(self):
        data = csv_bytes([row()], encoding="gb18030")
        with self.assertRaises(UnicodeDecodeError):
            data.decode("utf-8")
        self.import_(data)
        self.assertTrue(PermitItem.objects.filter(edition=self.draft, code="00016421300Y").exists())

    def test_xlsx_with_title_row(self):
        data = xlsx_bytes([row()], above=[["新余市行政许可事项清单"]])
        self.import_(data, "清单.xlsx")
        self.assertTrue(HandlingItem.objects.filter(edition=self.draft, code="00016421300101").exists())

    def test_new_edition_is_created_for_the_city(self):
        summary = self.import_(csv_bytes([row()]), edition=None, new_edition_title="新余市行政许可事项清单（2024年版）")
        edition = PermitCatalogue.objects.get(title="新余市行政许可事项清单（2024年版）")
        self.assertEqual((edition.region, edition.status, edition.edition), (self.city, EditionStatus.DRAFT, "2024年版"))
        self.assertEqual(summary.target, edition)
        self.assertEqual(edition.handling_items.count(), 1)


class ErrorTests(ImportTestCase):
    def test_bad_item_code(self):
        self.assertRefused(csv_bytes([row(), row("0001642130Y", "000164213001", "00016421300102")]),
                           "第3行“事项编码”列：编码“0001642130Y”格式不对")

    def test_sub_item_not_in_item(self):
        self.assertRefused(csv_bytes([row("00016421300Y", "000164213101", "00016421310101")]),
                           "第2行“子项编码”列：子项编码“000164213101”不属于事项“00016421300Y”")

    def test_handling_not_in_sub_item(self):
        self.assertRefused(csv_bytes([row("00016421300Y", "1", "00016421300201")]),
                           "第2行“业务办理项编码”列：业务办理项编码“00016421300201”不属于子项“000164213001”")

    def test_unknown_department_lists_close_ones(self):
        messages = self.assertRefused(csv_bytes([row(department="市市场监督局")]),
                                      "第2行“主管部门”列：部门“市市场监督局”不存在")
        self.assertIn("市市场监管局", messages[0])

    def test_same_code_twice_names_both_rows(self):
        self.assertRefused(csv_bytes([row(), row(handling="02"), row()]),
                           "第4行“业务办理项编码”列：业务办理项编码“00016421300101”重复：第2行和第4行")

    def test_number_required(self):
        self.assertRefused(csv_bytes([row(statutory="二十")]), "第2行“法定办结时限”列：应填写数字，实际为“二十”")
        self.assertRefused(csv_bytes([row(promised="2.5")]), "第2行“承诺办结时限”列：应填写非负整数")

    def test_missing_required_column(self):
        headers = [h for h in STANDARD if h != "主管部门"]
        rows = [[v for h, v in zip(STANDARD, row()) if h != "主管部门"]]
        self.assertRefused(csv_bytes(rows, headers), "缺少必需的列：主管部门")

    def test_no_header_row(self):
        self.assertRefused(csv_bytes([["a", "b"]], headers=["甲", "乙"]), "找不到表头行")

    def test_conflicting_item_data(self):
        self.assertRefused(csv_bytes([row(), row(handling="02", item_name="食品生产许可")]),
                           "第3行“事项名称”列：与第2行同一事项（00016421300Y）的“事项名称”不一致")
        self.assertRefused(csv_bytes([row(), row(handling="02", department="市住建局")]),
                           "第3行“主管部门”列：与第2行同一事项（00016421300Y）的“主管部门”不一致")

    def test_excel_number_codes_in_xlsx(self):
        bad = row()
        bad[3] = 164213001  # 000164213001 typed into a number cell
        bad[5] = 16421300101
        self.assertRefused(xlsx_bytes([bad]), "第2行“子项编码”列：编码“164213001”被 Excel 存成了数字",
                           "第2行“业务办理项编码”列：编码“16421300101”被 Excel 存成了数字", filename="清单.xlsx")

    def test_excel_number_codes_in_csv(self):
        self.assertRefused(csv_bytes([row("00016421300Y", "164213001", "16421300101")]),
                           "开头的 0 可能被 Excel 丢失")
        self.assertRefused(csv_bytes([row("00016421300Y", "1", "1.64213E+13")]), "科学计数法")

    def test_every_problem_is_reported_at_once(self):
        messages = self.assertRefused(
            csv_bytes([row(statutory="x"), row("123", "000000000001", "00000000000101"), row(department="不存在的局")]),
            "第2行“法定办结时限”列", "第3行“事项编码”列", "第4行“主管部门”列")
        self.assertGreaterEqual(len(messages), 3)

    def test_file_over_10_mb(self):
        data = csv_bytes([row()]) + b"#" * (10 * 1024 * 1024)
        self.assertRefused(data, "超过 10 MB")

    def test_published_and_submitted_editions_refused(self):
        published = PermitCatalogueFactory(region=self.city, title="已发布清单")
        edition_publish(published)
        self.assertRefused(csv_bytes([row()]), "《已发布清单》不是草稿", edition=published)
        submitted = PermitCatalogueFactory(region=self.city, title="待审清单")
        edition_submit(submitted)
        self.assertRefused(csv_bytes([row()]), "《待审清单》不是草稿", edition=submitted)

    def test_failed_new_edition_leaves_no_edition(self):
        self.assertRefused(csv_bytes([row(department="不存在的局")]), "不存在",
                           edition=None, new_edition_title="不该留下的清单")
        self.assertFalse(PermitCatalogue.objects.filter(title="不该留下的清单").exists())

    def test_bad_materials_and_choices(self):
        extra_headers = ["办理情形", "网上办理深度", "申请材料"]
        headers = STANDARD + extra_headers
        self.assertRefused(csv_bytes([row(extra=["新设", "全程网办", "申请书｜必要｜原件｜两份"])], headers),
                           "第2行“申请材料”列：第1条材料“申请书”的份数应填写数字")
        self.assertRefused(csv_bytes([row(extra=["新开", "全程网办", ""])], headers),
                           "第2行“办理情形”列：“新开”不是有效的办理情形")
        self.assertRefused(csv_bytes([row(extra=["新设", "全部网办", ""])], headers),
                           "第2行“网上办理深度”列")

    def test_failure_is_logged(self):
        self.assertRefused(csv_bytes([row(department="不存在的局")]), "不存在")
        log = ImportLog.objects.latest("created_at")
        self.assertEqual(log.result, ImportLog.Result.FAILED)
        self.assertIn("不存在的局", log.errors)

    def test_unreadable_files(self):
        self.assertRefused(b"\x81\x30\xff\xfe garbage" * 10, "无法识别文件编码")
        self.assertRefused(b"not a zip", "不是 Excel 工作簿", filename="清单.xlsx")


class RoundTripTests(TestCase):
    """Export → import into an empty draft reproduces the catalogue, field by field."""

    @classmethod
    def setUpTestData(cls):
        city = RegionFactory(name="市本级")
        departments = [DepartmentFactory(name=n, region=city) for n in ("市市场监管局", "市住建局", "市卫健委")]
        cls.source = PermitCatalogueFactory(region=city, title="源清单")
        for i in range(3):
            item = PermitItemFactory(
                edition=cls.source, seq=i + 1, code=f"0001642{i:04d}Y", name=f"许可事项{i}（含“引号”, 逗号）",
                department=departments[i], implementing_bodies="市行政审批局、县区行政审批局",
                legal_basis="1.《中华人民共和国行政许可法》\n2.《江西省实施办法》第三条", remarks="-下放至县区" if i == 0 else "",
            )
            for s in range(1, 3):
                sub = SubItemFactory(item=item, seq=s, approval_level="市级", exercise_level="市级、县级",
                                     accepting_level="县级", first_review="县级初审" if s == 1 else "")
                for h in range(1, 3):
                    handling = HandlingItemFactory(
                        sub_item=sub, seq=h, situation=["新设", "变更"][h - 1], conditions="=1+1 条件\n第二行",
                        procedure="申请、受理、审查、决定", statutory_days=20 if h == 1 else None, promised_days=h,
                        fee=h == 2, fee_standard="按规定" if h == 2 else "", fee_basis="@依据", visits=h - 1,
                        online_depth=["3", "2"][h - 1], place="新余市政务服务中心三楼", hours="工作日 9:00-17:00",
                        enquiry_phone="0790-6441234", complaint_phone="+86 12345", online_url="https://www.example.gov.cn/x?a=1",
                        result_document="许可证",
                    )
                    for m in range(1, h + 1):
                        MaterialFactory(handling_item=handling, seq=m, name=f"材料{m}", required=m == 1,
                                        form=["原件", "复印件"][m - 1], copies=m, source="申请人自备", notes="加盖公章" if m == 2 else "")
        edition_publish(cls.source)

    def fields(self, edition):
        def values(qs, *names):
            return list(qs.values_list(*names))
        item_fields = ("seq", "code", "name", "department_id", "implementing_bodies", "legal_basis", "remarks")
        sub_fields = ("item__code", "seq", "code", "name", "approval_level", "exercise_level", "accepting_level",
                      "first_review", "item_prefix")
        handling_fields = [f.name for f in HandlingItem._meta.concrete_fields
                           if f.name not in ("id", "edition", "sub_item")] + ["sub_item__code"]
        material_fields = ("handling_item__code", "seq", "name", "required", "form", "copies", "source", "notes")
        return (
            values(PermitItem.objects.filter(edition=edition).order_by("code"), *item_fields),
            values(SubItem.objects.filter(edition=edition).order_by("code"), *sub_fields),
            values(HandlingItem.objects.filter(edition=edition).order_by("code"), *handling_fields),
            values(Material.objects.filter(handling_item__edition=edition).order_by("handling_item__code", "seq"),
                   *material_fields),
        )

    def test_round_trip_xlsx_and_csv(self):
        expected = self.fields(self.source)
        self.assertEqual([len(part) for part in expected], [3, 6, 12, 18])
        for fmt in ("xlsx", "csv"):
            with self.subTest(fmt=fmt):
                data, name = export_bytes(permit_export_spec(self.source), fmt), f"清单.{fmt}"
                summary = catalogue_import(data, name, edition=None, new_edition_title=f"往返{fmt}")
                target = PermitCatalogue.objects.get(title=f"往返{fmt}")
                self.assertEqual(summary.created, {"事项": 3, "子项": 6, "业务办理项": 12, "申请材料": 18})
                self.assertEqual(self.fields(target), expected)
                # And the second export is the same file content.
                self.assertEqual(list(permit_export_rows(target)), list(permit_export_rows(self.source)))

    def test_export_neutralises_formulas(self):
        data = export_bytes(permit_export_spec(self.source), "xlsx")
        sheet = load_workbook(io.BytesIO(data)).active
        header = [c.value for c in sheet[1]]
        self.assertEqual(header, PERMIT_HEADERS)
        values = [c.value for c in sheet[2]]
        self.assertEqual(values[header.index("备注")], "'-下放至县区")
        self.assertEqual(values[header.index("受理条件")], "'=1+1 条件\n第二行")
        self.assertEqual(values[header.index("收费依据")], "'@依据")
        self.assertEqual(values[header.index("投诉电话")], "'+86 12345")
        self.assertEqual(values[header.index("事项编码")], "00016420000Y")
        csv_data = export_bytes(permit_export_spec(self.source), "csv")
        self.assertTrue(csv_data.startswith(b"\xef\xbb\xbf"))
        rows = read_rows(csv_data, "x.csv")
        self.assertEqual(rows[1][header.index("备注")], "'-下放至县区")


class LimitsAndScopeTests(ImportTestCase):
    def test_too_long_text(self):
        self.assertRefused(csv_bytes([row(item_name="许" * 201)]), "第2行“事项名称”列：内容过长：201 个字，最多 200 个字")

    def test_department_editor_imports_only_own_departments(self):
        from django.contrib.auth.models import User

        from permits.models import StaffProfile

        editor = User.objects.create_user("editor", password="Ed1tor-Secret-Pass!", is_staff=True)
        StaffProfile.objects.create(user=editor).departments.set([self.housing])
        self.assertRefused(csv_bytes([row()]), "您无权导入部门“市市场监管局”的事项", user=editor)
        self.import_(csv_bytes([row(department="市住建局")]), user=editor)
        self.assertTrue(PermitItem.objects.filter(edition=self.draft, code="00016421300Y").exists())
