"""Staff workflow in the admin: the queue with overdue messages first (red), one step per save, and the
差评 cases. Names and phones appear only to staff of the assigned department."""
from django import forms
from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from permits.kernel.admin.base import ScopedAdmin
from permits.kernel.exporting import write_csv
from permits.models import Department
from permits.kernel.access.roles import can_publish
from permits.kernel.access.scope import user_departments
from permits.kernel.access.audit import audit_record

from . import services
from .models import Holiday, Message, MessageStep, Rating, RatingCase

STEPS = (
    ("", _("（仅查看，不办理）")),
    ("assign", _("分派到部门")),
    ("transfer", _("转办其他部门")),
    ("answer", _("填写答复")),
    ("approve", _("审核通过答复")),
    ("merge", _("合并到另一留言")),
    ("close", _("办结")),
    ("forward", _("标记已转12345")),
)
# Which step fits which status; the services check again under a row lock.
ALLOWED = {
    "assign": (Message.Status.NEW,), "transfer": (Message.Status.ASSIGNED,),
    "answer": (Message.Status.ASSIGNED, Message.Status.ANSWERED), "approve": (Message.Status.ANSWERED,),
    "merge": (Message.Status.NEW, Message.Status.ASSIGNED), "close": (Message.Status.ANSWERED,),
    "forward": tuple(Message.Status.values),
}
# Steps of the bureau's 审核发布 staff; departments answer, transfer and record 12345 work orders.
REVIEWER_STEPS = ("assign", "approve", "merge", "close")
EXPORT_COLUMNS = (("code", "查询码"), ("get_kind_display", "类型"), ("service_name", "涉及事项"), ("title", "标题"),
                  ("content", "内容"), ("get_status_display", "状态"), ("department", "承办部门"),
                  ("received_at", "受理时间"), ("due_on", "答复期限"), ("replied_at", "答复时间"),
                  ("reply", "答复内容"), ("work_order_no", "12345工单号"))


class NoAddOrDelete:
    """Citizens write these rows and the services change them; staff never add or delete one."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnly(NoAddOrDelete):
    def has_change_permission(self, request, obj=None):
        return False


def deadline_cell(due_on, still_open):
    """The deadline, in red with 已超期 once an open one has passed."""
    if still_open and due_on < timezone.localdate():
        return format_html('<strong class="overdue" style="color:#c00">{}（{}）</strong>', f"{due_on:%Y-%m-%d}",
                           _("已超期"))
    return f"{due_on:%Y-%m-%d}"


def sees_personal_data(user, message):
    """Only staff limited to the message's department see who wrote it."""
    ids = user_departments(user)
    return bool(ids) and message.department_id in ids


class MessageStepForm(forms.ModelForm):
    step = forms.ChoiceField(label=_("办理操作"), choices=STEPS, required=False)
    target_department = forms.ModelChoiceField(label=_("分派/转办部门"), queryset=Department.objects.all(),
                                               required=False)
    reply_text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 6}), required=False,
                                 max_length=5000)
    merge_code = forms.CharField(label=_("合并到的查询码"), max_length=12, required=False)
    work_order = forms.CharField(label=_("12345工单号"), max_length=40, required=False)
    note = forms.CharField(label=_("转办原因"), max_length=200, required=False)

    class Meta:
        model = Message
        fields = ()

    def clean(self):
        data = super().clean()
        step, message = data.get("step"), self.instance
        if not step:
            return data
        if step in REVIEWER_STEPS and not (can_publish(self.user) or self.user.is_superuser):
            raise forms.ValidationError(_("“%(step)s”须由审核发布人员办理。") % {"step": dict(STEPS)[step]})
        if message.status not in ALLOWED[step]:
            raise forms.ValidationError(_("留言当前为“%(s)s”，不能“%(step)s”。") % {
                "s": message.get_status_display(), "step": dict(STEPS)[step]})
        if step in ("assign", "transfer") and not data.get("target_department"):
            self.add_error("target_department", _("请选择部门。"))
        if step == "answer" and not (data.get("reply_text") or "").strip():
            self.add_error("reply_text", _("请填写答复内容。"))
        if step == "forward" and not (data.get("work_order") or "").strip():
            self.add_error("work_order", _("请填写12345工单号。"))
        if step == "merge":
            into = Message.objects.filter(code=(data.get("merge_code") or "").strip().upper()).first()
            if into is None or into.pk == message.pk:
                self.add_error("merge_code", _("没有找到该查询码的其他留言。"))
            data["merge_into"] = into
        return data


class MessageStepInline(ReadOnly, admin.TabularInline):
    model = MessageStep
    fields = ("at", "action", "department", "user", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Message)
class MessageAdmin(NoAddOrDelete, ScopedAdmin):
    department_lookup = "department"
    status_lookup = None
    form = MessageStepForm
    inlines = [MessageStepInline]
    list_display = ("code", "kind", "title", "department", "status", "deadline", "received_at", "forwarded_12345",
                    "public_state")
    list_filter = ("status", "kind", "forwarded_12345", "reply_approved", "department")
    search_fields = ("code", "title", "work_order_no")
    list_select_related = ("department",)
    list_per_page = 50
    actions = ["export_csv"]
    readonly_fields = ("code", "kind", "service_code", "service_name", "title", "content", "sender_name",
                       "sender_phone", "publish_ok", "status", "department", "received_at", "due_on",
                       "reply", "replied_at", "reply_department", "reply_approved", "reply_reviewed_by",
                       "merged_into", "forwarded_12345", "work_order_no", "closed_at")
    fieldsets = (
        (_("留言"), {"fields": ("code", "kind", "service_name", "title", "content", "publish_ok",
                               "sender_name", "sender_phone")}),
        (_("办理"), {"fields": ("status", "department", "received_at", "due_on", "reply", "replied_at",
                               "reply_department", "reply_approved", "reply_reviewed_by", "merged_into",
                               "forwarded_12345", "work_order_no", "closed_at")}),
        (_("本次办理"), {"fields": ("step", "target_department", "reply_text", "note", "merge_code",
                                 "work_order")}),
    )

    def get_queryset(self, request):
        today = timezone.localdate()
        # Overdue open messages first, then by deadline.
        return super().get_queryset(request).annotate(overdue_rank=Case(
            When(status__in=[Message.Status.NEW, Message.Status.ASSIGNED], due_on__lt=today, then=Value(0)),
            default=Value(1), output_field=IntegerField())).order_by("overdue_rank", "due_on", "-received_at")

    @admin.display(description=_("答复期限"), ordering="due_on")
    def deadline(self, obj):
        return deadline_cell(obj.due_on, obj.status in (Message.Status.NEW, Message.Status.ASSIGNED))

    @admin.display(description=_("公开"))
    def public_state(self, obj):
        if not obj.publish_ok:
            return _("不公开")
        return _("已公开") if obj.reply_approved else _("待审核")

    @admin.display(description=_("姓名"))
    def sender_name(self, obj):
        return _("（仅承办部门可见）")

    @admin.display(description=_("手机号码"))
    def sender_phone(self, obj):
        return _("（仅承办部门可见）")

    def _personal(self, request, obj):
        """The decrypted fields for the assigned department's staff, placeholders for everyone else."""
        if obj is not None and sees_personal_data(request.user, obj):
            return {"sender_name": "name", "sender_phone": "phone"}
        return {}

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def get_readonly_fields(self, request, obj=None):
        swap = self._personal(request, obj)
        return tuple(swap.get(f, f) for f in super().get_readonly_fields(request, obj))

    def get_fieldsets(self, request, obj=None):
        swap = self._personal(request, obj)
        return [(title, {**opts, "fields": tuple(swap.get(f, f) for f in opts["fields"])})
                for title, opts in super().get_fieldsets(request, obj)]

    def save_model(self, request, obj, form, change):
        data, user = form.cleaned_data, request.user
        step = data.get("step")
        try:
            if step == "assign":
                services.message_assign(obj, data["target_department"], user)
            elif step == "transfer":
                services.message_transfer(obj, data["target_department"], user, reason=data.get("note", ""))
            elif step == "answer":
                services.message_answer(obj, data["reply_text"], user)
            elif step == "approve":
                services.message_reply_approve(obj, user)
            elif step == "merge":
                services.message_merge(obj, data["merge_into"], user)
            elif step == "close":
                services.message_close(obj, user)
            elif step == "forward":
                services.message_forward_12345(obj, data["work_order"], user)
        except services.WorkflowError as error:
            messages.error(request, str(error))

    def save_related(self, request, form, formsets, change):
        pass  # steps are written by the services only

    def log_change(self, request, obj, message):
        pass  # the services audit each step (MessageStep and AuditEvent)

    @admin.action(description=_("导出所选留言（CSV，不含个人信息）"), permissions=["view"])
    def export_csv(self, request, queryset):
        rows = []
        for message in queryset.select_related("department"):
            row = []
            for attr, _label in EXPORT_COLUMNS:
                value = getattr(message, attr)
                row.append(value() if callable(value) else ("" if value is None else str(value)))
            rows.append(row)
        audit_record("export", None, request.user, {"导出": "互动交流留言", "条数": len(rows)}, request=request)
        response = HttpResponse(write_csv([label for _attr, label in EXPORT_COLUMNS], rows),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="interact-messages.csv"'
        return response


class RatingCaseForm(forms.ModelForm):
    step = forms.ChoiceField(label=_("办理操作"), required=False, choices=(
        ("", _("（仅查看）")), ("answer", _("整改并答复")), ("callback", _("回访并办结"))))
    rectification_text = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 4}),
                                         required=False, max_length=3000)
    answer_text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                  max_length=3000)
    satisfied = forms.BooleanField(label=_("回访满意"), required=False)
    callback_text = forms.CharField(label=_("回访记录"), widget=forms.Textarea(attrs={"rows": 3}),
                                    required=False, max_length=2000)

    class Meta:
        model = RatingCase
        fields = ()

    def clean(self):
        data = super().clean()
        step = data.get("step")
        if step == "answer":
            if self.instance.status != RatingCase.Status.OPEN:
                raise forms.ValidationError(_("该差评已整改答复。"))
            for name in ("rectification_text", "answer_text"):
                if not (data.get(name) or "").strip():
                    self.add_error(name, _("请填写此项。"))
        if step == "callback":
            if self.instance.status != RatingCase.Status.RECTIFIED:
                raise forms.ValidationError(_("整改答复后才能回访。"))
            if not (data.get("callback_text") or "").strip():
                self.add_error("callback_text", _("请填写回访记录。"))
        return data


@admin.register(RatingCase)
class RatingCaseAdmin(NoAddOrDelete, ScopedAdmin):
    department_lookup = "department"
    status_lookup = None
    form = RatingCaseForm
    list_display = ("rating", "department", "status", "case_deadline", "answered_at", "callback_at")
    list_filter = ("status", "department")
    list_select_related = ("rating", "department")
    readonly_fields = ("rating", "level", "comment", "department", "status", "due_on", "rectification", "answer",
                       "answered_at", "callback_at", "callback_satisfied", "callback_note")
    fields = readonly_fields + ("step", "rectification_text", "answer_text", "satisfied", "callback_text")

    def get_queryset(self, request):
        return super().get_queryset(request).order_by(
            Case(When(status=RatingCase.Status.OPEN, then=Value(0)), default=Value(1)), "due_on")

    @admin.display(description=_("评价"))
    def level(self, obj):
        return obj.rating.get_level_display()

    @admin.display(description=_("评价内容"))
    def comment(self, obj):
        return obj.rating.comment or "—"

    @admin.display(description=_("整改期限"), ordering="due_on")
    def case_deadline(self, obj):
        return deadline_cell(obj.due_on, obj.status == RatingCase.Status.OPEN)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            if data.get("step") == "answer":
                services.rating_case_answer(obj, rectification=data["rectification_text"],
                                            answer=data["answer_text"], user=request.user)
            elif data.get("step") == "callback":
                services.rating_case_callback(obj, satisfied=data["satisfied"], note=data["callback_text"],
                                              user=request.user)
        except services.WorkflowError as error:
            messages.error(request, str(error))

    def log_change(self, request, obj, message):
        pass  # audited by the services


@admin.register(Rating)
class RatingAdmin(ReadOnly, ScopedAdmin):
    department_lookup = "department"
    status_lookup = None
    list_display = ("service_name", "level", "efficiency", "accuracy", "convenience", "attitude", "department",
                    "created_at")
    list_filter = ("level", "department")
    search_fields = ("service_name", "service_code")
    list_select_related = ("department",)
    exclude = ("browser_digest",)


@admin.register(Holiday)
class HolidayAdmin(ScopedAdmin):
    status_lookup = None
    list_display = ("date", "name", "is_workday")
    list_filter = ("is_workday",)
    date_hierarchy = "date"

