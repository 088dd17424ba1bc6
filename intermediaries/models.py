"""中介服务事项清单, built on the shared edition machinery of permits."""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from permits.models import Department, Edition, EditionChild, EditionChildQuerySet, PermitItem, Region


class IntermediaryList(Edition):
    class Scope(models.TextChoices):
        CITY_COUNTY = "市、县(区)", _("市、县(区)")
        CITY = "市级", _("市级")

    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="intermediary_lists"
    )
    scope = models.CharField(_("适用范围"), max_length=16, choices=Scope.choices, default=Scope.CITY_COUNTY)
    copied_from = models.ForeignKey(
        "self", verbose_name=_("复制自"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="copies",
    )
    history = HistoricalRecords()

    class Meta(Edition.Meta):
        verbose_name = _("中介服务事项清单")
        verbose_name_plural = _("中介服务事项清单")
        constraints = [
            models.UniqueConstraint(
                fields=["region"], condition=Q(status="published"),
                name="intermediarylist_one_published_per_region",
            ),
        ]


class ServiceQuerySet(EditionChildQuerySet):
    def for_department(self, department):
        return self.filter(department=department)


class IntermediaryService(EditionChild):
    class Commissioner(models.TextChoices):
        APPLICANT = "申请人委托", _("申请人委托")
        AUTHORITY = "审批部门委托", _("审批部门委托")

    class FeeNature(models.TextChoices):
        MARKET = "市场调节价", _("市场调节价")
        GOVERNMENT = "政府定价", _("政府定价")
        GUIDED = "政府指导价", _("政府指导价")
        FREE = "不收费", _("不收费")
        FISCAL = "财政支付", _("财政支付")

    class Level(models.TextChoices):
        CITY = "市级", _("市级")
        COUNTY = "县级", _("县级")
        BOTH = "市级、县级", _("市级、县级")

    edition = models.ForeignKey(
        IntermediaryList, verbose_name=_("清单"), on_delete=models.CASCADE, related_name="services"
    )
    seq = models.PositiveIntegerField(_("序号"))
    name = models.CharField(_("中介服务事项名称"), max_length=200)
    permit_items = models.ManyToManyField(
        PermitItem, verbose_name=_("涉及的审批事项"), related_name="intermediary_services", blank=True
    )
    department = models.ForeignKey(
        Department, verbose_name=_("审批部门"), on_delete=models.PROTECT, related_name="intermediary_services"
    )
    legal_basis = models.TextField(_("设定依据"), blank=True)
    providers = models.CharField(_("中介服务实施机构"), max_length=500, blank=True)
    provider_nature = models.CharField(_("机构性质"), max_length=200, blank=True)
    commissioner = models.CharField(_("委托方"), max_length=8, choices=Commissioner.choices, default=Commissioner.APPLICANT)
    fee_nature = models.CharField(_("收费性质"), max_length=8, choices=FeeNature.choices, default=FeeNature.MARKET)
    fee_basis = models.CharField(_("收费依据"), max_length=300, blank=True)
    time_limit = models.CharField(_("服务时限"), max_length=100, blank=True)
    level = models.CharField(_("层级"), max_length=8, choices=Level.choices, default=Level.BOTH)
    remarks = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords(m2m_fields=[permit_items])

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("中介服务事项")
        verbose_name_plural = _("中介服务事项")
        ordering = ["edition_id", "seq", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "seq"], name="intermediaryservice_unique_seq"),
        ]

    def __str__(self):
        return self.name

    @property
    def paid_by_government(self):
        return self.commissioner == self.Commissioner.AUTHORITY
