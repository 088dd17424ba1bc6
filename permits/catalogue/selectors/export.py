"""The flat shape published permit lists use: one row per handling item.

Export writes it, the importer reads it, so a download can be imported back unchanged.
Materials travel in one cell, one material per line: 名称｜必要或非必要｜形式｜份数｜来源｜备注.
"""
from django.db.models import Prefetch

from permits.catalogue.selectors.catalogue import permit_catalogue_json_chunks
from permits.kernel.exporting import ExportSpec, edition_version
from permits.models import HandlingItem, Material

MATERIAL_SEP = "｜"

# (header, key) in file order; the first 16 are the columns every published list has.
PERMIT_COLUMNS = [
    ("序号", "seq"),
    ("事项编码", "item_code"),
    ("事项名称", "item_name"),
    ("子项编码", "sub_code"),
    ("子项名称", "sub_name"),
    ("业务办理项编码", "handling_code"),
    ("业务办理项名称", "handling_name"),
    ("主管部门", "department"),
    ("实施机关", "implementing_bodies"),
    ("设定和实施依据", "legal_basis"),
    ("审批层级", "approval_level"),
    ("行使层级", "exercise_level"),
    ("法定办结时限", "statutory_days"),
    ("承诺办结时限", "promised_days"),
    ("是否收费", "fee"),
    ("备注", "remarks"),
    ("受理层级", "accepting_level"),
    ("初审", "first_review"),
    ("办理情形", "situation"),
    ("受理条件", "conditions"),
    ("办理流程", "procedure"),
    ("收费标准", "fee_standard"),
    ("收费依据", "fee_basis"),
    ("到现场次数", "visits"),
    ("网上办理深度", "online_depth"),
    ("办理地点", "place"),
    ("办理时间", "hours"),
    ("咨询电话", "enquiry_phone"),
    ("投诉电话", "complaint_phone"),
    ("网上办理地址", "online_url"),
    ("审批结果", "result_document"),
    ("申请材料", "materials"),
]
PERMIT_HEADERS = [header for header, _ in PERMIT_COLUMNS]


def material_line(material):
    return MATERIAL_SEP.join([
        material.name, "必要" if material.required else "非必要", material.form,
        str(material.copies), material.source, material.notes,
    ])


def handling_items_for_export(edition):
    return (
        HandlingItem.objects.filter(edition=edition)
        .select_related("sub_item__item__department")
        .prefetch_related(Prefetch("materials", queryset=Material.objects.order_by("seq", "pk")))
        .order_by("sub_item__item__seq", "sub_item__item__pk", "sub_item__seq", "sub_item__pk", "seq", "pk")
    )


def permit_export_rows(edition):
    """Rows (lists in PERMIT_COLUMNS order) of an edition; constant number of queries."""
    for handling in handling_items_for_export(edition).iterator(chunk_size=1000):
        sub = handling.sub_item
        item = sub.item
        yield [
            item.seq, item.code, item.name, sub.code, sub.name, handling.code, handling.name,
            item.department.name, item.implementing_bodies, item.legal_basis,
            sub.approval_level, sub.exercise_level,
            "" if handling.statutory_days is None else handling.statutory_days,
            "" if handling.promised_days is None else handling.promised_days,
            "是" if handling.fee else "否", item.remarks,
            sub.accepting_level, sub.first_review, handling.situation, handling.conditions,
            handling.procedure, handling.fee_standard, handling.fee_basis, handling.visits,
            handling.get_online_depth_display(), handling.place, handling.hours,
            handling.enquiry_phone, handling.complaint_phone, handling.online_url,
            handling.result_document, "\n".join(material_line(m) for m in handling.materials.all()),
        ]



TEMPLATE_EXAMPLE = [
    1, "00016421300Y", "食品经营许可", "000164213001", "食品经营许可（新办）", "00016421300101",
    "食品经营许可证核发（新办）", "市市场监管局", "市行政审批局", "《中华人民共和国食品安全法》第三十五条",
    "市级", "市级", 20, 5, "否", "",
    "市级", "", "新设", "具有与经营的食品品种、数量相适应的经营场所", "申请→受理→审查→决定→送达", "", "", 0,
    "全程网办", "新余市政务服务中心", "工作日 9:00-17:00", "0790-0000000", "12345", "https://www.jxzwfww.gov.cn/",
    "食品经营许可证", MATERIAL_SEP.join(["食品经营许可申请书", "必要", "原件", "1", "申请人自备", ""]),
]


def permit_export_spec(edition):
    """The permit list's export (public open data and admin): the import shape in csv/xlsx, the catalogue in json."""
    return ExportSpec(
        name=edition.title, slug=f"permit-catalogue-{edition.pk}", headers=PERMIT_HEADERS,
        rows=lambda: permit_export_rows(edition), sheet="行政许可事项清单",
        version=edition_version(edition), modified=edition.updated_at,
        json_chunks=lambda: permit_catalogue_json_chunks(edition),
    )


def permit_template_spec():
    """The import template: the headers and one example row."""
    return ExportSpec(name="行政许可事项清单导入模板", slug="permit-catalogue-template", headers=PERMIT_HEADERS,
                      rows=lambda: [TEMPLATE_EXAMPLE], sheet="导入模板", version="template", formats=("csv", "xlsx"))


PERMIT_NOTES = [
    [""],
    ["行政许可事项清单"],
    ["一行一个业务办理项；事项编码、子项编码、业务办理项编码必填，用来对应已有的事项、子项和业务办理项。"],
    ["申请材料：空白表示保留全部现有材料；填写了材料则以表中的材料替换该业务办理项的全部材料；"
     "填写“（清空）”删除全部材料。每行一条：名称｜必要或非必要｜形式｜份数｜来源｜备注。"],
    ["承诺办结时限不能超过法定办结时限；全程网办且到现场0次的业务办理项不宜要求只收原件的材料（预览时提醒）。"],
]
