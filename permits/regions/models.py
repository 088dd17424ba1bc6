from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RegionQuerySet(models.QuerySet):
    def city(self):
        """The city itself (市本级): the first top-level region of that kind. The one rule for "the city"."""
        return self.filter(kind=Region.Kind.CITY, parent=None).order_by("order", "pk")


class Region(models.Model):
    """行政区划: the city, its counties/districts, functional zones and townships."""

    class Kind(models.TextChoices):
        CITY = "city", _("市本级")
        COUNTY = "county", _("县/区")
        ZONE = "zone", _("功能区")
        TOWNSHIP = "township", _("乡镇/街道")

    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    code = models.CharField(_("区划代码"), max_length=12, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent"),
        ]

    def __str__(self):
        return self.name


class DepartmentQuerySet(models.QuerySet):
    def for_region(self, region):
        return self.filter(region=region)


class Department(models.Model):
    """部门: shared by every catalogue."""

    name = models.CharField(_("名称"), max_length=64, unique=True)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="departments"
    )
    order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords()

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name
