"""Admin forms: section text is checked for figure names when saved."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .figures import COMPUTED_KEYS
from .models import AnnualFigure, AnnualReport, ReportSection
from .placeholders import validate_placeholders


def _staff_keys():
    return set(AnnualFigure.objects.values_list("key", flat=True).distinct())


class ReportSectionForm(forms.ModelForm):
    class Meta:
        model = ReportSection
        fields = ("order", "level", "heading", "body")
        widgets = {"body": forms.Textarea(attrs={"rows": 4, "cols": 80})}

    def _check(self, name):
        value = self.cleaned_data.get(name, "")
        try:
            validate_placeholders(value, _staff_keys())
        except ValidationError as error:
            raise ValidationError(error.messages)
        return value

    def clean_heading(self):
        return self._check("heading")

    def clean_body(self):
        return self._check("body")


class AnnualReportForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = ("year", "organisation", "title", "intro")

    def clean_intro(self):
        value = self.cleaned_data.get("intro", "")
        validate_placeholders(value, _staff_keys())
        return value


class AnnualFigureForm(forms.ModelForm):
    class Meta:
        model = AnnualFigure
        fields = ("year", "key", "label", "value", "unit", "display", "source_note")

    def clean_key(self):
        key = self.cleaned_data["key"]
        if key in COMPUTED_KEYS:
            raise ValidationError(_("“%(key)s”由系统根据清单数据计算，不能手工填报。"), params={"key": key})
        return key
