"""Demo data of 互动交流: the 2024-2025 holiday calendar and a year (2024) of messages and ratings."""
import datetime
import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from permits.models import Department, HandlingItem
from permits.catalogue.selectors.catalogue import published_permit_catalogue

from .calendar import working_days_after
from .crypto import digest
from .models import Holiday, Message, MessageStep, Rating, RatingCase
from .services.messages import _content_digest, new_code

# (first day, last day, name) off, and the weekend days worked instead (国务院办公厅 notices).
HOLIDAYS = [
    ("2024-01-01", "2024-01-01", "元旦"), ("2024-02-10", "2024-02-17", "春节"), ("2024-04-04", "2024-04-06", "清明节"),
    ("2024-05-01", "2024-05-05", "劳动节"), ("2024-06-10", "2024-06-10", "端午节"),
    ("2024-09-15", "2024-09-17", "中秋节"), ("2024-10-01", "2024-10-07", "国庆节"),
    ("2025-01-01", "2025-01-01", "元旦"), ("2025-01-28", "2025-02-04", "春节"), ("2025-04-04", "2025-04-06", "清明节"),
    ("2025-05-01", "2025-05-05", "劳动节"), ("2025-05-31", "2025-06-02", "端午节"),
    ("2025-10-01", "2025-10-08", "国庆节、中秋节"),
]
WORKDAYS = [("2024-02-04", "春节调休"), ("2024-02-18", "春节调休"), ("2024-04-07", "清明节调休"),
            ("2024-04-28", "劳动节调休"), ("2024-05-11", "劳动节调休"), ("2024-09-14", "中秋节调休"),
            ("2024-09-29", "国庆节调休"), ("2024-10-12", "国庆节调休"), ("2025-01-26", "春节调休"),
            ("2025-02-08", "春节调休"), ("2025-04-27", "劳动节调休"), ("2025-09-28", "国庆节调休"),
            ("2025-10-11", "国庆节调休")]

TOPICS = {
    Message.Kind.CONSULT: ("食品经营许可需要准备哪些材料", "个体工商户变更经营场所如何办理", "建筑工程施工许可的办理时限",
                           "药品零售许可能否网上办理"),
    Message.Kind.SUGGEST: ("建议延长市民中心周末服务时间", "建议增加自助打印设备", "建议办事指南增加材料样表"),
    Message.Kind.COMPLAIN: ("窗口工作人员解释不清", "网上申报系统多次提交失败"),
    Message.Kind.UNRESOLVED: ("跨部门材料重复提交办不成", "异地证明无法线上核验"),
}
REPLY = "您好！您反映的问题已收悉。经核实，相关事项可通过江西政务服务网或市民中心窗口办理，具体材料以办事指南为准。感谢您的关注和支持！"


def seed_holidays():
    rows = []
    for first, last, name in HOLIDAYS:
        day, end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
        while day <= end:
            if day.weekday() < 5:  # weekends are days off anyway
                rows.append(Holiday(date=day, name=name, is_workday=False))
            day += datetime.timedelta(days=1)
    rows += [Holiday(date=datetime.date.fromisoformat(d), name=n, is_workday=True) for d, n in WORKDAYS]
    Holiday.objects.bulk_create(rows, ignore_conflicts=True)


@transaction.atomic
def seed_interact(*, year=2024, log=lambda message: None):
    seed_holidays()
    if Message.objects.filter(received_at__year=year).exists():
        return
    rng = random.Random(year)
    departments = list(Department.objects.order_by("order", "pk")[:12])
    if not departments:
        return
    tz = timezone.get_current_timezone()
    messages, steps = [], []
    for n in range(144):
        kind = (Message.Kind.CONSULT, Message.Kind.CONSULT, Message.Kind.SUGGEST, Message.Kind.COMPLAIN,
                Message.Kind.UNRESOLVED, Message.Kind.CONSULT)[n % 6]
        received = datetime.datetime(year, n // 12 + 1, 1 + (n * 7) % 27, 9 + n % 8, (n * 13) % 60, tzinfo=tz)
        day = received.date()
        due = working_days_after(day, settings.PORTAL_INTERACT_DEADLINES[kind])
        late = n % 17 == 0
        replied_on = working_days_after(day, settings.PORTAL_INTERACT_DEADLINES[kind] + 2 if late
                                        else rng.randint(1, settings.PORTAL_INTERACT_DEADLINES[kind]))
        replied = datetime.datetime.combine(replied_on, datetime.time(15, 30), tzinfo=tz)
        department = departments[n % len(departments)]
        topic = TOPICS[kind][n % len(TOPICS[kind])]
        content = f"{topic}？我在办理过程中遇到了问题，希望相关部门给予答复。（演示留言{n + 1}）"
        phone = f"139{year % 100:02d}{n:06d}"
        messages.append(Message(
            code=new_code(), kind=kind, title=topic, content=content, name=f"演示{n + 1}号", phone=phone,
            phone_digest=digest(phone), content_digest=_content_digest(topic, content), publish_ok=n % 3 != 0,
            status=Message.Status.CLOSED, department=department, received_at=received, due_on=due,
            reply=REPLY, replied_at=replied, reply_department=department, reply_approved=True,
            closed_at=replied, forwarded_12345=n % 10 == 0, work_order_no=f"12345-{year}-{n:05d}" if n % 10 == 0 else "",
        ))
    Message.objects.bulk_create(messages)
    for m in messages:
        steps += [MessageStep(message=m, action="提交", note="留言已受理"),
                  MessageStep(message=m, action="分派", department=m.department),
                  MessageStep(message=m, action="答复", department=m.department),
                  MessageStep(message=m, action="办结", department=m.department)]
    MessageStep.objects.bulk_create(steps)
    edition = published_permit_catalogue()
    # By the edition's own (edition, code) index: a join on the status scanned every row on PostgreSQL.
    handlings = [] if edition is None else list(
        HandlingItem.objects.filter(edition=edition).order_by("code").select_related("sub_item__item__department")[:20])
    ratings, cases = [], []
    levels = [5] * 14 + [4] * 4 + [3] + [2]  # one 差评 in twenty
    for n in range(400):
        handling = handlings[n % len(handlings)] if handlings else None
        if handling is None:
            break
        created = datetime.datetime(year, n % 12 + 1, 1 + n % 28, 10, n % 60, tzinfo=tz)
        level = levels[n % len(levels)]
        ratings.append(Rating(service_code=handling.code, service_name=handling.name,
                              department=handling.sub_item.item.department, level=level,
                              efficiency=level if n % 2 else None, attitude=level if n % 3 else None,
                              comment="" if level > 2 else "等待时间较长", created_at=created,
                              rated_on=created.date(), browser_digest=digest(f"demo-{n}")))
    Rating.objects.bulk_create(ratings)
    for rating in ratings:
        if rating.level <= 2:
            answered = datetime.datetime.combine(working_days_after(rating.rated_on, 5), datetime.time(10),
                                                 tzinfo=tz)
            cases.append(RatingCase(rating=rating, department=rating.department, status=RatingCase.Status.CLOSED,
                                    due_on=working_days_after(rating.rated_on, settings.PORTAL_INTERACT_CASE_DAYS),
                                    rectification="已对窗口人员开展业务培训，优化叫号流程。", answer="已电话答复评价人。",
                                    answered_at=answered, callback_at=answered, callback_satisfied=True,
                                    callback_note="回访时评价人表示满意。"))
    RatingCase.objects.bulk_create(cases)
    log(f"已生成{year}年互动交流留言{len(messages)}条、好差评{len(ratings)}条")
