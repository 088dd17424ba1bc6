"""法治政府建设年度报告: sections of staff prose that name figures; the figures come from data."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from permits.models import EditionStatus


class ReportQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=EditionStatus.PUBLISHED)


class AnnualReport(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    organisation = models.CharField(_("单位"), max_length=100, default="新余市行政审批局")
    title = models.CharField(_("标题"), max_length=200)
    intro = models.TextField(_("导语"), blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    # Frozen at publication: figure values as rendered, and the PDF bytes' location.
    frozen_figures = models.JSONField(_("发布时的数据"), null=True, blank=True, editable=False)
    frozen_pdf = models.FileField(_("发布时的PDF"), upload_to="reports/", blank=True, editable=False)
    copied_from = models.ForeignKey(
        "self", verbose_name=_("复制自"), null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度报告")
        verbose_name_plural = _("年度报告")
        ordering = ["-year"]

    def __str__(self):
        return self.title

    @property
    def is_published(self):
        return self.status == EditionStatus.PUBLISHED


class ReportSection(models.Model):
    class HeadingLevel(models.IntegerChoices):
        PART = 1, _("一、")
        CHAPTER = 2, _("（一）")
        POINT = 3, _("1.")
        TEXT = 0, _("正文段落")

    report = models.ForeignKey(AnnualReport, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField(_("顺序"), default=0)
    level = models.PositiveSmallIntegerField(_("标题层级"), choices=HeadingLevel.choices, default=HeadingLevel.PART)
    heading = models.CharField(_("标题"), max_length=200, blank=True)
    body = models.TextField(_("正文"), blank=True, help_text=_("用 {名称} 引用数据，例如 {permit_items}"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("报告章节")
        verbose_name_plural = _("报告章节")
        ordering = ["report_id", "order", "id"]

    def __str__(self):
        return self.heading or f"第{self.order}段"


class AnnualFigure(models.Model):
    """A number entered by staff for a year, e.g. the number of 监管信息 published (条)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    key = models.SlugField(_("名称"), max_length=64)
    label = models.CharField(_("说明"), max_length=100)
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    display = models.CharField(_("显示为"), max_length=32, blank=True, help_text=_("可选，例如“9万余”"))
    source_note = models.CharField(_("数据来源"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度填报数据")
        verbose_name_plural = _("年度填报数据")
        ordering = ["-year", "key"]
        constraints = [models.UniqueConstraint(fields=["year", "key"], name="annualfigure_unique_key")]

    def __str__(self):
        return f"{self.year} {self.label}"
