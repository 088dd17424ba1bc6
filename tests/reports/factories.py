"""A small 2024-like data set for the annual report: every figure of DESIGN.md's table has data.

The counts are deliberately small and mostly distinct so a test can find each one in the output;
EXPECTED holds what the fixture built, counted here from what was created, not from the code under test.
"""
import datetime

import factory

from intermediaries.models import IntermediaryList, IntermediaryService
from permits.models import (
    DelegatedPower, DemonstrationSite, ObservationPoint, OneThing, PermitCatalogue, PowerCatalogue, Region,
)
from permits.kernel.lifecycle import edition_publish
from reports.models import AnnualFigure, AnnualReport, ReportSection
from tests.factories import DepartmentFactory, RegionFactory, build_catalogue


class OneThingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OneThing

    name = factory.Sequence(lambda n: f"测试一件事{n}")
    level = OneThing.Level.NATIONAL
    launched_on = datetime.date(2024, 6, 1)
    one_window = True
    order = factory.Sequence(lambda n: n)


class AnnualReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualReport

    year = 2024
    title = factory.LazyAttribute(lambda o: f"新余市行政审批局{o.year}年度法治政府建设工作总结报告")
    intro = factory.LazyAttribute(lambda o: f"现将{o.year}年度法治政府建设工作总结报告如下：")


STAFF_FIGURES = [
    # key, label, value, unit, display
    ("study_events", "学习宣传活动", 2, "次", ""),
    ("law_exam_pass_rate", "学法考试通过率", 100, "%", ""),
    ("supervision_coverage", "监管覆盖率", 100, "%", ""),
    ("supervision_info_published", "发布信息", 2564, "条", ""),
    ("supervision_actions_pushed", "监管行为推送", 14603, "次", ""),
    ("zone_business_handled", "专区办理业务", 90000, "件", "9万余"),
    ("law_meetings", "专题会议", 3, "次", ""),
    ("law_lectures", "宣讲", 4, "次", ""),
    ("open_day_representatives", "开放日代表", 17, "人", ""),
]

SECTIONS = [
    (1, "{year}年度推进法治政府建设的主要举措和成效", ""),
    (2, "压实主体责任，推进法治政府建设工作", ""),
    (3, "营造浓厚法治氛围。", "组织开展习近平法治思想学习宣传活动{study_events}次，全体参学职工学法考试通过率{law_exam_pass_rate}。"),
    (2, "依法履行政府职能，持续优化营商环境", ""),
    (3, "规范行政许可及涉审中介服务。",
     "编制公布《{permit_catalogue_title}》（共{permit_items}项），确定子项{permit_sub_items}项、业务办理项{permit_handling_items}项。"
     "公布《{intermediary_list_title}》，共{intermediary_services}项。"),
    (3, "赋权增能，规范基层审批执法。",
     "明确{observation_points}个赋权观测点，涉及{observation_counties}个县区和{observation_zones}个功能区。"
     "{demonstration_sites}获评示范点。公布《{zone_catalogue_title}》（{zone_powers}项），涉及市直部门{zone_power_departments}家，"
     "调出{zone_powers_removed}项，新增{zone_powers_added}项。"),
    (3, "强化“互联网+监管”。",
     "监管覆盖率{supervision_coverage}，发布信息{supervision_info_published}条，监管行为推送{supervision_actions_pushed}次。"),
    (3, "推动“高效办成一件事”。",
     "落实{one_things}个“一件事”，{one_things_one_window}个实现“一窗”可办，{one_things_measured}个综合平均压减率"
     "{one_things_reduction:over}。专区办理业务{zone_business_handled}件。"),
    (1, "党政主要负责人履行第一责任人职责情况",
     "召开专题会议{law_meetings}次，开展宣讲{law_lectures}次，邀请{open_day_representatives}名代表参加开放日。"),
    (1, "下一年度主要安排", "继续深化改革。"),
]


def build_report(year=2024, sections=SECTIONS, **kwargs):
    report = AnnualReportFactory(year=year, **kwargs)
    for order, (level, heading, body) in enumerate(sections, start=1):
        ReportSection.objects.create(report=report, order=order, level=level,
                                     heading=heading.replace("{year}", str(year)), body=body)
    return report


def build_2024():
    """The data set; returns a dict of the objects and the counts each figure should show."""
    city = RegionFactory()
    yushui = RegionFactory(name="渝水区", kind=Region.Kind.COUNTY, parent=city)
    fenyi = RegionFactory(name="分宜县", kind=Region.Kind.COUNTY, parent=city)
    hitech = RegionFactory(name="新余高新区", kind=Region.Kind.ZONE, parent=city)
    lake = RegionFactory(name="仙女湖区", kind=Region.Kind.ZONE, parent=city)
    townships = {
        name: RegionFactory(name=name, kind=Region.Kind.TOWNSHIP, parent=parent)
        for name, parent in [("双林镇", fenyi), ("杨桥镇", fenyi), ("罗坊镇", yushui),
                             ("马洪办事处", hitech), ("欧里镇", lake), ("九龙山乡", lake)]
    }
    departments = [DepartmentFactory(name=f"新余市测试局{i}", region=city) for i in range(4)]

    # Permit catalogue 2023 edition in force in 2024: 3 items × 2 sub-items × 2 handling items.
    permits = build_catalogue(items=3, subs=2, handlings=2, edition=PermitCatalogue.objects.create(
        title="新余市行政许可事项清单（2023年版）", edition="2023年版", region=city), department=departments[0])
    edition_publish(permits, published_on=datetime.date(2023, 10, 8))

    intermediary = IntermediaryList.objects.create(
        title="新余市市、县（区）行政审批中介服务事项清单（2024年版）", edition="2024年版", region=city)
    for seq in range(1, 6):
        IntermediaryService.objects.create(edition=intermediary, seq=seq, name=f"测试中介服务{seq}",
                                           department=departments[seq % 2])
    edition_publish(intermediary, published_on=datetime.date(2024, 5, 20))

    old = PowerCatalogue.objects.create(title="赋予新余高新区部分市级经济管理权限目录（旧）", edition="2021年版",
                                        recipient=hitech, effective_on=datetime.date(2021, 3, 1))
    for seq in range(1, 10):  # P1..P9; P1, P2 kept, P3..P9 removed (7)
        DelegatedPower.objects.create(edition=old, seq=seq, department=departments[0], name=f"旧权限{seq}",
                                      code=f"P{seq}")
    edition_publish(old, published_on=datetime.date(2021, 3, 1))
    new = PowerCatalogue.objects.create(title="新余市赋予新余高新区部分市级经济管理权限目录", edition="2024年版",
                                        recipient=hitech, effective_on=datetime.date(2024, 7, 1), replaces=old)
    seq = 0
    for code, name in [("P1", "旧权限1"), ("P2", "旧权限2")] + [(f"N{i}", f"新权限{i}") for i in range(1, 9)]:
        seq += 1  # 2 kept + 8 added = 10 powers, from 3 departments
        DelegatedPower.objects.create(edition=new, seq=seq, department=departments[seq % 3], name=name, code=code)
    edition_publish(new, published_on=datetime.date(2024, 7, 1))

    for name in ["双林镇", "杨桥镇", "罗坊镇", "马洪办事处", "欧里镇", "九龙山乡"]:
        ObservationPoint.objects.create(township=townships[name], year=2024)
    DemonstrationSite.objects.create(township=townships["双林镇"], honour="全省首批基层审批服务执法示范点", year=2024)

    # One-things of 2024: 11 bundles, 9 one-window, 2 measured (reductions computed below), one of 2023.
    measured = [
        OneThingFactory(materials_before=10, materials_after=2, visits_before=4, visits_after=1,
                        days_before=20, days_after=5),  # 0.8, 0.75, 0.75 → 0.7666…
        OneThingFactory(materials_before=8, materials_after=2, visits_before=2, visits_after=0,
                        days_before=10, days_after=3),  # 0.75, 1.0, 0.7 → 0.8166…
    ]
    others = [OneThingFactory(one_window=i >= 2) for i in range(9)]
    for bundle in measured + others:
        bundle.departments.set(departments[:2])
    OneThingFactory(launched_on=datetime.date(2023, 5, 1))

    for key, label, value, unit, display in STAFF_FIGURES:
        AnnualFigure.objects.create(year=2024, key=key, label=label, value=value, unit=unit, display=display)

    report = build_report(2024)
    reduction = ((0.8 + 0.75 + 0.75) / 3 + (0.75 + 1.0 + 0.7) / 3) / 2
    return {
        "report": report, "permits": permits, "intermediary": intermediary, "zone": new, "old_zone": old,
        "measured": measured, "departments": departments, "city": city,
        "expected": {
            "permit_catalogue_title": "新余市行政许可事项清单（2023年版）",
            "permit_items": "3", "permit_sub_items": "6", "permit_handling_items": "12",
            "intermediary_list_title": "新余市市、县（区）行政审批中介服务事项清单（2024年版）",
            "intermediary_services": "5",
            "observation_points": "6", "observation_counties": "2", "observation_zones": "2",
            "demonstration_sites": "分宜县双林镇",
            "zone_catalogue_title": "新余市赋予新余高新区部分市级经济管理权限目录",
            "zone_powers": "10", "zone_power_departments": "3", "zone_powers_removed": "7",
            "zone_powers_added": "8",
            "one_things": "11", "one_things_one_window": "9", "one_things_measured": "2",
            "one_things_reduction": f"超过{int(reduction * 100)}%",
            "study_events": "2", "law_exam_pass_rate": "100%", "supervision_coverage": "100%",
            "supervision_info_published": "2564", "supervision_actions_pushed": "14603",
            "zone_business_handled": "9万余", "law_meetings": "3", "law_lectures": "4",
            "open_day_representatives": "17",
        },
        "reduction": reduction,
    }
