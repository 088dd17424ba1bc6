"""What every catalogue admin shares: department scope, edition locking and role-limited actions.

`department_lookup` names the path from the model to its Department (e.g. "sub_item__item__department");
a 部门编辑 sees only rows of their departments, and others' rows answer 404 — in the change,
delete and history views, in autocomplete, in choice lists and in exports (all go through
get_queryset). Rows of an edition that is not a draft are read-only for everybody.
`status_lookup` names the path to the edition status; by default it is found from the model
("status" on an edition, "<edition_lookup>__status" on a row).
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from permits.models import EDITABLE_STATUSES, Department, EditionStatus
from permits.kernel.access.roles import can_publish, can_submit
from permits.kernel.access.scope import scope_queryset, user_departments
from permits.kernel.lifecycle import edition_touch
from permits.kernel.models.editions import Edition, EditionChild


def _status_field(model):
    """True when `model` has a lifecycle status (editions, and any model with the same lifecycle)."""
    try:
        field = model._meta.get_field("status")
    except Exception:  # noqa: BLE001 - FieldDoesNotExist
        return False
    return getattr(field, "choices", None) is not None and set(dict(field.choices)) >= {
        EditionStatus.DRAFT, EditionStatus.PUBLISHED}


def default_status_lookup(model):
    """"status" on an edition or any model with the lifecycle; "<edition_lookup>__status" on a catalogue row; else the status
    of the first parent with one (e.g. a section of a document)."""
    if _status_field(model):
        return "status"
    edition_lookup = getattr(model, "edition_lookup", None)
    if edition_lookup:
        return f"{edition_lookup}__status"
    for field in model._meta.concrete_fields:
        if field.many_to_one and field.related_model is not model and _status_field(field.related_model):
            return f"{field.name}__status"
    return None


class ScopedAdmin(SimpleHistoryAdmin):
    department_lookup = None
    status_lookup = "auto"

    # ---- scope ----
    def get_queryset(self, request):
        return scope_queryset(request.user, super().get_queryset(request), self.department_lookup)

    def is_scoped(self, request):
        return bool(self.department_lookup) and user_departments(request.user) is not None

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Out of scope and missing look the same: 404, never a redirect that confirms existence.
        raise Http404(_("没有找到该记录。"))

    def _check_in_scope(self, request, object_id):
        if self.is_scoped(request):
            try:
                pk = self.model._meta.pk.to_python(object_id)
            except ValidationError:
                raise Http404(_("没有找到该记录。"))
            if not self.get_queryset(request).filter(pk=pk).exists():
                raise Http404(_("没有找到该记录。"))

    def history_view(self, request, object_id, extra_context=None):
        self._check_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    # ---- choices: only drafts, only the editor's departments, only rows the user may see ----
    def _limit_choices(self, request, db_field, queryset):
        related = db_field.related_model
        if related is Department:
            ids = user_departments(request.user)
            if ids is not None:
                queryset = queryset.filter(pk__in=ids)
        elif self.get_status_lookup() == f"{db_field.name}__status":
            # The parent edition a row is written into must be a draft.
            queryset = queryset.filter(status__in=EDITABLE_STATUSES)
        related_admin = self.admin_site._registry.get(related)
        if isinstance(related_admin, ScopedAdmin) and related_admin.is_scoped(request):
            queryset = queryset.filter(pk__in=related_admin.get_queryset(request).values("pk"))
        return queryset

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = self._limit_choices(request, db_field, field.queryset)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = self._limit_choices(request, db_field, field.queryset)
        return field

    # ---- status: only drafts change ----
    def get_status_lookup(self):
        return default_status_lookup(self.model) if self.status_lookup == "auto" else self.status_lookup

    def object_status(self, obj):
        lookup = self.get_status_lookup()
        if not lookup or obj is None or obj.pk is None:
            return None
        value = obj
        for part in lookup.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value

    def object_is_draft(self, obj):
        status = self.object_status(obj)
        return status is None or status in EDITABLE_STATUSES

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or self.object_is_draft(obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or self.object_is_draft(obj)

    def delete_queryset(self, request, queryset):
        lookup = self.get_status_lookup()
        if lookup and queryset.exclude(**{f"{lookup}__in": EDITABLE_STATUSES}).exists():
            raise PermissionDenied(_("所选记录中有不属于草稿的，不能删除。"))
        editions = {e.pk: e for e in (self._edition_of(obj) for obj in queryset) if e is not None}
        super().delete_queryset(request, queryset)
        for edition in editions.values():
            edition_touch(edition, request.user)

    # ---- four eyes: every admin write into a draft records its author on the edition ----
    @staticmethod
    def _edition_of(obj):
        if isinstance(obj, Edition):
            return obj
        return obj.get_edition() if isinstance(obj, EditionChild) else None

    def save_model(self, request, obj, form, change):
        if isinstance(obj, Edition) and obj.is_editable:
            obj.last_edited_by = request.user
        super().save_model(request, obj, form, change)
        edition_touch(self._edition_of(obj), request.user)

    def delete_model(self, request, obj):
        edition = self._edition_of(obj)
        super().delete_model(request, obj)
        edition_touch(edition, request.user)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            edition_touch(self._edition_of(form.instance), request.user)

    # ---- role-limited actions: @admin.action(permissions=["submit"|"publish"|"send_back"]) ----
    def has_submit_permission(self, request):
        # Editors' roles give it; so does the right to change the edition itself.
        return self.has_view_permission(request) and (
            can_submit(request.user) or self.has_change_permission(request))

    def has_publish_permission(self, request):
        return self.has_view_permission(request) and can_publish(request.user)

    def has_send_back_permission(self, request):
        return self.has_publish_permission(request)


class LockedInlineMixin:
    """Inline rows follow their parent: nothing is added, changed or deleted unless its edition is a draft."""

    def _read_only(self, obj):
        edition = obj.get_edition() if hasattr(obj, "get_edition") else obj
        return edition is not None and edition.status not in EDITABLE_STATUSES

    def has_add_permission(self, request, obj=None):
        return not self._read_only(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._read_only(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._read_only(obj) and super().has_delete_permission(request, obj)
