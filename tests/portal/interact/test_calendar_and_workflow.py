"""Deadlines over holidays, the staff workflow with its audit trail, notifications and retention."""
import datetime

from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from permits.models import AuditEvent
from permits.kernel.access.roles import DEPARTMENT_EDITOR, REVIEWER
from portal.interact import services
from portal.interact.calendar import working_days_after, working_days_between
from portal.interact.models import Holiday, Message
from tests.factories import DepartmentFactory
from tests.portal.factories import make_staff

TZ = timezone.get_current_timezone()


def holidays_2024():
    for day in range(1, 8):
        Holiday.objects.create(date=datetime.date(2024, 10, day), name="国庆节")
    Holiday.objects.create(date=datetime.date(2024, 10, 12), name="国庆节调休", is_workday=True)
    for day in (12, 13, 14, 15, 16):
        Holiday.objects.create(date=datetime.date(2024, 2, day), name="春节")
    Holiday.objects.create(date=datetime.date(2024, 2, 18), name="春节调休", is_workday=True)


def submit(kind="consult", phone="13912345678", title="食品经营许可材料咨询", when=None, **extra):
    return services.message_submit(kind=kind, title=title, content="请问办理食品经营许可需要准备哪些材料？谢谢。",
                                   name="张三", phone=phone, publish_ok=True,
                                   now=when or datetime.datetime(2024, 9, 30, 10, tzinfo=TZ), **extra)


class DeadlineArithmetic(TestCase):
    @classmethod
    def setUpTestData(cls):
        holidays_2024()

    def test_over_national_day_with_a_saturday_worked(self):
        # Mon 30 Sep + 5: 1–7 Oct off; 8,9,10,11 Oct and Saturday 12 Oct (调休) count.
        self.assertEqual(working_days_after(datetime.date(2024, 9, 30), 5), datetime.date(2024, 10, 12))

    def test_over_spring_festival(self):
        # Thu 8 Feb + 10: Fri 9 Feb, Sun 18 Feb (调休), 19–23 Feb, 26–28 Feb.
        self.assertEqual(working_days_after(datetime.date(2024, 2, 8), 10), datetime.date(2024, 2, 28))

    def test_plain_weeks(self):
        self.assertEqual(working_days_after(datetime.date(2024, 3, 1), 5), datetime.date(2024, 3, 8))
        self.assertEqual(working_days_between(datetime.date(2024, 9, 30), datetime.date(2024, 10, 8)), 1)

    def test_message_deadlines_by_kind(self):
        self.assertEqual(submit("consult").due_on, datetime.date(2024, 10, 12))
        complaint = submit("complain", phone="13900000001")
        # 8–12 Oct (5), 14–18 Oct (5).
        self.assertEqual(complaint.due_on, datetime.date(2024, 10, 18))
        self.assertEqual(submit("unresolved", phone="13900000002").due_on, datetime.date(2024, 10, 18))

    def test_deadline_is_configurable(self):
        with self.settings(PORTAL_INTERACT_DEADLINES={"consult": 3, "suggest": 10, "complain": 10,
                                                      "unresolved": 10}):
            self.assertEqual(submit("consult").due_on, datetime.date(2024, 10, 10))


class Workflow(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.market = DepartmentFactory(name="市市场监督管理局")
        cls.housing = DepartmentFactory(name="市住房和城乡建设局")
        cls.reviewer = make_staff("rev", REVIEWER)
        cls.editor = make_staff("ed_market", DEPARTMENT_EDITOR, [cls.market], email="market@example.gov.cn")
        cls.other = make_staff("ed_housing", DEPARTMENT_EDITOR, [cls.housing], email="housing@example.gov.cn")

    def test_new_assigned_answered_reviewed_closed(self):
        message = submit()
        self.assertEqual(message.status, Message.Status.NEW)
        with self.captureOnCommitCallbacks(execute=True):
            services.message_assign(message, self.market, self.reviewer)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["market@example.gov.cn"])
        self.assertIn(message.code, mail.outbox[0].subject)
        self.assertNotIn("13912345678", mail.outbox[0].body)
        self.assertNotIn("张三", mail.outbox[0].body)
        services.message_answer(message, "<b>您好</b>，需要营业执照和场所证明。", self.editor)
        message.refresh_from_db()
        self.assertEqual(message.reply, "您好，需要营业执照和场所证明。")
        self.assertFalse(Message.objects.published().exists())  # not public before review
        with self.assertRaises(services.WorkflowError):
            services.message_reply_approve(message, self.editor)  # the author does not review
        services.message_reply_approve(message, self.reviewer)
        self.assertTrue(Message.objects.published().filter(pk=message.pk).exists())
        services.message_close(message, self.reviewer)
        message.refresh_from_db()
        self.assertEqual(message.status, Message.Status.CLOSED)
        self.assertEqual(list(message.steps.values_list("action", flat=True)),
                         ["提交", "分派", "答复", "审核通过", "办结"])
        actions = set(AuditEvent.objects.filter(object_type="portal.Message", object_id=str(message.pk)).values_list("action", flat=True))
        self.assertEqual(actions, {"msg_submit", "msg_assign", "msg_answer", "msg_approve", "msg_close"})
        for event in AuditEvent.objects.all():
            self.assertNotIn("13912345678", str(event.detail))

    def test_transfer_merge_and_12345(self):
        message = submit()
        services.message_assign(message, self.market, self.reviewer)
        services.message_transfer(message, self.housing, self.editor, reason="属住建部门职责")
        message.refresh_from_db()
        self.assertEqual(message.department, self.housing)
        with self.assertRaises(services.WorkflowError):
            services.message_close(message, self.reviewer)  # not answered yet
        repeat = submit(phone="13900000009", title="重复反映食品经营许可材料")
        services.message_merge(repeat, message, self.reviewer)
        repeat.refresh_from_db()
        self.assertEqual((repeat.status, repeat.merged_into), (Message.Status.MERGED, message))
        services.message_forward_12345(message, "12345-2024-00017", self.reviewer)
        message.refresh_from_db()
        self.assertTrue(message.forwarded_12345)
        self.assertEqual(message.work_order_no, "12345-2024-00017")

    def test_overdue_reminder(self):
        message = submit(when=datetime.datetime(2024, 3, 1, 10, tzinfo=TZ))  # due Fri 8 Mar
        services.message_assign(message, self.market, self.reviewer)
        mail.outbox.clear()
        self.assertEqual(services.overdue_notify(today=datetime.date(2024, 3, 5)), 0)  # 3 working days left
        self.assertEqual(services.overdue_notify(today=datetime.date(2024, 3, 7)), 1)  # 1 left
        self.assertIn("即将到期", mail.outbox[0].subject)
        self.assertEqual(services.overdue_notify(today=datetime.date(2024, 3, 7)), 0)  # once a day
        self.assertEqual(services.overdue_notify(today=datetime.date(2024, 3, 11)), 1)
        self.assertIn("已超期", mail.outbox[1].subject)

    def test_retention_command_erases_names_and_phones(self):
        old = submit(when=timezone.now() - datetime.timedelta(days=365 * 3 + 10))
        recent = submit(phone="13900000003", when=timezone.now() - datetime.timedelta(days=30))
        call_command("interact_purge", stdout=open("/dev/null", "w"))
        old.refresh_from_db()
        recent.refresh_from_db()
        self.assertEqual((old.name, old.phone, old.personal_data_erased), (None, None, True))
        self.assertEqual(old.title, "食品经营许可材料咨询")  # the message itself stays for statistics
        self.assertEqual((recent.name, recent.phone), ("张三", "13900000003"))
