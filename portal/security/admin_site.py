"""The admin site: password plus TOTP when settings.PORTAL_REQUIRE_2FA, and the TOTP enrolment page."""
import base64

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice


# The account whose enrolment code this session has spent (and so may bind a device).
ENROL_SESSION_KEY = "portal_otp_enrol_user"


def require_2fa():
    return bool(getattr(settings, "PORTAL_REQUIRE_2FA", False))


class PortalAuthenticationForm(AdminAuthenticationForm):
    otp_token = forms.CharField(
        label=_("动态口令"), required=False, max_length=8, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("手机身份验证器显示的 6 位数字；尚未绑定的账号留空，登录后按提示绑定。"),
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None:
            return cleaned
        devices = list(devices_for_user(user, confirmed=True))
        token = cleaned.get("otp_token") or ""
        if not devices or (not token and not require_2fa()):
            return cleaned
        if not token:
            raise forms.ValidationError(_("请输入动态口令。"), code="token_required")
        device = next((d for d in devices if d.verify_token(token)), None)
        if device is None:
            # Counted by django-axes like a wrong password: guessing tokens locks out too.
            user_login_failed.send(
                sender=__name__, credentials={"username": user.get_username()}, request=self.request,
            )
            raise forms.ValidationError(_("动态口令不正确或已过期。"), code="invalid_token")
        user.otp_device = device  # django_otp stores it in the session at login
        return cleaned


class PortalAdminSite(admin.AdminSite):
    site_header = _("新余市行政审批局 管理后台")
    site_title = _("新余市行政审批局")
    index_title = _("管理首页")
    login_form = PortalAuthenticationForm
    login_template = "security/login.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not require_2fa() or request.user.is_verified()

    def needs_enrolment(self, request):
        user = request.user
        return (require_2fa() and user.is_authenticated and user.is_active and user.is_staff
                and not user.is_verified() and not user_has_device(user))

    def login(self, request, extra_context=None):
        if self.needs_enrolment(request):
            return redirect("admin:security_otp")
        return super().login(request, extra_context)

    def get_urls(self):
        return [
            path("security/otp/", self.otp_enrolment, name="security_otp"),
        ] + super().get_urls()

    @method_decorator(never_cache)
    @method_decorator(csrf_protect)
    def otp_enrolment(self, request):
        """Bind a TOTP device: shown to signed-in staff (verified or not) who have none yet."""
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login", current_app=self.name))
        context = {**self.each_context(request), "title": _("绑定动态口令")}
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            return TemplateResponse(request, "security/otp.html", {**context, "confirmed": True})
        if request.session.get(ENROL_SESSION_KEY) != user.pk:
            return self.otp_enrolment_code(request, context)
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="默认", confirmed=False)
        error = None
        if request.method == "POST":
            token = (request.POST.get("otp_token") or "").strip()
            if token and device.verify_token(token):
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                request.session.pop(ENROL_SESSION_KEY, None)
                otp_login(request, device)
                from permits.models import AuditEvent
                from permits.kernel.access.audit import audit_record

                audit_record(AuditEvent.Action.OTP_ENROL, device, user, request=request)
                messages.success(request, _("动态口令已绑定。"))
                return redirect("admin:index")
            error = _("动态口令不正确，请核对手机时间后重试。")
        return TemplateResponse(request, "security/otp.html", {
            **context, "confirmed": False, "error": error,
            "secret": base64.b32encode(device.bin_key).decode(),
            "qr_svg": qr_svg(device.config_url),
        })

    def otp_enrolment_code(self, request, context):
        """First step: the one-time code 安全管理员 issued for this account (a wrong one counts as a failed sign-in)."""
        from .enrolment import enrolment_code_redeem

        error = None
        if request.method == "POST":
            if enrolment_code_redeem(request.user, request.POST.get("enrol_code") or ""):
                request.session[ENROL_SESSION_KEY] = request.user.pk
                return redirect("admin:security_otp")
            user_login_failed.send(sender=__name__, credentials={"username": request.user.get_username()},
                                   request=request)
            error = _("绑定码不正确、已使用或已过期（有效期 24 小时），请联系安全管理员重新签发。")
        return TemplateResponse(request, "security/otp.html", {**context, "needs_code": True, "error": error})


def qr_svg(text):
    """An inline SVG QR code (no image file, nothing served back)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    svg = image.to_string(encoding="unicode")
    if svg.startswith("<?xml"):
        svg = svg.split("?>", 1)[1]
    return mark_safe(svg)  # generated by qrcode from our own URL, no user input
