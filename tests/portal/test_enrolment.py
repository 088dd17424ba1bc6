"""The second factor is really a second factor (issue 15, defects 2, 3 and 10): enrolment needs a one-time code
issued by 安全管理员; a password-only session reaches no admin page; TOTP codes are not replayed; lockout
counts per username and per address and a success elsewhere resets nothing; passwords and messages."""
import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import SimpleTestCase, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override as language
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from permits.models import AuditEvent
from permits.kernel.access import roles
from portal.models import EnrolmentCode
from portal.security.enrolment import enrolment_code_issue

from .factories import PASSWORD, make_staff

LOGIN = "/admin/login/"
OTP = "/admin/security/otp/"


def token_for(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@override_settings(PORTAL_REQUIRE_2FA=True, OTP_TOTP_THROTTLE_FACTOR=0)
class EnrolmentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = make_staff("editor_report", roles.REPORT_EDITOR)
        cls.admin_sec = make_staff("admin_sec", roles.SECURITY_ADMIN)
        TOTPDevice.objects.create(user=cls.admin_sec, name="手机", confirmed=True)

    def sign_in(self, username="editor_report", **extra):
        return self.client.post(LOGIN, {"username": username, "password": PASSWORD, **extra}, REMOTE_ADDR="10.1.1.1")

    def test_password_alone_reaches_no_admin_page_and_no_key(self):
        # Defect 2: the enrolment page showed the key to anyone who had the password.
        self.sign_in()
        for url in ("/admin/", "/admin/password_change/", "/admin/reports/annualreport/",
                    "/admin/auth/user/", "/admin/permits/permititem/"):
            with self.subTest(url):
                self.assertIn(self.client.get(url).status_code, (302, 403))
        page = self.client.get(OTP)
        self.assertContains(page, "绑定码")
        self.assertNotContains(page, "otp-qr")
        self.assertFalse(TOTPDevice.objects.filter(user=self.staff).exists())

    def test_a_wrong_code_counts_as_a_failed_sign_in(self):
        enrolment_code_issue(self.staff, issued_by=self.admin_sec)
        self.sign_in()
        response = self.client.post(OTP, {"enrol_code": "0000-0000-0000"}, REMOTE_ADDR="10.1.1.1")
        self.assertContains(response, "绑定码不正确")
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED,
                                                  username="editor_report").exists())
        self.assertNotContains(response, "otp-qr")

    def test_the_code_binds_once(self):
        code = enrolment_code_issue(self.staff, issued_by=self.admin_sec)
        self.assertFalse(EnrolmentCode.objects.filter(code_hash__contains=code.replace("-", "")).exists())
        self.sign_in()
        self.assertRedirects(self.client.post(OTP, {"enrol_code": code}), OTP, fetch_redirect_response=False)
        page = self.client.get(OTP)
        self.assertContains(page, "otp-qr")
        device = TOTPDevice.objects.get(user=self.staff, confirmed=False)
        ok = self.client.post(OTP, {"otp_token": token_for(device)})
        self.assertRedirects(ok, reverse("admin:index"), fetch_redirect_response=False)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        # Spent: a second session with the same code gets nothing.
        device.delete()
        self.client.logout()
        self.sign_in()
        self.assertContains(self.client.post(OTP, {"enrol_code": code}), "已使用或已过期")

    def test_codes_expire_after_24_hours(self):
        code = enrolment_code_issue(self.staff, issued_by=self.admin_sec)
        EnrolmentCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        self.sign_in()
        self.assertContains(self.client.post(OTP, {"enrol_code": code}), "已使用或已过期")
        issued = enrolment_code_issue(self.staff, issued_by=self.admin_sec)
        row = EnrolmentCode.objects.order_by("pk").last()
        self.assertAlmostEqual((row.expires_at - row.created_at).total_seconds(), 24 * 3600, delta=5)
        self.assertTrue(issued)

    def test_security_admin_issues_the_code_from_the_account_list_and_it_is_shown_once(self):
        self.client.post(LOGIN, {"username": "admin_sec", "password": PASSWORD,
                                 "otp_token": token_for(TOTPDevice.objects.get(user=self.admin_sec))})
        response = self.client.post(reverse("admin:auth_user_changelist"), {
            "action": "issue_enrolment_code", "_selected_action": [self.staff.pk]}, follow=True)
        self.assertContains(response, "editor_report 的绑定码")
        again = self.client.get(reverse("admin:auth_user_changelist"))
        self.assertNotContains(again, "的绑定码")
        event = AuditEvent.objects.get(action=AuditEvent.Action.ENROL_CODE)
        self.assertEqual((event.username, event.detail["account"]), ("admin_sec", "editor_report"))

    def test_a_totp_code_is_not_accepted_twice(self):
        device = TOTPDevice.objects.create(user=self.staff, name="手机", confirmed=True)
        token = token_for(device)
        self.assertEqual(self.sign_in(otp_token=token, next="/admin/").status_code, 302)
        self.client.logout()
        replay = self.sign_in(otp_token=token, next="/admin/")
        self.assertContains(replay, "动态口令不正确或已过期")


class LockoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_staff("editor_report", roles.REPORT_EDITOR)
        cls.auditor = make_staff("auditor", roles.AUDIT_ADMIN)

    def post(self, username, password):
        return self.client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"},
                                REMOTE_ADDR="10.2.2.2")

    def test_a_success_on_another_account_resets_nothing(self):
        # Defect 3: 4 failures, a good login as auditor, 4 more failures, then the right password got in.
        for _ in range(4):
            self.post("editor_report", "wrong-password")
        self.assertEqual(self.post("auditor", PASSWORD).status_code, 302)
        self.client.logout()
        self.assertEqual(self.post("editor_report", "wrong-password").status_code, 429)
        locked = self.post("editor_report", PASSWORD)
        self.assertEqual(locked.status_code, 429)
        self.assertContains(locked, "已被锁定 30 分钟", status_code=429)

    def test_lockout_page_is_chinese_whatever_the_browser_asks(self):
        for _ in range(5):
            self.client.post(LOGIN, {"username": "auditor", "password": "x"}, REMOTE_ADDR="10.3.3.3",
                             HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        response = self.client.post(LOGIN, {"username": "auditor", "password": PASSWORD}, REMOTE_ADDR="10.3.3.3",
                                    HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        self.assertContains(response, "账号已被临时锁定", status_code=429)
        self.assertNotContains(response, "Account locked", status_code=429)


class PasswordTests(SimpleTestCase):
    def test_repetitive_and_common_passwords_are_refused_in_chinese(self):
        # Defect 10: these were accepted; the "too short" message was English.
        for password in ("Aa1Aa1Aa1Aa1", "Passw0rdPass", "Short1!", "Qwerty123456!", "Password1234"):
            with self.subTest(password), language("en"), self.assertRaises(ValidationError) as caught:
                validate_password(password)
            for message in caught.exception.messages:
                self.assertRegex(message, r"[\u4e00-\u9fff]", message)
                self.assertNotRegex(message, r"[A-Za-z]{5,}", message)

    def test_strong_passwords_pass(self):
        for password in ("Xinyu-Approval-2024", "qz7!Lmp#Wr2v", "审批局Bureau2024x", "Qz7#Lm2!Vr9$Tk"):
            with self.subTest(password):
                validate_password(password)


class EnrolmentCommandTests(TestCase):
    def test_the_first_security_admin_gets_a_code_on_the_server(self):
        import io

        from django.core.management import call_command

        make_staff("admin_sec", roles.SECURITY_ADMIN)
        out = io.StringIO()
        call_command("otp_enrolment_code", "admin_sec", stdout=out)
        self.assertRegex(out.getvalue(), r"admin_sec 的绑定码：\d{4}-\d{4}-\d{4}")
        self.assertEqual(EnrolmentCode.objects.filter(used_at=None).count(), 1)
        self.assertTrue(AuditEvent.objects.filter(action=AuditEvent.Action.ENROL_CODE, user=None).exists())
