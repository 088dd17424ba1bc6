from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class StaffProfile(models.Model):
    """What a member of staff may touch: the departments a 部门编辑 edits."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="staff_profile"
    )
    departments = models.ManyToManyField(
        "permits.Department", verbose_name=_("负责部门"), blank=True, related_name="staff"
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[departments], excluded_fields=["password_changed_at"])

    class Meta:
        verbose_name = _("工作人员资料")
        verbose_name_plural = _("工作人员资料")

    def __str__(self):
        return str(self.user)
