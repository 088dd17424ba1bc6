"""Xinyu's regions: the city, its two counties/districts, three functional zones and their townships."""
from permits.models import Region

CITY = ("新余市", "360500")

# (name, kind, division code, townships)
AREAS = [
    ("渝水区", Region.Kind.COUNTY, "360502", [
        "城南街道", "城北街道", "袁河街道", "新钢街道", "罗坊镇", "姚圩镇", "水北镇", "下村镇",
        "珠珊镇", "良山镇", "南安乡", "人和乡",
    ]),
    ("分宜县", Region.Kind.COUNTY, "360521", [
        "分宜镇", "杨桥镇", "湖泽镇", "双林镇", "钤山镇", "凤阳镇", "洞村乡", "高岚乡", "操场乡",
    ]),
    ("新余高新区", Region.Kind.ZONE, "", ["马洪办事处", "水西镇", "新溪乡"]),
    ("仙女湖区", Region.Kind.ZONE, "", ["仰天岗街道", "九龙山乡", "欧里镇", "观巢镇", "河下镇", "钤阳街道"]),
    ("孔目江生态经济区", Region.Kind.ZONE, "", ["鹄山乡", "孔目江街道"]),
]


def seed_regions():
    """Create the regions by (parent, name); returns {name: Region} for counties, zones and the city,
    and {(area, township): Region} for townships."""
    city, _ = Region.objects.get_or_create(
        parent=None, name=CITY[0], defaults={"kind": Region.Kind.CITY, "code": CITY[1], "order": 0}
    )
    existing = {(r.parent_id, r.name): r for r in Region.objects.all()}
    areas = {"city": city}
    townships = {}
    new = []
    for order, (name, kind, code, _towns) in enumerate(AREAS, start=1):
        area = existing.get((city.pk, name))
        if area is None:
            area = Region(parent=city, name=name, kind=kind, code=code, order=order * 100)
            new.append(area)
        areas[name] = area
    Region.objects.bulk_create(new)
    new = []
    for name, _kind, _code, towns in AREAS:
        area = areas[name]
        for order, town in enumerate(towns, start=1):
            region = existing.get((area.pk, town))
            if region is None:
                region = Region(parent=area, name=town, kind=Region.Kind.TOWNSHIP, order=area.order + order)
                new.append(region)
            townships[(name, town)] = region
    Region.objects.bulk_create(new)
    return areas, townships
