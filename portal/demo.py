"""The demo data of the whole portal: each floor seeds its own part, in dependency order,
then the site profile and one demo staff account per role."""
import os
import secrets
import string

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from intermediaries.demo import seed_intermediaries
from permits.kernel.cache import cache_version_bump
from permits.kernel.registry import public_namespaces
from permits.demo import seed_permits_demo
from permits.models import Department, StaffProfile
from permits.kernel.access import roles
from reports.demo import seed_reports

from .interact.demo import seed_interact

from .models import SiteProfile
from .site_profile import DEMO_PLACEHOLDERS

PASSWORD_ENV = "PORTAL_DEMO_PASSWORD"
PASSWORD_FILE_NAME = ".demo-password"

SITE_PROFILE = {
    "site_name": "新余市行政审批局",
    "site_code": DEMO_PLACEHOLDERS["site_code"],
    "icp_number": DEMO_PLACEHOLDERS["icp_number"],
    "police_number": "赣公网安备 36050202000078号",
    "hotline": "12345",
    "address": DEMO_PLACEHOLDERS["address"],
    "postcode": "338000",
    "sponsor": "新余市行政审批局",
}

# (username, role or None for the set-up superuser, display name, departments of a 部门编辑)
DEMO_ACCOUNTS = [
    ("admin_sys", roles.SYSTEM_ADMIN, "系统管理员（演示）", ()),
    ("admin_sec", roles.SECURITY_ADMIN, "安全管理员（演示）", ()),
    ("auditor", roles.AUDIT_ADMIN, "审计管理员（演示）", ()),
    ("reviewer", roles.REVIEWER, "审核发布员（演示）", ()),
    # A second reviewer, so four eyes can be tried: whoever changed or submitted a draft does not publish it.
    ("reviewer2", roles.REVIEWER, "审核发布员二（演示）", ()),
    ("editor_scjg", roles.DEPARTMENT_EDITOR, "市场监管局编辑（演示）", ("新余市市场监督管理局",)),
    ("editor_report", roles.REPORT_EDITOR, "报告编辑（演示）", ()),
    ("admin", None, "初始化超级用户（仅用于系统初始化，勿用于日常工作）", ()),
]


def password_file():
    return settings.BASE_DIR / PASSWORD_FILE_NAME


def demo_password(*, create=False):
    """The demo accounts' password: PORTAL_DEMO_PASSWORD, else the one generated on the first run
    and kept in .demo-password (git-ignored), so every run and the banner agree."""
    password = os.environ.get(PASSWORD_ENV, "").strip()
    if password:
        return password
    path = password_file()
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    if not create:
        return None
    password = generate_password()
    path.write_text(password + "\n", encoding="utf-8")
    try:
        path.chmod(0o600)
    except OSError:  # pragma: no cover - e.g. a file system without modes
        pass
    return password


def generate_password(length=16):
    """Random, with upper and lower case letters, digits and a symbol (meets the password policy)."""
    rng = secrets.SystemRandom()
    classes = [string.ascii_uppercase, string.ascii_lowercase, string.digits, "-_.@#%"]
    chars = [rng.choice(group) for group in classes]
    alphabet = string.ascii_letters + string.digits
    chars += [rng.choice(alphabet) for _ in range(length - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)


def seed_site_profile():
    if not SiteProfile.objects.exists():
        SiteProfile.objects.create(**SITE_PROFILE)


@transaction.atomic
def seed_accounts(*, log=lambda message: None):
    """One staff account per role (groups by name; their permissions come from migrations)."""
    password = demo_password(create=True)
    User = get_user_model()
    existing = {u.username: u for u in User.objects.filter(username__in=[a[0] for a in DEMO_ACCOUNTS])}
    hashed = None
    # One hash check decides whether the stored accounts still use the current password.
    stale = bool(existing) and not next(iter(existing.values())).check_password(password)
    for username, role, name, departments in DEMO_ACCOUNTS:
        user = existing.get(username)
        if user is not None and not stale:
            continue
        hashed = hashed or make_password(password)
        if user is None:
            user = User(username=username, first_name=name, is_staff=True, is_superuser=role is None)
        user.password = hashed
        user.save()
        if role is not None:
            user.groups.set([Group.objects.get_or_create(name=role)[0]])
        profile, _ = StaffProfile.objects.get_or_create(user=user)
        profile.password_changed_at = timezone.now()
        profile.save(update_fields=["password_changed_at"])
        if departments:
            profile.departments.set(Department.objects.filter(name__in=departments))
        log(f"演示账号 {username} 已{'更新密码' if username in existing else '创建'}")


def seed_demo(*, scale=1, log=lambda message: None):
    demo = seed_permits_demo(scale=scale, log=log)
    seed_intermediaries(demo, log=log)
    # Before the reports: the 2024 report is published with the year's 互动交流 figures.
    seed_interact(log=log)
    seed_reports(demo, log=log)
    seed_site_profile()
    seed_accounts(log=log)
    # Regions and departments were written in bulk, past the save signals that bump "site".
    cache_version_bump(*public_namespaces())
    return demo
