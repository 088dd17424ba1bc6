"""三员分立 in code (issue 15, defects 1 and 9): only 安全管理员 manages accounts; nobody edits their own roles,
flags or permissions; is_superuser is never set from the web; every account change is audited with before,
after and the actor; accounts and reference data keep a history."""
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import RequestFactory, TestCase
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from permits.models import AuditEvent, Department, Material, Region, StaffProfile
from permits.kernel.access import roles
from portal.models import SiteProfile
from tests.factories import DepartmentFactory, MaterialFactory, RegionFactory

from .factories import PASSWORD, make_staff

User = get_user_model()
NEW_PASSWORD = "Qz7#Lm2!Vr9$Tk"


def change_form_data(user, **overrides):
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "is_active": "on", "is_staff": "on",
        "groups": [g.pk for g in user.groups.all()],
        "date_joined_0": "2024-01-01", "date_joined_1": "08:00:00",
        "staff_profile-TOTAL_FORMS": "0", "staff_profile-INITIAL_FORMS": "0",
        "staff_profile-MIN_NUM_FORMS": "0", "staff_profile-MAX_NUM_FORMS": "1",
    }
    data.update(overrides)
    return data


class SeparationOfDutiesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin_sys = make_staff("admin_sys", roles.SYSTEM_ADMIN)
        cls.admin_sec = make_staff("admin_sec", roles.SECURITY_ADMIN)
        cls.auditor = make_staff("auditor", roles.AUDIT_ADMIN)
        cls.editor = make_staff("editor_scjg", roles.DEPARTMENT_EDITOR)
        cls.root = User.objects.create_superuser("admin", "admin@example.com", PASSWORD)
        cls.change_item = Permission.objects.get(codename="change_permititem")

    def change_url(self, user):
        return reverse("admin:auth_user_change", args=[user.pk])

    def password_url(self, user):
        return reverse("admin:auth_user_password_change", args=[user.pk])

    def set_password(self, user):
        return self.client.post(self.password_url(user), {
            "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})

    def last_event(self, action, user):
        return AuditEvent.objects.filter(action=action, object_id=str(user.pk)).order_by("id").last()

    def test_system_admin_cannot_make_itself_superuser_or_grant_permissions(self):
        # Defect 1, step 1: admin_sys ticked 超级用户状态 and added change_permititem on its own page.
        self.client.force_login(self.admin_sys)
        response = self.client.post(self.change_url(self.admin_sys), change_form_data(
            self.admin_sys, is_superuser="on", user_permissions=[self.change_item.pk]))
        self.assertEqual(response.status_code, 403)
        self.admin_sys.refresh_from_db()
        self.assertFalse(self.admin_sys.is_superuser)
        self.assertFalse(self.admin_sys.user_permissions.exists())

    def test_system_admin_cannot_set_another_password(self):
        # Defect 1, step 2: admin_sys set the auditor's password and signed in as the auditor.
        self.client.force_login(self.admin_sys)
        response = self.set_password(self.auditor)
        self.assertEqual(response.status_code, 403)
        self.auditor.refresh_from_db()
        self.assertTrue(self.auditor.check_password(PASSWORD))

    def test_system_admin_reaches_neither_accounts_nor_roles(self):
        self.client.force_login(self.admin_sys)
        for url in (reverse("admin:auth_user_changelist"), reverse("admin:auth_group_changelist"),
                    reverse("admin:otp_totp_totpdevice_changelist")):
            with self.subTest(url):
                self.assertEqual(self.client.get(url).status_code, 403)
        self.assertEqual(self.client.get(reverse("admin:portal_siteprofile_changelist")).status_code, 200)

    def test_auditor_reads_accounts_only(self):
        self.client.force_login(self.auditor)
        self.assertEqual(self.client.get(self.change_url(self.editor)).status_code, 200)
        response = self.client.post(self.change_url(self.editor), change_form_data(self.editor, last_name="x"))
        self.assertEqual(response.status_code, 403)

    def test_superuser_manages_no_accounts(self):
        self.client.force_login(self.root)
        response = self.set_password(self.auditor)
        self.assertEqual(response.status_code, 403)

    def test_security_admin_cannot_change_its_own_roles_flags_or_permissions(self):
        self.client.force_login(self.admin_sec)
        page = self.client.get(self.change_url(self.admin_sec))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'name="is_superuser"')
        self.assertNotContains(page, 'name="groups"')
        self.assertNotContains(page, 'name="user_permissions"')
        reviewer = Group.objects.get(name=roles.REVIEWER)
        self.client.post(self.change_url(self.admin_sec), change_form_data(
            self.admin_sec, groups=[reviewer.pk], is_superuser="on", user_permissions=[self.change_item.pk],
            is_active=""))
        self.admin_sec.refresh_from_db()
        self.assertEqual(list(self.admin_sec.groups.values_list("name", flat=True)), [roles.SECURITY_ADMIN])
        self.assertFalse(self.admin_sec.is_superuser)
        self.assertTrue(self.admin_sec.is_active)
        self.assertFalse(self.admin_sec.user_permissions.exists())
        self.assertEqual(self.client.get(self.password_url(self.admin_sec)).status_code, 403)

    def test_security_admin_cannot_touch_a_superuser(self):
        self.client.force_login(self.admin_sec)
        response = self.set_password(self.root)
        self.assertEqual(response.status_code, 403)

    def test_security_admin_changes_are_audited_with_before_after_and_actor(self):
        self.client.force_login(self.admin_sec)
        reviewer = Group.objects.get(name=roles.REVIEWER)
        editor_group = Group.objects.get(name=roles.DEPARTMENT_EDITOR)
        response = self.client.post(self.change_url(self.editor), change_form_data(
            self.editor, groups=[editor_group.pk, reviewer.pk], user_permissions=[self.change_item.pk],
            is_superuser="on", last_name="王"))
        self.assertEqual(response.status_code, 302)
        self.editor.refresh_from_db()
        self.assertFalse(self.editor.is_superuser)  # not in the form: the posted value is ignored
        role = self.last_event(AuditEvent.Action.ROLE_CHANGE, self.editor)
        self.assertEqual((role.username, role.detail["before"], sorted(role.detail["groups"])),
                         ("admin_sec", ["部门编辑"], ["审核发布", "部门编辑"]))
        perms = self.last_event(AuditEvent.Action.PERMISSION_CHANGE, self.editor)
        self.assertEqual((perms.username, perms.detail["before"], perms.detail["after"]),
                         ("admin_sec", [], ["permits.change_permititem"]))
        account = self.last_event(AuditEvent.Action.ACCOUNT_CHANGE, self.editor)
        self.assertEqual((account.username, account.detail["changes"]), ("admin_sec", {"last_name": ["", "王"]}))

    def test_password_set_by_someone_else_is_audited(self):
        self.client.force_login(self.admin_sec)
        response = self.set_password(self.auditor)
        self.assertEqual(response.status_code, 302)
        event = self.last_event(AuditEvent.Action.PASSWORD_CHANGE, self.auditor)
        self.assertEqual((event.username, event.detail["account"], event.detail["by_self"]),
                         ("admin_sec", "auditor", False))
        self.assertNotIn("pbkdf2", str(event.detail))

    def test_departments_of_an_editor_are_audited(self):
        region = RegionFactory(name="市本级")
        first, second = DepartmentFactory(name="市市场监管局", region=region), DepartmentFactory(name="市教育局", region=region)
        profile, _ = StaffProfile.objects.get_or_create(user=self.editor)
        profile.departments.set([first])
        profile.departments.set([second])
        events = AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_CHANGE, object_type="permits.StaffProfile")
        self.assertEqual(list(events.order_by("id").values_list("detail__change", "detail__before", "detail__after")), [
            ("add", [], ["市市场监管局"]), ("remove", ["市市场监管局"], []), ("add", [], ["市教育局"])])

    def test_superuser_flag_is_refused_inside_a_request(self):
        from simple_history.models import HistoricalRecords as Records

        Records.context.request = RequestFactory().get("/admin/")
        Records.context.request.user = self.admin_sec
        try:
            self.editor.is_superuser = True
            with self.assertRaises(PermissionDenied):
                self.editor.save()
        finally:
            del Records.context.request
        self.editor.refresh_from_db()
        self.assertFalse(self.editor.is_superuser)

    def test_createsuperuser_on_the_server_is_audited(self):
        call_command("createsuperuser", "--noinput", "--username", "root2", "--email", "r@example.com",
                     stdout=io.StringIO())
        created = User.objects.get(username="root2")
        event = self.last_event(AuditEvent.Action.ACCOUNT_CHANGE, created)
        self.assertEqual(event.detail["changes"]["is_superuser"], [None, True])

    def test_otp_devices_are_audited(self):
        device = TOTPDevice.objects.create(user=self.editor, name="手机", confirmed=True)
        device.delete()
        changes = list(AuditEvent.objects.filter(action=AuditEvent.Action.OTP_CHANGE).order_by("id")
                       .values_list("detail__change", "detail__account"))
        self.assertEqual(changes, [("create", "editor_scjg"), ("delete", "editor_scjg")])


class HistoryTests(TestCase):
    """Defect 9: these models had no history; defect 6: the material history page answered 500."""

    @classmethod
    def setUpTestData(cls):
        cls.material = MaterialFactory()
        cls.auditor = make_staff("auditor", roles.AUDIT_ADMIN)
        cls.reviewer = make_staff("reviewer", roles.REVIEWER)

    def test_models_keep_a_history(self):
        for model in (Material, Region, Department, StaffProfile, SiteProfile, User):
            with self.subTest(model.__name__):
                self.assertTrue(model.history.model.__name__.startswith("Historical"))
        before = self.material.history.count()
        self.material.name = "营业执照副本"
        self.material.save()
        self.assertEqual(self.material.history.count(), before + 1)
        user = make_staff("someone")
        user.last_name = "李"
        user.save()
        self.assertEqual(user.history.first().last_name, "李")
        self.assertFalse(hasattr(user.history.first(), "password"))

    def test_sign_in_writes_no_account_history(self):
        user = make_staff("someone")
        count = user.history.count()
        self.client.post(reverse("admin:login"), {"username": "someone", "password": PASSWORD},
                         REMOTE_ADDR="10.0.0.9")
        self.assertEqual(user.history.count(), count)

    def test_material_history_page_for_every_role_that_views_materials(self):
        url = reverse("admin:permits_material_history", args=[self.material.pk])
        for user in (self.auditor, self.reviewer):
            with self.subTest(user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.get(url).status_code, 200)
