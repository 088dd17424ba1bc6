"""The municipal departments of Xinyu (full name, short name), in the order published lists use."""
from permits.models import Department

DEPARTMENTS = [
    ("新余市发展和改革委员会", "市发展改革委"),
    ("新余市教育局", "市教育局"),
    ("新余市科学技术局", "市科技局"),
    ("新余市工业和信息化局", "市工信局"),
    ("新余市民族宗教事务局", "市民宗局"),
    ("新余市公安局", "市公安局"),
    ("新余市民政局", "市民政局"),
    ("新余市司法局", "市司法局"),
    ("新余市财政局", "市财政局"),
    ("新余市人力资源和社会保障局", "市人社局"),
    ("新余市自然资源局", "市自然资源局"),
    ("新余市生态环境局", "市生态环境局"),
    ("新余市住房和城乡建设局", "市住建局"),
    ("新余市城市管理局", "市城管局"),
    ("新余市交通运输局", "市交通运输局"),
    ("新余市水利局", "市水利局"),
    ("新余市农业农村局", "市农业农村局"),
    ("新余市商务局", "市商务局"),
    ("新余市文化广电新闻出版旅游局", "市文广新旅局"),
    ("新余市卫生健康委员会", "市卫健委"),
    ("新余市退役军人事务局", "市退役军人事务局"),
    ("新余市应急管理局", "市应急管理局"),
    ("新余市审计局", "市审计局"),
    ("新余市人民政府国有资产监督管理委员会", "市国资委"),
    ("新余市市场监督管理局", "市市场监管局"),
    ("新余市体育局", "市体育局"),
    ("新余市统计局", "市统计局"),
    ("新余市医疗保障局", "市医保局"),
    ("新余市林业局", "市林业局"),
    ("新余市行政审批局", "市行政审批局"),
    ("新余市人民防空办公室", "市人防办"),
    ("新余市气象局", "市气象局"),
    ("新余市烟草专卖局", "市烟草专卖局"),
    ("新余市消防救援支队", "市消防救援支队"),
    ("国家税务总局新余市税务局", "市税务局"),
    ("新余市邮政管理局", "市邮政管理局"),
    ("新余市档案馆", "市档案馆"),
    ("新余市地震局", "市地震局"),
    ("新余市供销合作社联合社", "市供销社"),
    ("新余市机关事务管理局", "市机关事务局"),
    ("新余市数据局", "市数据局"),
]


def seed_departments(city):
    """Create missing departments by name; returns {short name: Department}."""
    existing = {d.name: d for d in Department.objects.all()}
    new = [
        Department(name=name, short_name=short, region=city, order=order)
        for order, (name, short) in enumerate(DEPARTMENTS, start=1)
        if name not in existing
    ]
    Department.objects.bulk_create(new)
    by_name = {d.name: d for d in Department.objects.filter(name__in=[n for n, _ in DEPARTMENTS])}
    return {short: by_name[name] for name, short in DEPARTMENTS}
