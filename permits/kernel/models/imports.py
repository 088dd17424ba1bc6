from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportLog(models.Model):
    """One spreadsheet import, successful or not: kept for the audit trail."""

    class Result(models.TextChoices):
        DRY_RUN = "dry_run", _("预览")
        SUCCESS = "success", _("成功")
        FAILED = "failed", _("失败")

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    catalogue = models.CharField(_("目录类型"), max_length=64)
    target = models.CharField(_("导入目标"), max_length=300)
    file_name = models.CharField(_("文件名"), max_length=300)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    result = models.CharField(_("结果"), max_length=16, choices=Result.choices)
    errors = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name}（{self.get_result_display()}）"
