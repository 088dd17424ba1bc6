"""The message workflow: new → assigned → answered (or transferred, or merged) → closed, every step audited."""
import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from permits.kernel.access.audit import audit_record
from portal.interact.calendar import working_days_after
from portal.interact.crypto import digest
from portal.interact.models import Message, MessageStep

from .text import plain_text

# No 0/O, 1/I/L: the code is read out on the phone and typed by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


class WorkflowError(Exception):
    """A step that does not fit the message's state; the message says why, in Chinese."""


class DuplicateMessage(Exception):
    def __init__(self, message):
        super().__init__(_("相同内容的留言已提交过，查询码 %(code)s。") % {"code": message.code})
        self.message = message


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def deadline_days(kind):
    return int(settings.PORTAL_INTERACT_DEADLINES[kind])


def _content_digest(title, content):
    folded = "".join((title + content).split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def _step(message, action, user=None, *, department=None, note="", audit_detail=None):
    MessageStep.objects.create(message=message, action=action, department=department or message.department,
                               note=note[:300], user=user if getattr(user, "is_authenticated", False) else None)
    # Never the sender's name or phone in the audit trail: it is kept longer than they are.
    audit_record(f"msg_{_ACTION_CODES[action]}", message, user,
                 {"步骤": action, "状态": message.get_status_display(), **(audit_detail or {})})


_ACTION_CODES = {"提交": "submit", "分派": "assign", "转办": "transfer", "答复": "answer", "审核通过": "approve",
                 "合并": "merge", "办结": "close", "转12345": "12345"}


def message_submit(*, kind, title, content, name, phone, publish_ok, service_code="", service_name="",
                   department=None, now=None):
    """Store a citizen's message; raises DuplicateMessage when the same phone sent the same text lately."""
    now = now or timezone.now()
    title, content = plain_text(title), plain_text(content)
    phone_digest, content_digest = digest(phone), _content_digest(title, content)
    since = now - datetime.timedelta(hours=settings.PORTAL_INTERACT_DUPLICATE_HOURS)
    earlier = (Message.objects.filter(content_digest=content_digest, received_at__gte=since)
               .filter(phone_digest=phone_digest).order_by("received_at").first())
    if earlier is not None:
        raise DuplicateMessage(earlier)
    received_on = timezone.localdate(now)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    code=new_code(), kind=kind, title=title, content=content, name=plain_text(name),
                    phone=phone, phone_digest=phone_digest, content_digest=content_digest,
                    publish_ok=bool(publish_ok), service_code=service_code, service_name=service_name[:200],
                    department=department, received_at=now,
                    due_on=working_days_after(received_on, deadline_days(kind)),
                    status=Message.Status.ASSIGNED if department else Message.Status.NEW,
                )
                _step(message, "提交", note=_("留言已受理"))
                return message
        except IntegrityError:  # the random code was taken: draw another
            continue
    raise WorkflowError(_("生成查询码失败，请稍后再试。"))


def _refresh(message):
    return Message.objects.select_for_update().get(pk=message.pk)


def _require(message, *statuses):
    if message.status not in statuses:
        raise WorkflowError(_("留言 %(code)s 当前为“%(status)s”，不能进行此操作。")
                            % {"code": message.code, "status": message.get_status_display()})


@transaction.atomic
def message_assign(message, department, user):
    message = _refresh(message)
    _require(message, Message.Status.NEW, Message.Status.ASSIGNED)
    message.department, message.status = department, Message.Status.ASSIGNED
    message.save(update_fields=["department", "status"])
    _step(message, "分派", user, note=_("分派至%(d)s") % {"d": department.name},
          audit_detail={"承办部门": department.name})
    from .notify import notify_assigned

    transaction.on_commit(lambda: notify_assigned(message))
    return message


@transaction.atomic
def message_transfer(message, department, user, *, reason=""):
    """Hand a message on to the department that is competent; its deadline does not restart."""
    message = _refresh(message)
    _require(message, Message.Status.ASSIGNED)
    previous = message.department
    if previous == department:
        raise WorkflowError(_("转办部门与当前承办部门相同。"))
    message.department = department
    message.save(update_fields=["department"])
    _step(message, "转办", user, note=(_("由%(a)s转%(b)s") % {"a": previous.name if previous else "—",
                                                            "b": department.name}) + (f"：{reason}" if reason else ""),
          audit_detail={"原部门": previous.name if previous else "", "新部门": department.name})
    from .notify import notify_assigned

    transaction.on_commit(lambda: notify_assigned(message))
    return message


@transaction.atomic
def message_answer(message, reply, user, *, now=None):
    """The department's reply; it becomes public only after review (message_reply_approve)."""
    message = _refresh(message)
    _require(message, Message.Status.ASSIGNED, Message.Status.ANSWERED)
    reply = plain_text(reply)
    if not reply:
        raise WorkflowError(_("答复内容不能为空。"))
    message.reply, message.replied_at = reply, now or timezone.now()
    message.reply_department, message.status = message.department, Message.Status.ANSWERED
    message.reply_approved, message.reply_reviewed_by = False, None
    message.save(update_fields=["reply", "replied_at", "reply_department", "status", "reply_approved",
                                "reply_reviewed_by"])
    _step(message, "答复", user)
    return message


@transaction.atomic
def message_reply_approve(message, user):
    message = _refresh(message)
    _require(message, Message.Status.ANSWERED, Message.Status.CLOSED)
    if not message.reply:
        raise WorkflowError(_("尚未答复，不能审核。"))
    if message.steps.filter(action="答复", user=user).exists() and not user.is_superuser:
        raise WorkflowError(_("答复人不能审核自己的答复。"))
    message.reply_approved, message.reply_reviewed_by = True, user
    message.save(update_fields=["reply_approved", "reply_reviewed_by"])
    _step(message, "审核通过", user)
    return message


@transaction.atomic
def message_merge(message, into, user):
    """A repeat of another message: it is closed and points to the one that is answered."""
    message = _refresh(message)
    _require(message, Message.Status.NEW, Message.Status.ASSIGNED)
    if into.pk == message.pk or into.merged_into_id:
        raise WorkflowError(_("不能合并到自身或已合并的留言。"))
    message.merged_into, message.status, message.closed_at = into, Message.Status.MERGED, timezone.now()
    message.save(update_fields=["merged_into", "status", "closed_at"])
    _step(message, "合并", user, note=_("与 %(code)s 合并办理") % {"code": into.code},
          audit_detail={"合并到": into.code})
    return message


@transaction.atomic
def message_close(message, user):
    message = _refresh(message)
    _require(message, Message.Status.ANSWERED)
    message.status, message.closed_at = Message.Status.CLOSED, timezone.now()
    message.save(update_fields=["status", "closed_at"])
    _step(message, "办结", user)
    return message


@transaction.atomic
def message_forward_12345(message, work_order_no, user):
    message = _refresh(message)
    work_order_no = plain_text(work_order_no)[:40]
    if not work_order_no:
        raise WorkflowError(_("请填写12345工单号。"))
    message.forwarded_12345, message.work_order_no = True, work_order_no
    message.save(update_fields=["forwarded_12345", "work_order_no"])
    _step(message, "转12345", user, note=_("12345工单号：%(n)s") % {"n": work_order_no},
          audit_detail={"工单号": work_order_no})
    return message


def personal_data_purge(*, years=None, now=None, user=None):
    """Erase names and phones of messages received longer ago than the retention period."""
    years = settings.PORTAL_INTERACT_RETENTION_YEARS if years is None else years
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=round(365.25 * years))
    stale = Message.objects.filter(received_at__lt=cutoff, personal_data_erased=False)
    count = stale.update(name=None, phone=None, phone_digest="", personal_data_erased=True)
    audit_record("msg_purge", None, user, {"删除个人信息条数": count, "早于": cutoff.isoformat()})
    return count
