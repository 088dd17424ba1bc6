"""赋权目录: powers delegated to a development zone or township, observation points, demonstration sites."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from permits.catalogue.models import PermitItem
from permits.kernel.models.editions import Edition, EditionChild, EditionChildQuerySet
from permits.regions.models import Department, Region


class PowerCatalogue(Edition):
    """A delegated-power catalogue for one recipient region; it may replace an earlier one."""

    scope_field = "recipient"

    recipient = models.ForeignKey(
        Region, verbose_name=_("承接地区"), on_delete=models.PROTECT, related_name="power_catalogues"
    )
    basis_number = models.CharField(_("文号"), max_length=64, blank=True)
    effective_on = models.DateField(_("施行日期"), null=True, blank=True)
    replaces = models.ForeignKey(
        "self", verbose_name=_("替代的目录"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="replaced_by",
    )
    copied_from = models.ForeignKey(
        "self", verbose_name=_("复制自"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="copies",
    )
    history = HistoricalRecords()

    class Meta(Edition.Meta):
        verbose_name = _("赋权目录")
        verbose_name_plural = _("赋权目录")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient"], condition=Q(status="published"),
                name="powercatalogue_one_published_per_recipient",
            ),
        ]


class PowerType(models.TextChoices):
    PERMIT = "行政许可", _("行政许可")
    CONFIRMATION = "行政确认", _("行政确认")
    BENEFIT = "行政给付", _("行政给付")
    PENALTY = "行政处罚", _("行政处罚")
    INSPECTION = "行政检查", _("行政检查")
    OTHER = "其他", _("其他")


class PowerMode(models.TextChoices):
    DIRECT = "直接行使", _("直接行使")
    ENTRUSTED = "委托", _("委托")
    DIRECT_REPORT = "直报", _("直报")
    WINDOW = "窗口前移", _("窗口前移")


class DelegatedPowerQuerySet(EditionChildQuerySet):
    def for_department(self, department):
        return self.filter(department=department)


class DelegatedPower(EditionChild):
    edition = models.ForeignKey(
        PowerCatalogue, verbose_name=_("赋权目录"), on_delete=models.CASCADE, related_name="powers"
    )
    seq = models.PositiveIntegerField(_("序号"))
    department = models.ForeignKey(
        Department, verbose_name=_("实施部门"), on_delete=models.PROTECT, related_name="delegated_powers"
    )
    name = models.CharField(_("事项名称"), max_length=300)
    code = models.CharField(_("事项编码"), max_length=32, blank=True)
    permit_item = models.ForeignKey(
        PermitItem, verbose_name=_("对应许可事项"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="delegated_powers",
    )
    power_type = models.CharField(_("事项类型"), max_length=8, choices=PowerType.choices, default=PowerType.PERMIT)
    mode = models.CharField(_("赋权方式"), max_length=8, choices=PowerMode.choices, default=PowerMode.DIRECT)
    remarks = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    objects = DelegatedPowerQuerySet.as_manager()

    class Meta:
        verbose_name = _("赋权事项")
        verbose_name_plural = _("赋权事项")
        ordering = ["edition_id", "seq", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "code"], condition=~Q(code=""), name="delegatedpower_unique_code"
            ),
        ]

    def __str__(self):
        return self.name


class ObservationPoint(models.Model):
    """赋权观测点: a township designated in a year; its county or zone is the township's parent."""

    township = models.ForeignKey(
        Region, verbose_name=_("乡镇/街道"), on_delete=models.PROTECT, related_name="observation_points"
    )
    year = models.PositiveSmallIntegerField(_("确定年度"))
    notes = models.CharField(_("备注"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("赋权观测点")
        verbose_name_plural = _("赋权观测点")
        ordering = ["-year", "township__parent__order", "township__order"]
        constraints = [
            models.UniqueConstraint(fields=["township", "year"], name="observationpoint_unique"),
        ]

    def __str__(self):
        return f"{self.township}（{self.year}）"


class DemonstrationSite(models.Model):
    """示范点: a township and the honour it received in a year."""

    township = models.ForeignKey(
        Region, verbose_name=_("乡镇/街道"), on_delete=models.PROTECT, related_name="demonstration_sites"
    )
    honour = models.CharField(_("荣誉称号"), max_length=200)
    year = models.PositiveSmallIntegerField(_("年度"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("示范点")
        verbose_name_plural = _("示范点")
        ordering = ["-year", "id"]

    def __str__(self):
        return f"{self.township.parent}{self.township}" if self.township.parent_id else str(self.township)
