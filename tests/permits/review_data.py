"""A published edition and its draft with a known set of changes at every level (written by hand)."""
from permits.kernel.access import roles
from permits.kernel.lifecycle import edition_copy, edition_publish
from permits.models import HandlingItem, Material, PermitItem, SubItem
from tests.portal.factories import make_staff
from tests.factories import (
    DepartmentFactory, HandlingItemFactory, MaterialFactory, PermitCatalogueFactory, PermitItemFactory,
    SubItemFactory,
)


def build_pair(*, publisher=None, extra=0):
    """(published 2023年版, draft 2024年版) of the city. The draft, against the published edition:
    - 00000000001Y 食品经营许可 (市场监管局): handling 00000000001101 承诺办结时限 3 → 2, its material
      营业执照 原件 → 电子件, a new material 承诺书;
    - `extra` unchanged items (with a sub-item, a handling item and a material each) in both;
    - 00000000002Y 药品零售许可 (市场监管局): 设定和实施依据 changed; sub-item 000000000022 removed;
    - 00000000003Y 建设工程消防验收 (住建局): removed; 00000000004Y 城镇污水排入排水管网许可 (住建局): added."""
    market = DepartmentFactory(name="新余市市场监督管理局")
    housing = DepartmentFactory(name="新余市住房和城乡建设局")
    published = PermitCatalogueFactory(title="新余市行政许可事项清单（2023年版）", edition="2023年版")
    food = PermitItemFactory(edition=published, seq=1, code="00000000001Y", name="食品经营许可", department=market,
                             legal_basis="《中华人民共和国食品安全法》")
    food_sub = SubItemFactory(item=food, seq=1, name="食品经营许可证核发")
    food_new = HandlingItemFactory(sub_item=food_sub, seq=1, name="食品经营许可证核发（新办）", statutory_days=20,
                                   promised_days=3, place="新余市民中心二楼")
    MaterialFactory(handling_item=food_new, seq=1, name="营业执照", form=Material.Form.ORIGINAL)
    drug = PermitItemFactory(edition=published, seq=2, code="00000000002Y", name="药品零售许可", department=market,
                             legal_basis="《药品管理法》")
    drug_sub = SubItemFactory(item=drug, seq=1, name="药品零售企业许可")
    HandlingItemFactory(sub_item=drug_sub, seq=1, name="药品零售企业许可（新办）", place="新余市民中心二楼")
    SubItemFactory(item=drug, seq=2, name="药品零售企业变更")
    fire = PermitItemFactory(edition=published, seq=3, code="00000000003Y", name="建设工程消防验收",
                             department=housing, legal_basis="《消防法》")
    SubItemFactory(item=fire, seq=1, name="建设工程消防验收")
    for n in range(extra):
        item = PermitItemFactory(edition=published, seq=10 + n, code=f"{900 + n:011d}Y", department=market)
        handling = HandlingItemFactory(sub_item=SubItemFactory(item=item), place="新余市民中心")
        MaterialFactory(handling_item=handling)
    edition_publish(published, user=publisher)

    draft = edition_copy(published, title="新余市行政许可事项清单（2024年版）", edition_label="2024年版")
    handling = HandlingItem.objects.get(edition=draft, code="00000000001101")
    handling.promised_days = 2
    handling.save()
    material = Material.objects.get(handling_item=handling, name="营业执照")
    material.form = Material.Form.ELECTRONIC
    material.save()
    MaterialFactory(handling_item=handling, seq=2, name="承诺书", form=Material.Form.ORIGINAL)
    PermitItem.objects.filter(edition=draft, code="00000000002Y").update(legal_basis="《中华人民共和国药品管理法》")
    SubItem.objects.filter(edition=draft, code="000000000022").delete()
    PermitItem.objects.filter(edition=draft, code="00000000003Y").delete()
    sewage = PermitItemFactory(edition=draft, seq=4, code="00000000004Y", name="城镇污水排入排水管网许可",
                               department=housing, legal_basis="《城镇排水与污水处理条例》")
    sewage_sub = SubItemFactory(item=sewage, seq=1, name="城镇污水排入排水管网许可")
    HandlingItemFactory(sub_item=sewage_sub, seq=1, name="排水许可（新办）", place="新余市民中心一楼")
    return published, draft


def review_staff(cls):
    """Two reviewers and the 市场监管局's department editor of build_pair's data, set on the test class."""
    cls.reviewer = make_staff("reviewer", roles.REVIEWER)
    cls.reviewer2 = make_staff("reviewer2", roles.REVIEWER)
    cls.market = cls.published.items.get(code="00000000001Y").department
    cls.editor = make_staff("editor_scjg", roles.DEPARTMENT_EDITOR, departments=[cls.market])
