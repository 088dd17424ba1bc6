from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history import register
from simple_history.models import HistoricalRecords


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
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("网站信息")
        verbose_name_plural = _("网站信息")

    def __str__(self):
        return self.site_name

    @classmethod
    def current(cls):
        return cls.objects.order_by("pk").first() or cls()


class EnrolmentCode(models.Model):
    """A one-time code that 安全管理员 issues so that one account may bind its TOTP device.

    Only a hash is stored; the code itself is shown once, to the issuer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE,
                             related_name="+")
    code_hash = models.CharField(_("绑定码摘要"), max_length=128)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签发人"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("失效时间"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("动态口令绑定码")
        verbose_name_plural = _("动态口令绑定码")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


# Accounts keep a change history too (password hashes and sign-in times stay out of it).
register(get_user_model(), app="portal", excluded_fields=["password", "last_login"],
         table_name="portal_historicaluser")


# 互动交流 and 好差评 live in their own package; their tables belong to this app.
from portal.interact.models import Holiday, Message, MessageStep, Rating, RatingCase  # noqa: E402,F401
