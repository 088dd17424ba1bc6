"""E-mail to the staff of a department: a message assigned to them, or one about to be overdue."""
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from permits.kernel.access.audit import audit_record
from portal.interact.calendar import working_days_between
from portal.interact.models import Message


def department_staff_emails(department):
    if department is None:
        return []
    users = get_user_model().objects.filter(is_active=True, is_staff=True,
                                            staff_profile__departments=department).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _send(message, subject, body):
    recipients = department_staff_emails(message.department)
    if recipients:
        send_mass_mail([(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients])
    return len(recipients)


def notify_assigned(message):
    # No name or phone in the mail: it leaves the system.
    subject = _("【互动交流】新留言待办理：%(code)s") % {"code": message.code}
    body = _("%(dept)s：\n\n留言“%(title)s”（%(kind)s，查询码 %(code)s）已分派给贵单位，"
             "请于 %(due)s 前答复。\n\n请登录管理后台“互动交流留言”办理。") % {
        "dept": message.department.name, "title": message.title, "kind": message.get_kind_display(),
        "code": message.code, "due": f"{message.due_on:%Y年%m月%d日}"}
    return _send(message, subject, body)


def overdue_notify(*, today=None, warn_days=None):
    """Warn departments of open messages due within `warn_days` working days (once a day each)."""
    today = today or timezone.localdate()
    warn_days = settings.PORTAL_INTERACT_WARN_DAYS if warn_days is None else warn_days
    horizon = today + datetime.timedelta(days=warn_days * 3 + 14)
    sent = 0
    candidates = (Message.objects.open().filter(department__isnull=False, due_on__lte=horizon)
                  .exclude(overdue_notified_on=today).select_related("department"))
    for message in candidates:
        left = working_days_between(today, message.due_on) if message.due_on > today else 0
        if left > warn_days:
            continue
        state = _("已超期") if message.due_on < today else _("即将到期")
        subject = _("【互动交流】留言%(state)s：%(code)s") % {"state": state, "code": message.code}
        body = _("%(dept)s：\n\n留言“%(title)s”（查询码 %(code)s）答复期限为 %(due)s，%(state)s，请尽快答复。") % {
            "dept": message.department.name, "title": message.title, "code": message.code,
            "due": f"{message.due_on:%Y年%m月%d日}", "state": state}
        if _send(message, subject, body):
            sent += 1
        Message.objects.filter(pk=message.pk).update(overdue_notified_on=today)
    audit_record("msg_overdue", None, None, {"提醒条数": sent, "日期": today.isoformat()})
    return sent
