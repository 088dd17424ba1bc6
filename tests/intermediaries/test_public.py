import csv
import io
import json

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import http_date
from openpyxl import load_workbook

from intermediaries.selectors import SERVICE_HEADERS
from permits.kernel.lifecycle import edition_copy
from tests.factories import DepartmentFactory, RegionFactory

from .factories import IntermediaryServiceFactory, published_list, published_permit_catalogue

LIST_URL = "/intermediaries/"


class PublicPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.region = RegionFactory()
        cls.env = DepartmentFactory(region=cls.region, name="新余市生态环境局")
        cls.build = DepartmentFactory(region=cls.region, name="新余市住房和城乡建设局")
        cls.catalogue, cls.items = published_permit_catalogue(cls.region, items=2, department=cls.env)
        cls.edition = published_list(cls.region, services=0)
        # Services go in under the lock's back door: build the published list through a draft instead.
        draft = edition_copy(cls.edition, title="新余市市、县(区)行政审批中介服务事项清单(2024年版)")
        cls.eia = IntermediaryServiceFactory(
            edition=draft, seq=1, name="环境影响评价文件编制", department=cls.env, permit_items=cls.items,
            providers="环评技术服务机构", legal_basis="《中华人民共和国环境影响评价法》",
        )
        cls.fire = IntermediaryServiceFactory(
            edition=draft, seq=2, name="建设工程消防设计技术审查", department=cls.build,
            commissioner="审批部门委托", fee_nature="财政支付", level="市级", providers="消防技术服务机构",
            legal_basis="《建设工程消防设计审查验收管理暂行规定》",
        )
        cls.lightning = IntermediaryServiceFactory(
            edition=draft, seq=3, name="防雷装置检测", department=cls.build, level="县级",
            providers="防雷检测机构", legal_basis="《气象灾害防御条例》",
        )
        from permits.kernel.lifecycle import edition_publish

        edition_publish(draft)
        cls.edition = draft
        # An unpublished draft with its own service: never public.
        cls.hidden_draft = edition_copy(draft, title="下一版草稿")
        cls.hidden = IntermediaryServiceFactory(edition=cls.hidden_draft, seq=99, name="草稿中的隐藏服务",
                                                department=cls.env)

    def get(self, url=LIST_URL, **params):
        return self.client.get(url, params)

    def names(self, response):
        return [s.name for s in response.context["page"].object_list]

    def test_list_shows_published_services_only(self):
        response = self.get()
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.names(response), ["环境影响评价文件编制", "建设工程消防设计技术审查", "防雷装置检测"])
        self.assertContains(response, self.edition.title)
        self.assertNotContains(response, "草稿中的隐藏服务")
        self.assertContains(response, reverse("intermediaries:service.detail", args=[self.eia.pk]))
        self.assertTemplateUsed(response, "base.html")
        for fmt in ("csv", "xlsx", "json"):
            self.assertContains(response, f'href="/intermediaries/export.{fmt}"')

    def test_search_in_simplified_and_traditional(self):
        self.assertEqual(self.names(self.get(q="环境影响")), ["环境影响评价文件编制"])
        self.assertEqual(self.names(self.get(q="環境影響評價")), ["环境影响评价文件编制"])
        self.assertEqual(self.names(self.get(q="消防技術服務")), ["建设工程消防设计技术审查"])  # providers
        self.assertEqual(self.names(self.get(q="氣象災害")), ["防雷装置检测"])  # legal basis
        self.assertEqual(self.names(self.get(q="防雷 检测")), ["防雷装置检测"])
        self.assertEqual(self.names(self.get(q="不存在的词")), [])

    def test_filters_and_their_counts(self):
        response = self.get(department=self.build.pk)
        self.assertEqual(self.names(response), ["建设工程消防设计技术审查", "防雷装置检测"])
        facets = {group["key"]: group["options"] for group in response.context["facet_groups"]}
        # A facet counts under the other filters, not its own: both departments keep their numbers.
        self.assertEqual({f["label"]: f["count"] for f in facets["department"]},
                         {"新余市生态环境局": 1, "新余市住房和城乡建设局": 2})
        self.assertEqual({f["value"]: f["count"] for f in facets["commissioner"]}, {"申请人委托": 1, "审批部门委托": 1})
        # Options keep the other filters and the search, and the chosen one is marked.
        chosen = [f for f in facets["department"] if f["active"]]
        self.assertEqual([f["label"] for f in chosen], ["新余市住房和城乡建设局"])
        commissioner = {f["value"]: f["url"] for f in facets["commissioner"]}
        self.assertEqual(self.names(self.client.get(LIST_URL + commissioner["审批部门委托"])), ["建设工程消防设计技术审查"])
        self.assertContains(response, "审批部门：新余市住房和城乡建设局 ×")
        self.assertEqual(self.names(self.get(commissioner="审批部门委托")), ["建设工程消防设计技术审查"])
        self.assertEqual(self.names(self.get(fee_nature="财政支付")), ["建设工程消防设计技术审查"])
        self.assertEqual(self.names(self.get(level="县级")), ["防雷装置检测"])
        response = self.get(level="县级", department=self.env.pk)
        self.assertEqual(self.names(response), [])
        self.assertContains(response, "没有符合条件的中介服务事项")
        self.assertContains(self.get(), '<span>新余市住房和城乡建设局</span><span class="count">2</span>', html=False)

    def test_bad_parameters_never_fail(self):
        for params in [
            {"department": "abc"}, {"department": "-1"}, {"department": "9" * 30}, {"department": "999999"},
            {"level": "省级"}, {"commissioner": "x" * 500}, {"fee_nature": ["a", "b"]},
            {"page": "abc"}, {"page": "-5"}, {"page": "99999"}, {"page": "9" * 40},
            {"q": "\x00环境"}, {"q": "%_\\'\"<script>"}, {"q": "环" * 5000},
        ]:
            with self.subTest(params=params):
                response = self.get(**params)
                self.assertEqual(response.status_code, 200)
        self.assertContains(self.get(department="abc"), "部分查询条件无效，已忽略")
        self.assertEqual(self.names(self.get(q="\x00环境")), ["环境影响评价文件编制"])
        self.assertNotContains(self.get(q="<script>"), "<script>")

    def test_pagination_twenty_per_page(self):
        draft = edition_copy(self.edition)
        for seq in range(10, 35):
            IntermediaryServiceFactory(edition=draft, seq=seq, department=self.env)
        from permits.kernel.lifecycle import edition_publish

        edition_publish(draft)
        first = self.get()
        self.assertEqual(len(first.context["page"].object_list), 20)
        self.assertEqual(first.context["page"].paginator.count, 28)
        second = self.get(page=2, department=self.env.pk)
        self.assertEqual(second.context["page"].number, 2)
        self.assertContains(first, "page=2")
        self.assertEqual(len(self.get(page=2).context["page"].object_list), 8)

    def test_detail_page_with_permit_links(self):
        response = self.client.get(reverse("intermediaries:service.detail", args=[self.eia.pk]))
        self.assertEqual(response.status_code, 200)
        for item in self.items:
            self.assertContains(response, f'href="/permits/{item.code}/"')
            self.assertContains(response, item.name)
        for text in ["环境影响评价文件编制", "新余市生态环境局", "《中华人民共和国环境影响评价法》", "环评技术服务机构",
                     "申请人委托", "市场调节价", "市级、县级"]:
            self.assertContains(response, text)
        fire = self.client.get(reverse("intermediaries:service.detail", args=[self.fire.pk]))
        self.assertContains(fire, "费用由审批部门支付")

    def test_detail_404_in_chinese(self):
        for pk in [self.hidden.pk, 987654, 10**25]:
            with self.subTest(pk=pk):
                response = self.client.get(f"/intermediaries/{pk}/")
                self.assertEqual(response.status_code, 404)
                self.assertContains(response, "未找到该中介服务事项", status_code=404)
        self.assertEqual(self.client.get("/intermediaries/abc/").status_code, 404)
        archived = self.edition.copied_from.pk  # the first, now archived, list
        self.assertIsNotNone(archived)

    def test_exports(self):
        response = self.client.get("/intermediaries/export.csv")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0], SERVICE_HEADERS)
        self.assertEqual([r[1] for r in rows[1:]], ["环境影响评价文件编制", "建设工程消防设计技术审查", "防雷装置检测"])
        self.assertEqual(rows[1][2], "；".join(f"{i.name}（{i.code}）" for i in self.items))

        workbook = load_workbook(io.BytesIO(self.client.get("/intermediaries/export.xlsx").content))
        sheet_rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        self.assertEqual(list(sheet_rows[0]), SERVICE_HEADERS)
        self.assertEqual(len(sheet_rows), 4)

        data = json.loads(self.client.get("/intermediaries/export.json").content)
        self.assertEqual(data["list"]["title"], self.edition.title)
        self.assertEqual(data["list"]["service_count"], 3)
        self.assertEqual(data["services"][0]["permit_items"], [{"code": i.code, "name": i.name} for i in self.items])
        self.assertTrue(data["services"][1]["paid_by_government"])
        self.assertEqual(self.client.get("/intermediaries/export.pdf").status_code, 404)

    def test_exports_answer_304(self):
        for fmt in ("csv", "xlsx", "json"):
            with self.subTest(fmt=fmt):
                first = self.client.get(f"/intermediaries/export.{fmt}")
                self.assertTrue(first.has_header("ETag"))
                self.assertTrue(first.has_header("Last-Modified"))
                again = self.client.get(f"/intermediaries/export.{fmt}", HTTP_IF_NONE_MATCH=first["ETag"])
                self.assertEqual(again.status_code, 304)
                since = self.client.get(f"/intermediaries/export.{fmt}", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
                self.assertEqual(since.status_code, 304)
                stale = self.client.get(f"/intermediaries/export.{fmt}", HTTP_IF_NONE_MATCH='"other"',
                                        HTTP_IF_MODIFIED_SINCE=http_date(0))
                self.assertEqual(stale.status_code, 200)
        etags = {self.client.get(f"/intermediaries/export.{fmt}")["ETag"] for fmt in ("csv", "xlsx", "json")}
        self.assertEqual(len(etags), 3)


class NoPublishedListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        RegionFactory()

    def test_pages_without_a_published_list(self):
        response = self.client.get(LIST_URL, {"q": "x", "department": "1"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "中介服务事项清单尚未发布")
        self.assertContains(self.client.get("/intermediaries/export.csv"), "暂无可下载的数据", status_code=404)


class QueryCountTests(TestCase):
    """Pages cost the same number of queries with 2 and with 20 services."""

    @classmethod
    def setUpTestData(cls):
        cls.region = RegionFactory()
        cls.departments = [DepartmentFactory(region=cls.region) for _ in range(3)]
        cls.catalogue, cls.items = published_permit_catalogue(cls.region, items=3, department=cls.departments[0])

    def publish(self, count):
        from intermediaries.models import IntermediaryList
        from permits.kernel.lifecycle import edition_publish

        from .factories import IntermediaryListFactory

        edition = IntermediaryListFactory(region=self.region, title=f"清单{count}")
        services = [
            IntermediaryServiceFactory(edition=edition, department=self.departments[n % 3], permit_items=self.items[: n % 3 + 1])
            for n in range(count)
        ]
        edition_publish(edition)
        self.assertEqual(IntermediaryList.objects.published().get(), edition)
        return services

    def count(self, url, **params):
        self.client.get(url, params)  # remembered reads (site profile) are warm in both counts
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url, params)
        self.assertIn(response.status_code, (200,))
        return len(queries)

    def test_constant_queries(self):
        small = self.publish(2)
        pages = [
            (LIST_URL, {}), (LIST_URL, {"q": "测试", "level": "市级、县级"}),
            (LIST_URL, {"department": str(self.departments[0].pk)}),
            ("/intermediaries/export.csv", {}), ("/intermediaries/export.xlsx", {}), ("/intermediaries/export.json", {}),
        ]
        counts = {url + str(params): self.count(url, **params) for url, params in pages}
        detail_small = self.count(f"/intermediaries/{small[1].pk}/")
        large = self.publish(20)
        for url, params in pages:
            self.client.get(url, params)  # the publish bumped the version numbers: warm again
            with self.subTest(url=url, params=params), self.assertNumQueries(counts[url + str(params)]):
                self.client.get(url, params)
        with self.assertNumQueries(detail_small):
            self.client.get(f"/intermediaries/{large[1].pk}/")
        # The list page: site profile, region and list, four facets, count, rows with their department.
        self.assertLessEqual(counts[LIST_URL + "{}"], 10)
        self.assertLessEqual(detail_small, 4)
