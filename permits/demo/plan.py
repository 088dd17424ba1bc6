"""The shape of the demo permit catalogue: which items, how many sub-items and handling items.

Pure data, no database: the 2023 edition has exactly ITEMS_2023 items, SUB_ITEMS_2023 sub-items and
HANDLING_ITEMS_2023 handling items (the figures of the city's published list); the generator
allocates sub-items and handling items item by item until the totals are met.
"""
import random
from dataclasses import dataclass, field

from .departments import DEPARTMENTS
from .items_data import COMBINATIONS, FEATURED, ITEMS

ITEMS_2023 = 360
SUB_ITEMS_2023 = 1017
HANDLING_ITEMS_2023 = 1319

SITUATION_ORDER = ["新设", "变更", "延续", "注销"]

# How a department's items split into sub-items (by category of object or by competent level).
SUB_CATEGORIES = {
    "市发展改革委": ["工业类项目", "能源类项目", "交通类项目", "社会事业类项目", "城建类项目", "农林水利类项目"],
    "市教育局": ["学前教育", "义务教育", "普通高中", "中等职业教育", "文化教育类培训", "特殊教育"],
    "市民宗局": ["佛教", "道教", "天主教", "基督教", "伊斯兰教", "民间信仰"],
    "市公安局": ["个人申请", "单位申请", "渝水区", "分宜县", "新余高新区", "仙女湖区"],
    "市民政局": ["行业协会商会类", "科技类", "公益慈善类", "城乡社区服务类", "社会服务类", "其他"],
    "市自然资源局": ["城镇建设用地", "农村建设用地", "工业用地", "基础设施用地", "公共服务设施用地", "矿业用地"],
    "市生态环境局": ["工业类", "重点管理", "简化管理", "社会服务类", "核与辐射类", "其他类"],
    "市住建局": ["房屋建筑工程", "市政基础设施工程", "装饰装修工程", "城市轨道交通工程", "园林绿化工程", "改建扩建工程"],
    "市城管局": ["中心城区", "主干道", "次干道及支路", "广场公园", "背街小巷", "临时设施"],
    "市交通运输局": ["客运", "货运", "危险货物运输", "城市客运", "公路工程", "水路运输"],
    "市水利局": ["袁河流域", "孔目江流域", "仙女湖库区", "中小河流", "小型水库", "灌区"],
    "市农业农村局": ["种植业", "畜牧业", "渔业", "农业机械", "农产品加工", "种业"],
    "市文广新旅局": ["文化", "广播电视", "新闻出版", "旅游", "文物", "艺术"],
    "市卫健委": ["医院", "基层医疗卫生机构", "专业公共卫生机构", "妇幼保健机构", "诊所", "其他医疗机构"],
    "市应急管理局": ["危险化学品", "烟花爆竹", "非煤矿山", "金属冶炼", "工贸行业", "其他"],
    "市市场监管局": ["企业", "个体工商户", "农民专业合作社", "分支机构", "连锁经营", "其他经营者"],
    "市林业局": ["商品林", "公益林", "自然保护地", "风景名胜区", "国有林场", "集体林"],
}
DEFAULT_CATEGORIES = ["市级权限", "县级权限", "企业申请", "个人申请", "事业单位申请", "社会组织申请"]


@dataclass
class SubPlan:
    name: str
    situations: list


@dataclass
class ItemPlan:
    department: str  # short name
    name: str
    subs: list = field(default_factory=list)

    @property
    def featured(self):
        return FEATURED.get(self.name)


def item_names(rng, total=ITEMS_2023):
    """(department short name, item name) pairs in published order: the listed names, then
    combinations of real objects and acts until `total` distinct names exist."""
    chosen = {dept: list(names) for dept, names in ITEMS.items()}
    combos = [(dept, f"{obj}{act}") for dept, (objects, acts) in COMBINATIONS.items()
              for obj in objects for act in acts]
    rng.shuffle(combos)
    missing = total - sum(len(names) for names in chosen.values())
    if missing > len(combos):
        raise ValueError(f"演示数据的事项组合不足：还差 {missing - len(combos)} 项")
    for dept, name in combos[:max(missing, 0)]:
        chosen.setdefault(dept, []).append(name)
    order = {short: i for i, (_full, short) in enumerate(DEPARTMENTS)}
    pairs = [(dept, name) for dept in sorted(chosen, key=order.__getitem__) for name in chosen[dept]]
    return pairs[:total]


def _allocate(rng, count, total, low, high, weights):
    """`count` integers in [low, high] drawn by weights, then nudged one by one to sum to `total`."""
    values = rng.choices(range(low, high + 1), weights=weights, k=count)
    while sum(values) != total:
        i = rng.randrange(count)
        if sum(values) > total and values[i] > low:
            values[i] -= 1
        elif sum(values) < total and values[i] < high:
            values[i] += 1
    return values


def catalogue_plan(seed=2023, *, items=ITEMS_2023, sub_items=SUB_ITEMS_2023, handling_items=HANDLING_ITEMS_2023):
    """The 2023 edition's structure; featured items keep their written-out sub-items and situations."""
    rng = random.Random(seed)
    plans = [ItemPlan(dept, name) for dept, name in item_names(rng, items)]
    featured = [p for p in plans if p.featured]
    others = [p for p in plans if not p.featured]
    for plan in featured:
        plan.subs = [SubPlan(name, list(plan.featured["situations"])) for name in plan.featured["subs"]]
    fixed_subs = sum(len(p.subs) for p in featured)
    fixed_handlings = sum(len(s.situations) for p in featured for s in p.subs)
    sub_counts = _allocate(rng, len(others), sub_items - fixed_subs, 1, 6, [22, 18, 25, 18, 10, 7])
    for plan, count in zip(others, sub_counts):
        if count == 1:
            names = [plan.name]
        else:
            categories = SUB_CATEGORIES.get(plan.department, DEFAULT_CATEGORIES)
            names = [f"{plan.name}（{category}）" for category in categories[:count]]
        plan.subs = [SubPlan(name, []) for name in names]
    subs = [s for p in others for s in p.subs]
    handling_counts = _allocate(rng, len(subs), handling_items - fixed_handlings, 1, 4, [70, 18, 8, 4])
    for sub, count in zip(subs, handling_counts):
        sub.situations = SITUATION_ORDER[:count]
    return plans
