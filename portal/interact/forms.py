"""The public forms: server-side checks with Chinese messages naming the field."""
import re

from django import forms
from django.core.validators import MaxLengthValidator
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Message, Rating
from .services.text import plain_text

MOBILE = re.compile(r"1[3-9]\d{9}\Z")
HONEYPOT = "website"


class MessageForm(forms.Form):
    kind = forms.ChoiceField(label=_("留言类型"), choices=Message.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": _("请选择留言类型。"),
                                             "invalid_choice": _("留言类型不正确，请重新选择。")})
    service = forms.CharField(label=_("涉及事项"), required=False, max_length=40, widget=forms.HiddenInput)
    title = forms.CharField(label=_("标题"), min_length=4, max_length=60, error_messages={
        "required": _("请填写标题。"), "min_length": _("标题至少 %(limit_value)d 个字。"),
        "max_length": _("标题不能超过 %(limit_value)d 个字（现有 %(show_value)d 个）。")})
    content = forms.CharField(label=_("内容"), min_length=10, widget=forms.Textarea(attrs={"rows": 8}),
                              error_messages={"required": _("请填写留言内容。"),
                                              "min_length": _("内容至少 %(limit_value)d 个字，请把情况说清楚。"),
                                              "max_length": _("内容不能超过 %(limit_value)d 个字（现有 %(show_value)d 个）。")})
    name = forms.CharField(label=_("姓名"), max_length=20, error_messages={
        "required": _("请填写姓名。"), "max_length": _("姓名不能超过 %(limit_value)d 个字。")})
    phone = forms.CharField(label=_("手机号码"), max_length=11, min_length=11, error_messages={
        "required": _("请填写手机号码，用于查询和答复。"), "min_length": _("手机号码应为11位数字。"),
        "max_length": _("手机号码应为11位数字。")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}))
    publish_ok = forms.BooleanField(label=_("同意公开答复（不公开姓名和电话）"), required=False, initial=True)
    privacy = forms.BooleanField(label=_("我已阅读并同意个人信息保护说明"), error_messages={
        "required": _("请阅读并勾选同意个人信息保护说明。")})
    # Hidden from people by CSS; bots fill it in.
    website = forms.CharField(label=_("请勿填写此项"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.PORTAL_INTERACT_MAX_CONTENT
        content = self.fields["content"]
        content.max_length = limit
        content.validators.append(MaxLengthValidator(limit))
        content.widget.attrs["maxlength"] = limit

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not MOBILE.match(phone):
            raise forms.ValidationError(_("手机号码格式不正确：应为1开头的11位数字。"))
        return phone

    def clean_title(self):
        title = plain_text(self.cleaned_data["title"])
        if len(title) < 4:
            raise forms.ValidationError(_("标题至少 4 个字（不含网页标记）。"))
        return title

    def clean_content(self):
        content = plain_text(self.cleaned_data["content"])
        if len(content) < 10:
            raise forms.ValidationError(_("内容至少 10 个字（不含网页标记），请把情况说清楚。"))
        return content

    def clean_name(self):
        name = plain_text(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("请填写姓名。"))
        return name

    def is_bot(self):
        return bool(self.data.get(HONEYPOT, "").strip())


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=12, error_messages={
        "required": _("请填写查询码。"), "max_length": _("查询码为10位字母和数字。")})
    last_four = forms.RegexField(label=_("手机号码后四位"), regex=r"^\d{4}$", max_length=4, error_messages={
        "required": _("请填写手机号码后四位。"), "invalid": _("手机号码后四位应为4位数字。"),
        "max_length": _("手机号码后四位应为4位数字。")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))


DIMENSIONS = (("efficiency", _("办事效率")), ("accuracy", _("指南准确")), ("convenience", _("办事便捷")),
              ("attitude", _("服务态度")))


class RatingForm(forms.Form):
    service = forms.CharField(max_length=40, widget=forms.HiddenInput,
                              error_messages={"required": _("缺少被评价的服务。")})
    level = forms.TypedChoiceField(label=_("总体评价"), choices=Rating.Level.choices, coerce=int,
                                   widget=forms.RadioSelect, error_messages={
                                       "required": _("请选择总体评价（非常满意至非常不满意）。"),
                                       "invalid_choice": _("评价等级不正确，请重新选择。")})
    comment = forms.CharField(label=_("评价内容（选填）"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
                              error_messages={"max_length": _("评价内容不能超过 %(limit_value)d 个字。")})
    website = forms.CharField(required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in DIMENSIONS:
            self.fields[name] = forms.TypedChoiceField(
                label=label, choices=[("", _("不评"))] + list(Rating.Level.choices), coerce=int,
                empty_value=None, required=False,
                error_messages={"invalid_choice": _("“%(label)s”的评价不正确。") % {"label": label}})

    def dimensions(self):
        return {name: self.cleaned_data.get(name) for name, _label in DIMENSIONS}
