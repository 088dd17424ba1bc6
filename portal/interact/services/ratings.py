"""好差评: one rating per service per browser per day; a 差评 opens a case to 整改 within 15 working days."""
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from permits.kernel.access.audit import audit_record
from portal.interact.calendar import working_days_after
from portal.interact.crypto import digest
from portal.interact.models import Rating, RatingCase

from .messages import WorkflowError
from .text import plain_text

BAD_LEVELS = (Rating.Level.DISSATISFIED, Rating.Level.VERY_DISSATISFIED)


class AlreadyRated(Exception):
    pass


def satisfaction_cache_key(service_code):
    return f"interact:satisfaction:{service_code}"


def rating_submit(*, service_code, service_name, department, level, browser, comment="", dimensions=None,
                  now=None):
    now = now or timezone.now()
    dimensions = dimensions or {}
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                service_code=service_code, service_name=service_name[:200], department=department, level=level,
                comment=plain_text(comment), created_at=now, rated_on=timezone.localdate(now),
                browser_digest=digest(f"rating:{browser}"),
                **{name: dimensions.get(name) for name in ("efficiency", "accuracy", "convenience", "attitude")},
            )
            if level in BAD_LEVELS:
                RatingCase.objects.create(
                    rating=rating, department=department,
                    due_on=working_days_after(timezone.localdate(now), settings.PORTAL_INTERACT_CASE_DAYS),
                )
    except IntegrityError:
        raise AlreadyRated(_("今天已评价过该服务，感谢参与。"))
    cache.delete(satisfaction_cache_key(service_code))
    return rating


@transaction.atomic
def rating_case_answer(case, *, rectification, answer, user, now=None):
    case = RatingCase.objects.select_for_update().get(pk=case.pk)
    if case.status != RatingCase.Status.OPEN:
        raise WorkflowError(_("该差评已整改答复。"))
    rectification, answer = plain_text(rectification), plain_text(answer)
    if not rectification or not answer:
        raise WorkflowError(_("请填写整改情况和答复内容。"))
    case.rectification, case.answer, case.answered_at = rectification, answer, now or timezone.now()
    case.status = RatingCase.Status.RECTIFIED
    case.save(update_fields=["rectification", "answer", "answered_at", "status"])
    audit_record("case_answer", case, user, {"步骤": "整改答复"})
    return case


@transaction.atomic
def rating_case_callback(case, *, satisfied, note, user, now=None):
    """The 回访: the citizen was called back; the case is closed with what they said."""
    case = RatingCase.objects.select_for_update().get(pk=case.pk)
    if case.status != RatingCase.Status.RECTIFIED:
        raise WorkflowError(_("整改答复后才能回访。"))
    note = plain_text(note)
    if not note:
        raise WorkflowError(_("请填写回访记录。"))
    case.callback_at, case.callback_satisfied, case.callback_note = now or timezone.now(), bool(satisfied), note
    case.status = RatingCase.Status.CLOSED
    case.save(update_fields=["callback_at", "callback_satisfied", "callback_note", "status"])
    audit_record("case_callback", case, user, {"步骤": "回访", "满意": bool(satisfied)})
    return case
