"""Permission matrix: every admin page of every registered model × every role, against a table
written by hand from docs/security.md (as pretix's test_permissions does).

POLICY is the oracle. The code's declaration (permits.kernel.access.roles.ROLE_PERMISSIONS and what
each app registers) and the groups built from it must agree with it cell by cell: changing the
declaration without this table fails a test, and so does a model nobody wrote a row for.
"""
from fnmatch import fnmatch

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import TestCase, override_settings
from django.urls import NoReverseMatch, reverse

from permits.kernel.admin.base import ScopedAdmin
from permits.models import AuditEvent, EditionStatus, PermitItem, SubItem
from permits.kernel.access import roles
from permits.kernel.access.audit import audit_record
from permits.kernel.lifecycle import edition_publish
from tests.factories import DepartmentFactory, PermitCatalogueFactory, build_catalogue
from tests.portal.factories import make_staff

SYS, SEC, AUD, REV, EDI, REP = (roles.SYSTEM_ADMIN, roles.SECURITY_ADMIN, roles.AUDIT_ADMIN, roles.REVIEWER,
                                roles.DEPARTMENT_EDITOR, roles.REPORT_EDITOR)
COLUMNS = (SYS, SEC, AUD, REV, EDI, REP)
# Model → what each role may do: a add, c change, d delete, v view. Columns: 系统管理员, 安全管理员,
# 审计管理员, 审核发布, 部门编辑, 报告编辑. A pattern row covers every model it matches that has no row.
POLICY = {
    # 三员分立 (issue 15): accounts, roles, departments of editors and devices are 安全管理员's alone;
    # settings (site profile, regions, departments) are 系统管理员's; 审计管理员 reads everything
    "auth.user":                          ("",     "acdv", "v", "",    "",     ""),
    "auth.group":                         ("",     "acdv", "v", "",    "",     ""),
    "permits.staffprofile":               ("",     "acdv", "v", "",    "",     ""),
    "portal.enrolmentcode":               ("",     "v",  "v", "",    "",     ""),
    "portal.siteprofile":                 ("acdv", "",   "v", "v",   "",     ""),
    "permits.region":                     ("acdv", "",   "v", "v",   "v",    "v"),
    "permits.department":                 ("acdv", "",   "v", "v",   "v",    "v"),
    "axes.accessattempt":                 ("",     "dv", "v", "",    "",     ""),
    "axes.accessfailurelog":              ("",     "dv", "v", "",    "",     ""),
    "axes.accesslog":                     ("",     "v",  "v", "",    "",     ""),
    "otp_totp.totpdevice":                ("",     "acdv", "v", "",   "",     ""),
    "permits.auditevent":                 ("",     "v",  "v", "",    "",     ""),
    "permits.importlog":                  ("",     "",   "v", "v",   "v",    ""),
    "permits.backgroundjob":              ("",     "",   "v", "",    "",     ""),
    # catalogues: 审核发布 adds and changes editions; 部门编辑 writes the rows of their departments
    "permits.permitcatalogue":            ("",     "",   "v", "acv", "v",    "v"),
    "permits.permititem":                 ("",     "",   "v", "v",   "acdv", "v"),
    "permits.subitem":                    ("",     "",   "v", "v",   "acdv", "v"),
    "permits.handlingitem":               ("",     "",   "v", "v",   "acdv", "v"),
    "permits.material":                   ("",     "",   "v", "v",   "acdv", "v"),
    "permits.permitsearchtext":           ("",     "",   "v", "v",   "",     "v"),
    "permits.powercatalogue":             ("",     "",   "v", "acv", "v",    "v"),
    "permits.delegatedpower":             ("",     "",   "v", "v",   "acdv", "v"),
    "permits.observationpoint":           ("",     "",   "v", "v",   "",     "v"),
    "permits.demonstrationsite":          ("",     "",   "v", "v",   "",     "v"),
    "permits.onething":                   ("",     "",   "v", "v",   "v",    "v"),
    "intermediaries.intermediarylist":    ("",     "",   "v", "acv", "v",    "v"),
    "intermediaries.intermediaryservice": ("",     "",   "v", "v",   "acdv", "v"),
    # the annual report: 报告编辑 writes sections and figures; 审核发布 publishes
    "reports.annualreport":               ("",     "",   "v", "acv", "",     "acv"),
    "reports.reportsection":              ("",     "",   "v", "v",   "",     "acdv"),
    "reports.annualfigure":               ("",     "",   "v", "v",   "",     "acdv"),
    # 互动交流: departments answer their messages and 差评 cases; 审核发布 assigns, approves, keeps the calendar
    "portal.message":                     ("",     "",   "v", "cv",  "cv",   ""),
    "portal.ratingcase":                  ("",     "",   "v", "cv",  "cv",   ""),
    "portal.rating":                      ("",     "",   "v", "v",   "v",    ""),
    "portal.holiday":                     ("",     "",   "v", "acdv", "v",   ""),
    "portal.messagestep":                 ("",     "",   "v", "",    "",     ""),
    # who did what: read by 审计管理员 only
    "*.historical*":                      ("",     "",   "v", "",    "",     ""),
    "*":                                  ("",     "",   "v", "",    "",     ""),
}
LETTERS = {"a": "add", "c": "change", "d": "delete", "v": "view"}


def policy_row(label):
    if label in POLICY:
        return POLICY[label]
    return next(row for pattern, row in POLICY.items() if "*" in pattern and fnmatch(label, pattern))


def allowed(role, label, action):
    """The oracle: whether POLICY gives `role` `action` on `label`."""
    return action[0] in policy_row(label)[COLUMNS.index(role)]


# Admins that are append-only by design: nobody adds rows by hand.
NO_ADD = ("permits.auditevent", "axes.*", "*.historical*", "portal.message", "portal.rating", "portal.ratingcase")
# Admins whose rows nobody changes or deletes, whatever the permission says (axes rows are
# deleted to unlock an account, never edited).
NO_CHANGE = ("permits.auditevent", "axes.*", "*.historical*", "portal.rating")
NO_DELETE = ("permits.auditevent", "*.historical*", "portal.message", "portal.rating", "portal.ratingcase")

# Lifecycle actions are granted by role, not by model permission (ScopedAdmin.has_<name>_permission).
ACTION_ROLES = {
    "submit": {roles.DEPARTMENT_EDITOR, roles.REPORT_EDITOR, roles.REVIEWER},
    "publish": {roles.REVIEWER},
    "send_back": {roles.REVIEWER},
}

ROLE_USERS = {role: f"user_{i}" for i, role in enumerate(roles.ALL_ROLES)}


def matches(label, patterns):
    return any(fnmatch(label, p) for p in patterns)


def expected_view(role, label):
    return allowed(role, label, "view") or allowed(role, label, "change")


def expected_add(role, label):
    return allowed(role, label, "add") and not matches(label, NO_ADD)


class PolicyTableTests(TestCase):
    """The declaration in code and the groups in the database against the hand-written table."""

    def test_every_model_has_an_explicit_row_or_is_history(self):
        missing = [m._meta.label_lower for m in apps.get_models()
                   if m._meta.label_lower not in POLICY and not fnmatch(m._meta.label_lower, "*.historical*")
                   and m._meta.app_label in ("permits", "intermediaries", "reports", "portal")]
        self.assertEqual(missing, [], "docs/security.md and POLICY need a row for these models")

    def test_declaration_matches_the_table_cell_by_cell(self):
        differences = []
        for model in apps.get_models():
            label = model._meta.label_lower
            for role in COLUMNS:
                for action in LETTERS.values():
                    if roles.role_allows(role, label, action) != allowed(role, label, action):
                        differences.append((role, label, action, roles.role_allows(role, label, action)))
        self.assertEqual(differences, [])

    def test_groups_hold_exactly_the_table(self):
        for role in COLUMNS:
            held = set(Permission.objects.filter(group__name=role).values_list(
                "content_type__app_label", "content_type__model", "codename"))
            wanted = {(p.content_type.app_label, p.content_type.model, p.codename)
                      for p in Permission.objects.select_related("content_type")
                      if p.codename == f"{p.codename.partition('_')[0]}_{p.content_type.model}"
                      and allowed(role, f"{p.content_type.app_label}.{p.content_type.model}",
                                  p.codename.partition("_")[0])}
            with self.subTest(role=role):
                self.assertEqual(held, wanted)

    def test_a_changed_declaration_fails_against_the_table(self):
        # The example: 部门编辑 given change rights on accounts must not pass unnoticed.
        rules = roles.ROLE_PERMISSIONS[roles.DEPARTMENT_EDITOR]
        rules.append((("auth.user",), ("change",), ()))
        try:
            self.assertTrue(roles.role_allows(roles.DEPARTMENT_EDITOR, "auth.user", "change"))
            self.assertFalse(allowed(roles.DEPARTMENT_EDITOR, "auth.user", "change"))
        finally:
            rules.pop()


class AdminMatrixTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = {role: make_staff(name, role) for role, name in ROLE_USERS.items()}
        cls.nobody = make_staff("staff_without_role")
        # One object for the models that have none yet, so change views are exercised too.
        cls.edition = build_catalogue(items=1, subs=1, handlings=1)
        audit_record(AuditEvent.Action.LOGIN, None, cls.nobody)

    def admin_urls(self):
        for model, model_admin in admin.site._registry.items():
            label = model._meta.label_lower
            opts = model._meta
            obj = model._default_manager.order_by("pk").first()
            yield label, "changelist", reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            try:
                yield label, "add", reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
            except NoReverseMatch:
                pass
            if obj is not None:
                yield label, "change", reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])

    def expected_status(self, role, label, page):
        if role is None:
            return 403
        if page == "add":
            return 200 if expected_add(role, label) else 403
        if not expected_view(role, label):
            return 403
        if page == "change" and role == roles.DEPARTMENT_EDITOR and label in self.scoped_labels():
            return 404  # the object is not in the editor's departments (they have none here)
        return 200

    @staticmethod
    def scoped_labels():
        return {m._meta.label_lower for m, a in admin.site._registry.items()
                if isinstance(a, ScopedAdmin) and a.department_lookup}

    def test_every_admin_page_for_every_role(self):
        urls = list(self.admin_urls())
        self.assertGreater(len(urls), 20)
        for role in (*roles.ALL_ROLES, None):
            user = self.users[role] if role else self.nobody
            self.client.force_login(user)
            for label, page, url in urls:
                with self.subTest(role=role, model=label, page=page):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, self.expected_status(role, label, page), url)

    def test_change_pages_are_read_only_without_change_permission(self):
        for role in roles.ALL_ROLES:
            self.client.force_login(self.users[role])
            for label, page, url in self.admin_urls():
                if page != "change" or not expected_view(role, label):
                    continue
                if role == roles.DEPARTMENT_EDITOR and label in self.scoped_labels():
                    continue  # 404 here, covered above
                may_change = allowed(role, label, "change") and not matches(label, NO_CHANGE)
                with self.subTest(role=role, model=label):
                    response = self.client.get(url)
                    self.assertEqual(response.context["has_change_permission"], may_change)

    def expected_action(self, role, label, permissions):
        """Whether `role` is offered an action that needs `permissions` (Django's allowed_permissions)."""
        for permission in permissions:
            if permission in ACTION_ROLES:
                ok = role in ACTION_ROLES[permission]
            elif permission == "add":
                ok = expected_add(role, label)
            elif permission == "change":
                ok = allowed(role, label, "change") and not matches(label, NO_CHANGE)
            elif permission == "delete":
                ok = allowed(role, label, "delete") and not matches(label, NO_DELETE)
            elif permission == "view":
                ok = expected_view(role, label)
            else:
                self.fail(f"{label}: action permission “{permission}” has no row in the policy table")
            if not ok:
                return False
        return True

    def test_actions_offered_per_role(self):
        for model, model_admin in admin.site._registry.items():
            label = model._meta.label_lower
            declared = [(name, getattr(func, "allowed_permissions", ()))
                        for func, name, _ in model_admin._get_base_actions()]
            self.assertIn("delete_selected", [name for name, _ in declared])
            for role in roles.ALL_ROLES:
                if not expected_view(role, label):
                    continue
                request = self.client.request().wsgi_request
                request.user = get_user_model().objects.get(pk=self.users[role].pk)
                offered = set(model_admin.get_actions(request))
                for name, permissions in declared:
                    with self.subTest(role=role, model=label, action=name):
                        self.assertEqual(name in offered, self.expected_action(role, label, permissions))

    def test_superuser_is_not_needed_by_any_role(self):
        # Every role's group exists and nobody in them is a superuser.
        self.assertEqual(set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES), True)
        self.assertFalse(get_user_model().objects.filter(groups__name__in=roles.ALL_ROLES, is_superuser=True).exists())


@override_settings(ROOT_URLCONF="tests.portal.scoped_urls")
class DepartmentScopeTests(TestCase):
    """Catalogue admins built on ScopedAdmin: another department's row is a 404 for a 部门编辑."""

    @classmethod
    def setUpTestData(cls):
        cls.edition = PermitCatalogueFactory()
        cls.mine = DepartmentFactory(name="市市场监督管理局", region=cls.edition.region)
        cls.theirs = DepartmentFactory(name="市交通运输局", region=cls.edition.region)
        build_catalogue(items=1, subs=1, handlings=1, edition=cls.edition, department=cls.mine)
        build_catalogue(items=1, subs=1, handlings=1, edition=cls.edition, department=cls.theirs)
        cls.my_item = PermitItem.objects.get(edition=cls.edition, department=cls.mine)
        cls.their_item = PermitItem.objects.get(edition=cls.edition, department=cls.theirs)
        cls.editor = make_staff("editor_scjg", roles.DEPARTMENT_EDITOR, departments=[cls.mine])
        cls.reviewer = make_staff("reviewer", roles.REVIEWER)
        cls.sysadmin = make_staff("admin_sys", roles.SYSTEM_ADMIN)
        cls.auditor = make_staff("auditor", roles.AUDIT_ADMIN)
        cls.published = build_catalogue(items=1, subs=1, handlings=1, department=cls.mine)
        edition_publish(cls.published)

    def url(self, model, page, *args):
        return reverse(f"scopedtest:permits_{model}_{page}", args=args)

    def test_editor_sees_only_own_department(self):
        self.client.force_login(self.editor)
        response = self.client.get(self.url("permititem", "changelist"))
        self.assertEqual(response.status_code, 200)
        shown = set(response.context["cl"].queryset.values_list("pk", flat=True))
        self.assertIn(self.my_item.pk, shown)
        self.assertNotIn(self.their_item.pk, shown)

    def test_other_department_answers_404_on_every_object_page(self):
        self.client.force_login(self.editor)
        their_sub = SubItem.objects.get(item=self.their_item)
        pages = [
            self.url("permititem", "change", self.their_item.pk),
            self.url("permititem", "delete", self.their_item.pk),
            self.url("permititem", "history", self.their_item.pk),
            self.url("subitem", "change", their_sub.pk),
            self.url("permititem", "change", 987654),
        ]
        for url in pages:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        response = self.client.post(self.url("permititem", "change", self.their_item.pk), {"name": "改"})
        self.assertEqual(response.status_code, 404)
        self.assertNotEqual(PermitItem.objects.get(pk=self.their_item.pk).name, "改")

    def test_editor_changes_own_draft_row(self):
        self.client.force_login(self.editor)
        url = self.url("permititem", "change", self.my_item.pk)
        self.assertEqual(self.client.get(url).status_code, 200)
        data = {"edition": self.edition.pk, "seq": 1, "code": self.my_item.code, "name": "新名称",
                "department": self.mine.pk, "legal_basis": "依据"}
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 302, getattr(response, "context", None) and response.context.get("errors"))
        self.assertEqual(PermitItem.objects.get(pk=self.my_item.pk).name, "新名称")

    def test_editor_cannot_move_row_to_another_department(self):
        self.client.force_login(self.editor)
        url = self.url("permititem", "change", self.my_item.pk)
        data = {"edition": self.edition.pk, "seq": 1, "code": self.my_item.code, "name": "x",
                "department": self.theirs.pk, "legal_basis": ""}
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)  # the form refuses the choice
        self.assertEqual(PermitItem.objects.get(pk=self.my_item.pk).department, self.mine)

    def test_published_rows_are_read_only_for_everybody(self):
        item = PermitItem.objects.get(edition=self.published)
        for user in (self.editor, self.reviewer):
            self.client.force_login(user)
            response = self.client.get(self.url("permititem", "change", item.pk))
            with self.subTest(user=user.username):
                self.assertEqual(response.status_code, 200)
                self.assertFalse(response.context["has_change_permission"])
                self.assertEqual(self.client.post(self.url("permititem", "change", item.pk), {"name": "x"}).status_code, 403)

    def test_edition_choices_are_drafts_only(self):
        self.client.force_login(self.editor)
        response = self.client.get(self.url("permititem", "add"))
        choices = set(response.context["adminform"].form.fields["edition"].queryset)
        self.assertIn(self.edition, choices)
        self.assertNotIn(self.published, choices)
        self.assertEqual(set(response.context["adminform"].form.fields["department"].queryset), {self.mine})

    def test_autocomplete_is_scoped(self):
        self.client.force_login(self.editor)
        response = self.client.get(reverse("scopedtest:autocomplete"), {
            "app_label": "permits", "model_name": "subitem", "field_name": "item", "term": "",
        })
        self.assertEqual(response.status_code, 200)
        ids = {int(r["id"]) for r in response.json()["results"]}
        self.assertIn(self.my_item.pk, ids)
        self.assertNotIn(self.their_item.pk, ids)

    def test_review_actions_per_role(self):
        self.client.force_login(self.editor)
        request = self.client.request().wsgi_request
        from tests.portal.scoped_urls import site

        model_admin = site._registry[type(self.edition)]
        expectations = {
            self.editor: {"action_submit"},
            self.reviewer: {"action_submit", "action_publish", "action_send_back", "action_copy"},
            self.auditor: set(),
        }
        for user, wanted in expectations.items():
            request.user = user
            offered = set(model_admin.get_actions(request)) - {"delete_selected"}
            with self.subTest(user=user.username):
                self.assertEqual(offered, wanted)
        self.client.force_login(self.sysadmin)
        self.assertEqual(self.client.get(self.url("permitcatalogue", "changelist")).status_code, 403)

    def test_submit_then_publish_through_the_admin(self):
        changelist = self.url("permitcatalogue", "changelist")
        self.client.force_login(self.editor)
        # An editor's publish request is refused (the action is not offered).
        self.client.post(changelist, {"action": "action_publish", "_selected_action": [self.edition.pk]})
        self.edition.refresh_from_db()
        self.assertEqual(self.edition.status, EditionStatus.DRAFT)
        self.client.post(changelist, {"action": "action_submit", "_selected_action": [self.edition.pk]})
        self.edition.refresh_from_db()
        self.assertEqual(self.edition.status, EditionStatus.SUBMITTED)
        self.client.force_login(self.reviewer)
        response = self.client.post(changelist, {"action": "action_send_back", "_selected_action": [self.edition.pk]})
        self.assertEqual(response.status_code, 200)  # asks for the comment first
        self.client.post(changelist, {"action": "action_send_back", "_selected_action": [self.edition.pk],
                                      "apply": "1", "review_comment": "请补充依据"})
        self.edition.refresh_from_db()
        self.assertEqual((self.edition.status, self.edition.review_comment), (EditionStatus.DRAFT, "请补充依据"))
        self.client.force_login(self.editor)
        self.client.post(changelist, {"action": "action_submit", "_selected_action": [self.edition.pk]})
        self.client.force_login(self.reviewer)
        # 发布 leads to the confirmation page; confirming there publishes.
        response = self.client.post(changelist, {"action": "action_publish", "_selected_action": [self.edition.pk]})
        self.assertRedirects(response, self.url("permitcatalogue", "publish", self.edition.pk))
        self.client.post(self.url("permitcatalogue", "publish", self.edition.pk))
        self.edition.refresh_from_db()
        self.assertEqual(self.edition.status, EditionStatus.PUBLISHED)
        actions = list(AuditEvent.objects.filter(object_type="permits.PermitCatalogue", object_id=str(self.edition.pk)).order_by("id")
                       .values_list("action", "username"))
        self.assertEqual(actions, [
            ("submit", "editor_scjg"), ("send_back", "reviewer"), ("submit", "editor_scjg"), ("publish", "reviewer"),
        ])

    def test_editor_without_departments_sees_nothing(self):
        lonely = make_staff("editor_none", roles.DEPARTMENT_EDITOR)
        self.client.force_login(lonely)
        response = self.client.get(self.url("permititem", "changelist"))
        self.assertEqual(response.context["cl"].result_count, 0)


class ManyDepartmentScopeTests(TestCase):
    def test_row_linked_to_two_of_my_departments_is_listed_once(self):
        import datetime

        from permits.models import OneThing
        from permits.kernel.access.scope import scope_queryset

        a, b = DepartmentFactory(), DepartmentFactory()
        bundle = OneThing.objects.create(name="开办餐饮店一件事", level=OneThing.Level.NATIONAL,
                                         launched_on=datetime.date(2024, 3, 1))
        bundle.departments.set([a, b])
        OneThing.objects.create(name="其他", level=OneThing.Level.CITY, launched_on=datetime.date(2024, 3, 1))
        editor = make_staff("editor_two", roles.DEPARTMENT_EDITOR, departments=[a, b])
        self.assertEqual(list(scope_queryset(editor, OneThing.objects.all(), "departments")), [bundle])
