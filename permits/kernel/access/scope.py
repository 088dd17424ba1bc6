"""Department scope of staff users."""
from permits.kernel.access.roles import DEPARTMENT_EDITOR, user_roles


def user_departments(user):
    """The department ids a user is limited to, or None when not limited (bureau-wide roles).

    Departments assigned in the staff profile limit any account; a 部门编辑 is always limited
    (with no departments assigned they see nothing)."""
    if not getattr(user, "is_authenticated", False) or user.is_superuser:
        return None
    cached = getattr(user, "_department_scope", False)
    if cached is not False:
        return cached
    profile = getattr(user, "staff_profile", None)
    ids = list(profile.departments.values_list("pk", flat=True)) if profile is not None else []
    if not ids and DEPARTMENT_EDITOR not in user_roles(user):
        ids = None
    user._department_scope = ids
    return ids


def _crosses_many(model, lookup):
    for name in lookup.split("__"):
        field = model._meta.get_field(name)
        if field.many_to_many or field.one_to_many:
            return True
        model = field.related_model
    return False


def scope_queryset(user, queryset, department_lookup):
    if not department_lookup:
        return queryset
    ids = user_departments(user)
    if ids is None:
        return queryset
    condition = {f"{department_lookup}__in": ids}
    if _crosses_many(queryset.model, department_lookup):
        # A row linked to two of the user's departments must still appear once.
        return queryset.filter(pk__in=queryset.model._base_manager.filter(**condition).values("pk"))
    return queryset.filter(**condition)
