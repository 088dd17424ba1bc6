"""Sign-in (axes, TOTP, passwords), sessions, 三员分立, CSP and the SQLite write settings."""
import datetime
import tempfile
import threading
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from permits.models import AuditEvent, StaffProfile
from permits.kernel.access import roles
from portal.security.admin import PortalUserChangeForm
from portal.security.middleware import SESSION_SEEN, SESSION_STARTED
from tests.portal.factories import PASSWORD, make_staff

LOGIN = "/admin/login/"


def token_for(device, offset=0):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"


class PasswordRuleTests(SimpleTestCase):
    def test_rules(self):
        refused = ["Short1!", "alllowercaseletters", "abcdefghij12", "Password1234", "123456789012"]
        for password in refused:
            with self.subTest(password=password), self.assertRaises(ValidationError):
                validate_password(password)
        for password in ["Xinyu-Approval-2024", "qz7!Lmp#Wr2v", "审批局Bureau2024x"]:
            with self.subTest(password=password):
                validate_password(password)


class LockoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_staff("reviewer", roles.REVIEWER)
        cls.other = make_staff("editor_report", roles.REPORT_EDITOR)

    def post_login(self, username, password, ip="10.0.0.1"):
        return self.client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"},
                                REMOTE_ADDR=ip)

    def test_five_failures_lock_the_username_from_any_address(self):
        for i in range(4):
            self.assertEqual(self.post_login("reviewer", "wrong-password", ip=f"10.0.1.{i}").status_code, 200)
        self.assertEqual(self.post_login("reviewer", "wrong-password", ip="10.0.1.9").status_code, 429)
        response = self.post_login("reviewer", PASSWORD, ip="10.0.2.1")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "锁定", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_five_failures_lock_the_address_for_any_username(self):
        for i in range(5):
            self.post_login(f"nobody{i}", "wrong-password", ip="10.0.3.3")
        self.assertEqual(self.post_login("editor_report", PASSWORD, ip="10.0.3.3").status_code, 429)
        # Another address and an untouched username are not locked.
        self.assertEqual(self.post_login("editor_report", PASSWORD, ip="10.0.4.4").status_code, 302)

    def test_failures_and_successes_are_audited_with_address(self):
        self.post_login("reviewer", "wrong-password", ip="10.9.9.9")
        self.post_login("reviewer", PASSWORD, ip="10.9.9.8")
        failed = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
        self.assertEqual((failed.username, failed.ip_address, failed.success), ("reviewer", "10.9.9.9", False))
        ok = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
        self.assertEqual((ok.user, ok.ip_address, ok.success), (self.user, "10.9.9.8", True))

    @override_settings(AXES_COOLOFF_TIME=datetime.timedelta(minutes=30))
    def test_lock_ends_after_30_minutes(self):
        from axes.models import AccessAttempt

        for _ in range(5):
            self.post_login("reviewer", "bad", ip="10.0.5.5")
        AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
        self.assertEqual(self.post_login("reviewer", PASSWORD, ip="10.0.5.5").status_code, 302)


# No throttling between the deliberate wrong token and the right one (django-otp waits otherwise).
@override_settings(PORTAL_REQUIRE_2FA=True, OTP_TOTP_THROTTLE_FACTOR=0)
class TwoFactorTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.new_staff = make_staff("editor_scjg", roles.DEPARTMENT_EDITOR)
        cls.enrolled = make_staff("reviewer", roles.REVIEWER)
        cls.device = TOTPDevice.objects.create(user=cls.enrolled, name="手机", confirmed=True)

    def test_password_alone_does_not_open_the_admin(self):
        self.client.post(LOGIN, {"username": "editor_scjg", "password": PASSWORD})
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(LOGIN))
        # The login page sends a signed-in account without a device to enrolment.
        self.assertRedirects(self.client.get(LOGIN), reverse("admin:security_otp"))

    def test_enrolment_shows_a_qr_code_and_verifies_a_token(self):
        from portal.security.enrolment import enrolment_code_issue

        code = enrolment_code_issue(self.new_staff, issued_by=None)
        self.client.post(LOGIN, {"username": "editor_scjg", "password": PASSWORD})
        self.client.post(reverse("admin:security_otp"), {"enrol_code": code})
        page = self.client.get(reverse("admin:security_otp"))
        self.assertContains(page, "<svg")
        device = TOTPDevice.objects.get(user=self.new_staff, confirmed=False)
        self.assertContains(page, __import__("base64").b32encode(device.bin_key).decode())
        bad = self.client.post(reverse("admin:security_otp"), {"otp_token": "000000" if token_for(device) != "000000" else "111111"})
        self.assertContains(bad, "不正确")
        ok = self.client.post(reverse("admin:security_otp"), {"otp_token": token_for(device)})
        self.assertRedirects(ok, reverse("admin:index"), fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertTrue(TOTPDevice.objects.get(pk=device.pk).confirmed)
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.OTP_ENROL, user=self.new_staff).exists())

    def test_enrolled_account_needs_a_valid_token(self):
        response = self.client.post(LOGIN, {"username": "reviewer", "password": PASSWORD})
        self.assertContains(response, "请输入动态口令")
        wrong = self.client.post(LOGIN, {"username": "reviewer", "password": PASSWORD,
                                         "otp_token": token_for(self.device, offset=5)})
        self.assertContains(wrong, "动态口令不正确")
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, username="reviewer").exists())
        ok = self.client.post(LOGIN, {"username": "reviewer", "password": PASSWORD,
                                      "otp_token": token_for(self.device), "next": "/admin/"})
        self.assertRedirects(ok, "/admin/", fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    @override_settings(PORTAL_REQUIRE_2FA=False)
    def test_local_demo_can_switch_it_off(self):
        self.client.post(LOGIN, {"username": "editor_scjg", "password": PASSWORD})
        self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_setting_defaults_to_on_without_debug(self):
        import subprocess
        import sys

        code = "import django,os;django.setup();from django.conf import settings;print(settings.PORTAL_REQUIRE_2FA)"
        env = {"DJANGO_SETTINGS_MODULE": "portal.settings", "DJANGO_DEBUG": "0",
               "DJANGO_SECRET_KEY": "x" * 60, "PATH": "/usr/bin:/bin"}
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             cwd=settings.BASE_DIR, check=True)
        self.assertEqual(out.stdout.strip(), "True")


class SessionAndPasswordAgeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_staff("auditor", roles.AUDIT_ADMIN)

    def age_session(self, **seconds_ago):
        session = self.client.session
        now = int(time.time())
        for key, ago in seconds_ago.items():
            session[key] = now - ago
        session.save()

    def test_idle_session_ends_after_30_minutes(self):
        self.client.force_login(self.user)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.age_session(**{SESSION_SEEN: 29 * 60})
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.age_session(**{SESSION_SEEN: 31 * 60})
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_session_ends_after_12_hours_even_when_active(self):
        self.client.force_login(self.user)
        self.client.get("/admin/")
        self.age_session(**{SESSION_STARTED: 12 * 3600 + 5, SESSION_SEEN: 10})
        self.assertEqual(self.client.get("/admin/").status_code, 302)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_password_older_than_90_days_must_be_changed(self):
        StaffProfile.objects.update_or_create(
            user=self.user, defaults={"password_changed_at": timezone.now() - datetime.timedelta(days=91)})
        self.client.force_login(self.user)
        self.assertRedirects(self.client.get("/admin/"), reverse("admin:password_change"))
        self.assertEqual(self.client.get(reverse("admin:password_change")).status_code, 200)
        new = "Fresh-Password-2025"
        self.client.post(reverse("admin:password_change"), {
            "old_password": PASSWORD, "new_password1": new, "new_password2": new})
        profile = StaffProfile.objects.get(user=self.user)
        self.assertLess(timezone.now() - profile.password_changed_at, datetime.timedelta(minutes=1))
        self.assertEqual(self.client.get("/admin/").status_code, 200)


class SeparationOfDutiesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_staff("admin_sys", roles.SYSTEM_ADMIN)
        cls.audit_group = Group.objects.get(name=roles.AUDIT_ADMIN)
        cls.security_group = Group.objects.get(name=roles.SECURITY_ADMIN)

    def test_second_admin_role_is_refused_from_either_side(self):
        with self.assertRaises(ValidationError), transaction.atomic():
            self.user.groups.add(self.audit_group)
        with self.assertRaises(ValidationError), transaction.atomic():
            self.security_group.user_set.add(self.user)
        self.assertEqual(list(self.user.groups.values_list("name", flat=True)), [roles.SYSTEM_ADMIN])

    def test_other_roles_combine_freely(self):
        self.user.groups.add(Group.objects.get(name=roles.REVIEWER))
        self.assertEqual(self.user.groups.count(), 2)

    def test_user_form_explains_the_rule(self):
        form = PortalUserChangeForm(instance=self.user, data={
            "username": "admin_sys", "date_joined": "2024-01-01 08:00:00",
            "groups": [self.user.groups.get().pk, self.audit_group.pk], "is_active": "on", "is_staff": "on",
        })
        self.assertFalse(form.is_valid())
        self.assertIn("三员分立", str(form.errors["groups"]))

    def test_role_changes_are_audited(self):
        reviewer = Group.objects.get(name=roles.REVIEWER)
        self.user.groups.add(reviewer)
        event = AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_CHANGE, object_id=str(self.user.pk)).order_by("id").last()
        self.assertIn(roles.REVIEWER, event.detail["groups"])


class HeaderTests(TestCase):
    def test_public_pages_allow_no_inline_script_or_style(self):
        response = self.client.get("/healthz")
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        self.assertEqual(directives["script-src"], "'self'")
        self.assertEqual(directives["style-src"], "'self'")
        self.assertEqual(directives["frame-ancestors"], "'none'")
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Referrer-Policy"], "strict-origin-when-cross-origin")

    def test_admin_relaxes_only_styles(self):
        response = self.client.get(LOGIN)
        policy = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        self.assertIn("'unsafe-inline'", directives["style-src"])
        self.assertNotIn("unsafe", directives["script-src"])


ALIAS = "concurrency_test"


class SQLiteConcurrencyTests(SimpleTestCase):
    """Two threads writing the same SQLite file at once: with WAL and a busy timeout, none fails."""

    databases = {ALIAS}

    @classmethod
    def setUpClass(cls):
        cls.folder = tempfile.TemporaryDirectory()
        connections.settings[ALIAS] = {
            "ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(cls.folder.name) / "w.sqlite3"),
            "OPTIONS": dict(settings.SQLITE_OPTIONS), "TIME_ZONE": None, "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True, "ATOMIC_REQUESTS": False,
            "USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "TEST": {},
        }
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        connections[ALIAS].close()
        del connections.settings[ALIAS]
        cls.folder.cleanup()

    def test_two_concurrent_writers(self):
        alias = ALIAS
        if True:
            errors, modes = [], []
            try:
                with connections[alias].cursor() as cursor:
                    cursor.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT, n INTEGER)")

                def writer(name):
                    try:
                        for n in range(40):
                            with transaction.atomic(using=alias):
                                with connections[alias].cursor() as cursor:
                                    cursor.execute("INSERT INTO t (who, n) VALUES (%s, %s)", [name, n])
                                    time.sleep(0.002)  # hold the write lock so the other thread must wait
                                    cursor.execute("UPDATE t SET n = n + 0 WHERE who = %s", [name])
                        with connections[alias].cursor() as cursor:
                            cursor.execute("PRAGMA journal_mode")
                            modes.append(cursor.fetchone()[0])
                    except Exception as error:  # noqa: BLE001 - collected and asserted below
                        errors.append(error)
                    finally:
                        connections[alias].close()

                threads = [threading.Thread(target=writer, args=(f"w{i}",)) for i in range(2)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(60)
                self.assertEqual(errors, [])
                self.assertEqual(modes, ["wal", "wal"])
                with connections[alias].cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM t")
                    self.assertEqual(cursor.fetchone()[0], 80)
            finally:
                connections[alias].close()
