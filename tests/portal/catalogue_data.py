"""A small published permit list for portal tests: two editions, so that changes can be shown.

The 2020 edition has three items; the 2023 edition (published, copied from 2020) renames one,
drops one and adds 食品经营许可 plus `extra` generated items.
"""
import datetime

from permits.models import HandlingItem, Material, OnlineDepth, PermitItem, Situation, SubItem
from permits.kernel.lifecycle import edition_copy, edition_publish
from portal.models import SiteProfile
from tests.factories import (
    DepartmentFactory, HandlingItemFactory, MaterialFactory, PermitCatalogueFactory, PermitItemFactory,
    RegionFactory, SubItemFactory,
)

FOOD_CODE = "00016421300Y"


def site_profile():
    return SiteProfile.objects.create(
        site_name="新余市行政审批局", site_code="3605000049", icp_number="赣ICP备05004477号",
        police_number="赣公网安备 36050202000078号", hotline="12345",
        address="新余市渝水区仙来东大道市民中心", postcode="338000", sponsor="新余市行政审批局",
    )


def _handling(sub, seq, situation, *, fee=False, online=OnlineDepth.FULL, days=10, materials=2):
    handling = HandlingItemFactory(
        sub_item=sub, seq=seq, name=f"{sub.name}（{situation}）", situation=situation, fee=fee,
        fee_standard="按国家规定标准收取" if fee else "", online_depth=online,
        statutory_days=20, promised_days=days, conditions="申请人应当具有与经营项目相适应的场所和设备。",
        procedure="申请→受理→审查→决定→送达", place="新余市市民中心二楼市场监管窗口",
        hours="工作日 9:00-12:00，13:30-17:00", enquiry_phone="0790-6440000",
        complaint_phone="0790-12345", online_url="https://www.jxzwfww.gov.cn/", result_document="许可证",
        visits=0,
    )
    for m in range(materials):
        MaterialFactory(handling_item=handling, seq=m + 1, name=f"{handling.name}申请材料{m + 1}",
                        source="申请人自备", copies=1)
    return handling


def _item(edition, department, seq, code, name, *, level="市级", legal_basis="《中华人民共和国行政许可法》"):
    item = PermitItemFactory(edition=edition, department=department, seq=seq, code=code, name=name,
                             legal_basis=legal_basis, implementing_bodies=department.name)
    return item


def _sub(item, seq, name, level="市级"):
    return SubItemFactory(item=item, seq=seq, name=name, approval_level=level, exercise_level=level,
                          accepting_level=level)


def build_published_catalogue(extra=0):
    """Returns a dict with the published edition, the archived one and some named rows."""
    region = RegionFactory(name="新余市")
    market = DepartmentFactory(name="市市场监督管理局", short_name="市场监管局", region=region, order=1)
    housing = DepartmentFactory(name="市住房和城乡建设局", short_name="住建局", region=region, order=2)
    health = DepartmentFactory(name="市卫生健康委员会", short_name="卫健委", region=region, order=3)

    old = PermitCatalogueFactory(region=region, title="新余市行政许可事项清单（2020年版）", edition="2020年版")
    a = _item(old, housing, 1, "00012345600Y", "建筑工程施工许可", legal_basis="《中华人民共和国建筑法》")
    sub = _sub(a, 1, "建筑工程施工许可")
    _handling(sub, 1, Situation.NEW, fee=False, days=5)
    b = _item(old, health, 2, "00012345700Y", "公共场所卫生许可")
    _handling(_sub(b, 1, "公共场所卫生许可", level="县级"), 1, Situation.NEW)
    c = _item(old, market, 3, "00012345800Y", "食品摊贩登记")
    _handling(_sub(c, 1, "食品摊贩登记", level="乡级"), 1, Situation.NEW)
    edition_publish(old, published_on=datetime.date(2020, 6, 1))

    new = edition_copy(old, title="新余市行政许可事项清单（2023年版）", edition_label="2023年版")
    PermitItem.objects.filter(edition=new, code="00012345700Y").update(name="公共场所卫生许可（含游泳场所）")
    PermitItem.objects.filter(edition=new, code="00012345800Y").delete()
    food = _item(new, market, 4, FOOD_CODE, "食品经营许可",
                 legal_basis="《中华人民共和国食品安全法》第三十五条")
    food_new = _sub(food, 1, "食品经营许可（新办）")
    guide = _handling(food_new, 1, Situation.NEW, fee=False, online=OnlineDepth.FULL, days=10, materials=3)
    _handling(food_new, 2, Situation.CHANGE, fee=False, online=OnlineDepth.APPLY, days=5)
    food_county = _sub(food, 2, "食品经营许可（仅销售预包装食品备案）", level="县级")
    _handling(food_county, 1, Situation.RENEW, fee=True, online=OnlineDepth.INFO, days=15)
    for n in range(extra):
        item = _item(new, housing if n % 2 else health, 10 + n, f"{90000000000 + n:011d}Y", f"生成测试许可事项{n}")
        s = _sub(item, 1, f"生成测试子项{n}")
        _handling(s, 1, Situation.NEW if n % 3 else Situation.CANCEL, fee=bool(n % 2), days=n % 20 + 1)
    edition_publish(new, published_on=datetime.date(2023, 8, 1))
    return {
        "edition": new, "previous": old, "food": food, "guide": guide, "departments": (market, housing, health),
        "region": region,
    }


__all__ = ["build_published_catalogue", "site_profile", "FOOD_CODE", "HandlingItem", "Material", "SubItem"]
