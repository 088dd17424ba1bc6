"""Lifecycle actions (提交审核 / 退回修改 / 发布 / 复制为新草稿) and row counts of an edition admin."""
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from permits.kernel.lifecycle import edition_copy, edition_publish, edition_send_back, edition_submit


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

    def copy_edition(self, edition, *, user):
        """The copy service; a catalogue whose copies carry more (e.g. `replaces`) overrides it."""
        return edition_copy(edition, user=user)

    def _each(self, request, queryset, step, message):
        for edition in queryset:
            try:
                new = step(edition)
            except ValidationError as error:
                self.message_user(request, "；".join(error.messages), messages.ERROR)
            else:
                link = new
                if new is not edition and getattr(new, "pk", None):
                    url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[new.pk])
                    link = format_html('<a href="{}">{}</a>', url, new)
                self.message_user(request, format_html(str(message), edition=edition, new=link), messages.SUCCESS)

    @admin.action(description=_("提交审核"), permissions=["submit"])
    def action_submit(self, request, queryset):
        self._each(request, queryset, lambda e: edition_submit(e, user=request.user), self.submit_message)

    @admin.action(description=_("发布"), permissions=["publish"])
    def action_publish(self, request, queryset):
        if queryset.count() != 1:
            noun = self.edition_noun
            self.message_user(request, _("一次只能发布一个%(noun)s，请只选择一个。") % {"noun": noun}, messages.ERROR)
            return
        self._each(request, queryset, lambda e: edition_publish(e, user=request.user, require_submitted=True),
                   self.publish_message)

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
        self._each(request, queryset, lambda e: self.copy_edition(e, user=request.user), self.copy_message)
