"""The 37 高效办成一件事 bundles deployed in 2024; 25 of them with before/after measurements."""
import datetime

from django.db import transaction

from permits.models import HandlingItem, OneThing

NATIONAL, PROVINCE = OneThing.Level.NATIONAL, OneThing.Level.PROVINCE

# (name, deploying level, launch date, departments (short names), permit items whose new-application
#  handling items the bundle joins)
BUNDLES = [
    ("新生儿出生一件事", NATIONAL, (2024, 4, 30), ["市卫健委", "市公安局", "市医保局", "市人社局"], []),
    ("教育入学一件事", NATIONAL, (2024, 6, 20), ["市教育局", "市公安局", "市自然资源局"], []),
    ("企业信息变更一件事", NATIONAL, (2024, 5, 31), ["市市场监管局", "市税务局", "市人社局", "市医保局"], ["企业登记注册"]),
    ("开办运输企业一件事", NATIONAL, (2024, 5, 31), ["市交通运输局", "市市场监管局", "市公安局"],
     ["道路旅客运输经营许可", "道路货物运输经营许可"]),
    ("开办餐饮店一件事", NATIONAL, (2024, 5, 31), ["市市场监管局", "市城管局", "市消防救援支队"],
     ["食品经营许可", "设置大型户外广告及在城市建筑物、设施上悬挂、张贴宣传品审批"]),
    ("二手房转移登记及水电气联动过户一件事", NATIONAL, (2024, 6, 28), ["市自然资源局", "市税务局", "市住建局"], []),
    ("企业破产信息核查一件事", NATIONAL, (2024, 7, 31), ["市市场监管局", "市自然资源局", "市公安局", "市税务局"], []),
    ("退休一件事", NATIONAL, (2024, 6, 28), ["市人社局", "市医保局", "市公安局"], []),
    ("残疾人服务一件事", NATIONAL, (2024, 7, 31), ["市民政局", "市人社局", "市医保局"], []),
    ("身后一件事", NATIONAL, (2024, 6, 28), ["市民政局", "市公安局", "市人社局", "市医保局"], []),
    ("公民婚育一件事", NATIONAL, (2024, 8, 30), ["市民政局", "市卫健委", "市公安局"], []),
    ("军人退役一件事", NATIONAL, (2024, 8, 30), ["市退役军人事务局", "市公安局", "市人社局", "市医保局"], []),
    ("社会保障卡居民服务一件事", NATIONAL, (2024, 9, 30), ["市人社局", "市医保局", "市卫健委"], []),
    ("水电气网联合报装一件事", NATIONAL, (2024, 10, 31), ["市住建局", "市城管局", "市行政审批局"],
     ["城市道路占用、挖掘审批"]),
    ("信用修复一件事", NATIONAL, (2024, 10, 31), ["市发展改革委", "市市场监管局", "市税务局"], []),
    ("企业上市合法合规信息核查一件事", NATIONAL, (2024, 11, 29), ["市发展改革委", "市市场监管局", "市生态环境局"], []),
    ("个体工商户转型为企业一件事", NATIONAL, (2024, 11, 29), ["市市场监管局", "市税务局", "市人社局"], ["企业登记注册"]),
    ("企业注销登记一件事", NATIONAL, (2024, 11, 29), ["市市场监管局", "市税务局", "市人社局", "市医保局"], []),
    ("科技型企业创新政策扶持一件事", NATIONAL, (2024, 12, 20), ["市科技局", "市工信局", "市税务局"], []),
    ("户口迁移一件事", NATIONAL, (2024, 12, 20), ["市公安局", "市教育局", "市医保局"], ["户口迁移审批"]),
    ("开办药店一件事", PROVINCE, (2024, 6, 28), ["市市场监管局", "市医保局"], ["药品零售企业经营许可"]),
    ("开办超市一件事", PROVINCE, (2024, 6, 28), ["市市场监管局", "市烟草专卖局", "市城管局"],
     ["食品经营许可", "烟草专卖零售许可证核发"]),
    ("开办民办学校一件事", PROVINCE, (2024, 7, 31), ["市教育局", "市民政局", "市消防救援支队"], ["民办学校设立审批"]),
    ("开办宾馆一件事", PROVINCE, (2024, 7, 31), ["市卫健委", "市公安局", "市消防救援支队"],
     ["公共场所卫生许可", "旅馆业特种行业许可"]),
    ("开办歌舞娱乐场所一件事", PROVINCE, (2024, 8, 30), ["市文广新旅局", "市公安局", "市消防救援支队"],
     ["娱乐场所经营许可"]),
    ("开办网吧一件事", PROVINCE, (2024, 8, 30), ["市文广新旅局", "市公安局", "市消防救援支队"],
     ["互联网上网服务营业场所经营单位设立审批"]),
    ("开办诊所一件事", PROVINCE, (2024, 8, 30), ["市卫健委", "市医保局"], ["医疗机构执业登记"]),
    ("开办烟花爆竹零售店一件事", PROVINCE, (2024, 9, 30), ["市应急管理局", "市市场监管局"], ["烟花爆竹经营许可"]),
    ("开办健身房一件事", PROVINCE, (2024, 9, 30), ["市体育局", "市市场监管局", "市消防救援支队"],
     ["高危险性体育项目经营许可"]),
    ("开办危险化学品经营企业一件事", PROVINCE, (2024, 9, 30), ["市应急管理局", "市市场监管局", "市公安局"],
     ["危险化学品经营许可"]),
    ("工程建设项目竣工联合验收一件事", PROVINCE, (2024, 10, 31), ["市住建局", "市自然资源局", "市人防办", "市气象局"],
     ["建设工程消防验收", "雷电防护装置竣工验收"]),
    ("新建项目“拿地即开工”一件事", PROVINCE, (2024, 10, 31), ["市自然资源局", "市住建局", "市发展改革委"],
     ["建设用地规划许可证核发", "建设工程规划许可证核发", "建筑工程施工许可证核发"]),
    ("取水排污联办一件事", PROVINCE, (2024, 10, 31), ["市水利局", "市生态环境局"], ["取水许可", "排污许可证核发"]),
    ("灵活就业一件事", PROVINCE, (2024, 11, 29), ["市人社局", "市医保局", "市税务局"], []),
    ("高校毕业生就业一件事", PROVINCE, (2024, 11, 29), ["市人社局", "市教育局", "市公安局"], []),
    ("员工招聘一件事", PROVINCE, (2024, 12, 20), ["市人社局", "市医保局", "市税务局"], []),
    ("医疗费用报销一件事", PROVINCE, (2024, 12, 20), ["市医保局", "市卫健委"], []),
]

# Measured before/after (materials, visits, working days) of the first 25 bundles, as the
# departments reported them: (materials before, after, visits before, after, days before, after).
MEASUREMENTS = [
    (33, 10, 7, 1, 20, 6), (23, 6, 3, 0, 40, 14), (35, 9, 4, 0, 25, 6), (29, 7, 5, 0, 45, 12),
    (30, 11, 7, 1, 35, 8), (14, 3, 7, 1, 25, 7), (19, 4, 5, 1, 30, 9), (12, 4, 4, 1, 35, 8),
    (41, 10, 3, 1, 40, 11), (27, 6, 5, 1, 20, 4), (15, 4, 3, 1, 35, 5), (32, 7, 5, 0, 25, 9),
    (14, 4, 7, 1, 40, 9), (30, 6, 5, 1, 35, 5), (17, 5, 7, 1, 20, 4), (14, 4, 3, 1, 30, 6),
    (22, 4, 3, 1, 20, 3), (19, 6, 7, 0, 45, 13), (20, 7, 3, 1, 35, 10), (39, 9, 3, 1, 20, 4),
    (42, 11, 5, 1, 45, 15), (39, 12, 5, 0, 45, 10), (14, 5, 7, 1, 30, 8), (30, 10, 5, 1, 20, 5),
    (40, 8, 5, 0, 25, 6),
]
FIELDS = ("materials_before", "materials_after", "visits_before", "visits_after", "days_before", "days_after")


@transaction.atomic
def seed_one_things(demo, *, log=lambda message: None):
    existing = set(OneThing.objects.values_list("name", flat=True))
    todo = [(order, bundle) for order, bundle in enumerate(BUNDLES, start=1) if bundle[0] not in existing]
    if not todo:
        return
    item_names = {name for *_rest, items in BUNDLES for name in items}
    handlings = {}
    if demo.edition is not None:
        for handling in HandlingItem.objects.filter(
            edition=demo.edition, situation="新设", sub_item__item__name__in=item_names
        ).select_related("sub_item__item").order_by("code"):
            handlings.setdefault(handling.sub_item.item.name, []).append(handling)
    created = []
    for order, (name, level, launched, departments, items) in todo:
        values = dict(zip(FIELDS, MEASUREMENTS[order - 1])) if order <= len(MEASUREMENTS) else {}
        created.append(OneThing(
            name=name, level=level, launched_on=datetime.date(*launched), one_window=True, joint_form=True,
            order=order, **values,
        ))
    OneThing.objects.bulk_create(created)
    DeptLink, HandlingLink = OneThing.departments.through, OneThing.handling_items.through
    dept_links, handling_links = [], []
    for thing, (_order, (_name, _level, _launched, departments, items)) in zip(created, todo):
        for short in departments:
            dept_links.append(DeptLink(onething_id=thing.pk, department_id=demo.departments[short].pk))
        for item_name in items:
            for handling in handlings.get(item_name, [])[:2]:
                handling_links.append(HandlingLink(onething_id=thing.pk, handlingitem_id=handling.pk))
    DeptLink.objects.bulk_create(dept_links)
    HandlingLink.objects.bulk_create(handling_links)
    log(f"已创建“高效办成一件事” {len(created)} 个")
