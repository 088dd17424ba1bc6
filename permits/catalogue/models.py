"""行政许可事项清单: edition → item 事项 → sub-item 子项 → handling item 业务办理项 → materials."""
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from permits.kernel.models.editions import Edition, EditionChild, EditionChildQuerySet
from permits.catalogue import rules
from permits.catalogue.rules import HANDLING_CODE_RE, ITEM_CODE_RE, SUB_ITEM_CODE_RE  # noqa: F401 (re-exported)
from permits.regions.models import Department, Region

item_code_validator = RegexValidator(ITEM_CODE_RE, _("事项编码应为11位数字加字母Y，例如 00016421300Y"))
sub_item_code_validator = RegexValidator(SUB_ITEM_CODE_RE, _("子项编码应为12位数字"))
handling_code_validator = RegexValidator(HANDLING_CODE_RE, _("业务办理项编码应为14位数字"))


class Level(models.TextChoices):
    NATIONAL = "国家级", _("国家级")
    PROVINCE = "省级", _("省级")
    CITY = "市级", _("市级")
    COUNTY = "县级", _("县级")
    TOWNSHIP = "乡级", _("乡级")


class PermitCatalogue(Edition):
    """行政许可事项清单 edition; one published edition per region."""

    region = models.ForeignKey(
        Region, verbose_name=_("区划"), on_delete=models.PROTECT, related_name="permit_catalogues"
    )
    copied_from = models.ForeignKey(
        "self", verbose_name=_("复制自"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="copies",
    )
    history = HistoricalRecords()

    class Meta(Edition.Meta):
        verbose_name = _("行政许可事项清单")
        verbose_name_plural = _("行政许可事项清单")
        constraints = [
            models.UniqueConstraint(
                fields=["region"], condition=Q(status="published"),
                name="permitcatalogue_one_published_per_region",
            ),
        ]


class PermitItemQuerySet(EditionChildQuerySet):
    def for_department(self, department):
        return self.filter(department=department)


class PermitItem(EditionChild):
    """事项."""

    edition = models.ForeignKey(
        PermitCatalogue, verbose_name=_("清单"), on_delete=models.CASCADE, related_name="items"
    )
    seq = models.PositiveIntegerField(_("序号"))
    code = models.CharField(_("事项编码"), max_length=12, validators=[item_code_validator])
    name = models.CharField(_("事项名称"), max_length=200)
    department = models.ForeignKey(
        Department, verbose_name=_("主管部门"), on_delete=models.PROTECT, related_name="permit_items"
    )
    implementing_bodies = models.CharField(_("实施机关"), max_length=500, blank=True)
    legal_basis = models.TextField(_("设定和实施依据"), blank=True)
    remarks = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    objects = PermitItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("许可事项")
        verbose_name_plural = _("许可事项")
        ordering = ["edition_id", "seq", "id"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="permititem_unique_code"),
            models.CheckConstraint(condition=Q(code__regex=ITEM_CODE_RE), name="permititem_code_format"),
        ]
        indexes = [models.Index(fields=["edition", "department"])]

    def __str__(self):
        return f"{self.code} {self.name}"


class SubItem(EditionChild):
    """子项: code is the item code with the final Y replaced by a digit."""

    edition = models.ForeignKey(
        PermitCatalogue, verbose_name=_("清单"), on_delete=models.CASCADE, related_name="sub_items"
    )
    item = models.ForeignKey(
        PermitItem, verbose_name=_("事项"), on_delete=models.CASCADE, related_name="sub_items"
    )
    # The item code's first 11 characters, kept here so the database can check the prefix.
    item_prefix = models.CharField(max_length=11, editable=False)
    seq = models.PositiveIntegerField(_("序号"), default=0)
    code = models.CharField(_("子项编码"), max_length=12, validators=[sub_item_code_validator])
    name = models.CharField(_("子项名称"), max_length=200)
    approval_level = models.CharField(_("审批层级"), max_length=64, blank=True)
    exercise_level = models.CharField(_("行使层级"), max_length=64, blank=True)
    accepting_level = models.CharField(_("受理层级"), max_length=64, blank=True)
    first_review = models.CharField(_("初审"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = EditionChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("子项")
        verbose_name_plural = _("子项")
        ordering = ["item_id", "seq", "code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="subitem_unique_code"),
            models.CheckConstraint(condition=Q(code__regex=SUB_ITEM_CODE_RE), name="subitem_code_format"),
            models.CheckConstraint(
                condition=Q(code__startswith=F("item_prefix")) & Q(item_prefix__regex=r"^[0-9]{11}$"),
                name="subitem_code_in_item",
            ),
        ]

    def save(self, *args, **kwargs):
        if self.item_id and not self.item_prefix:
            self.item_prefix = rules.item_prefix(self.item.code)
        super().save(*args, **kwargs)

    def __str__(self):
        return f"{self.code} {self.name}"


class Situation(models.TextChoices):
    NEW = "新设", _("新设")
    CHANGE = "变更", _("变更")
    RENEW = "延续", _("延续")
    CANCEL = "注销", _("注销")
    OTHER = "其他", _("其他")


class OnlineDepth(models.TextChoices):
    NONE = "0", _("不能网办")
    INFO = "1", _("网上咨询")
    APPLY = "2", _("网上预审")
    FULL = "3", _("全程网办")


class HandlingItemQuerySet(EditionChildQuerySet):
    def for_department(self, department):
        return self.filter(sub_item__item__department=department)


class HandlingItem(EditionChild):
    """业务办理项 with its service guide 办事指南."""

    edition = models.ForeignKey(
        PermitCatalogue, verbose_name=_("清单"), on_delete=models.CASCADE, related_name="handling_items"
    )
    sub_item = models.ForeignKey(
        SubItem, verbose_name=_("子项"), on_delete=models.CASCADE, related_name="handling_items"
    )
    sub_item_code = models.CharField(max_length=12, editable=False)
    seq = models.PositiveIntegerField(_("序号"), default=0)
    code = models.CharField(_("业务办理项编码"), max_length=14, validators=[handling_code_validator])
    name = models.CharField(_("业务办理项名称"), max_length=200)
    situation = models.CharField(_("办理情形"), max_length=8, choices=Situation.choices, default=Situation.NEW)
    conditions = models.TextField(_("受理条件"), blank=True)
    procedure = models.TextField(_("办理流程"), blank=True)
    statutory_days = models.PositiveIntegerField(_("法定办结时限（工作日）"), null=True, blank=True)
    promised_days = models.PositiveIntegerField(_("承诺办结时限（工作日）"), null=True, blank=True)
    fee = models.BooleanField(_("是否收费"), default=False)
    fee_standard = models.CharField(_("收费标准"), max_length=300, blank=True)
    fee_basis = models.CharField(_("收费依据"), max_length=300, blank=True)
    visits = models.PositiveSmallIntegerField(_("到现场次数"), default=0)
    online_depth = models.CharField(
        _("网上办理深度"), max_length=1, choices=OnlineDepth.choices, default=OnlineDepth.FULL
    )
    place = models.CharField(_("办理地点"), max_length=300, blank=True)
    hours = models.CharField(_("办理时间"), max_length=200, blank=True)
    enquiry_phone = models.CharField(_("咨询电话"), max_length=64, blank=True)
    complaint_phone = models.CharField(_("投诉电话"), max_length=64, blank=True)
    online_url = models.URLField(_("网上办理地址"), max_length=300, blank=True)
    result_document = models.CharField(_("审批结果"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = HandlingItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("业务办理项")
        verbose_name_plural = _("业务办理项")
        # Order by the raw foreign key: following the parent's ordering would join every level above.
        ordering = ["sub_item_id", "seq", "code"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="handlingitem_unique_code"),
            models.CheckConstraint(condition=Q(code__regex=HANDLING_CODE_RE), name="handlingitem_code_format"),
            models.CheckConstraint(
                condition=Q(code__startswith=F("sub_item_code")) & Q(sub_item_code__regex=SUB_ITEM_CODE_RE),
                name="handlingitem_code_in_sub_item",
            ),
        ]

    def clean(self):
        super().clean()
        problem = rules.promised_over_statutory(self.statutory_days, self.promised_days)
        if problem:
            raise ValidationError({"promised_days": problem})

    def save(self, *args, **kwargs):
        if self.sub_item_id and not self.sub_item_code:
            self.sub_item_code = self.sub_item.code
        super().save(*args, **kwargs)

    def __str__(self):
        return f"{self.code} {self.name}"


class Material(EditionChild):
    """申请材料 of a handling item."""

    edition_lookup = "handling_item__edition"

    class Form(models.TextChoices):
        ORIGINAL = "原件", _("原件")
        COPY = "复印件", _("复印件")
        ELECTRONIC = "电子件", _("电子件")
        ORIGINAL_COPY = "原件和复印件", _("原件和复印件")

    handling_item = models.ForeignKey(
        HandlingItem, verbose_name=_("业务办理项"), on_delete=models.CASCADE, related_name="materials"
    )
    seq = models.PositiveIntegerField(_("序号"), default=0)
    name = models.CharField(_("材料名称"), max_length=300)
    required = models.BooleanField(_("必要"), default=True)
    form = models.CharField(_("材料形式"), max_length=16, choices=Form.choices, default=Form.ORIGINAL)
    copies = models.PositiveSmallIntegerField(_("份数"), default=1)
    source = models.CharField(_("来源渠道"), max_length=200, blank=True)
    notes = models.CharField(_("备注"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = EditionChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["handling_item_id", "seq", "id"]

    def get_edition(self):
        return self.handling_item.edition

    def _check_editable(self):
        from permits.kernel.lock import lock_lifted
        from permits.kernel.models.editions import LOCKED_STATUSES, EditionLocked

        if lock_lifted():
            return
        status = PermitCatalogue._base_manager.filter(
            handling_items__pk=self.handling_item_id
        ).values_list("status", flat=True).first()
        if status in LOCKED_STATUSES:
            raise EditionLocked(self.get_edition())
