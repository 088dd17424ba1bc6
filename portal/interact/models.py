"""Messages (咨询/建议/投诉/办不成事反映), ratings (好差评) with their 差评 cases, and the holiday calendar."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from permits.models import Department
from portal.interact.crypto import PersonalCharField


class Holiday(models.Model):
    """A day off on a weekday (法定节假日), or a weekend day worked instead (调休上班)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("调休上班"), default=False,
                                     help_text=_("勾选表示该日为调休工作日（周末上班）；不勾选表示放假。"))
    name = models.CharField(_("名称"), max_length=50, blank=True)
    history = HistoricalRecords()

    class Meta:
        app_label = "portal"
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}{'（调休上班）' if self.is_workday else ''}"


class MessageQuerySet(models.QuerySet):
    def published(self):
        """Answered messages whose sender allowed publication and whose reply passed review."""
        return self.filter(publish_ok=True, reply_approved=True, merged_into__isnull=True,
                           status__in=[Message.Status.ANSWERED, Message.Status.CLOSED])

    def open(self):
        return self.filter(status__in=[Message.Status.NEW, Message.Status.ASSIGNED])


class Message(models.Model):
    class Kind(models.TextChoices):
        CONSULT = "consult", _("咨询")
        SUGGEST = "suggest", _("建议")
        COMPLAIN = "complain", _("投诉")
        UNRESOLVED = "unresolved", _("办不成事反映")

    class Status(models.TextChoices):
        NEW = "new", _("待分派")
        ASSIGNED = "assigned", _("办理中")
        ANSWERED = "answered", _("已答复")
        MERGED = "merged", _("已合并")
        CLOSED = "closed", _("已办结")

    code = models.CharField(_("查询码"), max_length=12, unique=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    service_code = models.CharField(_("涉及事项编码"), max_length=40, blank=True)
    service_name = models.CharField(_("涉及事项"), max_length=200, blank=True)
    title = models.CharField(_("标题"), max_length=60)
    content = models.TextField(_("内容"))
    # Encrypted at rest; shown only to staff of the assigned department (portal.interact.admin).
    name = PersonalCharField(_("姓名"), max_length=200, blank=True, null=True)
    phone = PersonalCharField(_("手机号码"), max_length=200, blank=True, null=True)
    phone_digest = models.CharField(_("手机号摘要"), max_length=64, blank=True, db_index=True, editable=False)
    content_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    publish_ok = models.BooleanField(_("同意公开"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.NEW,
                              db_index=True)
    department = models.ForeignKey(Department, verbose_name=_("承办部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="messages")
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    due_on = models.DateField(_("答复期限"), db_index=True)
    reply = models.TextField(_("答复内容"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    reply_department = models.ForeignKey(Department, verbose_name=_("答复部门"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    reply_approved = models.BooleanField(_("答复已审核"), default=False)
    reply_reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True,
                                          blank=True, on_delete=models.SET_NULL, related_name="+")
    merged_into = models.ForeignKey("self", verbose_name=_("合并到"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged")
    forwarded_12345 = models.BooleanField(_("已转12345"), default=False)
    work_order_no = models.CharField(_("12345工单号"), max_length=40, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    overdue_notified_on = models.DateField(null=True, blank=True, editable=False)
    personal_data_erased = models.BooleanField(_("个人信息已删除"), default=False)
    # Personal data stays out of the history tables: retention deletes it in one place.
    history = HistoricalRecords(excluded_fields=["name", "phone", "phone_digest", "content_digest"])

    objects = MessageQuerySet.as_manager()

    class Meta:
        app_label = "portal"
        verbose_name = _("互动交流留言")
        verbose_name_plural = _("互动交流留言")
        ordering = ["due_on", "-received_at"]

    def __str__(self):
        return f"{self.code} {self.title}"


class MessageStep(models.Model):
    """One step of a message's handling, as the sender may read it on the tracking page."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    action = models.CharField(_("环节"), max_length=20)
    department = models.ForeignKey(Department, verbose_name=_("部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("说明"), max_length=300, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")

    class Meta:
        app_label = "portal"
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class Rating(models.Model):
    class Level(models.IntegerChoices):
        VERY_SATISFIED = 5, _("非常满意")
        SATISFIED = 4, _("满意")
        NEUTRAL = 3, _("基本满意")
        DISSATISFIED = 2, _("不满意")
        VERY_DISSATISFIED = 1, _("非常不满意")

    service_code = models.CharField(_("服务编码"), max_length=40, db_index=True)
    service_name = models.CharField(_("服务名称"), max_length=200)
    department = models.ForeignKey(Department, verbose_name=_("部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="ratings")
    level = models.PositiveSmallIntegerField(_("评价"), choices=Level.choices)
    efficiency = models.PositiveSmallIntegerField(_("办事效率"), choices=Level.choices, null=True, blank=True)
    accuracy = models.PositiveSmallIntegerField(_("指南准确"), choices=Level.choices, null=True, blank=True)
    convenience = models.PositiveSmallIntegerField(_("办事便捷"), choices=Level.choices, null=True, blank=True)
    attitude = models.PositiveSmallIntegerField(_("服务态度"), choices=Level.choices, null=True, blank=True)
    comment = models.TextField(_("评价内容"), blank=True)
    created_at = models.DateTimeField(_("评价时间"), db_index=True)
    browser_digest = models.CharField(max_length=64, editable=False)
    rated_on = models.DateField(editable=False)

    class Meta:
        app_label = "portal"
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")
        ordering = ["-created_at"]
        constraints = [
            # One rating per service per browser per day, whatever the race.
            models.UniqueConstraint(fields=["service_code", "browser_digest", "rated_on"],
                                    name="rating_once_per_day"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="rating_level_range"),
        ]

    def __str__(self):
        return f"{self.service_name} {self.get_level_display()}"


class RatingCase(models.Model):
    """A 差评 to be 整改 and answered within 15 working days, closed after a 回访."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        RECTIFIED = "rectified", _("已整改答复")
        CLOSED = "closed", _("已回访办结")

    rating = models.OneToOneField(Rating, verbose_name=_("差评"), on_delete=models.PROTECT, related_name="case")
    department = models.ForeignKey(Department, verbose_name=_("责任部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="rating_cases")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    due_on = models.DateField(_("整改期限"))
    rectification = models.TextField(_("整改情况"), blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    callback_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    callback_satisfied = models.BooleanField(_("回访满意"), null=True, blank=True)
    callback_note = models.TextField(_("回访记录"), blank=True)
    history = HistoricalRecords()

    class Meta:
        app_label = "portal"
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        ordering = ["due_on", "id"]

    def __str__(self):
        return f"{self.rating.service_name} {self.get_status_display()}"
