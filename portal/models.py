from django.db import models
from django.utils.translation import gettext_lazy as _


class SiteProfile(models.Model):
    """Site name and the identifiers every page footer shows (a single row)."""

    site_name = models.CharField(_("网站名称"), max_length=100, default="新余市行政审批局")
    site_code = models.CharField(_("网站标识码"), max_length=32, blank=True)
    icp_number = models.CharField(_("ICP备案号"), max_length=64, blank=True)
    police_number = models.CharField(_("公安机关备案号"), max_length=64, blank=True)
    hotline = models.CharField(_("服务热线"), max_length=32, default="12345")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    postcode = models.CharField(_("邮编"), max_length=16, blank=True)
    sponsor = models.CharField(_("主办单位"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("网站信息")
        verbose_name_plural = _("网站信息")

    def __str__(self):
        return self.site_name

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first() or cls()


# 互动交流 and 好差评 live in their own package; their tables belong to this app.
from portal.interact.models import Holiday, Message, MessageStep, Rating, RatingCase  # noqa: E402,F401
