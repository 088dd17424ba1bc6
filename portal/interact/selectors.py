"""Reads of 互动交流 and 好差评. Public reads never select names or phones."""
import hmac
from collections import defaultdict

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from permits.catalogue import rules
from permits.kernel.chinese import percent_text
from permits.kernel.params import param_int
from permits.models import Department, HandlingItem, OneThing, PermitItem
from permits.catalogue.selectors.catalogue import published_permit_catalogue

from .calendar import calendar_for, working_days_between
from .models import Message, Rating, RatingCase

SATISFIED_LEVELS = (Rating.Level.VERY_SATISFIED, Rating.Level.SATISFIED, Rating.Level.NEUTRAL)
SATISFACTION_MIN_RATINGS = 10
ONE_THING_PREFIX = "onething-"


def public_messages(*, q="", kind="", department=None):
    rows = Message.objects.published()
    if kind:
        rows = rows.filter(kind=kind)
    if department:
        rows = rows.filter(reply_department_id=department)
    for word in q.split()[:5]:
        rows = rows.filter(Q(title__icontains=word) | Q(content__icontains=word) | Q(reply__icontains=word))
    return rows.select_related("reply_department").only(
        "code", "kind", "title", "content", "service_name", "received_at", "replied_at", "reply",
        "reply_department__name", "reply_department__short_name").order_by("-replied_at", "-pk")


def public_message(code):
    return public_messages().filter(code=code).first()


def reply_departments():
    ids = Message.objects.published().values("reply_department_id")
    return list(Department.objects.filter(pk__in=ids).order_by("order", "pk").only("name"))


def tracked_message(code, last_four):
    """The message with this 查询码 when the phone ends in `last_four`; None otherwise (same answer)."""
    message = (Message.objects.filter(code=(code or "").strip().upper()).select_related("department")
               .prefetch_related("steps__department").first())
    if message is None or message.personal_data_erased or not message.phone:
        return None
    return message if hmac.compare_digest(message.phone[-4:], last_four or "") else None


def _month(value):
    local = timezone.localtime(value)
    return f"{local:%Y-%m}"


def message_stats(year=None):
    """Per month (and per department): received, answered, answered on time, mean working days."""
    rows = Message.objects.filter(merged_into__isnull=True)
    if year:
        rows = rows.filter(received_at__year=year)
    rows = list(rows.values("received_at", "replied_at", "due_on", "reply_department__name",
                            "department__name"))
    if not rows:
        return {"months": [], "departments": [], "total": _bucket()}
    start = min(timezone.localdate(r["received_at"]) for r in rows)
    end = max([timezone.localdate(r["replied_at"]) for r in rows if r["replied_at"]] + [start])
    calendar = calendar_for(start, end)
    months, departments, total = defaultdict(_bucket), defaultdict(_bucket), _bucket()
    for r in rows:
        name = r["reply_department__name"] or r["department__name"] or "未分派"
        for bucket in (months[_month(r["received_at"])], departments[name], total):
            _count(bucket, r, calendar)
    return {
        "months": [dict(_finish(b), month=m) for m, b in sorted(months.items())],
        "departments": [dict(_finish(b), department=d) for d, b in sorted(departments.items(),
                                                                          key=lambda x: -x[1]["received"])],
        "total": _finish(total),
    }


def _bucket():
    return {"received": 0, "answered": 0, "on_time": 0, "days": 0}


def _count(bucket, row, calendar):
    bucket["received"] += 1
    if row["replied_at"]:
        replied = timezone.localdate(row["replied_at"])
        bucket["answered"] += 1
        bucket["on_time"] += replied <= row["due_on"]
        bucket["days"] += working_days_between(timezone.localdate(row["received_at"]), replied, calendar)


def _finish(bucket):
    answered = bucket["answered"]
    return {**bucket, "average_days": round(bucket["days"] / answered, 1) if answered else None,
            "on_time_rate": bucket["on_time"] / answered if answered else None}


def satisfaction(service_code):
    """(count, satisfied share) of a service's ratings; share is None below 10 ratings. Cached until the next one."""
    key = f"interact:satisfaction:{service_code}"
    found = cache.get(key)
    if found is None:
        counts = Rating.objects.filter(service_code=service_code).aggregate(
            total=Count("pk"), good=Count("pk", filter=Q(level__in=SATISFIED_LEVELS)))
        found = (counts["total"], counts["good"])
        cache.set(key, found, 24 * 60 * 60)
    total, good = found
    rate = good / total if total >= SATISFACTION_MIN_RATINGS else None
    return {"count": total, "rate": rate, "percent": percent_text(rate)}


def find_service(code):
    """(code, name, department) of the service a `?service=` names: a handling item or item of the
    published permit list, or a one-thing as onething-<id>; None when it names nothing."""
    code = (code or "").strip()
    if not code or len(code) > 40:
        return None
    if code.startswith(ONE_THING_PREFIX):
        pk = code.removeprefix(ONE_THING_PREFIX)
        pk = param_int(pk)
        bundle = OneThing.objects.filter(pk=pk).prefetch_related("departments").first() if pk else None
        if bundle is None:
            return None
        departments = list(bundle.departments.all())
        return code, bundle.name, departments[0] if departments else None
    # Only well-formed codes reach the database (NUL bytes and the like are simply "no such service").
    if not (rules.is_handling_code(code) or rules.is_item_code(code)):
        return None
    edition = published_permit_catalogue()
    if edition is None:
        return None
    handling = HandlingItem.objects.filter(edition=edition, code=code).select_related(
        "sub_item__item__department").first()
    if handling is not None:
        return code, handling.name, handling.sub_item.item.department
    item = PermitItem.objects.filter(edition=edition, code=code).select_related("department").first()
    if item is not None:
        return code, item.name, item.department
    return None


def figures_of_year(year):
    """The 互动交流 and 好差评 numbers of a year, for the report's figure registry."""
    messages = Message.objects.filter(received_at__year=year, merged_into__isnull=True)
    counts = messages.aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(replied_at__isnull=False)),
        unresolved=Count("pk", filter=Q(kind=Message.Kind.UNRESOLVED)),
        unresolved_handled=Count("pk", filter=Q(kind=Message.Kind.UNRESOLVED, replied_at__isnull=False)),
    )
    on_time = sum(1 for r in messages.filter(replied_at__isnull=False).values("replied_at", "due_on")
                  if timezone.localdate(r["replied_at"]) <= r["due_on"])
    ratings = Rating.objects.filter(created_at__year=year).aggregate(
        total=Count("pk"), good=Count("pk", filter=Q(level__in=SATISFIED_LEVELS)))
    cases = RatingCase.objects.filter(rating__created_at__year=year).aggregate(
        total=Count("pk"), done=Count("pk", filter=~Q(status=RatingCase.Status.OPEN)))
    # A year without any message (or rating) is missing data, not zero: the channel was not in use.
    if not counts["received"]:
        counts = dict.fromkeys(counts)
    if not ratings["total"]:
        ratings, cases = dict.fromkeys(ratings), dict.fromkeys(cases)
    return {
        "messages_received": counts["received"],
        "messages_answered": counts["answered"],
        "messages_on_time_rate": on_time / counts["answered"] if counts["answered"] else None,
        "unresolved_received": counts["unresolved"],
        "unresolved_handled": counts["unresolved_handled"],
        "ratings": ratings["total"],
        "satisfaction_rate": ratings["good"] / ratings["total"] if ratings["total"] else None,
        "bad_ratings_rectified": cases["done"],
    }
