"""Delegated powers of 新余高新区 (the 2019 catalogue and the 2024 one replacing it),
observation points and the demonstration site."""
import datetime

from django.db import transaction

from permits.models import (
    DelegatedPower, DemonstrationSite, ObservationPoint, PermitItem, PowerCatalogue,
    PowerMode, PowerType,
)
from permits.kernel.lifecycle import edition_publish

XK, QR, JF, QT = PowerType.PERMIT, PowerType.CONFIRMATION, PowerType.BENEFIT, PowerType.OTHER
DIRECT, ENTRUSTED, REPORT, WINDOW = PowerMode.DIRECT, PowerMode.ENTRUSTED, PowerMode.DIRECT_REPORT, PowerMode.WINDOW

ZONE = "新余高新区"
TITLE = "新余市赋予新余高新区部分市级经济管理权限目录"
OLD = {
    "edition": "2019年版", "title": f"{TITLE}(2019年版)",
    "basis": "《新余市人民政府关于赋予国家级开发区部分市级经济管理权限的通知》",
    "basis_number": "余府发〔2019〕12号", "published_on": datetime.date(2019, 6, 20),
    "effective_on": datetime.date(2019, 7, 1),
}
NEW = {
    "edition": "2024年版", "title": TITLE,
    "basis": "《新余市人民政府关于调整赋予国家级开发区部分市级经济管理权限目录的通知》",
    "basis_number": "余府发〔2024〕7号", "published_on": datetime.date(2024, 4, 22),
    "effective_on": datetime.date(2024, 5, 1),
}

# Kept in 2024: (department, name in 2024, name in 2019, code in 2024, code in 2019, type, mode).
# Some names differ only in bracket style, full-width forms, spaces or punctuation, and carry no code,
# so only the normalised-name match pairs them.
KEPT = [
    ("市发展改革委", "企业投资项目核准（市级权限）", "企业投资项目核准(市级权限)", "", "", XK, DIRECT),
    ("市发展改革委", "企业投资项目备案", "企业投资项目备案", "QT-360500-0101", "QT-360500-0101", QT, DIRECT),
    ("市发展改革委", "固定资产投资项目节能审查", "固定资产投资项目节能审查", "XK-360500-0102", "XK-360500-0102", XK, DIRECT),
    ("市工信局", "工业企业技术改造投资项目备案", "工业企业技术改造投资项目备案", "QT-360500-0401", "QT-360500-0401", QT, DIRECT),
    ("市工信局", "技术改造专项资金项目初审", "技术改造专项资金项目 初审", "", "", QT, REPORT),
    ("市自然资源局", "建设项目用地预审与选址意见书核发", "建设项目用地预审与选址意见书核发", "XK-360500-1101", "XK-360500-1101", XK, DIRECT),
    ("市自然资源局", "建设用地规划许可证核发", "建设用地规划许可证核发", "XK-360500-1102", "XK-360500-1102", XK, DIRECT),
    ("市自然资源局", "建设工程规划许可证核发", "建设工程规划许可证核发", "XK-360500-1103", "XK-360500-1103", XK, DIRECT),
    ("市自然资源局", "建设工程规划条件核实", "建设工程规划条件核实", "QR-360500-1104", "QR-360500-1104", QR, DIRECT),
    ("市生态环境局", "建设项目环境影响评价文件审批（报告表）", "建设项目环境影响评价文件审批〔报告表〕", "", "", XK, DIRECT),
    ("市生态环境局", "排污许可证核发（简化管理）", "排污许可证核发（简化管理）", "XK-360500-1202", "XK-360500-1202", XK, ENTRUSTED),
    ("市住建局", "建筑工程施工许可证核发", "建筑工程施工许可证核发", "XK-360500-1301", "XK-360500-1301", XK, DIRECT),
    ("市住建局", "商品房预售许可", "商品房预售许可", "XK-360500-1302", "XK-360500-1302", XK, DIRECT),
    ("市住建局", "建设工程消防设计审查", "建设工程消防设计审查", "XK-360500-1303", "XK-360500-1303", XK, DIRECT),
    ("市住建局", "建设工程竣工验收备案", "建设工程竣工验收备案", "QT-360500-1304", "QT-360500-1304", QT, DIRECT),
    ("市城管局", "城市建筑垃圾处置核准", "城市建筑垃圾处置核准", "XK-360500-1401", "XK-360500-1401", XK, DIRECT),
    ("市城管局", "城市道路占用、挖掘审批", "城市道路占用，挖掘审批", "", "", XK, DIRECT),
    ("市城管局", "临时占用城市绿地审批", "临时占用城市绿地审批", "XK-360500-1403", "XK-360500-1403", XK, DIRECT),
    ("市交通运输局", "涉路施工许可", "涉路施工许可", "XK-360500-1501", "XK-360500-1501", XK, ENTRUSTED),
    ("市交通运输局", "道路货物运输经营许可", "道路货物运输　经营许可", "", "", XK, WINDOW),
    ("市水利局", "生产建设项目水土保持方案审批", "生产建设项目水土保持方案审批", "XK-360500-1601", "XK-360500-1601", XK, DIRECT),
    ("市水利局", "取水许可", "取水许可", "XK-360500-1602", "XK-360500-1602", XK, ENTRUSTED),
    ("市水利局", "洪水影响评价类审批", "洪水影响评价类审批", "XK-360500-1603", "XK-360500-1603", XK, DIRECT),
    ("市应急管理局", "危险化学品建设项目安全条件审查", "危险化学品建设项目安全条件审查", "XK-360500-2201", "XK-360500-2201", XK, DIRECT),
    ("市应急管理局", "危险化学品经营许可（不带储存设施）", "危险化学品经营许可(不带储存设施)", "XK-360500-2202", "", XK, DIRECT),
    ("市市场监管局", "食品经营许可", "食品经营许可", "XK-360500-2501", "XK-360500-2501", XK, DIRECT),
    ("市市场监管局", "特种设备使用登记", "特种设备使用登记", "XK-360500-2502", "XK-360500-2502", XK, WINDOW),
    ("市人社局", "劳务派遣经营许可", "劳务派遣经营许可", "XK-360500-1001", "XK-360500-1001", XK, DIRECT),
]

# New in 2024: powers that serve economic development.
ADDED = [
    ("市发展改革委", "政府投资项目可行性研究报告审批（市级权限）", "XK-360500-0103", XK, DIRECT),
    ("市工信局", "数字化转型项目申报初审", "QT-360500-0402", QT, REPORT),
    ("市人社局", "企业实行不定时工作制和综合计算工时工作制审批", "XK-360500-1002", XK, DIRECT),
    ("市自然资源局", "国有建设用地使用权出让后土地使用权分割转让批准", "XK-360500-1105", XK, DIRECT),
    ("市生态环境局", "辐射安全许可证核发（使用Ⅳ、Ⅴ类放射源）", "XK-360500-1203", XK, ENTRUSTED),
    ("市住建局", "建设工程消防验收", "XK-360500-1305", XK, DIRECT),
    ("市住建局", "燃气经营许可证核发", "XK-360500-1306", XK, WINDOW),
    ("市城管局", "城镇污水排入排水管网许可", "XK-360500-1404", XK, DIRECT),
    ("市交通运输局", "超限运输车辆行驶公路许可", "XK-360500-1502", XK, WINDOW),
    ("市水利局", "河道管理范围内建设项目工程建设方案审批", "XK-360500-1604", XK, DIRECT),
    ("市商务局", "对外贸易经营者备案登记", "QT-360500-1801", QT, DIRECT),
    ("市商务局", "成品油零售经营资格审批（初审）", "XK-360500-1802", XK, REPORT),
    ("市市场监管局", "药品零售企业经营许可", "XK-360500-2503", XK, DIRECT),
]

# Moved out in 2024: powers with little bearing on economic development.
REMOVED = [
    ("市教育局", "民办学校设立审批", "XK-360500-0201", XK, DIRECT),
    ("市教育局", "教师资格认定", "XK-360500-0202", XK, ENTRUSTED),
    ("市教育局", "校车使用许可", "XK-360500-0203", XK, DIRECT),
    ("市民政局", "社会团体成立、变更、注销登记", "XK-360500-0701", XK, DIRECT),
    ("市民政局", "民办非企业单位成立、变更、注销登记", "XK-360500-0702", XK, DIRECT),
    ("市民政局", "最低生活保障对象认定", "QR-360500-0703", QR, ENTRUSTED),
    ("市民政局", "特困人员认定", "QR-360500-0704", QR, ENTRUSTED),
    ("市民政局", "临时救助金给付", "JF-360500-0705", JF, ENTRUSTED),
    ("市司法局", "基层法律服务工作者执业核准", "XK-360500-0801", XK, REPORT),
    ("市财政局", "中介机构从事代理记账业务审批", "XK-360500-0901", XK, DIRECT),
    ("市科技局", "科技型中小企业评价入库初审", "QT-360500-0301", QT, REPORT),
    ("市人社局", "就业困难人员认定", "QR-360500-1003", QR, DIRECT),
    ("市人社局", "失业保险金申领", "JF-360500-1004", JF, WINDOW),
    ("市住建局", "物业服务区域划分核定", "QT-360500-1307", QT, DIRECT),
    ("市城管局", "砍伐城市树木审批", "XK-360500-1405", XK, DIRECT),
    ("市交通运输局", "出租汽车车辆运营证核发", "XK-360500-1503", XK, WINDOW),
    ("市水利局", "河道采砂许可", "XK-360500-1605", XK, ENTRUSTED),
    ("市农业农村局", "动物诊疗许可", "XK-360500-1701", XK, DIRECT),
    ("市农业农村局", "农药经营许可", "XK-360500-1702", XK, DIRECT),
    ("市农业农村局", "农村村民宅基地审批", "XK-360500-1703", XK, ENTRUSTED),
    ("市文广新旅局", "娱乐场所经营许可", "XK-360500-1901", XK, DIRECT),
    ("市文广新旅局", "营业性演出审批", "XK-360500-1902", XK, DIRECT),
    ("市文广新旅局", "互联网上网服务营业场所经营单位设立审批", "XK-360500-1903", XK, DIRECT),
    ("市文广新旅局", "出版物零售业务经营许可", "XK-360500-1904", XK, DIRECT),
    ("市卫健委", "公共场所卫生许可", "XK-360500-2001", XK, DIRECT),
    ("市卫健委", "医疗机构执业登记", "XK-360500-2002", XK, ENTRUSTED),
    ("市卫健委", "饮用水供水单位卫生许可", "XK-360500-2003", XK, DIRECT),
    ("市卫健委", "农村部分计划生育家庭奖励扶助金给付", "JF-360500-2004", JF, ENTRUSTED),
    ("市退役军人事务局", "退役士兵自主就业一次性经济补助金给付", "JF-360500-2101", JF, ENTRUSTED),
    ("市市场监管局", "食品小作坊登记", "QT-360500-2504", QT, DIRECT),
    ("市体育局", "高危险性体育项目经营许可", "XK-360500-2601", XK, DIRECT),
    ("市医保局", "城乡居民基本医疗保险参保登记", "QR-360500-2801", QR, WINDOW),
    ("市林业局", "林木采伐许可证核发", "XK-360500-2901", XK, ENTRUSTED),
    ("市林业局", "建设项目使用林地审核审批", "XK-360500-2902", XK, DIRECT),
    ("市林业局", "林业植物检疫证书核发", "XK-360500-2903", XK, DIRECT),
    ("市人防办", "结合民用建筑修建防空地下室审批", "XK-360500-3101", XK, DIRECT),
    ("市人防办", "人民防空工程竣工验收备案", "QT-360500-3102", QT, DIRECT),
    ("市气象局", "雷电防护装置设计审核", "XK-360500-3201", XK, DIRECT),
    ("市气象局", "雷电防护装置竣工验收", "XK-360500-3202", XK, DIRECT),
]

# 赋权观测点 designated in 2024: (county or zone, township).
OBSERVATION_POINTS_2024 = [
    ("渝水区", "罗坊镇"), ("渝水区", "姚圩镇"), ("渝水区", "水北镇"), ("渝水区", "良山镇"),
    ("分宜县", "双林镇"), ("分宜县", "杨桥镇"), ("分宜县", "湖泽镇"),
    ("新余高新区", "水西镇"), ("新余高新区", "马洪办事处"), ("仙女湖区", "欧里镇"),
]
DEMONSTRATION_SITE = ("分宜县", "双林镇", "全省首批基层审批服务执法示范点", 2024)


def _department_order(departments):
    return lambda row: (departments[row[0]].order, row[1])


def _write_powers(catalogue, rows, departments, items_by_name):
    powers = []
    for seq, (dept, name, code, power_type, mode) in enumerate(sorted(rows, key=_department_order(departments)), 1):
        powers.append(DelegatedPower(
            edition=catalogue, seq=seq, department=departments[dept], name=name, code=code,
            power_type=power_type, mode=mode, permit_item=items_by_name.get(name.split("（")[0].split("(")[0]),
        ))
    DelegatedPower.objects.bulk_create(powers)


def _catalogue(zone, spec, departments, rows, items_by_name, replaces=None):
    catalogue = PowerCatalogue.objects.filter(recipient=zone, edition=spec["edition"]).first()
    if catalogue is not None:
        return catalogue, False
    with transaction.atomic():
        catalogue = PowerCatalogue.objects.create(
            recipient=zone, title=spec["title"], edition=spec["edition"], basis=spec["basis"],
            basis_number=spec["basis_number"], effective_on=spec["effective_on"], replaces=replaces,
        )
        _write_powers(catalogue, rows, departments, items_by_name)
        edition_publish(catalogue, published_on=spec["published_on"])
    return catalogue, True


def seed_powers(demo, *, log=lambda message: None):
    zone = demo.areas[ZONE]
    departments = demo.departments
    old_rows = [(d, old_name, old_code, t, m) for d, _new, old_name, _c, old_code, t, m in KEPT] + REMOVED
    new_rows = [(d, new_name, code, t, m) for d, new_name, _old, code, _oc, t, m in KEPT] + ADDED
    old, created = _catalogue(zone, OLD, departments, old_rows, {})
    if created:
        log(f"已创建《{OLD['title']}》（{len(old_rows)}项）")
    items_by_name = {}
    if demo.edition is not None:
        items_by_name = {item.name: item for item in PermitItem.objects.filter(edition=demo.edition)}
    new, created = _catalogue(zone, NEW, departments, new_rows, items_by_name, replaces=old)
    if created:
        log(f"已创建《{NEW['title']}》（{len(new_rows)}项）")
    points = [
        ObservationPoint(township=demo.townships[area, town], year=2024, notes=f"{area}{town}")
        for area, town in OBSERVATION_POINTS_2024
    ]
    existing = set(ObservationPoint.objects.filter(year=2024).values_list("township_id", flat=True))
    ObservationPoint.objects.bulk_create([p for p in points if p.township_id not in existing])
    area, town, honour, year = DEMONSTRATION_SITE
    DemonstrationSite.objects.get_or_create(township=demo.townships[area, town], year=year, defaults={"honour": honour})
    return new
