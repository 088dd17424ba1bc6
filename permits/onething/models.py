"""高效办成一件事: bundles of handling items done in one go."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from permits.catalogue.models import HandlingItem
from permits.regions.models import Department


class OneThingQuerySet(models.QuerySet):
    def of_year(self, year):
        return self.filter(launched_on__year=year)


class OneThing(models.Model):
    class Level(models.TextChoices):
        NATIONAL = "国家", _("国家部署")
        PROVINCE = "省", _("省级部署")
        CITY = "市", _("市级特色")

    name = models.CharField(_("名称"), max_length=200)
    level = models.CharField(_("部署层级"), max_length=4, choices=Level.choices)
    departments = models.ManyToManyField(Department, verbose_name=_("牵头和协同部门"), related_name="one_things")
    handling_items = models.ManyToManyField(
        HandlingItem, verbose_name=_("涉及业务办理项"), related_name="one_things", blank=True
    )
    launched_on = models.DateField(_("上线日期"))
    one_window = models.BooleanField(_("一窗可办"), default=False)
    joint_form = models.BooleanField(_("联办申请表"), default=False)
    materials_before = models.PositiveSmallIntegerField(_("改革前材料数"), null=True, blank=True)
    materials_after = models.PositiveSmallIntegerField(_("改革后材料数"), null=True, blank=True)
    visits_before = models.PositiveSmallIntegerField(_("改革前跑动次数"), null=True, blank=True)
    visits_after = models.PositiveSmallIntegerField(_("改革后跑动次数"), null=True, blank=True)
    days_before = models.PositiveSmallIntegerField(_("改革前办理时限（工作日）"), null=True, blank=True)
    days_after = models.PositiveSmallIntegerField(_("改革后办理时限（工作日）"), null=True, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    history = HistoricalRecords(m2m_fields=[departments])

    objects = OneThingQuerySet.as_manager()

    class Meta:
        verbose_name = _("高效办成一件事")
        verbose_name_plural = _("高效办成一件事")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    @staticmethod
    def _reduction(before, after):
        if before in (None, 0) or after is None:
            return None
        return (before - after) / before

    @property
    def is_measured(self):
        return None not in (self.materials_before, self.materials_after, self.visits_before,
                            self.visits_after, self.days_before, self.days_after)

    @property
    def reductions(self):
        """Material, visit and day reductions as fractions (None where not measured)."""
        return {
            "materials": self._reduction(self.materials_before, self.materials_after),
            "visits": self._reduction(self.visits_before, self.visits_after),
            "days": self._reduction(self.days_before, self.days_after),
        }

    @property
    def reduction(self):
        """The mean of the three reductions: the bundle's compression rate, never typed."""
        values = [v for v in self.reductions.values() if v is not None]
        if not self.is_measured or not values:
            return None
        return sum(values) / len(values)
