"""Department scope of staff users."""


def user_departments(user):
    """The departments a user is limited to, or None when not limited (bureau-wide roles)."""
    if user.is_superuser:
        return None
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return None
    ids = list(profile.departments.values_list("pk", flat=True))
    return ids or None


def scope_queryset(user, queryset, department_lookup):
    if not department_lookup:
        return queryset
    ids = user_departments(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{department_lookup}__in": ids})
