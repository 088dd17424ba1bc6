"""Demo data: the 2024 rule-of-law report (published), its staff-entered figures, and the 2025 draft.

The prose is the project's own; every number in it is a placeholder filled from the data.
"""
import datetime
from decimal import Decimal

from django.db import transaction

from permits.models import EditionStatus
from reports.models import AnnualFigure, AnnualReport, ReportSection

try:  # the lifecycle services of the reports floor (freeze on publication, copy to next year)
    from reports.services import report_copy, report_publish
except ImportError:  # pragma: no cover - before those services exist the model fields are set directly
    report_copy = report_publish = None

PART, CHAPTER, POINT, TEXT = (ReportSection.HeadingLevel.PART, ReportSection.HeadingLevel.CHAPTER,
                              ReportSection.HeadingLevel.POINT, ReportSection.HeadingLevel.TEXT)

TITLE_2024 = "新余市行政审批局2024年度法治政府建设工作总结报告"
PUBLISHED_2024 = datetime.date(2025, 1, 20)

INTRO_2024 = (
    "2024年，市行政审批局坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻习近平法治思想，"
    "围绕“走在前、勇争先、善作为”的目标要求，把法治建设贯穿审批服务全过程，依法规范权力运行，"
    "深入开展普法宣传，持续提升审批服务效能，为新余高质量发展营造良好法治环境。现将本年度法治政府建设情况报告如下："
)

SECTIONS_2024 = [
    (PART, "2024年度推进法治政府建设的主要举措和成效", ""),
    (CHAPTER, "落实法治建设责任，夯实工作基础", ""),
    (POINT, "完善组织领导。",
     "调整充实法治政府建设工作领导小组，明确专人牵头推进，把法治建设与审批服务业务一起谋划、一起部署、一起督查，"
     "形成主要领导负总责、分管领导具体抓、各科室协同落实的工作机制。"),
    (POINT, "加强法治学习宣传。",
     "落实年度普法计划，借助新进驻窗口人员岗前培训、任前谈话和廉政教育等时机开展法律知识培训，"
     "利用大厅电子屏、宣传栏宣传全面依法治市工作。通过理论学习中心组学习、专题研讨等方式，"
     "全年组织习近平法治思想学习宣传活动{study_events}次，干部职工尊法学法守法用法的意识进一步增强。"),
    (CHAPTER, "转变行政职能，提升依法行政水平", ""),
    (POINT, "落实学法考法制度。",
     "把学法考法情况纳入干部年度考核，全局参学干部职工学法考试通过率达到{law_exam_pass_rate}；"
     "对未按要求完成学习和考试的人员，取消当年评先评优资格。"),
    (POINT, "清理规范审批事项。",
     "对照现行有效的法律、法规、规章和规范性文件，持续深化审批制度改革和简政放权。"
     "通过执法检查了解已下放事项的承接情况，对截留审批、变相审批、明减暗增等问题督促整改到位。"),
    (POINT, "深化政务公开。",
     "完善政府信息主动公开基本目录，将政务公开纳入绩效考核，依托机关网站和“新余市行政审批局”微信公众号"
     "及时发布、更新政务信息，认真做好舆情回应和依申请公开答复工作，主动接受企业群众和社会各界监督。"),
    (CHAPTER, "依法履行政府职能，持续优化营商环境", ""),
    (POINT, "规范行政许可和涉审中介服务。",
     "承担市级权力清单认领、调整和动态管理工作，编制公布《{permit_catalogue_title}》（共{permit_items}项），"
     "同步编制实施规范和办事指南，明确许可事项子项{permit_sub_items}项、业务办理项{permit_handling_items}项，"
     "全部向社会公开。规范治理行政审批中介服务，以市政府办名义公布《{intermediary_list_title}》，"
     "列明中介服务事项{intermediary_services}项，中介服务行为进一步规范。"),
    (POINT, "赋权增能，规范基层审批服务执法。",
     "成立基层审批服务执法示范点创建工作指导组，以“党建+审批服务执法”推动示范创建，"
     "确定{observation_points}个市级乡镇（街道）赋权观测点，覆盖{observation_counties}个县区和"
     "{observation_zones}个功能区，{demonstration_sites}获评全省首批基层审批服务执法示范点。"
     "按照《新余市人民政府关于调整赋予国家级开发区部分市级经济管理权限目录的通知》，公布《{zone_catalogue_title}》"
     "（{zone_powers}项），涉及市直部门{zone_power_departments}家，调出与经济发展关联不紧密的事项"
     "{zone_powers_removed}项，新增服务经济发展的事项{zone_powers_added}项。"),
    (POINT, "做实“互联网+监管”。",
     "把“互联网+监管”列入重要工作日程，对已录入系统的监管事项实行动态、标准化管理。"
     "承接市政务服务办相关职能以来，监管覆盖率达到{supervision_coverage}，全年发布监管信息"
     "{supervision_info_published}条，推送监管行为{supervision_actions_pushed}次，工作成效在同类设区市中位居前列。"),
    (POINT, "推进“高效办成一件事”改革。",
     "落实国家和省部署的{one_things}个“高效办成一件事”重点事项，开设“高效办成一件事”服务专区，"
     "把多个部门的业务表单整合为一张联办申请表，{one_things_one_window}个“一件事”实现“一窗”受理。"
     "改革后，{one_things_measured}个“一件事”的申请材料、跑动次数和办理时限综合平均压减率"
     "{one_things_reduction:over}。全年专区办理业务{zone_business_handled}件，联办率稳步提高。"),
    (PART, "存在的不足和原因",
     "一年来，我局依法行政工作取得了一定成效，但对照上级要求仍有差距，主要表现在："),
    (POINT, "法治宣传与政务服务融合不够。",
     "普法工作多按既定要求推进，形式较为单一，结合审批服务特点的创新举措和特色亮点还不多。"),
    (POINT, "赋权事项精准度有待提高。",
     "下放前对乡镇（街道）的实际需求和承接能力调研不够深入，个别下放事项针对性、可操作性不强，"
     "“需要的没放下去、放下去的用不上”的现象仍然存在。"),
    (POINT, "基层承接能力相对薄弱。",
     "乡镇（街道）执法力量普遍不足，赋权事项涉及部门多、专业性强，综合执法队伍人员少、专业人才缺，"
     "承接行政处罚、行政强制等执法任务还有困难。"),
    (PART, "2024年度党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况", ""),
    (POINT, "认真履行第一责任人职责。",
     "主要负责同志统筹推进法治建设各项工作，主持召开法治建设专题会议{law_meetings}次，"
     "到帮扶村宣讲习近平法治思想{law_lectures}次，带头参加“百万网民学法”等学法活动，"
     "督促班子成员依法履职，形成主要领导亲自抓、分管领导具体抓的工作格局。"),
    (POINT, "提升政务服务监管效能。",
     "畅通监督渠道，依托“好差评”系统、12345政务服务便民热线、“办不成事”反映窗口和投诉电话，"
     "及时收集、办理和回应企业群众诉求。全年通过门户网站“互动交流”栏目收到留言{messages_received}件，"
     "答复{messages_answered}件，按期答复率{messages_on_time_rate}；受理“办不成事”反映{unresolved_received}件，"
     "办结{unresolved_handled}件；“好差评”收到评价{ratings}条，满意率{satisfaction_rate}，差评全部整改答复并回访"
     "（{bad_ratings_rectified}件）；推进大厅视频监察全覆盖，对窗口服务实行实时电子监察，规范窗口服务行为。"),
    (POINT, "营造法治化营商环境。",
     "举办“政府开放日”活动，邀请政协委员、企业代表和群众代表共{open_day_representatives}名走进政务大厅，"
     "体验办事流程并座谈交流，了解企业群众诉求，推动政务服务提质增效。"),
    (PART, "2025年度推进法治政府建设的主要安排", ""),
    (POINT, "深化法治教育培训。",
     "常态化开展集中学法、专题学法，加强政务服务和招标投标领域法律法规及典型案例学习，"
     "定期组织窗口就业务系统、办件流程、收件标准开展交流，提高依法办事能力。"),
    (POINT, "加强普法宣传。",
     "通过多种渠道开展形式多样的法治宣传，做好法律法规咨询解答，为建设法治政府营造良好社会氛围。"),
    (POINT, "提升依法行政水平。",
     "规范重大行政决策程序，加强合法性审查，发挥法律顾问作用；对审批服务流程和执法行为开展检查评估，"
     "发现问题及时整改，提高决策科学化、民主化、法治化水平。"),
    (POINT, "强化法治政府建设履职。",
     "根据赋权事项评估情况适时调整赋权清单，提高赋权精准度；持续推进“高效办成一件事”，推广新一批重点事项，"
     "挖掘特色“一件事”，深入开展“流程大体验”，推动政务服务由“能办”向“好办”转变；"
     "动态调整“互联网+监管”事项目录，加强事中事后监管，持续优化营商环境。"),
]

# Entered by staff for 2024: (key, label, value, unit, display, source).
FIGURES_2024 = [
    ("study_events", "习近平法治思想学习宣传活动次数", 2, "次", "", "局办公室"),
    ("law_exam_pass_rate", "学法考试通过率", 100, "%", "", "局办公室（学法考法平台）"),
    ("supervision_coverage", "“互联网+监管”覆盖率", 100, "%", "", "江西省“互联网+监管”系统"),
    ("supervision_info_published", "“互联网+监管”发布信息条数", 2564, "条", "", "江西省“互联网+监管”系统"),
    ("supervision_actions_pushed", "监管行为推送次数", 14603, "次", "", "江西省“互联网+监管”系统"),
    ("zone_business_handled", "“一件事”专区办理业务件数", 90000, "件", "9万余", "“高效办成一件事”服务专区"),
    ("law_meetings", "法治专题会议次数", 2, "次", "", "局办公室"),
    ("law_lectures", "法治宣讲次数", 2, "次", "", "局办公室"),
    ("open_day_representatives", "开放日邀请代表人数", 17, "名", "", "“政府开放日”活动签到表"),
]


def _shift_years(text, year):
    """Headings of a copied report name the next years (2025 → 2026 first, then 2024 → 2025)."""
    return text.replace(str(year), str(year + 1)).replace(str(year - 1), str(year))


def seed_figures():
    existing = set(AnnualFigure.objects.filter(year=2024).values_list("key", flat=True))
    AnnualFigure.objects.bulk_create([
        AnnualFigure(year=2024, key=key, label=label, value=Decimal(value), unit=unit, display=display,
                     source_note=source)
        for key, label, value, unit, display, source in FIGURES_2024 if key not in existing
    ])


@transaction.atomic
def _report_2024():
    report = AnnualReport.objects.create(year=2024, title=TITLE_2024, intro=INTRO_2024)
    ReportSection.objects.bulk_create([
        ReportSection(report=report, order=order * 10, level=level, heading=heading, body=body)
        for order, (level, heading, body) in enumerate(SECTIONS_2024, start=1)
    ])
    return report


@transaction.atomic
def _report_2025(source):
    if report_copy is not None:
        draft = report_copy(source, year=2025)
    else:
        draft = AnnualReport.objects.create(
            year=2025, organisation=source.organisation, title=source.title.replace("2024", "2025"),
            intro=source.intro.replace("2024", "2025"), copied_from=source,
        )
        ReportSection.objects.bulk_create([
            ReportSection(report=draft, order=s.order, level=s.level, heading=s.heading, body=s.body)
            for s in source.sections.order_by("order", "pk")
        ])
    sections = list(draft.sections.all())
    for section in sections:
        section.heading = _shift_years(section.heading, 2025)
        section.body = _shift_years(section.body, 2025)
    ReportSection.objects.bulk_update(sections, ["heading", "body"])
    return draft


def seed_reports(demo=None, *, log=lambda message: None):
    seed_figures()
    report = AnnualReport.objects.filter(year=2024).first()
    if report is None:
        report = _report_2024()
        log(f"已创建《{TITLE_2024}》")
    if report.status != EditionStatus.PUBLISHED:
        if report_publish is not None:
            report = report_publish(report, published_on=PUBLISHED_2024)
        else:
            report.status = EditionStatus.PUBLISHED
            report.published_on = PUBLISHED_2024
            report.save(update_fields=["status", "published_on", "updated_at"])
        log(f"已发布《{TITLE_2024}》")
    if not AnnualReport.objects.filter(year=2025).exists():
        draft = _report_2025(report)
        log(f"已创建2025年度报告草稿《{draft.title}》")
