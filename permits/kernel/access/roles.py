"""The staff roles (Django groups, created by a migration) and who holds them.

ROLE_PERMISSIONS is the one declaration of what each role may do with which model; the
migration and `post_migrate` (permits.kernel.access.roles_sync.roles_sync) make the groups match it.
"""
from fnmatch import fnmatch

SYSTEM_ADMIN = "系统管理员"
SECURITY_ADMIN = "安全管理员"
AUDIT_ADMIN = "审计管理员"
REVIEWER = "审核发布"
DEPARTMENT_EDITOR = "部门编辑"
REPORT_EDITOR = "报告编辑"

ALL_ROLES = (SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN, REVIEWER, DEPARTMENT_EDITOR, REPORT_EDITOR)
# 三员分立: no account may hold two of these.
SEPARATED_ROLES = (SYSTEM_ADMIN, SECURITY_ADMIN, AUDIT_ADMIN)

VIEW = ("view",)
ALL = ("add", "change", "delete", "view")

# Read-only for everybody but the roles named below: who did what.
AUDIT_MODELS = ("permits.auditevent", "permits.importlog", "permits.backgroundjob", "axes.*", "*.historical*")
PERSONNEL = ("permits.staffprofile",)

# role → [(model patterns, actions, excluded patterns)]; patterns are "app_label.model" (fnmatch).
# The kernel declares its own rules here; each catalogue and upper floor adds its own through
# role_rules_register / catalogue_roles_register from its AppConfig.ready().
ROLE_PERMISSIONS = {
    # Settings and the site profile; accounts are 安全管理员's (三员分立).
    SYSTEM_ADMIN: [
        (("permits.region", "permits.department"), ALL, ()),
    ],
    # Accounts, roles, passwords, departments of editors, second factors, lockouts.
    SECURITY_ADMIN: [
        (("auth.user", "auth.group", "permits.staffprofile", "otp_totp.totpdevice"), ALL, ()),
        (("axes.accessattempt", "axes.accessfailurelog"), ("view", "delete"), ()),
        (("axes.accesslog", "permits.auditevent"), VIEW, ()),
    ],
    AUDIT_ADMIN: [
        (("*",), VIEW, ()),
    ],
    REVIEWER: [
        (("permits.importlog",), VIEW, ()),
    ],
    DEPARTMENT_EDITOR: [
        (("permits.department", "permits.region", "permits.importlog"), VIEW, ()),
    ],
    REPORT_EDITOR: [],
}


def role_rules_register(role, patterns, actions, excluded=()):
    """Add a rule to `role` (idempotent): `actions` on the models matching `patterns`, not `excluded`."""
    rule = (tuple(patterns), tuple(actions), tuple(excluded))
    rules = ROLE_PERMISSIONS[role]
    if rule not in rules:
        rules.append(rule)


def content_roles_register(app_label):
    """An app whose content the reviewer and the report editor read (its audit and personnel rows aside)."""
    for role in (REVIEWER, REPORT_EDITOR):
        role_rules_register(role, (f"{app_label}.*",), VIEW, AUDIT_MODELS + PERSONNEL)


def catalogue_roles_register(edition, rows=(), views=()):
    """The rules every catalogue follows: 审核发布 adds and changes its editions (and publishes them);
    部门编辑 keeps the department-scoped `rows` and reads the editions and `views`."""
    role_rules_register(REVIEWER, (edition,), ("add", "change"))
    if rows:
        role_rules_register(DEPARTMENT_EDITOR, tuple(rows), ALL)
    role_rules_register(DEPARTMENT_EDITOR, (edition,) + tuple(views), VIEW)


def role_allows(role, model_label, action):
    """Whether the declared policy gives `role` the `action` permission on `model_label`."""
    for patterns, actions, excluded in ROLE_PERMISSIONS.get(role, ()):
        if action not in actions:
            continue
        if any(fnmatch(model_label, p) for p in excluded):
            continue
        if any(fnmatch(model_label, p) for p in patterns):
            return True
    return False


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


def separated_role_conflict(role_names):
    """The administrator roles that may not be held together, if more than one is in `role_names`."""
    names = set(role_names)
    held = [r for r in SEPARATED_ROLES if r in names]
    return held if len(held) > 1 else []


def manages_accounts(user):
    """Only 安全管理员 adds, changes or deletes accounts, roles, passwords and devices (superusers neither)."""
    return SECURITY_ADMIN in user_roles(user)


def can_submit(user):
    """Editors hand their drafts to review (reviewers may too)."""
    return any(user_has_role(user, r) for r in (DEPARTMENT_EDITOR, REPORT_EDITOR, REVIEWER))


def can_publish(user):
    """Only 审核发布 publishes or sends back."""
    return user_has_role(user, REVIEWER)
