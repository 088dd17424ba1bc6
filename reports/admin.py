"""Admin: the annual report with its sections, the figures of its year, preview, PDF, publish, copy."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from permits.kernel.admin.base import LockedInlineMixin
from permits.models import EditionStatus
from permits.kernel.access.roles import REVIEWER, can_submit, user_has_role

from .figures import placeholder_name
from .fonts import uncovered_characters
from .forms import AnnualFigureForm, AnnualReportForm, ReportSectionForm
from .models import AnnualFigure, AnnualReport, ReportSection
from .services import report_content, report_copy, report_publish, report_send_back, report_submit
from .services.content import missing_figures, used_keys


def _all_text(content):
    parts = [content["title"], content.get("intro", "")]
    parts += [s["heading"] + s["body"] for s in content["sections"]]
    parts += [f["text"] or "" for f in content["figures"].values()]
    return "".join(parts)


class ReportSectionInline(LockedInlineMixin, admin.StackedInline):
    # Submitted (under review) and published reports are not edited.
    model = ReportSection
    form = ReportSectionForm
    extra = 0
    fields = (("order", "level"), "heading", "body")


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    form = AnnualReportForm
    inlines = [ReportSectionInline]
    list_display = ("year", "title", "status", "published_on", "updated_at")
    list_filter = ("status",)
    search_fields = ("title",)
    actions = ["submit_reports", "send_back_reports", "copy_to_next_year"]
    change_form_template = "admin/reports/annualreport/change_form.html"

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.status == EditionStatus.SUBMITTED:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_published:
            return ("year", "organisation", "title", "intro", "status", "published_on")
        return ("status", "published_on")

    def get_urls(self):
        return [
            path("<int:pk>/publish/", self.admin_site.admin_view(self.publish_view), name="reports_annualreport_publish"),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        report = self.get_object(request, object_id)
        if report is not None:
            content = report_content(report)
            used = set(used_keys(content))
            extra_context.update({
                "figures": [dict(value, key=key, used=key in used, name=placeholder_name(key, value["label"]))
                            for key, value in content["figures"].items()],
                "missing": [] if report.is_published else missing_figures(content),
                "uncovered": uncovered_characters(_all_text(content)),
                "can_publish": not report.is_published and user_has_role(request.user, REVIEWER),
                "preview_url": reverse("reports:report.detail", args=[report.year]),
                "pdf_url": reverse("reports:report.pdf", args=[report.year]),
                "docx_url": reverse("reports:report.docx", args=[report.year]),
                "ofd_url": reverse("reports:report.ofd", args=[report.year]),
                "publish_url": reverse("admin:reports_annualreport_publish", args=[report.pk]),
            })
        return super().change_view(request, object_id, form_url, extra_context=extra_context)

    def publish_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        report = get_object_or_404(AnnualReport, pk=pk)
        if not user_has_role(request.user, REVIEWER):
            raise PermissionDenied
        try:
            report_publish(report, user=request.user)
        except ValidationError as error:
            self.message_user(request, "；".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, _("已发布，报告内容和PDF已按当前数据固定。"), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:reports_annualreport_change", args=[pk]))

    def has_submit_permission(self, request):
        return self.has_view_permission(request) and (can_submit(request.user) or self.has_change_permission(request))

    def has_send_back_permission(self, request):
        return self.has_view_permission(request) and user_has_role(request.user, REVIEWER)

    def _each(self, request, queryset, service, done, **kwargs):
        for report in queryset:
            try:
                service(report, user=request.user, **kwargs)
            except ValidationError as error:
                self.message_user(request, "；".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, done % {"title": report.title}, messages.SUCCESS)

    @admin.action(description=_("提交审核"), permissions=["submit"])
    def submit_reports(self, request, queryset):
        self._each(request, queryset, report_submit, _("《%(title)s》已提交审核。"))

    @admin.action(description=_("退回修改"), permissions=["send_back"])
    def send_back_reports(self, request, queryset):
        comment = request.POST.get("review_comment", "")
        if "apply" in request.POST and comment.strip():
            self._each(request, queryset, report_send_back, _("《%(title)s》已退回。"), comment=comment)
            return None
        return TemplateResponse(request, "security/send_back.html", {
            **self.admin_site.each_context(request), "title": _("退回修改"), "queryset": queryset,
            "opts": self.model._meta, "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "action_name": "send_back_reports", "missing_comment": "apply" in request.POST,
        })

    @admin.action(description=_("复制为下一年度报告草稿"), permissions=["add"])
    def copy_to_next_year(self, request, queryset):
        for report in queryset:
            try:
                copy = report_copy(report, user=request.user)
            except ValidationError as error:
                self.message_user(request, "；".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, _("已创建《%s》。") % copy.title, messages.SUCCESS)


@admin.register(AnnualFigure)
class AnnualFigureAdmin(admin.ModelAdmin):
    form = AnnualFigureForm
    list_display = ("year", "key", "label", "value", "unit", "display", "source_note", "updated_at")
    list_filter = ("year",)
    search_fields = ("key", "label")
    list_select_related = ("entered_by",)

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)
