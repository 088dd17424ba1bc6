"""Audit events: sign-ins, publications, imports. Written once, never changed, kept ≥180 days."""
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("审计记录不能修改。")

    def delete(self):
        raise PermissionDenied("审计记录不能删除；过期记录请用 purge_audit 命令清理。")

    def _purge(self):
        """Only permits.kernel.access.audit.audit_purge calls this, after checking the retention period."""
        return super().delete()


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        LOGIN = "login", _("登录成功")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOGOUT = "logout", _("退出登录")
        SUBMIT = "submit", _("提交审核")
        SEND_BACK = "send_back", _("退回修改")
        PUBLISH = "publish", _("发布")
        COPY = "copy", _("复制为新草稿")
        IMPORT = "import", _("导入")
        EXPORT = "export", _("导出")
        ROLE_CHANGE = "role_change", _("角色变更")
        OTP_ENROL = "otp_enrol", _("绑定动态口令")
        PURGE = "purge", _("清理过期记录")
        ACCOUNT_CHANGE = "account_change", _("账号变更")
        PERMISSION_CHANGE = "perm_change", _("权限变更")
        PASSWORD_CHANGE = "password_change", _("密码变更")
        OTP_CHANGE = "otp_change", _("动态口令设备变更")
        ENROL_CODE = "enrol_code", _("签发动态口令绑定码")

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices, db_index=True)
    success = models.BooleanField(_("成功"), default=True)
    # No database constraint: deleting a user must not touch (update) audit rows.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    object_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.username} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionDenied("审计记录不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("审计记录不能删除。")
