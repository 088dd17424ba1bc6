"""Writes the demo permit catalogues: the archived 2022 edition and the published 2023 edition.

Everything is bulk-created block by block (a block is one catalogue-sized set of items), so the
2023 edition seeds in seconds and `--scale N` adds N-1 more blocks of the same shape.
"""
import datetime
import random

from django.db import reset_queries, transaction

from permits.models import (
    EditionStatus, HandlingItem, Material, OnlineDepth, PermitCatalogue, PermitItem, SubItem,
)
from permits.kernel.lifecycle import edition_publish
from permits.catalogue.rules import item_prefix
from permits.kernel.lock import edition_lock_lifted

from . import guide
from .plan import ITEMS_2023, ItemPlan, SubPlan, catalogue_plan

SEED = 2023
TITLE_2022 = "新余市行政许可事项清单(2022年版)"
TITLE_2023 = "新余市行政许可事项清单(2023年版)"
BASIS_2022 = "《新余市人民政府办公室关于公布新余市行政许可事项清单(2022年版)的通知》"
BASIS_2023 = "《新余市人民政府办公室关于公布新余市行政许可事项清单(2023年版)的通知》"
PUBLISHED_2022 = datetime.date(2022, 6, 30)
PUBLISHED_2023 = datetime.date(2023, 9, 28)
BLOCK = 3000  # code space of one block: item codes are 000 + six digits + 00Y

# Items listed in 2023 but not yet in 2022.
ADDED_IN_2023 = {
    "网络预约出租汽车运输证核发", "养老机构设立许可", "食品小作坊登记", "检验检测机构资质认定",
    "报废机动车回收拆解企业资质认定", "超限高层建筑工程抗震设防审批", "物业服务区域划分核定",
    "法律援助人员资格审查", "港澳台医师来内地短期执业许可", "水库大坝注册登记", "兽药广告审查",
    "人民防空警报设施拆除审批",
}
# 2023 name → the name the same item (same code) had in 2022.
RENAMED_SINCE_2022 = {
    "建设项目用地预审与选址意见书核发": "建设项目选址意见书核发",
    "城镇污水排入排水管网许可": "城市排水许可证核发",
    "出版物零售业务经营许可": "出版物零售单位设立审批",
    "企业登记注册": "企业设立、变更、注销登记",
    "公众聚集场所投入使用、营业前消防安全检查": "公众聚集场所投入使用、营业前消防安全许可",
}
# Items of 2022 that the 2023 edition no longer lists.
ONLY_IN_2022 = [
    ("市发展改革委", "粮食收购资格认定"), ("市住建局", "工程造价咨询企业资质认定"),
    ("市交通运输局", "机动车驾驶员培训许可"), ("市商务局", "拍卖企业设立审批"),
    ("市商务局", "外商投资企业设立及变更审批"), ("市地震局", "地震安全性评价结果审定"),
    ("市文广新旅局", "演出经纪机构设立审批"), ("市市场监管局", "户外广告登记"),
]


def item_code(block, index):
    return f"000{120000 + block * BLOCK + index * 7:06d}00Y"


def _result_document(name, situation):
    if situation == "注销":
        return "准予注销行政许可决定书"
    if "证" in name:
        return name[:name.index("证") + 1]
    if name.endswith("许可"):
        return f"{name}证"
    return "准予行政许可决定书"


def _materials(rng, plan, situation):
    featured = plan.featured
    if situation == "新设":
        if featured:
            return [(name, "原件" if i == 0 else "电子件", "申请人自备") for i, name in enumerate(featured["materials"])]
        count = rng.randint(2, 6)
        return [guide.COMMON_NEW[0]] + rng.sample(guide.COMMON_NEW[1:], count - 1)
    pool = guide.SITUATION_MATERIALS[situation]
    return pool[:rng.randint(2, len(pool))]


class BlockWriter:
    """Builds the rows of one block of an edition and bulk-creates them."""

    def __init__(self, edition, departments):
        self.edition = edition
        self.departments = departments

    def write(self, plans, *, block=0, name_suffix="", codes=None, promised_extra=0):
        items, subs, handlings, materials = [], [], [], []
        for index, plan in enumerate(plans):
            code = codes[index] if codes else item_code(block, index)
            rng = random.Random(f"{SEED}-{code}")
            department = self.departments[plan.department]
            featured = plan.featured
            name = f"{plan.name}{name_suffix}"
            level = rng.choices(["市级", "市级、县级", "县级"], weights=[5, 4, 2])[0]
            own = plan.department in guide.SELF_IMPLEMENTED
            item = PermitItem(
                edition=self.edition, seq=block * ITEMS_2023 + index + 1, code=code, name=name,
                department=department,
                implementing_bodies=department.name if own else (
                    "新余市行政审批局" if level == "市级" else "新余市行政审批局；各县（区）行政审批局"),
                legal_basis=featured["law"] if featured else guide.legal_basis(rng, plan.department, plan.name),
                remarks="" if level == "市级" else "新余高新区、仙女湖区、孔目江生态经济区范围内由其管委会承接。",
            )
            items.append(item)
            statutory = featured["statutory_days"] if featured else rng.choice([20, 20, 20, 15, 30, 45, 60, 10])
            promised = featured["promised_days"] if featured else max(1, statutory // rng.choice([2, 3, 4, 5]))
            fee = None if featured or rng.random() > 0.06 else rng.choice(guide.FEES)
            place = (f"新余市市民中心1楼{department.name}窗口（新余市渝水区仙来西大道1号）"
                     if own else guide.place(plan.department))
            for s, sub_plan in enumerate(plan.subs, start=1):
                sub_code = item_prefix(code) + str(s)
                sub_name = sub_plan.name.replace(plan.name, name, 1)
                sub = SubItem(
                    edition=self.edition, item=item, item_prefix=item_prefix(code), seq=s, code=sub_code, name=sub_name,
                    approval_level="市级" if "市级" in level else "县级", exercise_level=level,
                    accepting_level=level,
                    first_review="县（区）行政审批局" if "县级" in level and rng.random() < 0.3 else "",
                )
                subs.append(sub)
                single = len(sub_plan.situations) == 1
                for h, situation in enumerate(sub_plan.situations, start=1):
                    depth = rng.choices(["3", "2", "1"], weights=[70, 25, 5])[0]
                    cancel = situation == "注销"
                    handling = HandlingItem(
                        edition=self.edition, sub_item=sub, sub_item_code=sub_code, seq=h,
                        code=f"{sub_code}{h:02d}",
                        name=sub_name if single else f"{sub_name}（{situation}）",
                        situation=situation,
                        conditions=(featured or {}).get("conditions", guide.CONDITIONS) if situation == "新设"
                        else guide.SITUATION_CONDITIONS[situation],
                        procedure=guide.PROCEDURE,
                        statutory_days=min(statutory, 10) if cancel else statutory,
                        promised_days=(1 if cancel else promised) + promised_extra,
                        fee=bool(fee) and situation == "新设",
                        fee_standard=fee[0] if fee and situation == "新设" else "",
                        fee_basis=fee[1] if fee and situation == "新设" else "",
                        visits=0 if depth == OnlineDepth.FULL else 1,
                        online_depth=depth, place=place, hours=guide.HOURS,
                        enquiry_phone=guide.enquiry_phone(department.order),
                        complaint_phone=guide.COMPLAINT_PHONE,
                        online_url=f"{guide.ONLINE_BASE}?areaCode=360500&itemCode={sub_code}{h:02d}",
                        result_document=(featured["result"] if featured and not cancel
                                         else _result_document(plan.name, situation)),
                    )
                    handlings.append(handling)
                    for m, (m_name, form, source) in enumerate(_materials(rng, plan, situation), start=1):
                        materials.append(Material(
                            handling_item=handling, seq=m, name=m_name, form=form, source=source,
                            required="委托" not in m_name,
                        ))
        PermitItem.objects.bulk_create(items, batch_size=500)
        for sub in subs:
            sub.item_id = sub.item.pk
        SubItem.objects.bulk_create(subs, batch_size=500)
        for handling in handlings:
            handling.sub_item_id = handling.sub_item.pk
        HandlingItem.objects.bulk_create(handlings, batch_size=500)
        for material in materials:
            material.handling_item_id = material.handling_item.pk
        Material.objects.bulk_create(materials, batch_size=1000)
        return len(items)


def _plans_2022(plans):
    """The 2022 edition: the 2023 items less the ones added since, with old names, plus retired items."""
    result, codes = [], []
    for index, plan in enumerate(plans):
        if plan.name in ADDED_IN_2023:
            continue
        old = ItemPlan(plan.department, RENAMED_SINCE_2022.get(plan.name, plan.name))
        old.subs = [SubPlan(s.name.replace(plan.name, old.name, 1), s.situations) for s in plan.subs]
        result.append(old)
        codes.append(item_code(0, index))
    for extra, (department, name) in enumerate(ONLY_IN_2022):
        old = ItemPlan(department, name)
        old.subs = [SubPlan(name, ["新设", "变更"])]
        result.append(old)
        codes.append(item_code(0, len(plans) + extra))
    return result, codes


def _edition(city, label, title, basis):
    edition = PermitCatalogue.objects.filter(region=city, edition=label).first()
    if edition is not None:
        return edition, False
    return PermitCatalogue.objects.create(region=city, edition=label, title=title, basis=basis), True


def seed_permit_catalogues(city, departments, *, scale=1, log=lambda message: None):
    """Create (once) the 2022 and 2023 editions; with scale > 1 enlarge the 2023 edition to that many blocks."""
    plans = catalogue_plan(SEED)
    with transaction.atomic():
        old, created = _edition(city, "2022年版", TITLE_2022, BASIS_2022)
        if created:
            old_plans, codes = _plans_2022(plans)
            BlockWriter(old, departments).write(old_plans, codes=codes, promised_extra=2)
            edition_publish(old, published_on=PUBLISHED_2022)
            log(f"已创建《{TITLE_2022}》")
    edition, created = _edition(city, "2023年版", TITLE_2023, BASIS_2023)
    writer = BlockWriter(edition, departments)
    present = set(PermitItem.objects.filter(
        edition=edition, code__in=[item_code(block, 0) for block in range(scale)]
    ).values_list("code", flat=True))
    added = 0
    for block in range(scale):
        if item_code(block, 0) in present:
            continue
        # Benchmark blocks are appended to the edition as it stands, published or not (seeding only).
        with edition_lock_lifted():
            added += writer.write(plans, block=block, name_suffix=f"（第{block + 1}组）" if block else "")
        reset_queries()  # with DEBUG on, the logged bulk INSERTs of many blocks would pile up in memory
    if edition.status == EditionStatus.DRAFT:
        edition_publish(edition, published_on=PUBLISHED_2023)
    if added:
        log(f"《{TITLE_2023}》新增事项 {added} 项")
    return edition
