"""好差评 on the guide page and one-things, 差评 cases, and the report figures."""
import datetime

from django.test import TestCase
from django.utils import timezone

from permits.kernel.access.roles import DEPARTMENT_EDITOR
from portal.interact import services
from portal.interact.models import Holiday, Message, Rating, RatingCase
from reports.figures import REGISTRY, figures_for_year
from tests.portal.catalogue_data import build_published_catalogue, site_profile
from tests.portal.factories import make_staff

TZ = timezone.get_current_timezone()


class GuideRating(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_published_catalogue()
        cls.guide = cls.data["guide"]
        cls.url = f"/permits/guide/{cls.guide.code}/"

    def rate(self, level, **extra):
        return self.client.post("/interact/rate/", {"service": self.guide.code, "level": level, **extra})

    def test_widget_on_the_guide_page_with_five_levels_and_dimensions(self):
        body = self.client.get(self.url).content.decode()
        for label in ("非常满意", "满意", "基本满意", "不满意", "非常不满意", "办事效率", "指南准确", "办事便捷", "服务态度"):
            self.assertIn(label, body)
        self.assertIn('action="/interact/rate/"', body)
        self.assertIn(f"/interact/new/?kind=unresolved&amp;service={self.guide.code}", body)
        self.assertNotIn("满意率", body)  # fewer than 10 ratings

    def test_one_rating_per_browser_per_day(self):
        response = self.rate(5, efficiency=4, comment="<b>很好</b>")
        self.assertContains(response, "感谢您的评价")
        rating = Rating.objects.get()
        self.assertEqual((rating.level, rating.efficiency, rating.accuracy, rating.comment), (5, 4, None, "很好"))
        self.assertEqual(rating.department, self.guide.sub_item.item.department)
        self.assertContains(self.rate(4), "今天已评价过该服务")
        self.assertEqual(Rating.objects.count(), 1)

    def test_bad_input(self):
        self.assertContains(self.rate(9), "评价等级不正确", status_code=400)
        self.assertContains(self.rate(""), "请选择总体评价", status_code=400)
        self.assertEqual(self.client.post("/interact/rate/", {"service": "nope", "level": 5}).status_code, 404)
        self.assertEqual(self.rate(5, website="spam").status_code, 400)
        self.assertFalse(Rating.objects.exists())

    def test_ratings_are_rate_limited_per_address(self):
        with self.settings(PORTAL_INTERACT_RATING_RATE="2/h"):
            for n in range(2):
                self.client.cookies.clear()
                self.assertEqual(self.rate(5).status_code, 200)
            self.client.cookies.clear()
            response = self.rate(5)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "操作过于频繁", status_code=429)
        self.assertEqual(Rating.objects.count(), 2)

    def test_bad_rating_opens_a_case_due_in_15_working_days(self):
        Holiday.objects.create(date=datetime.date(2024, 10, 1), name="国庆节")
        for day in (2, 3, 4, 7):
            Holiday.objects.create(date=datetime.date(2024, 10, day), name="国庆节")
        rating = services.rating_submit(service_code=self.guide.code, service_name=self.guide.name,
                                        department=None, level=Rating.Level.DISSATISFIED, browser="b1",
                                        now=datetime.datetime(2024, 9, 27, 10, tzinfo=TZ))
        case = rating.case
        # Fri 27 Sep + 15: 30 Sep, 8–11 Oct, 14–18 Oct, 21–25 Oct.
        self.assertEqual(case.due_on, datetime.date(2024, 10, 25))
        editor = make_staff("ed", DEPARTMENT_EDITOR, self.data["departments"][:1])
        with self.assertRaises(services.WorkflowError):
            services.rating_case_callback(case, satisfied=True, note="回访", user=editor)
        services.rating_case_answer(case, rectification="已培训窗口人员", answer="已电话致歉", user=editor)
        services.rating_case_callback(case, satisfied=True, note="回访时表示满意", user=editor)
        case.refresh_from_db()
        self.assertEqual(case.status, RatingCase.Status.CLOSED)
        self.assertTrue(case.callback_satisfied)
        good = services.rating_submit(service_code=self.guide.code, service_name=self.guide.name,
                                      department=None, level=Rating.Level.NEUTRAL, browser="b2")
        self.assertFalse(RatingCase.objects.filter(rating=good).exists())

    def test_satisfaction_shown_from_ten_ratings(self):
        levels = [5, 5, 4, 3, 2, 5, 4, 1, 5]
        for n, level in enumerate(levels):
            services.rating_submit(service_code=self.guide.code, service_name=self.guide.name, department=None,
                                   level=level, browser=f"browser{n}")
        self.assertNotIn("满意率", self.client.get(self.url).content.decode())
        services.rating_submit(service_code=self.guide.code, service_name=self.guide.name, department=None,
                               level=5, browser="browser10")
        # 8 of 10 are 基本满意 or better.
        self.assertIn("10 条评价，满意率 80.0%", self.client.get(self.url).content.decode())

    def test_guide_query_count_unchanged_once_warm(self):
        self.client.get(self.url)
        with self.assertNumQueries(2):
            self.client.get(self.url)

    def test_one_things_page_links_to_rating(self):
        from permits.models import OneThing

        bundle = OneThing.objects.create(name="开办餐饮店“一件事”", level="市", launched_on=datetime.date(2024, 3, 1))
        bundle.departments.add(self.data["departments"][0])
        body = self.client.get("/one-things/").content.decode()
        self.assertIn(f'value="onething-{bundle.pk}"', body)
        page = self.client.get(f"/interact/rate/?service=onething-{bundle.pk}")
        self.assertContains(page, "开办餐饮店")
        self.client.post("/interact/rate/", {"service": f"onething-{bundle.pk}", "level": 5})
        self.assertEqual(Rating.objects.get().department, self.data["departments"][0])


class ReportFigures(TestCase):
    @classmethod
    def setUpTestData(cls):
        for n, (kind, answered_after) in enumerate([("consult", 2), ("consult", 9), ("unresolved", 3),
                                                    ("complain", None)]):
            received = datetime.datetime(2024, 3, 4 + n, 10, tzinfo=TZ)  # Mon 4 Mar onwards
            m = services.message_submit(kind=kind, title=f"报告测试留言{n}", content=f"报告测试留言内容{n}号",
                                        name="孙", phone=f"1350000000{n}", publish_ok=False, now=received)
            if answered_after is not None:
                Message.objects.filter(pk=m.pk).update(
                    replied_at=received + datetime.timedelta(days=answered_after), reply="已答复",
                    status=Message.Status.ANSWERED)
        for n, level in enumerate([5, 5, 4, 2]):
            services.rating_submit(service_code="00016421300101", service_name="食品经营许可", department=None,
                                   level=level, browser=f"r{n}", now=datetime.datetime(2024, 5, 1, tzinfo=TZ))

    def test_registered_and_computed(self):
        for key in ("messages_received", "messages_answered", "messages_on_time_rate", "unresolved_handled",
                    "ratings", "satisfaction_rate"):
            self.assertIn(key, REGISTRY)
        figures = figures_for_year(2024)
        self.assertEqual(figures["messages_received"]["value"], 4)
        self.assertEqual(figures["messages_answered"]["value"], 3)
        # Consult of Tue 5 Mar answered Thu 14 Mar: due Tue 12 Mar, late; the other two on time.
        self.assertEqual(figures["messages_on_time_rate"]["text"], "66.7%")
        self.assertEqual(figures["unresolved_handled"]["value"], 1)
        self.assertEqual(figures["ratings"]["value"], 4)
        self.assertEqual(figures["satisfaction_rate"]["text"], "75.0%")
        self.assertEqual(figures["messages_received"]["url"], "/interact/stats/")
        self.assertEqual(figures_for_year(2023)["messages_on_time_rate"]["text"], None)


class CachedGuidePage(TestCase):
    """The rating form carries no CSRF token, so the guide page stays in the public page cache."""

    uses_public_cache = True

    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.guide = build_published_catalogue()["guide"]

    def test_guide_with_the_rating_form_is_served_from_cache(self):
        url = f"/permits/guide/{self.guide.code}/"
        first = self.client.get(url)
        self.assertEqual(first["X-Cache"], "MISS")
        self.assertNotIn("csrfmiddlewaretoken", first.content.decode())
        with self.assertNumQueries(0):
            second = self.client.get(url)
        self.assertEqual(second["X-Cache"], "HIT")
        self.assertContains(second, "好差评")


class StatsQueries(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()

    def add(self, count, start):
        for n in range(start, start + count):
            services.message_submit(kind="consult", title=f"统计查询测试{n}", content=f"统计查询测试内容第{n}条",
                                    name="郑", phone=f"1330000{n:04d}", publish_ok=True)

    def test_stats_page_queries_do_not_grow(self):
        self.add(3, 0)
        self.client.get("/interact/stats/")
        with self.assertNumQueries(2):  # the messages, the holiday calendar
            self.client.get("/interact/stats/")
        self.add(12, 3)
        with self.assertNumQueries(2):
            self.client.get("/interact/stats/")


class CaseAdmin(TestCase):
    @classmethod
    def setUpTestData(cls):
        from tests.factories import DepartmentFactory

        cls.market = DepartmentFactory(name="市市场监督管理局")
        cls.housing = DepartmentFactory(name="市住房和城乡建设局")
        cls.editor = make_staff("ed", DEPARTMENT_EDITOR, [cls.market])
        cls.other = make_staff("ed2", DEPARTMENT_EDITOR, [cls.housing])
        rating = services.rating_submit(service_code="00016421300101", service_name="食品经营许可",
                                        department=cls.market, level=Rating.Level.VERY_DISSATISFIED, browser="x",
                                        comment="窗口排队太久", now=timezone.now() - datetime.timedelta(days=60))
        cls.case = rating.case

    def test_department_rectifies_in_the_admin_overdue_in_red(self):
        self.client.force_login(self.editor)
        listing = self.client.get("/admin/portal/ratingcase/").content.decode()
        self.assertIn("已超期", listing)
        url = f"/admin/portal/ratingcase/{self.case.pk}/change/"
        self.assertContains(self.client.get(url), "窗口排队太久")
        refused = self.client.post(url, {"step": "callback", "callback_text": "回访"})
        self.assertContains(refused, "整改答复后才能回访")
        done = self.client.post(url, {"step": "answer", "rectification_text": "增开窗口", "answer_text": "已致电说明"})
        self.assertEqual(done.status_code, 302)
        self.case.refresh_from_db()
        self.assertEqual(self.case.status, RatingCase.Status.RECTIFIED)
        self.client.force_login(self.other)
        self.assertEqual(self.client.get(url).status_code, 404)
