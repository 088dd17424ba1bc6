import io

from django.core.exceptions import ValidationError
from django.test import TestCase
from openpyxl import load_workbook

from intermediaries.models import IntermediaryList, IntermediaryService
from intermediaries.selectors import (
    SERVICE_HEADERS, intermediary_export_rows, intermediary_export_spec, intermediary_list_current,
    intermediary_list_of_year,
    intermediary_service_count,
)
from intermediaries.services import intermediary_import
from permits.kernel.exporting import export_bytes
from permits.models import EditionLocked, EditionStatus
from permits.kernel.lifecycle import edition_copy, edition_publish, edition_submit
from tests.factories import DepartmentFactory, RegionFactory

from .factories import IntermediaryListFactory, IntermediaryServiceFactory, published_permit_catalogue

THROUGH = IntermediaryService.permit_items.through


def snapshot(edition):
    """Everything a service holds, with its permit links by code, independent of primary keys."""
    fields = ("seq", "name", "department_id", "legal_basis", "providers", "provider_nature", "commissioner",
              "fee_nature", "fee_basis", "time_limit", "level", "remarks")
    result = []
    for service in IntermediaryService.objects.filter(edition=edition).prefetch_related("permit_items"):
        values = tuple(getattr(service, f) for f in fields)
        result.append((values, sorted(i.code for i in service.permit_items.all())))
    return sorted(result)


class LifecycleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.region = RegionFactory()
        cls.dept = DepartmentFactory(region=cls.region)
        cls.catalogue, cls.items = published_permit_catalogue(cls.region, items=3, department=cls.dept)
        cls.old = IntermediaryListFactory(region=cls.region, title="2023年版清单", edition="2023年版")
        IntermediaryServiceFactory(edition=cls.old, department=cls.dept, permit_items=cls.items[:2])
        IntermediaryServiceFactory(edition=cls.old, department=cls.dept, permit_items=[cls.items[2]],
                                   commissioner="审批部门委托", fee_nature="财政支付", level="市级", remarks="备注\n第二行")
        IntermediaryServiceFactory(edition=cls.old, department=cls.dept)
        edition_publish(cls.old)

    def test_copy_copies_services_and_permit_links(self):
        new = edition_copy(self.old, title="2024年版清单", edition_label="2024年版")
        self.assertEqual(new.status, EditionStatus.DRAFT)
        self.assertEqual(new.copied_from, self.old)
        self.assertEqual(intermediary_service_count(new), 3)
        self.assertEqual(snapshot(new), snapshot(self.old))
        # New rows, not moved ones: the published list keeps its own.
        self.assertFalse(set(new.services.values_list("pk", flat=True)) & set(self.old.services.values_list("pk", flat=True)))
        self.assertEqual(THROUGH.objects.filter(intermediaryservice__edition=self.old).count(), 3)

    def test_publish_archives_previous_list(self):
        new = edition_copy(self.old)
        edition_submit(new)
        edition_publish(new, require_submitted=True)
        self.old.refresh_from_db()
        self.assertEqual(self.old.status, EditionStatus.ARCHIVED)
        self.assertEqual(intermediary_list_current(), new)
        self.assertEqual(IntermediaryList.objects.published().count(), 1)
        self.assertEqual(intermediary_list_of_year(new.published_on.year), new)

    def test_publish_from_draft_refused_when_review_required(self):
        new = edition_copy(self.old)
        with self.assertRaises(ValidationError):
            edition_publish(new, require_submitted=True)

    def test_published_list_and_services_are_locked(self):
        service = self.old.services.first()
        service.name = "改名"
        with self.assertRaises(EditionLocked):
            service.save()
        with self.assertRaises(EditionLocked):
            IntermediaryService.objects.filter(edition=self.old).update(name="x")
        with self.assertRaises(EditionLocked):
            IntermediaryService.objects.filter(edition=self.old).delete()
        with self.assertRaises(EditionLocked):
            IntermediaryServiceFactory(edition=self.old, department=self.dept)


class RoundTripTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.region = RegionFactory()
        cls.dept = DepartmentFactory(region=cls.region, name="新余市住房和城乡建设局")
        cls.other = DepartmentFactory(region=cls.region, name="新余市气象局")
        cls.catalogue, cls.items = published_permit_catalogue(cls.region, items=4, department=cls.dept)
        cls.source = IntermediaryListFactory(region=cls.region)
        IntermediaryServiceFactory(edition=cls.source, seq=1, department=cls.dept, permit_items=cls.items[:3],
                                   legal_basis="《建设工程质量管理条例》第十一条\n《建设工程勘察设计管理条例》")
        IntermediaryServiceFactory(edition=cls.source, seq=2, department=cls.other, permit_items=[cls.items[3]],
                                   commissioner="审批部门委托", fee_nature="财政支付", level="市级",
                                   fee_basis="=HYPERLINK(\"http://x\")", time_limit="15个工作日")
        IntermediaryServiceFactory(edition=cls.source, seq=3, department=cls.dept, remarks="无对应事项")

    def round_trip(self, fmt):
        body = export_bytes(intermediary_export_spec(self.source), fmt)
        target = IntermediaryListFactory(region=self.region, title="空草稿")
        intermediary_import(body, f"export.{fmt}", edition=target)
        return target

    def test_csv_export_imports_back_unchanged(self):
        target = self.round_trip("csv")
        # Line breaks in 设定依据 and the formula-looking 收费依据 (escaped on export) come back as they were.
        self.assertEqual(snapshot(target), snapshot(self.source))

    def test_xlsx_export_imports_back_unchanged(self):
        target = self.round_trip("xlsx")
        self.assertEqual(snapshot(target), snapshot(self.source))

    def test_export_shape_and_formula_escaping(self):
        workbook = load_workbook(io.BytesIO(export_bytes(intermediary_export_spec(self.source), "xlsx")))
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), SERVICE_HEADERS)
        self.assertEqual(len(rows), 4)
        by_seq = {r[0]: r for r in rows[1:]}
        self.assertTrue(by_seq[2][SERVICE_HEADERS.index("收费依据")].startswith("'="))
        refs = by_seq[1][SERVICE_HEADERS.index("涉及的审批事项")].split("；")
        self.assertEqual(refs, [f"{i.name}（{i.code}）" for i in self.items[:3]])
        csv_text = export_bytes(intermediary_export_spec(self.source), "csv").decode("utf-8-sig")
        self.assertIn("'=HYPERLINK", csv_text)
        self.assertNotIn(",=HYPERLINK", csv_text)

    def test_export_rows_constant_queries(self):
        with self.assertNumQueries(2):
            rows = intermediary_export_rows(self.source)
        self.assertEqual([r[0] for r in rows], [1, 2, 3])
