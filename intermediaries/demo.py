"""Demo data: 《新余市市、县(区)行政审批中介服务事项清单(2024年版)》 linked to the 2023 permit items."""
import datetime

from django.db import transaction

from intermediaries.models import IntermediaryList, IntermediaryService
from permits.models import PermitItem
from permits.kernel.lifecycle import edition_publish

TITLE = "新余市市、县(区)行政审批中介服务事项清单(2024年版)"
BASIS = "《新余市人民政府办公室关于公布新余市市、县(区)行政审批中介服务事项清单(2024年版)的通知》"
PUBLISHED_ON = datetime.date(2024, 6, 14)

APPLICANT = IntermediaryService.Commissioner.APPLICANT
AUTHORITY = IntermediaryService.Commissioner.AUTHORITY
MARKET = IntermediaryService.FeeNature.MARKET
GUIDED = IntermediaryService.FeeNature.GUIDED
GOVERNMENT = IntermediaryService.FeeNature.GOVERNMENT
FISCAL = IntermediaryService.FeeNature.FISCAL
CITY = IntermediaryService.Level.CITY
BOTH = IntermediaryService.Level.BOTH
COUNTY = IntermediaryService.Level.COUNTY

MARKET_BASIS = "《国家发展改革委关于进一步放开建设项目专业服务价格的通知》（发改价格〔2015〕299号）"
FISCAL_BASIS = "由审批部门委托并支付服务费用，不得向申请人收取"
SCENIC = "在风景名胜区内从事建设、设置广告、举办大型游乐活动以及其他影响生态和景观活动许可"
RELICS = ["文物保护单位建设控制地带内建设工程设计方案审批",
          "文物保护单位保护范围内其他建设工程或者爆破、钻探、挖掘等作业审批"]


def S(name, dept, items, basis, providers, nature="企业", commissioner=APPLICANT, fee=MARKET,
      fee_basis=MARKET_BASIS, time_limit="按合同约定", level=BOTH, remarks=""):
    if commissioner == AUTHORITY:
        fee, fee_basis = FISCAL, FISCAL_BASIS
    return dict(name=name, department=dept, items=items, legal_basis=basis, providers=providers,
                provider_nature=nature, commissioner=commissioner, fee_nature=fee, fee_basis=fee_basis,
                time_limit=time_limit, level=level, remarks=remarks)


SERVICES = [
    S("项目申请报告编制", "市发展改革委", ["企业投资项目核准"], "《企业投资项目核准和备案管理条例》第六条",
      "具有相应能力的工程咨询单位", remarks="申请人可自行编制"),
    S("项目建议书编制", "市发展改革委", ["政府投资项目建议书审批"], "《政府投资条例》第九条", "工程咨询单位"),
    S("可行性研究报告编制", "市发展改革委", ["政府投资项目可行性研究报告审批"], "《政府投资条例》第九条",
      "工程咨询单位"),
    S("初步设计文件编制", "市发展改革委", ["政府投资项目初步设计审批"], "《政府投资条例》第九条、第十条",
      "具有相应资质的工程设计单位"),
    S("节能报告编制", "市发展改革委", ["固定资产投资项目节能审查"], "《固定资产投资项目节能审查办法》第七条",
      "工程咨询单位、节能服务机构", remarks="申请人可自行编制"),
    S("环境影响评价文件编制", "市生态环境局", ["建设项目环境影响评价文件审批"],
      "《中华人民共和国环境影响评价法》第十六条、第十九条", "环境影响评价技术单位", time_limit="按合同约定",
      remarks="建设单位具备技术能力的可自行编制"),
    S("排污单位自行监测方案编制", "市生态环境局", ["排污许可证核发"], "《排污许可管理条例》第八条",
      "环境监测服务机构"),
    S("辐射环境影响评价文件编制", "市生态环境局", ["辐射安全许可证核发"],
      "《放射性同位素与射线装置安全和防护条例》第八条", "环境影响评价技术单位", level=CITY),
    S("危险废物经营单位环境风险评估报告编制", "市生态环境局", ["危险废物经营许可"],
      "《危险废物经营许可证管理办法》第五条", "环境咨询服务机构", level=CITY),
    S("水土保持方案编制", "市水利局", ["生产建设项目水土保持方案审批"], "《中华人民共和国水土保持法》第二十五条",
      "水土保持技术服务单位", remarks="申请人可自行编制"),
    S("水资源论证报告编制", "市水利局", ["取水许可"], "《取水许可和水资源费征收管理条例》第十一条",
      "水资源论证技术服务单位"),
    S("洪水影响评价报告编制", "市水利局", ["洪水影响评价类审批"], "《中华人民共和国防洪法》第二十七条、第三十三条",
      "水利技术服务单位"),
    S("河道管理范围内建设项目防洪评价报告编制", "市水利局", ["河道管理范围内建设项目工程建设方案审批"],
      "《中华人民共和国河道管理条例》第十一条", "水利技术服务单位"),
    S("水工程建设规划同意书论证报告编制", "市水利局", ["水工程建设规划同意书审核"], "《中华人民共和国水法》第十九条",
      "水利规划设计单位", level=CITY),
    S("河道采砂可行性论证报告编制", "市水利局", ["河道采砂许可"], "《江西省河道采砂管理条例》第十四条",
      "水利技术服务单位"),
    S("水库大坝安全鉴定", "市水利局", ["水库大坝注册登记"], "《水库大坝安全管理条例》第二十二条",
      "大坝安全评价单位", fee=GUIDED),
    S("地质灾害危险性评估", "市自然资源局", ["建设项目用地预审与选址意见书核发", "临时用地审批"],
      "《地质灾害防治条例》第二十一条", "地质灾害评估单位"),
    S("压覆矿产资源评估", "市自然资源局", ["建设项目压覆重要矿产资源审批"],
      "《中华人民共和国矿产资源法》第三十三条", "地质勘查单位", level=CITY),
    S("土地勘测定界", "市自然资源局", ["建设项目用地预审与选址意见书核发", "乡（镇）村公共设施、公益事业使用集体建设用地审批"],
      "《中华人民共和国土地管理法实施条例》第二十四条", "测绘资质单位"),
    S("建设项目节约集约用地论证分析专章编制", "市自然资源局", ["建设项目用地预审与选址意见书核发"],
      "《建设项目用地预审管理办法》第八条", "土地规划咨询单位", level=CITY),
    S("矿产资源开发利用方案编制", "市自然资源局", ["开采矿产资源审批"], "《矿产资源开采登记管理办法》第五条",
      "地质勘查、矿山设计单位"),
    S("矿山地质环境保护与土地复垦方案编制", "市自然资源局", ["开采矿产资源审批"], "《土地复垦条例》第十一条",
      "地质环境技术服务单位"),
    S("建设工程规划核实测量", "市自然资源局", ["建设工程规划许可证核发"], "《中华人民共和国城乡规划法》第四十五条",
      "测绘资质单位"),
    S("房产测绘", "市自然资源局", ["商品房预售许可"], "《房产测绘管理办法》第四条、第十条", "测绘资质单位",
      fee=GUIDED, fee_basis="《江西省房产测绘收费标准》（赣价房字〔2002〕7号）"),
    S("修建性详细规划编制", "市自然资源局", ["建设工程规划许可证核发"], "《中华人民共和国城乡规划法》第二十一条",
      "城乡规划编制单位"),
    S("建设工程设计方案编制", "市自然资源局", ["建设工程规划许可证核发", "乡村建设规划许可证核发"],
      "《中华人民共和国城乡规划法》第四十条", "具有相应资质的工程设计单位"),
    S("施工图设计文件审查", "市住建局", ["建筑工程施工许可证核发"], "《建设工程质量管理条例》第十一条",
      "施工图审查机构", commissioner=AUTHORITY, time_limit="10个工作日", level=CITY,
      remarks="实行政府购买服务，申请人无需付费"),
    S("建设工程消防设计技术审查", "市住建局", ["建设工程消防设计审查"],
      "《建设工程消防设计审查验收管理暂行规定》第十六条", "消防技术服务机构、施工图审查机构",
      commissioner=AUTHORITY, time_limit="10个工作日"),
    S("建设工程消防验收现场评定技术服务", "市住建局", ["建设工程消防验收"],
      "《建设工程消防设计审查验收管理暂行规定》第二十七条", "消防技术服务机构", commissioner=AUTHORITY,
      time_limit="7个工作日"),
    S("超限高层建筑工程抗震设防专项审查", "市住建局", ["超限高层建筑工程抗震设防审批"],
      "《超限高层建筑工程抗震设防管理规定》第七条", "抗震设防专家委员会", nature="事业单位",
      commissioner=AUTHORITY, level=CITY),
    S("燃气经营企业安全评价", "市住建局", ["燃气经营许可证核发"], "《城镇燃气管理条例》第十五条",
      "安全评价机构"),
    S("历史建筑保护方案编制", "市住建局", ["历史建筑实施原址保护审批"], "《历史文化名城名镇名村保护条例》第三十四条",
      "具有相应资质的设计单位", level=CITY),
    S("防雷装置检测", "市气象局", ["雷电防护装置竣工验收"], "《气象灾害防御条例》第二十三条",
      "雷电防护装置检测资质单位", fee=GUIDED),
    S("雷电防护装置设计技术评价", "市气象局", ["雷电防护装置设计审核"], "《雷电防护装置设计审核和竣工验收规定》第九条",
      "雷电防护技术服务机构", commissioner=AUTHORITY, time_limit="5个工作日"),
    S("雷击风险评估", "市气象局", ["雷电防护装置设计审核"], "《气象灾害防御条例》第二十七条",
      "雷电防护技术服务机构", remarks="实行区域评估的园区内项目不再单独评估"),
    S("建设项目安全预评价", "市应急管理局", ["危险化学品建设项目安全条件审查"],
      "《危险化学品建设项目安全监督管理办法》第八条", "安全评价机构"),
    S("建设项目安全设施设计编制", "市应急管理局",
      ["危险化学品建设项目安全设施设计审查", "金属冶炼建设项目安全设施设计审查", "非煤矿矿山建设项目安全设施设计审查"],
      "《建设项目安全设施“三同时”监督管理办法》第十条", "具有相应资质的设计单位"),
    S("危险化学品经营企业安全评价", "市应急管理局", ["危险化学品经营许可"],
      "《危险化学品经营许可证管理办法》第九条", "安全评价机构"),
    S("烟花爆竹建设项目安全评价", "市应急管理局", ["生产、储存烟花爆竹建设项目安全设施设计审查"],
      "《烟花爆竹生产企业安全生产许可证实施办法》第八条", "安全评价机构", level=CITY),
    S("职业病危害预评价（放射诊疗建设项目）", "市卫健委", ["放射诊疗许可"], "《中华人民共和国职业病防治法》第十七条",
      "职业卫生技术服务机构"),
    S("放射诊疗建设项目职业病危害控制效果评价", "市卫健委", ["放射诊疗许可"], "《放射诊疗管理规定》第十二条",
      "职业卫生技术服务机构"),
    S("公共场所卫生检测", "市卫健委", ["公共场所卫生许可"], "《公共场所卫生管理条例实施细则》第二十二条",
      "检验检测机构", time_limit="5个工作日"),
    S("生活饮用水水质检测", "市卫健委", ["饮用水供水单位卫生许可"], "《生活饮用水卫生监督管理办法》第七条",
      "检验检测机构"),
    S("医疗机构设置可行性研究报告编制", "市卫健委", ["医疗机构设置审批"], "《医疗机构管理条例实施细则》第十五条",
      "医疗卫生咨询机构", remarks="申请人可自行编制"),
    S("公路建设项目工程可行性研究报告编制", "市交通运输局", ["公路建设项目设计文件审批"],
      "《公路建设市场管理办法》第十七条", "工程咨询单位"),
    S("涉路工程安全技术评价", "市交通运输局", ["涉路施工许可"], "《公路安全保护条例》第二十七条",
      "公路工程设计、咨询单位"),
    S("大件运输通行路线勘测及加固方案设计", "市交通运输局", ["超限运输车辆行驶公路许可"],
      "《超限运输车辆行驶公路管理规定》第十六条", "公路工程设计单位"),
    S("港口经营安全评价", "市交通运输局", ["港口经营许可"], "《港口危险货物安全管理规定》第十二条",
      "安全评价机构", level=CITY),
    S("使用林地可行性报告编制", "市林业局", ["建设项目使用林地审核审批"], "《建设项目使用林地审核审批管理办法》第六条",
      "林业调查规划设计单位"),
    S("林木采伐作业设计", "市林业局", ["林木采伐许可证核发"], "《中华人民共和国森林法》第五十九条",
      "林业调查规划设计单位", remarks="申请人可自行编制"),
    S("风景名胜区建设项目选址论证", "市林业局", [SCENIC], "《风景名胜区条例》第二十八条", "城乡规划编制单位",
      level=CITY),
    S("文物影响评估", "市文广新旅局", RELICS, "《中华人民共和国文物保护法》第二十八条", "文物保护技术服务单位"),
    S("考古调查勘探", "市文广新旅局", RELICS[1:], "《中华人民共和国文物保护法》第三十一条", "具有考古发掘资质的单位",
      nature="事业单位", fee=GUIDED),
    S("人防工程施工图设计审查", "市人防办", ["结合民用建筑修建防空地下室审批"],
      "《人民防空工程施工图设计文件审查管理办法》第三条", "人防工程施工图审查机构", commissioner=AUTHORITY,
      time_limit="10个工作日", level=CITY),
    S("人防工程防护设备质量检测", "市人防办", ["结合民用建筑修建防空地下室审批"],
      "《人民防空工程防护设备产品与安装质量检测管理办法》第九条", "人防防护设备检测机构", fee=GUIDED),
    S("特种设备安装监督检验", "市市场监管局", ["特种设备使用登记"], "《中华人民共和国特种设备安全法》第二十五条",
      "特种设备检验机构", nature="事业单位", fee=GOVERNMENT,
      fee_basis="《江西省特种设备检验收费标准》（赣发改收费〔2018〕612号）"),
    S("计量标准器具检定", "市市场监管局", ["计量标准器具核准"], "《中华人民共和国计量法实施细则》第七条",
      "法定计量检定机构", nature="事业单位", fee=GOVERNMENT,
      fee_basis="《江西省计量检定收费标准》（赣发改收费字〔2008〕1023号）"),
    S("食品生产许可申请产品检验", "市市场监管局", ["食品生产许可"], "《食品生产许可管理办法》第十三条",
      "食品检验机构"),
    S("民办学校资产评估及验资", "市教育局", ["民办学校设立审批"], "《中华人民共和国民办教育促进法实施条例》第十八条",
      "会计师事务所、资产评估机构"),
    S("社会组织注册资金验资", "市民政局", ["社会团体成立、变更、注销登记", "民办非企业单位成立、变更、注销登记"],
      "《社会团体登记管理条例》第十一条", "会计师事务所", time_limit="5个工作日"),
    S("劳务派遣单位注册资本验资", "市人社局", ["劳务派遣经营许可"], "《劳务派遣行政许可实施办法》第八条",
      "会计师事务所", time_limit="5个工作日"),
    S("大型群众性活动安全评估", "市公安局", ["大型群众性活动安全许可"], "《大型群众性活动安全管理条例》第十一条",
      "安全评价机构", level=CITY),
]


def seed_intermediaries(demo, *, log=lambda message: None):
    if IntermediaryList.objects.filter(region=demo.city, edition="2024年版").exists():
        return
    wanted = {name for service in SERVICES for name in service["items"]}
    items = {item.name: item for item in PermitItem.objects.filter(edition=demo.edition, name__in=wanted)}
    missing = wanted - set(items)
    if missing:
        raise ValueError(f"中介服务演示数据引用了不存在的许可事项：{'、'.join(sorted(missing))}")
    with transaction.atomic():
        edition = IntermediaryList.objects.create(
            region=demo.city, title=TITLE, edition="2024年版", basis=BASIS,
            scope=IntermediaryList.Scope.CITY_COUNTY,
        )
        services = []
        for seq, spec in enumerate(SERVICES, start=1):
            fields = {k: v for k, v in spec.items() if k not in ("items", "department")}
            services.append(IntermediaryService(
                edition=edition, seq=seq, department=demo.departments[spec["department"]], **fields
            ))
        IntermediaryService.objects.bulk_create(services)
        Link = IntermediaryService.permit_items.through
        Link.objects.bulk_create([
            Link(intermediaryservice_id=service.pk, permititem_id=items[name].pk)
            for service, spec in zip(services, SERVICES) for name in spec["items"]
        ])
        edition_publish(edition, published_on=PUBLISHED_ON)
    log(f"已创建《{TITLE}》（{len(services)}项）")
