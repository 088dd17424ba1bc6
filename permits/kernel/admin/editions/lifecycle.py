"""Lifecycle actions (提交审核 / 退回修改 / 发布 / 复制为新草稿) and row counts of an edition admin.

发布 goes through the review page (the whole diff against the published edition) and a confirmation page
(counts, warnings, errors, four eyes); 复制为新草稿 asks for the new edition's title and label."""
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from permits.kernel.diff import DIFF_PAGE_SIZE, page_number
from permits.kernel.lifecycle import (
    edition_copy, edition_problems, edition_publish, edition_send_back, edition_submit, four_eyes_refusal,
)
from permits.kernel.models.editions import EditionStatus
from permits.kernel.registry import edition_hooks
from permits.kernel.selectors import current_published


class EditionCopyForm(forms.Form):
    title = forms.CharField(label=_("新草稿的标题"), max_length=200,
                            help_text=_("例如：新余市行政许可事项清单（2024年版）"))
    edition = forms.CharField(label=_("新草稿的版本"), max_length=32, help_text=_("例如：2024年版"))


def rows_count(model, link="edition"):
    """Rows of `model` per edition as one correlated subquery (constant query count, no join fan-out)."""
    rows = (model.objects.filter(**{link: OuterRef("pk")}).order_by().values(link)
            .annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def count_column(name, description):
    """A list_display column showing the annotation `name` (see EditionAdminMixin.counts)."""
    @admin.display(description=description, ordering=name)
    def column(self, obj):
        return getattr(obj, name)
    return column


class EditionAdminMixin:
    """Lifecycle actions and row counts for an edition admin (use with ScopedAdmin)."""

    actions = ["action_submit", "action_send_back", "action_publish", "action_copy"]
    edition_noun = _("清单")
    # annotation name → (row model, link from the row to the edition); show with count_column(name, …)
    counts = {}
    submit_message = _("《{edition}》已提交审核。")
    send_back_message = _("《{edition}》已退回修改。")
    publish_message = _("《{edition}》已发布。")
    copy_message = _("已由《{edition}》复制出新草稿《{new}》。")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.counts:
            queryset = queryset.annotate(**{
                name: rows_count(model, link) for name, (model, link) in self.counts.items()})
        return queryset

    def copy_edition(self, edition, *, user, title=None, edition_label=None):
        """The copy service (what a catalogue's copies carry more is its registered copy hook)."""
        return edition_copy(edition, user=user, title=title, edition_label=edition_label)

    # ---- review, publish confirmation and copy pages ----
    def edition_paths(self, *routes):
        """Admin URL patterns from (route, view, name[, kwargs]), named "<app>_<model>_<name>"."""
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [path(route, self.admin_site.admin_view(view), *extra, name=f"{info}_{name}")
                for route, view, name, *extra in routes]

    def get_urls(self):
        return [*self.edition_paths(
            ("<int:pk>/review/", self.review_view, "review"),
            ("<int:pk>/publish/", self.publish_view, "publish"),
            ("<int:pk>/copy/", self.copy_view, "copy"),
        ), *super().get_urls()]

    def _url(self, name, *args):
        return reverse(f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{name}", args=args)

    def _edition(self, request, pk):
        edition = self.get_queryset(request).filter(pk=pk).first() if pk < 2**63 else None
        if edition is None or not self.has_view_permission(request, edition):
            raise Http404(_("没有找到该记录。"))
        return edition

    def _page(self, request, edition, template, **context):
        return TemplateResponse(request, template, {
            **self.admin_site.each_context(request), "opts": self.opts, "original": edition, "edition": edition,
            "edition_noun": self.edition_noun, "has_view_permission": True, **context,
        })

    def edition_diff(self, edition):
        """(published edition it would replace, EditionDiff or None when the catalogue registered no diff)."""
        model = type(edition)
        previous = current_published(model, scope=getattr(edition, f"{model.scope_field}_id"))
        if previous is not None and previous.pk == edition.pk:
            previous = edition.copied_from if getattr(edition, "copied_from_id", None) else None
        differ = edition_hooks(model).diff
        return previous, (differ(previous, edition) if differ is not None else None)

    def review_view(self, request, pk):
        edition = self._edition(request, pk)
        previous, diff = self.edition_diff(edition)
        page = pages = 1
        if diff is not None:
            diff, page, pages = diff.page(page_number(request.GET.get("page")), DIFF_PAGE_SIZE)
        return self._page(request, edition, "admin/edition_review.html", previous=previous, diff=diff,
                          page=page, pages=pages, page_query="",
                          title=format_html("审核：{}", edition),
                          publish_url=self._url("publish", pk) if self._may_publish(request, edition) else "")

    def _may_publish(self, request, edition):
        return edition.status == EditionStatus.SUBMITTED and self.has_publish_permission(request)

    def publish_view(self, request, pk):
        edition = self._edition(request, pk)
        if not self.has_publish_permission(request):
            raise PermissionDenied
        previous, diff = self.edition_diff(edition)
        errors, warnings = edition_problems(edition)
        refusals = [m for m in (four_eyes_refusal(edition, request.user),) if m]
        if edition.status != EditionStatus.SUBMITTED:
            refusals.append(_("《%(edition)s》当前状态为“%(status)s”，不能发布：只有待审核的%(noun)s可以发布。") % {
                "edition": edition, "status": edition.get_status_display(), "noun": self.edition_noun})
        if request.method == "POST" and not (errors or refusals):
            try:
                edition_publish(edition, user=request.user, require_submitted=True)
            except ValidationError as error:
                refusals += error.messages
            else:
                self.message_user(request, format_html(str(self.publish_message), edition=edition, new=edition),
                                  messages.SUCCESS)
                return HttpResponseRedirect(self._url("changelist"))
        return self._page(request, edition, "admin/edition_publish.html", previous=previous, diff=diff,
                          errors=errors, warnings=warnings, refusals=refusals, review_url=self._url("review", pk),
                          title=format_html("确认发布：{}", edition))

    def copy_view(self, request, pk):
        edition = self._edition(request, pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = EditionCopyForm(request.POST or None, initial={"title": edition.title, "edition": edition.edition})
        if request.method == "POST" and form.is_valid():
            try:
                new = self.copy_edition(edition, user=request.user, title=form.cleaned_data["title"],
                                        edition_label=form.cleaned_data["edition"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                url = self._url("change", new.pk)
                self.message_user(request, format_html(str(self.copy_message), edition=edition,
                                                       new=format_html('<a href="{}">{}</a>', url, new)),
                                  messages.SUCCESS)
                return HttpResponseRedirect(url)
        return self._page(request, edition, "admin/edition_copy.html", form=form,
                          title=format_html("复制为新草稿：{}", edition))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["review_url"] = self._url("review", obj.pk)
            if self._may_publish(request, obj):
                extra_context["publish_url"] = self._url("publish", obj.pk)
            if self.has_add_permission(request):
                extra_context["copy_url"] = self._url("copy", obj.pk)
        return super().change_view(request, object_id, form_url, extra_context)

    def _each(self, request, queryset, step, message):
        for edition in queryset:
            try:
                step(edition)
            except ValidationError as error:
                self.message_user(request, "；".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, format_html(str(message), edition=edition), messages.SUCCESS)

    @admin.action(description=_("提交审核"), permissions=["submit"])
    def action_submit(self, request, queryset):
        self._each(request, queryset, lambda e: edition_submit(e, user=request.user), self.submit_message)

    def _one(self, request, queryset, verb):
        editions = list(queryset[:2])
        if len(editions) != 1:
            self.message_user(request, _("一次只能%(verb)s一个%(noun)s，请只选择一个。") % {
                "verb": verb, "noun": self.edition_noun}, messages.ERROR)
            return None
        return editions[0]

    @admin.action(description=_("发布"), permissions=["publish"])
    def action_publish(self, request, queryset):
        # Publishing goes through the confirmation page: counts, warnings, errors, four eyes.
        edition = self._one(request, queryset, _("发布"))
        return HttpResponseRedirect(self._url("publish", edition.pk)) if edition else None

    @admin.action(description=_("退回修改"), permissions=["send_back"])
    def action_send_back(self, request, queryset):
        comment = request.POST.get("review_comment", "")
        if "apply" in request.POST and comment.strip():
            self._each(request, queryset, lambda e: edition_send_back(e, user=request.user, comment=comment),
                       self.send_back_message)
            return None
        return TemplateResponse(request, "security/send_back.html", {
            **self.admin_site.each_context(request), "title": _("退回修改"), "queryset": queryset,
            "opts": self.model._meta, "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "missing_comment": "apply" in request.POST,
        })

    @admin.action(description=_("复制为新草稿"), permissions=["add"])
    def action_copy(self, request, queryset):
        # The copy asks for the new edition's title and label first.
        edition = self._one(request, queryset, _("复制"))
        return HttpResponseRedirect(self._url("copy", edition.pk)) if edition else None
