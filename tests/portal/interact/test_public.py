"""The public form, tracking, lists and statistics: validation, abuse limits, encryption, no personal data."""
import datetime

from django.db import connection
from django.test import TestCase
from django.utils import timezone

from permits.kernel.access.roles import DEPARTMENT_EDITOR, REVIEWER
from portal.interact import services
from portal.interact.models import Message
from tests.factories import DepartmentFactory
from tests.portal.catalogue_data import build_published_catalogue, site_profile
from tests.portal.factories import make_staff

PHONE = "13912345678"
NAME = "李四明"


def form_data(**changes):
    data = {"kind": "consult", "title": "食品经营许可材料咨询", "content": "请问办理食品经营许可需要准备哪些材料？",
            "name": NAME, "phone": PHONE, "publish_ok": "on", "privacy": "on", "website": ""}
    data.update(changes)
    return data


class MessageForm(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_published_catalogue()

    def post(self, ip="10.0.0.1", **changes):
        return self.client.post("/interact/new/", form_data(**changes), REMOTE_ADDR=ip)

    def test_form_preselects_kind_and_service_and_shows_12345_and_privacy(self):
        code = self.data["guide"].code
        response = self.client.get(f"/interact/new/?kind=unresolved&service={code}")
        body = response.content.decode()
        self.assertRegex(body, r'value="unresolved"[^>]*checked')
        self.assertIn(self.data["guide"].name, body)
        self.assertIn("12345", body)
        self.assertIn("个人信息保护说明", body)

    def test_submit_then_track_with_last_four(self):
        response = self.post()
        self.assertEqual(response.status_code, 200)
        message = Message.objects.get()
        self.assertContains(response, message.code)
        found = self.client.post("/interact/track/", {"code": message.code.lower(), "last_four": "5678"})
        self.assertContains(found, "待分派")
        self.assertContains(found, "食品经营许可材料咨询")
        self.assertNotContains(found, PHONE)
        self.assertNotContains(found, NAME)
        wrong = self.client.post("/interact/track/", {"code": message.code, "last_four": "0000"})
        self.assertEqual(wrong.status_code, 404)
        self.assertContains(wrong, "查询码或手机号码后四位不正确", status_code=404)

    def test_chinese_messages_name_the_field(self):
        response = self.post(phone="12345", title="", privacy="")
        self.assertEqual(response.status_code, 400)
        body = response.content.decode()
        self.assertIn("手机号码", body)
        self.assertIn("手机号码应为11位数字。", body)
        self.assertIn("请填写标题。", body)
        self.assertIn("请阅读并勾选同意个人信息保护说明。", body)
        self.assertIn("留言类型不正确", self.post(kind="spam").content.decode())
        self.assertIn("内容不能超过 2000 个字", self.post(content="很" * 2001).content.decode())
        self.assertFalse(Message.objects.exists())

    def test_html_is_removed(self):
        self.post(title="<script>alert(1)</script>材料咨询", content="<img src=x onerror=alert(1)>请问需要哪些材料呢？")
        message = Message.objects.get()
        self.assertEqual(message.title, "alert(1)材料咨询")
        self.assertEqual(message.content, "请问需要哪些材料呢？")

    def test_honeypot(self):
        response = self.post(website="http://spam.example")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Message.objects.exists())

    def test_duplicate(self):
        self.post()
        again = self.post(ip="10.0.0.2")
        self.assertEqual(again.status_code, 400)
        self.assertContains(again, "相同内容的留言已提交过", status_code=400)
        self.assertEqual(Message.objects.count(), 1)

    def test_rate_limit_per_ip(self):
        for n in range(5):
            self.assertEqual(self.post(phone=f"1390000000{n}", title=f"第{n}个问题的咨询").status_code, 200)
        response = self.post(phone="13900000009", title="第六个问题的咨询")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "操作过于频繁", status_code=429)
        self.assertEqual(Message.objects.count(), 5)

    def test_rate_limit_per_phone(self):
        for n in range(5):
            self.assertEqual(self.post(ip=f"10.0.1.{n}", title=f"第{n}个问题的咨询").status_code, 200)
        self.assertEqual(self.post(ip="10.0.1.9", title="第六个问题的咨询").status_code, 429)

    def test_encrypted_at_rest(self):
        self.post()
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, phone FROM portal_message")
            raw_name, raw_phone = cursor.fetchone()
        self.assertNotIn(PHONE, raw_phone)
        self.assertNotIn("5678", raw_phone)
        self.assertNotIn(NAME, raw_name)
        message = Message.objects.get()
        self.assertEqual((message.name, message.phone), (NAME, PHONE))
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM portal_historicalmessage")
            self.assertNotIn(PHONE, str(cursor.fetchall()))


class PublicPages(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.market = DepartmentFactory(name="市市场监督管理局")
        cls.housing = DepartmentFactory(name="市住房和城乡建设局")
        cls.reviewer = make_staff("rev", REVIEWER)
        cls.editor = make_staff("ed", DEPARTMENT_EDITOR, [cls.market])
        cls.other = make_staff("ed2", DEPARTMENT_EDITOR, [cls.housing])
        now = timezone.now()
        cls.messages = []
        for n, (kind, public) in enumerate([("consult", True), ("complain", True), ("consult", False),
                                            ("suggest", True)]):
            m = services.message_submit(kind=kind, title=f"公开测试留言{n}号", content=f"留言内容{n}号需要答复的问题",
                                        name=f"王{n}", phone=f"1380000000{n}", publish_ok=public, now=now)
            services.message_assign(m, cls.market if n % 2 == 0 else cls.housing, cls.reviewer)
            services.message_answer(m, f"答复{n}号：请到市民中心办理。", cls.editor)
            if n != 3:
                services.message_reply_approve(m, cls.reviewer)
            cls.messages.append(m)

    def test_list_shows_reviewed_public_replies_only(self):
        response = self.client.get("/interact/")
        body = response.content.decode()
        self.assertIn("公开测试留言0号", body)
        self.assertIn("公开测试留言1号", body)
        self.assertNotIn("公开测试留言2号", body)  # the sender did not allow publication
        self.assertNotIn("公开测试留言3号", body)  # reply not reviewed
        for heading in ("受理日期", "答复日期", "答复部门", "答复内容"):
            self.assertIn(heading, body)

    def test_filters_and_search(self):
        body = self.client.get("/interact/?kind=complain").content.decode()
        self.assertIn("公开测试留言1号", body)
        self.assertNotIn("公开测试留言0号", body)
        body = self.client.get(f"/interact/?department={self.market.pk}").content.decode()
        self.assertIn("公开测试留言0号", body)
        self.assertNotIn("公开测试留言1号", body)
        body = self.client.get("/interact/?q=答复1号").content.decode()
        self.assertIn("公开测试留言1号", body)
        self.assertNotIn("公开测试留言0号", body)
        for bad in ("?department=abc", "?kind=<x>", "?page=zz", "?q=" + "长" * 500):
            self.assertEqual(self.client.get("/interact/" + bad).status_code, 200)

    def test_detail_only_when_published(self):
        self.assertContains(self.client.get(f"/interact/{self.messages[0].code}/"), "答复0号")
        self.assertEqual(self.client.get(f"/interact/{self.messages[2].code}/").status_code, 404)
        self.assertEqual(self.client.get(f"/interact/{self.messages[3].code}/").status_code, 404)

    def test_stats(self):
        body = self.client.get("/interact/stats/").content.decode()
        month = f"{timezone.localdate():%Y-%m}"
        self.assertIn(month, body)
        self.assertIn("市市场监督管理局", body)
        self.assertIn("共收到留言 4 件，已答复 4 件，其中按期答复 4 件。", body)
        self.assertEqual(self.client.get("/interact/stats/?year=abcd").status_code, 200)

    def test_no_personal_data_on_any_public_page(self):
        pages = ["/interact/", "/interact/stats/", "/interact/new/", "/interact/track/",
                 f"/interact/{self.messages[0].code}/", f"/interact/{self.messages[1].code}/"]
        for url in pages:
            body = self.client.get(url).content.decode()
            for n in range(4):
                self.assertNotIn(f"1380000000{n}", body, url)
                self.assertNotIn(f"王{n}", body, url)

    def test_query_count_of_the_list_is_constant(self):
        self.client.get("/interact/")
        with self.assertNumQueries(3):  # count, rows, departments (the site profile is remembered)
            self.client.get("/interact/")

    def test_admin_personal_data_only_for_the_assigned_department(self):
        message = self.messages[0]  # assigned to market
        url = f"/admin/portal/message/{message.pk}/change/"
        self.client.force_login(self.editor)
        self.assertContains(self.client.get(url), "13800000000")
        self.client.force_login(self.reviewer)
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "13800000000")
        self.assertContains(response, "仅承办部门可见")
        self.client.force_login(self.other)
        self.assertEqual(self.client.get(url).status_code, 404)  # another department's message

    def test_admin_export_leaves_personal_data_out(self):
        self.client.force_login(self.reviewer)
        response = self.client.post("/admin/portal/message/", {
            "action": "export_csv", "_selected_action": [m.pk for m in self.messages]})
        self.assertEqual(response.status_code, 200)
        text = response.content.decode("utf-8-sig")
        self.assertIn("公开测试留言0号", text)
        for n in range(4):
            self.assertNotIn(f"1380000000{n}", text)
            self.assertNotIn(f"王{n}", text)

    def test_admin_queue_overdue_first_in_red(self):
        late = services.message_submit(kind="consult", title="早已超期的留言", content="很久以前提交的留言内容",
                                       name="赵", phone="13700000000", publish_ok=False,
                                       now=timezone.now() - datetime.timedelta(days=30))
        services.message_assign(late, self.market, self.reviewer)
        self.client.force_login(self.reviewer)
        body = self.client.get("/admin/portal/message/").content.decode()
        self.assertIn("已超期", body)
        self.assertLess(body.index(late.code), body.index(self.messages[0].code))

    def test_admin_step_assign(self):
        fresh = services.message_submit(kind="consult", title="后台分派的留言", content="需要后台分派的留言内容",
                                        name="钱", phone="13600000000", publish_ok=True)
        self.client.force_login(self.reviewer)
        response = self.client.post(f"/admin/portal/message/{fresh.pk}/change/", {
            "step": "assign", "target_department": self.housing.pk, "steps-TOTAL_FORMS": "0",
            "steps-INITIAL_FORMS": "0"})
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        fresh.refresh_from_db()
        self.assertEqual((fresh.status, fresh.department), (Message.Status.ASSIGNED, self.housing))
        wrong = self.client.post(f"/admin/portal/message/{fresh.pk}/change/", {
            "step": "close", "steps-TOTAL_FORMS": "0", "steps-INITIAL_FORMS": "0"})
        self.assertContains(wrong, "不能“办结”")


class Keys(TestCase):
    def test_rotation_reads_old_rows_and_writes_with_the_new_key(self):
        from cryptography.fernet import Fernet
        from django.test import override_settings

        old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
        with override_settings(PORTAL_PERSONAL_DATA_KEYS=[old_key]):
            message = services.message_submit(kind="consult", title="密钥轮换测试", content="密钥轮换测试的留言内容",
                                              name="吴", phone=PHONE, publish_ok=False)
        with override_settings(PORTAL_PERSONAL_DATA_KEYS=[new_key, old_key]):
            self.assertEqual(Message.objects.get(pk=message.pk).phone, PHONE)
        with override_settings(PORTAL_PERSONAL_DATA_KEYS=[new_key]):
            # The old key gone, the library hands back the stored token, never the number.
            self.assertNotIn(PHONE, Message.objects.get(pk=message.pk).phone)

    def test_deploy_check_requires_a_production_key(self):
        from django.test import override_settings

        from portal.interact.checks import DEV_KEY, personal_data_keys_check

        with override_settings(PORTAL_PERSONAL_DATA_KEYS=[]):
            self.assertEqual([e.id for e in personal_data_keys_check(None)], ["portal.E001"])
        with override_settings(PORTAL_PERSONAL_DATA_KEYS=[DEV_KEY]):
            self.assertEqual([e.id for e in personal_data_keys_check(None)], ["portal.E001"])
        with override_settings(PORTAL_PERSONAL_DATA_KEYS=["not-a-key"]):
            self.assertEqual([e.id for e in personal_data_keys_check(None)], ["portal.E002"])


class Backup(TestCase):
    def test_export_all_leaves_names_and_phones_out(self):
        import tempfile
        from pathlib import Path

        from portal.backup import export_all

        services.message_submit(kind="consult", title="备份测试留言", content="备份测试留言的内容", name=NAME,
                                phone=PHONE, publish_ok=False)
        with tempfile.TemporaryDirectory() as folder:
            export_all(folder)
            text = "".join(p.read_text(encoding="utf-8") for p in Path(folder).rglob("*") if p.is_file())
        self.assertIn("备份测试留言", text)
        self.assertNotIn(PHONE, text)
        self.assertNotIn(NAME, text)


class AdminSteps(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.market = DepartmentFactory(name="市市场监督管理局")
        cls.reviewer = make_staff("rev", REVIEWER)
        cls.editor = make_staff("ed", DEPARTMENT_EDITOR, [cls.market])

    def change(self, message, **data):
        return self.client.post(f"/admin/portal/message/{message.pk}/change/", {
            "steps-TOTAL_FORMS": "0", "steps-INITIAL_FORMS": "0", **data})

    def test_department_answers_reviewer_approves(self):
        message = services.message_submit(kind="consult", title="后台办理的留言", content="需要后台办理的留言内容",
                                          name="钱", phone="13600000000", publish_ok=True)
        services.message_assign(message, self.market, self.reviewer)
        self.client.force_login(self.editor)
        self.assertContains(self.change(message, step="approve"), "须由审核发布人员办理")
        self.assertEqual(self.change(message, step="answer", reply_text="请携带营业执照到窗口办理。").status_code, 302)
        self.client.force_login(self.reviewer)
        self.assertEqual(self.change(message, step="approve").status_code, 302)
        message.refresh_from_db()
        self.assertTrue(message.reply_approved)
        self.assertEqual(self.client.get(f"/interact/{message.code}/").status_code, 200)

    def test_reviewer_keeps_the_holiday_calendar_editor_only_reads_it(self):
        self.client.force_login(self.reviewer)
        response = self.client.post("/admin/portal/holiday/add/", {"date": "2026-10-01", "name": "国庆节"})
        self.assertEqual(response.status_code, 302)
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get("/admin/portal/holiday/add/").status_code, 403)
        self.assertEqual(self.client.get("/admin/portal/holiday/").status_code, 200)

    def test_track_lookups_are_rate_limited(self):
        for n in range(20):
            self.client.post("/interact/track/", {"code": "ABCDEFGHJK", "last_four": f"{n:04d}"})
        response = self.client.post("/interact/track/", {"code": "ABCDEFGHJK", "last_four": "9999"})
        self.assertEqual(response.status_code, 429)

    def test_overdue_command(self):
        from io import StringIO

        from django.core.management import call_command

        out = StringIO()
        call_command("interact_overdue", stdout=out)
        self.assertIn("已发送提醒 0 条", out.getvalue())
