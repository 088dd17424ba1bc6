"""Admin pages of the security layer: accounts (三员分立), the audit trail and the change history."""
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from permits.kernel.exporting import ExportSpec, export_response
from permits.models import AuditEvent, StaffProfile
from permits.kernel.access.audit import audit_record
from permits.kernel.access.roles import manages_accounts, separated_role_conflict

from .signals import history_models

User = get_user_model()


def csv_response(request, name, slug, headers, rows):
    """An audit or history CSV through the one exporter (BOM, formula escaping, file name headers)."""
    spec = ExportSpec(name=name, slug=slug, headers=headers, rows=lambda: rows, version=timezone.now().isoformat())
    return export_response(request, spec, "csv", max_age=None)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Nobody adds, changes or deletes here, whatever their permissions; auditors browse and export."""

    list_per_page = 50

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PortalUserChangeForm(UserChangeForm):
    def clean(self):
        cleaned = super().clean()
        groups = cleaned.get("groups")
        if groups is not None:
            held = separated_role_conflict(g.name for g in groups)
            if held:
                self.add_error("groups", _("三员分立：系统管理员、安全管理员、审计管理员不能由同一账号兼任（%s）。")
                               % "、".join(held))
        return cleaned


class AccountManagerOnly:
    """三员分立: only 安全管理员 adds, changes or deletes here (superusers neither); others at most view."""

    def has_add_permission(self, request, *args):
        return manages_accounts(request.user) and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return manages_accounts(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return manages_accounts(request.user) and super().has_delete_permission(request, obj)


def own_account(request, obj):
    return obj is not None and obj.pk == request.user.pk


class StaffProfileInline(AccountManagerOnly, admin.StackedInline):
    model = StaffProfile
    can_delete = False
    filter_horizontal = ("departments",)
    fields = ("departments", "password_changed_at")
    readonly_fields = ("password_changed_at",)
    verbose_name_plural = _("负责部门（部门编辑）")

    def has_change_permission(self, request, obj=None):
        # Nobody chooses their own departments.
        return not own_account(request, obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not own_account(request, obj) and super().has_add_permission(request, obj)


admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.unregister(TOTPDevice)

# The flags and powers an account may never change on itself.
OWN_LOCKED_FIELDS = ("is_active", "is_staff", "groups", "user_permissions")


@admin.register(User)
class PortalUserAdmin(AccountManagerOnly, UserAdmin):
    form = PortalUserChangeForm
    inlines = [StaffProfileInline]
    list_display = ("username", "last_name", "first_name", "is_active", "is_staff", "roles", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    # is_superuser is not in any form: only `createsuperuser` on the server grants it.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("first_name", "last_name", "email")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "groups", "user_permissions")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")
    actions = ["issue_enrolment_code"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + OWN_LOCKED_FIELDS if own_account(request, obj) else fields

    def has_change_permission(self, request, obj=None):
        # A superuser account is kept out of reach: resetting its password would hand over every power.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if own_account(request, obj) or (obj is not None and obj.is_superuser):
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        # One's own password is changed with the old one (修改密码), never set here.
        if str(id) == str(request.user.pk):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.display(description=_("角色"))
    def roles(self, obj):
        return "、".join(g.name for g in obj.groups.all())

    @admin.action(description=_("签发动态口令绑定码（24 小时内有效，只显示一次）"), permissions=["change"])
    def issue_enrolment_code(self, request, queryset):
        from .enrolment import enrolment_code_issue

        for user in queryset.exclude(pk=request.user.pk)[:20]:
            code = enrolment_code_issue(user, issued_by=request.user)
            self.message_user(request, _("账号 %(user)s 的绑定码：%(code)s（24 小时内有效，只显示这一次，请当面或电话告知本人）")
                              % {"user": user.username, "code": code}, messages.WARNING)
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(request, _("不能为自己签发绑定码。"), messages.ERROR)


@admin.register(Group)
class PortalGroupAdmin(AccountManagerOnly, GroupAdmin):
    pass


@admin.register(TOTPDevice)
class PortalTOTPDeviceAdmin(AccountManagerOnly, TOTPDeviceAdmin):
    """安全管理员 binds a device for a member of staff, or deletes one so it can be bound again."""

    def has_change_permission(self, request, obj=None):
        return not (obj is not None and obj.user_id == request.user.pk) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj is not None and obj.user_id == request.user.pk) and super().has_delete_permission(request, obj)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "success", "username", "ip_address", "object_type", "object_repr")
    list_filter = ("action", "success", "created_at", "object_type")
    search_fields = ("username", "ip_address", "object_repr", "object_id")
    date_hierarchy = "created_at"
    actions = ["export_csv"]

    @admin.action(description=_("导出所选审计记录（CSV）"))
    def export_csv(self, request, queryset):
        audit_record(AuditEvent.Action.EXPORT, None, request.user, {"model": "permits.auditevent",
                                                                   "rows": queryset.count()}, request=request)
        headers = ["时间", "操作", "成功", "用户名", "IP地址", "对象类型", "对象编号", "对象", "详情"]
        rows = (
            [timezone.localtime(e.created_at).isoformat(), e.get_action_display(), "是" if e.success else "否",
             e.username, e.ip_address or "", e.object_type, e.object_id, e.object_repr, e.detail]
            for e in queryset.order_by("created_at", "id").iterator()
        )
        return csv_response(request, f"审计记录-{timezone.localdate():%Y%m%d}", f"audit-{timezone.localdate():%Y%m%d}",
                            headers, rows)


def describe_changes(record):
    """"field: before → after" for one historical row (the row before it is read once)."""
    previous = record.prev_record
    if previous is None:
        return "新建" if record.history_type == "+" else ""
    delta = record.diff_against(previous)
    return "；".join(f"{c.field}: {c.old} → {c.new}" for c in delta.changes)[:2000]


class HistoryBrowseAdmin(ReadOnlyAdmin):
    """Every change to catalogue and report rows, for auditors: who, when, what, before and after."""

    list_display = ("history_date", "history_type", "history_user", "history_object", "changes")
    list_filter = ("history_type", "history_date")
    search_fields = ("history_user__username", "history_change_reason")
    date_hierarchy = "history_date"
    list_select_related = ("history_user",)
    actions = ["export_csv"]

    @admin.display(description=_("对象"))
    def history_object(self, obj):
        return str(obj.instance)[:200] if obj.history_type != "-" else f"#{obj.pk}"

    @admin.display(description=_("变更内容（修改前 → 修改后）"))
    def changes(self, obj):
        return describe_changes(obj)

    @admin.action(description=_("导出所选变更记录（CSV）"))
    def export_csv(self, request, queryset):
        audit_record(AuditEvent.Action.EXPORT, None, request.user,
                     {"model": self.model._meta.label, "rows": queryset.count()}, request=request)
        headers = ["时间", "类型", "用户", "对象编号", "变更内容"]
        rows = (
            [timezone.localtime(r.history_date).isoformat(), r.get_history_type_display(),
             getattr(r.history_user, "username", ""), getattr(r, "id", ""), describe_changes(r)]
            for r in queryset.select_related("history_user").order_by("history_date")
        )
        return csv_response(request, f"变更记录-{self.model._meta.verbose_name}", f"history-{self.model._meta.model_name}",
                            headers, rows)


for _model in history_models():
    if _model not in admin.site._registry and any(f.name == "history_date" for f in _model._meta.fields):
        admin.site.register(_model, HistoryBrowseAdmin)

# The task queue's own admin page is English and shows raw task arguments: staff see a job through
# the pages that start it (permits.kernel.jobs.selectors.job_state), operators through `db_worker`'s log.
if DBTaskResult in admin.site._registry:
    admin.site.unregister(DBTaskResult)
