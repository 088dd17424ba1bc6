"""The staff roles (Django groups, created by a migration) and who holds them."""

SYSTEM_ADMIN = "系统管理员"
SECURITY_ADMIN = "安全管理员"
AUDIT_ADMIN = "审计管理员"
REVIEWER = "审核发布"
DEPARTMENT_EDITOR = "部门编辑"
REPORT_EDITOR = "报告编辑"

ALL_ROLES = (SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN, REVIEWER, DEPARTMENT_EDITOR, REPORT_EDITOR)
# 三员分立: no account may hold two of these.
SEPARATED_ROLES = (SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN)


def user_roles(user):
    if not getattr(user, "is_authenticated", False):
        return set()
    cache = getattr(user, "_role_cache", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._role_cache = cache
    return cache


def user_has_role(user, role):
    return bool(getattr(user, "is_superuser", False)) or role in user_roles(user)
