"""Factories for delegated powers, and a small zone fixture shaped like the demo data."""
import datetime

import factory

from permits.models import (
    DelegatedPower, DemonstrationSite, ObservationPoint, PowerCatalogue, PowerMode, PowerType, Region,
)
from permits.kernel.lifecycle import edition_publish
from tests.factories import DepartmentFactory, RegionFactory


class ZoneFactory(RegionFactory):
    name = "新余高新区"
    kind = Region.Kind.ZONE
    parent = factory.SubFactory(RegionFactory)


class CountyFactory(RegionFactory):
    name = "渝水区"
    kind = Region.Kind.COUNTY
    parent = factory.SubFactory(RegionFactory)


class TownshipFactory(RegionFactory):
    name = factory.Sequence(lambda n: f"测试镇{n}")
    kind = Region.Kind.TOWNSHIP
    parent = factory.SubFactory(CountyFactory)


class PowerCatalogueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PowerCatalogue

    title = "新余市赋予新余高新区部分市级经济管理权限目录"
    edition = "2024年版"
    recipient = factory.SubFactory(ZoneFactory)
    basis = "《新余市人民政府关于调整赋予国家级开发区部分市级经济管理权限目录的通知》"
    basis_number = "余府发〔2024〕1号"
    effective_on = datetime.date(2024, 3, 1)


class DelegatedPowerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DelegatedPower

    edition = factory.SubFactory(PowerCatalogueFactory)
    seq = factory.Sequence(lambda n: n + 1)
    department = factory.SubFactory(DepartmentFactory)
    name = factory.Sequence(lambda n: f"测试赋权事项{n}")
    code = factory.Sequence(lambda n: f"FQ{n:06d}")
    power_type = PowerType.PERMIT
    mode = PowerMode.DIRECT


class ObservationPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObservationPoint

    township = factory.SubFactory(TownshipFactory)
    year = 2024


class DemonstrationSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DemonstrationSite

    township = factory.SubFactory(TownshipFactory)
    honour = "全省首批基层审批服务执法示范点"
    year = 2024


def _full_width(text):
    """ASCII letters and digits to their full-width forms, brackets to CJK ones."""
    out = []
    for ch in text:
        if ch.isascii() and ch.isalnum():
            out.append(chr(ord(ch) + 0xFEE0))
        else:
            out.append({"(": "（", ")": "）"}.get(ch, ch))
    return "".join(out)


class ZoneFixture:
    """Two catalogues of one zone shaped like the demo, built from the counts given.

    Old catalogue: `kept_by_code` powers with codes, `kept_by_name` powers without codes whose
    names differ from the new ones only in width, brackets and spaces, and `removed` others.
    New catalogue: the kept ones (code and name matches), then `added` new ones; new powers are
    spread over `departments` departments round robin. Observation points: `points` maps a
    (kind, parent name) to a number of townships.
    """

    def __init__(self, *, kept_by_code=20, kept_by_name=8, added=13, removed=39, departments=12,
                 points=None, year=2024):
        self.kept_by_code, self.kept_by_name = kept_by_code, kept_by_name
        self.added, self.removed, self.departments, self.year = added, removed, departments, year
        self.points = points or {
            (Region.Kind.COUNTY, "渝水区"): 4, (Region.Kind.COUNTY, "分宜县"): 3,
            (Region.Kind.ZONE, "新余高新区"): 2, (Region.Kind.ZONE, "仙女湖区"): 1,
        }
        self.city = RegionFactory(name="新余市", kind=Region.Kind.CITY, parent=None)
        self.zone = ZoneFactory(name="新余高新区", parent=self.city, order=10)
        self.depts = [
            DepartmentFactory(name=f"新余市测试部门{i:02d}", region=self.city, order=i)
            for i in range(departments)
        ]
        self.old = PowerCatalogueFactory(
            recipient=self.zone, title="原赋权目录", edition="2019年版",
            effective_on=datetime.date(year - 5, 1, 1), basis_number="余府发〔2019〕1号",
        )
        self.new = PowerCatalogueFactory(
            recipient=self.zone, replaces=self.old, effective_on=datetime.date(year, 6, 1),
        )
        self._powers()
        edition_publish(self.old, published_on=datetime.date(year - 5, 1, 1))
        edition_publish(self.new, published_on=datetime.date(year, 6, 1))
        self.old.refresh_from_db()
        self._points()

    @property
    def kept(self):
        return self.kept_by_code + self.kept_by_name

    @property
    def old_count(self):
        return self.kept + self.removed

    @property
    def new_count(self):
        return self.kept + self.added

    @property
    def point_count(self):
        return sum(self.points.values())

    def _dept(self, i):
        return self.depts[i % len(self.depts)]

    def _powers(self):
        seq = 0
        new_seq = 0
        for i in range(self.kept_by_code):
            seq += 1
            new_seq += 1
            # Renamed between editions: the code still matches.
            DelegatedPowerFactory(edition=self.old, seq=seq, code=f"ZQ{i:04d}", name=f"原权限{i}（旧称）",
                                  department=self._dept(new_seq - 1))
            DelegatedPowerFactory(edition=self.new, seq=new_seq, code=f"ZQ{i:04d}", name=f"权限{i}",
                                  department=self._dept(new_seq - 1))
        for i in range(self.kept_by_name):
            seq += 1
            new_seq += 1
            name = f"企业投资项目(第{i}类)备案 A{i}"
            DelegatedPowerFactory(edition=self.old, seq=seq, code="", name=_full_width(name).replace(" ", "\u3000"),
                                  department=self._dept(new_seq - 1))
            DelegatedPowerFactory(edition=self.new, seq=new_seq, code=f"NM{i:04d}", name=name,
                                  department=self._dept(new_seq - 1))
        for i in range(self.removed):
            seq += 1
            DelegatedPowerFactory(edition=self.old, seq=seq, code=f"RM{i:04d}", name=f"调出权限{i}",
                                  department=self._dept(i))
        for i in range(self.added):
            new_seq += 1
            DelegatedPowerFactory(edition=self.new, seq=new_seq, code=f"AD{i:04d}", name=f"新增权限{i}",
                                  department=self._dept(new_seq - 1), mode=PowerMode.ENTRUSTED)

    def _points(self):
        for index, ((kind, parent_name), n) in enumerate(self.points.items()):
            parent = RegionFactory(name=parent_name, kind=kind, parent=self.city, order=index)
            for j in range(n):
                township = TownshipFactory(name=f"{parent_name}测试镇{j}", parent=parent, order=j)
                ObservationPointFactory(township=township, year=self.year)
        self.site_township = TownshipFactory(name="双林镇", parent=RegionFactory(
            name="分宜县", kind=Region.Kind.COUNTY, parent=self.city))
        self.site = DemonstrationSiteFactory(township=self.site_township, year=self.year)
