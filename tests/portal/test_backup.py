"""export_all then import_all into an empty database gives back the same data (round trip)."""
import datetime
import io
import json
import tempfile
from decimal import Decimal
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase

from intermediaries.models import IntermediaryList, IntermediaryService
from permits.models import DelegatedPower, PermitCatalogue, PermitItem, PowerCatalogue, Region
from permits.catalogue.selectors.export import PERMIT_HEADERS
from permits.kernel.lifecycle import edition_copy, edition_publish
from permits.kernel.lock import edition_lock_lifted
from portal.backup import backup_models
from reports.models import AnnualFigure, AnnualReport, ReportSection
from tests.factories import DepartmentFactory, RegionFactory, build_catalogue


def wipe():
    """Empty every backed-up table (raw, under the lifted lock: published editions refuse every delete)."""
    with edition_lock_lifted():
        for model in reversed(backup_models()):
            for field in model._meta.local_many_to_many:
                field.remote_field.through._base_manager.all()._raw_delete("default")
            model._base_manager.all()._raw_delete("default")


def read_tree(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(Path(root).rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


class RoundTripTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        city = RegionFactory()
        zone = RegionFactory(name="新余高新区", kind=Region.Kind.ZONE, parent=city)
        department = DepartmentFactory(name="市市场监督管理局", short_name="市场监管局", region=city)
        old = build_catalogue(items=2, subs=2, handlings=1, department=department)
        edition_publish(old, published_on=datetime.date(2023, 6, 1))
        cls.draft = edition_copy(old, title="2024年版草稿")
        powers = PowerCatalogue.objects.create(title="高新区赋权目录", edition="2024年版", recipient=zone)
        DelegatedPower.objects.create(edition=powers, seq=1, department=department, name="食品经营许可",
                                      permit_item=PermitItem.objects.filter(edition=old).first())
        services = IntermediaryList.objects.create(title="中介服务事项清单（2024年版）", edition="2024年版", region=city)
        service = IntermediaryService.objects.create(edition=services, seq=1, name="环境影响评价", department=department)
        service.permit_items.add(PermitItem.objects.filter(edition=old).first())
        report = AnnualReport.objects.create(year=2024, title="2024年法治政府建设年度报告")
        ReportSection.objects.create(report=report, order=1, heading="一、主要举措", body="共 {permit_items} 项")
        AnnualFigure.objects.create(year=2024, key="study_events", label="学习宣传活动", value=Decimal("2"), unit="场")

    def test_export_import_export_is_identical(self):
        with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
            call_command("export_all", first, stdout=io.StringIO())
            manifest = json.loads((Path(first) / "manifest.json").read_text(encoding="utf-8"))
            self.assertEqual(manifest["models"]["permits.permititem"], PermitItem.objects.count())
            sheets = sorted(Path(first, "permits").glob("*.csv"))
            self.assertEqual(len(sheets), PermitCatalogue.objects.count())
            header = sheets[0].read_text(encoding="utf-8-sig").splitlines()[0]
            self.assertEqual(header.split(","), PERMIT_HEADERS)
            for folder, count in (("powers", 1), ("intermediaries", 1)):
                self.assertEqual(len(list(Path(first, folder).glob("*.csv"))), count, folder)
            report = json.loads(Path(first, "reports", "2024.json").read_text(encoding="utf-8"))
            self.assertEqual(report["report"]["sections"][0]["body"], "共 {permit_items} 项")
            self.assertEqual(report["figures"][0]["key"], "study_events")

            counts = {m._meta.label_lower: m._base_manager.count() for m in backup_models()}
            wipe()
            self.assertEqual(PermitItem.objects.count(), 0)
            history_before = {model: model.history.count() for model in (PermitItem, PermitCatalogue, IntermediaryService)}
            call_command("import_all", first, stdout=io.StringIO())
            # Every restored row has its "+" history row.
            for model, before in history_before.items():
                self.assertEqual(model.history.count() - before, model._base_manager.count(), model.__name__)
            self.assertEqual({m._meta.label_lower: m._base_manager.count() for m in backup_models()}, counts)
            call_command("export_all", second, stdout=io.StringIO())
            self.assertEqual(read_tree(first), read_tree(second))
        published = PermitCatalogue.objects.published().get()
        self.assertEqual(published.published_on, datetime.date(2023, 6, 1))
        self.assertTrue(PermitCatalogue.objects.filter(pk=self.draft.pk, status="draft").exists())

    def test_import_refuses_a_database_that_has_data(self):
        with tempfile.TemporaryDirectory() as folder:
            call_command("export_all", folder, stdout=io.StringIO())
            with self.assertRaises(CommandError):
                call_command("import_all", folder, stdout=io.StringIO())
