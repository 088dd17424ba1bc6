"""Permission matrix: every admin page of every registered model × every role, from a declared policy.

The policy is permits.kernel.access.roles.ROLE_PERMISSIONS (what the groups are built from) plus the
table below of admins that nobody may add to; the test enumerates admin.site._registry, so models
whose admins arrive later are covered without editing this file.
"""
from fnmatch import fnmatch

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import TestCase, override_settings
from django.urls import NoReverseMatch, reverse

from permits.kernel.admin.base import ScopedAdmin
from permits.models import AuditEvent, EditionStatus, PermitItem, SubItem
from permits.kernel.access import roles
from permits.kernel.access.audit import audit_record
from permits.kernel.lifecycle import edition_publish
from tests.factories import DepartmentFactory, PermitCatalogueFactory, build_catalogue
from tests.portal.factories import make_staff

# Admins that are append-only by design: nobody adds rows by hand.
NO_ADD = ("permits.auditevent", "axes.*", "*.historical*")
# Admins whose rows nobody changes or deletes, whatever the permission says (axes rows are
# deleted to unlock an account, never edited).
NO_CHANGE = ("permits.auditevent", "axes.*", "*.historical*")
NO_DELETE = ("permits.auditevent", "*.historical*")

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
    return roles.role_allows(role, label, "view") or roles.role_allows(role, label, "change")


def expected_add(role, label):
    return roles.role_allows(role, label, "add") and not matches(label, NO_ADD)


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
                may_change = roles.role_allows(role, label, "change") and not matches(label, NO_CHANGE)
                with self.subTest(role=role, model=label):
                    response = self.client.get(url)
                    self.assertEqual(response.context["has_change_permission"], may_change)

    def expected_action(self, role, label, permissions):
        """Whether `role` is offered an action that needs `permissions` (Django's allowed_permissions)."""
        for permission in permissions:
            if permission in ACTION_ROLES:
                allowed = role in ACTION_ROLES[permission]
            elif permission == "add":
                allowed = expected_add(role, label)
            elif permission == "change":
                allowed = roles.role_allows(role, label, "change") and not matches(label, NO_CHANGE)
            elif permission == "delete":
                allowed = roles.role_allows(role, label, "delete") and not matches(label, NO_DELETE)
            elif permission == "view":
                allowed = expected_view(role, label)
            else:
                self.fail(f"{label}: action permission “{permission}” has no row in the policy table")
            if not allowed:
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
