"""Factories for test data: small, explicit, built in setUpTestData (never the whole demo set)."""
import datetime

import factory

from permits.models import (
    Department, HandlingItem, Material, PermitCatalogue, PermitItem, Region, SubItem,
)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("parent", "name")

    name = "市本级"
    kind = Region.Kind.CITY
    parent = None


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"市测试局{n}")
    region = factory.SubFactory(RegionFactory)


class PermitCatalogueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PermitCatalogue

    title = "新余市行政许可事项清单（2023年版）"
    edition = "2023年版"
    region = factory.SubFactory(RegionFactory)


class PermitItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PermitItem

    edition = factory.SubFactory(PermitCatalogueFactory)
    seq = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"{n:011d}Y")
    name = factory.Sequence(lambda n: f"测试许可事项{n}")
    department = factory.SubFactory(DepartmentFactory)
    legal_basis = "《中华人民共和国行政许可法》"


class SubItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubItem

    item = factory.SubFactory(PermitItemFactory)
    edition = factory.SelfAttribute("item.edition")
    seq = 1
    code = factory.LazyAttribute(lambda o: o.item.code[:11] + str(o.seq % 10))
    name = factory.LazyAttribute(lambda o: f"{o.item.name}（子项{o.seq}）")
    approval_level = "市级"
    exercise_level = "市级"


class HandlingItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandlingItem

    sub_item = factory.SubFactory(SubItemFactory)
    edition = factory.SelfAttribute("sub_item.edition")
    seq = 1
    code = factory.LazyAttribute(lambda o: f"{o.sub_item.code}{o.seq:02d}")
    name = factory.LazyAttribute(lambda o: f"{o.sub_item.name}新设")
    statutory_days = 20
    promised_days = 5


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material

    handling_item = factory.SubFactory(HandlingItemFactory)
    name = factory.Sequence(lambda n: f"申请材料{n}")


def build_catalogue(items=2, subs=2, handlings=2, *, edition=None, department=None, published_on=None):
    """A small catalogue: `items` items, each with `subs` sub-items with `handlings` handling items."""
    edition = edition or PermitCatalogueFactory()
    department = department or DepartmentFactory(region=edition.region)
    for i in range(items):
        item = PermitItemFactory(edition=edition, department=department)
        for s in range(1, subs + 1):
            sub = SubItemFactory(item=item, seq=s)
            for h in range(1, handlings + 1):
                handling = HandlingItemFactory(sub_item=sub, seq=h)
                MaterialFactory(handling_item=handling)
    if published_on:
        edition.published_on = published_on if isinstance(published_on, datetime.date) else None
    return edition
