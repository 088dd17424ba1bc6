"""Public permit pages: list, search, filters, item, guide, changes, open data."""
import csv
import io
import json
import re

from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook

from permits.kernel.lock import edition_lock_lifted
from permits.kernel.importing.formats import read_rows
from permits.models import HandlingItem, PermitCatalogue, PermitItem
from permits.catalogue.selectors.export import PERMIT_HEADERS
from tests.factories import PermitCatalogueFactory, PermitItemFactory
from tests.portal.catalogue_data import FOOD_CODE, build_published_catalogue, site_profile


def json_ld(html):
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


class ListAndSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_published_catalogue(extra=25)
        # A draft edition of the same region must never show up.
        draft = PermitCatalogueFactory(region=cls.data["region"], title="草稿清单")
        PermitItemFactory(edition=draft, department=cls.data["departments"][0], code="77777777777Y",
                          name="草稿里的食品许可")

    def get(self, **params):
        return self.client.get(reverse("permits:item.list"), params)

    def test_lists_published_edition_only_20_per_page(self):
        response = self.get()
        self.assertEqual(response.status_code, 200)
        total = PermitItem.objects.filter(edition=self.data["edition"]).count()
        self.assertEqual(response.context["total"], total)
        self.assertEqual(len(response.context["items"]), 20)
        self.assertNotContains(response, "草稿里的食品许可")
        self.assertNotContains(response, "食品摊贩登记")  # archived edition only

    def test_second_page_and_out_of_range_page(self):
        total = PermitItem.objects.filter(edition=self.data["edition"]).count()
        response = self.get(page=2)
        self.assertEqual(response.context["page"].number, 2)
        self.assertEqual(len(response.context["items"]), min(20, total - 20))
        last = self.get(page="99999999999")
        self.assertEqual(last.status_code, 200)
        self.assertEqual(last.context["page"].number, last.context["page"].paginator.num_pages)

    def test_search_by_name_code_sub_item_and_legal_basis(self):
        for q in ["食品", FOOD_CODE, "00016421300", "预包装", "食品安全法", "0001642130010"]:
            with self.subTest(q=q):
                codes = [i["code"] for i in self.get(q=q).context["items"]]
                self.assertEqual(codes, [FOOD_CODE])

    def test_traditional_query_finds_simplified_data(self):
        response = self.get(q="食品經營")
        self.assertEqual([i["code"] for i in response.context["items"]], [FOOD_CODE])

    def test_matches_are_marked_and_escaped(self):
        response = self.get(q="食品經營")
        self.assertContains(response, "<mark>食品经营</mark>许可")
        from permits.templatetags.permit_search import highlight

        self.assertEqual(highlight("<b>食品</b>", ["食品"]), "&lt;b&gt;<mark>食品</mark>&lt;/b&gt;")
        self.assertEqual(highlight("a&b", ["&"]), "a<mark>&amp;</mark>b")
        self.assertEqual(highlight("食品", []), "食品")

    def test_several_words_must_all_match(self):
        self.assertEqual(self.get(q="食品 新办").context["total"], 1)
        self.assertEqual(self.get(q="食品 建筑").context["total"], 0)

    def test_filters_narrow_and_show_counts(self):
        market = self.data["departments"][0]
        response = self.get(department=market.pk)
        self.assertEqual([i["code"] for i in response.context["items"]], [FOOD_CODE])
        response = self.get(level="县级")
        codes = {i["code"] for i in response.context["items"]}
        self.assertEqual(codes, {FOOD_CODE, "00012345700Y"})
        response = self.get(situation="延续")
        self.assertEqual([i["code"] for i in response.context["items"]], [FOOD_CODE])
        paid = self.get(fee="paid").context["total"]
        free = self.get(fee="free").context["total"]
        edition = self.data["edition"]
        self.assertEqual(
            paid, PermitItem.objects.filter(edition=edition, sub_items__handling_items__fee=True).distinct().count())
        self.assertEqual(
            free, PermitItem.objects.filter(edition=edition, sub_items__handling_items__fee=False).distinct().count())
        self.assertEqual(self.get(online="1").context["total"], 1)

    def test_each_filter_option_count_equals_its_result(self):
        response = self.get(q="许可")
        for group in response.context["facet_groups"]:
            for option in group["options"]:
                with self.subTest(filter=group["key"], value=option["value"]):
                    followed = self.client.get(reverse("permits:item.list") + option["url"])
                    self.assertEqual(followed.context["total"], option["count"])

    def test_filter_values_in_traditional_characters(self):
        simplified = self.get(level="县级", situation="新设").context["total"]
        self.assertGreater(simplified, 0)
        self.assertEqual(self.get(level="縣級", situation="新設").context["total"], simplified)

    def test_state_lives_in_url(self):
        response = self.get(q="食品", situation="新设")
        options = {f["key"]: f for f in response.context["facet_groups"]}
        for option in options["fee"]["options"]:
            self.assertIn("q=%E9%A3%9F%E5%93%81", option["url"])
            self.assertIn("situation=", option["url"])
        self.assertContains(response, 'value="食品"')

    def test_empty_result_suggests(self):
        response = self.get(q="不存在的事项名称")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["total"], 0)
        self.assertContains(response, "没有找到与“不存在的事项名称”相关的许可事项")
        self.assertContains(response, "您可以尝试")

    def test_malformed_parameters_never_500(self):
        cases = [
            {"page": "abc"}, {"page": "99999999999"}, {"page": "-1"}, {"department": "xyz"},
            {"department": "99999999999999999999"}, {"q": "食" * 2000}, {"q": "食品\x00\x07\x1b"},
            {"situation": "<script>"}, {"fee": "maybe"}, {"online": "9"}, {"level": "x" * 500},
            {"q": "%_\\'\""},
        ]
        for params in cases:
            with self.subTest(params=list(params)):
                response = self.get(**params)
                self.assertIn(response.status_code, (200, 400))
        response = self.get(q="食品\x00\x07")
        self.assertEqual(response.context["search"].q, "食品")
        self.assertEqual([i["code"] for i in response.context["items"]], [FOOD_CODE])
        self.assertLessEqual(len(self.get(q="食" * 2000).context["search"].q), 100)

    def test_like_wildcards_are_literal(self):
        self.assertEqual(self.get(q="%").context["total"], 0)
        self.assertEqual(self.get(q="_").context["total"], 0)


class PageWindowTests(TestCase):
    def test_window_with_gaps(self):
        from permits.kernel.listing import ListQuery, list_page

        def window(page, pages):
            links = list_page(ListQuery(params={}, values={}), range(pages * 20), str(page))["page_links"]
            return [link and link["number"] for link in links]

        self.assertEqual(window(1, 1), [])  # one page: no page links at all
        # Django's elided range: an ellipsis never stands for a single page (2 is shown instead).
        self.assertEqual(window(5, 10), [1, 2, 3, 4, 5, 6, 7, None, 10])
        self.assertEqual(window(6, 12), [1, None, 4, 5, 6, 7, 8, None, 12])
        self.assertEqual(window(1, 10), [1, 2, 3, None, 10])

    def test_many_pages_render_with_ellipsis(self):
        site_profile()
        build_published_catalogue(extra=200)
        response = self.client.get("/permits/", {"page": 5})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "…")
        self.assertContains(response, 'rel="next"')
        self.assertContains(response, 'rel="prev"')


class NoPublishedEditionTests(TestCase):
    def test_list_says_not_published_and_item_is_404(self):
        PermitCatalogueFactory()
        response = self.client.get("/permits/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "尚未发布")
        self.assertEqual(self.client.get(f"/permits/{FOOD_CODE}/").status_code, 404)
        self.assertEqual(self.client.get("/permits/export.csv").status_code, 404)
        self.assertEqual(self.client.get("/permits/changes/").status_code, 200)


class ItemAndGuideTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_published_catalogue()

    def test_item_page(self):
        response = self.client.get(reverse("permits:item.detail", args=[FOOD_CODE]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<h1>食品经营许可</h1>", html=True)
        self.assertContains(response, "市市场监督管理局")
        self.assertContains(response, "《中华人民共和国食品安全法》第三十五条")
        self.assertContains(response, "食品经营许可（仅销售预包装食品备案）")
        for handling in HandlingItem.objects.filter(sub_item__item=self.data["food"]):
            self.assertContains(response, reverse("permits:guide", args=[handling.code]))

    def test_item_json_ld_government_service(self):
        response = self.client.get(reverse("permits:item.detail", args=[FOOD_CODE]))
        data = json_ld(response.content.decode())
        self.assertEqual(data["@type"], "GovernmentService")
        self.assertEqual(data["name"], "食品经营许可")
        self.assertEqual(data["identifier"], FOOD_CODE)
        self.assertEqual(data["serviceOperator"]["name"], "市市场监督管理局")
        self.assertEqual(data["areaServed"]["name"], "新余市")
        channels = data["availableChannel"]
        self.assertEqual(len(channels), 3)
        first = HandlingItem.objects.filter(sub_item__item=self.data["food"]).order_by("sub_item__seq", "seq").first()
        # Working days, said as the page says them: an ISO duration (P3D) would mean calendar days.
        self.assertNotIn("processingTime", channels[0])
        self.assertIn(f"承诺办结时限：{first.promised_days}个工作日", channels[0]["description"])
        self.assertEqual(channels[0]["servicePhone"]["telephone"], first.enquiry_phone)
        self.assertEqual(channels[0]["serviceLocation"]["name"], first.place)
        self.assertTrue(channels[0]["serviceUrl"].startswith("https://"))

    def test_unknown_or_unpublished_item_is_404(self):
        self.assertEqual(self.client.get("/permits/99999999999Y/").status_code, 404)
        # The archived edition's dropped item is not public any more.
        self.assertEqual(self.client.get("/permits/00012345800Y/").status_code, 404)
        self.assertEqual(self.client.get("/permits/guide/00000000000000/").status_code, 404)
        for bad in ["/permits/%00/", "/permits/guide/%00%01/", "/permits/" + "9" * 300 + "/",
                    "/permits/00016421300Y%0A/", "/permits/guide/食品/"]:
            self.assertEqual(self.client.get(bad).status_code, 404, bad)

    def test_guide_shows_every_field_and_materials(self):
        guide = self.data["guide"]
        response = self.client.get(reverse("permits:guide", args=[guide.code]))
        self.assertEqual(response.status_code, 200)
        for value in [guide.name, guide.code, guide.conditions, guide.place, guide.hours, guide.enquiry_phone,
                      guide.complaint_phone, guide.online_url, guide.result_document, "全程网办",
                      "食品经营许可（新办）", "《中华人民共和国食品安全法》第三十五条"]:
            self.assertContains(response, value)
        self.assertContains(response, f"{guide.statutory_days} 个工作日")
        self.assertContains(response, f"{guide.promised_days} 个工作日")
        materials = list(guide.materials.all())
        self.assertEqual(len(materials), 3)
        for material in materials:
            self.assertContains(response, material.name)
        self.assertContains(response, 'media="print"')
        self.assertContains(response, "data-print")

    def test_guide_of_paid_item_shows_fee_standard(self):
        paid = HandlingItem.objects.get(edition=self.data["edition"], fee=True, sub_item__item=self.data["food"])
        response = self.client.get(reverse("permits:guide", args=[paid.code]))
        self.assertContains(response, "按国家规定标准收取")

    def test_intermediary_services_of_published_lists_only(self):
        from intermediaries.models import IntermediaryList, IntermediaryService
        from permits.kernel.lifecycle import edition_publish

        region, market = self.data["region"], self.data["departments"][0]
        published = IntermediaryList.objects.create(region=region, title="中介清单", edition="2023年版")
        service = IntermediaryService.objects.create(edition=published, seq=1, name="食品检验检测报告",
                                                     department=market, commissioner="审批部门委托",
                                                     fee_nature="财政支付")
        service.permit_items.add(self.data["food"])
        edition_publish(published)
        draft = IntermediaryList.objects.create(region=region, title="草稿", edition="2024年版")
        hidden = IntermediaryService.objects.create(edition=draft, seq=1, name="草稿中的中介服务", department=market)
        hidden.permit_items.add(self.data["food"])
        response = self.client.get(reverse("permits:item.detail", args=[FOOD_CODE]))
        self.assertContains(response, "食品检验检测报告")
        self.assertContains(response, f'href="/intermediaries/{service.pk}/"')
        self.assertContains(response, "审批部门委托")
        self.assertContains(response, "财政支付")
        self.assertNotContains(response, "草稿中的中介服务")


class ChangesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_published_catalogue(extra=2)

    def test_added_removed_changed_with_counts(self):
        response = self.client.get(reverse("permits:changes"))
        self.assertEqual(response.status_code, 200)
        diff = response.context["diff"]
        top = [change for _group, changes in diff.groups for change in changes]
        added = {c.code for c in top if c.status == "added"}
        self.assertIn(FOOD_CODE, added)
        self.assertEqual(len(added), 3)
        self.assertEqual([c.code for c in top if c.status == "removed"], ["00012345800Y"])
        self.assertEqual([c.code for c in top if c.status == "changed"], ["00012345700Y"])
        self.assertContains(response, "食品摊贩登记")
        self.assertContains(response, "公共场所卫生许可（含游泳场所）")
        self.assertContains(response, "事项名称")
        self.assertContains(response, '<strong class="diff-add" data-testid="count-added">3</strong>', html=True)

    def test_falls_back_to_latest_archived(self):
        edition = self.data["edition"]
        with edition_lock_lifted():  # data surgery on a published edition, as only a restore may do
            PermitCatalogue.objects.filter(pk=edition.pk).update(copied_from=None, _transition=True)
        response = self.client.get(reverse("permits:changes"))
        self.assertEqual(response.context["previous"], self.data["previous"])


class ExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_published_catalogue(extra=1)
        cls.handling_count = HandlingItem.objects.filter(edition=cls.data["edition"]).count()

    def test_csv_is_the_import_shape(self):
        response = self.client.get("/permits/export.csv")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        rows = read_rows(response.getvalue(), "export.csv")
        self.assertEqual(rows[0], PERMIT_HEADERS)
        self.assertEqual(len(rows) - 1, self.handling_count)
        self.assertIn(FOOD_CODE, {row[1] for row in rows[1:]})

    def test_xlsx_is_the_import_shape(self):
        response = self.client.get("/permits/export.xlsx")
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.getvalue())).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), PERMIT_HEADERS)
        self.assertEqual(len(rows) - 1, self.handling_count)

    def test_json_shape(self):
        response = self.client.get("/permits/export.json")
        data = json.loads(response.getvalue())
        edition = self.data["edition"]
        self.assertEqual(data["catalogue"], {"title": edition.title, "edition": edition.edition,
                                             "region": "新余市", "published_on": "2023-08-01"})
        food = next(i for i in data["items"] if i["code"] == FOOD_CODE)
        self.assertEqual(food["department"], "市市场监督管理局")
        self.assertEqual(len(food["sub_items"]), 2)
        handling = food["sub_items"][0]["handling_items"][0]
        self.assertEqual(handling["code"], self.data["guide"].code)
        self.assertEqual(len(handling["materials"]), 3)
        total = sum(len(s["handling_items"]) for i in data["items"] for s in i["sub_items"])
        self.assertEqual(total, self.handling_count)

    def test_conditional_requests_answer_304(self):
        for fmt in ("csv", "xlsx", "json"):
            with self.subTest(fmt=fmt):
                first = self.client.get(f"/permits/export.{fmt}")
                self.assertTrue(first.has_header("ETag"))
                self.assertTrue(first.has_header("Last-Modified"))
                again = self.client.get(f"/permits/export.{fmt}", HTTP_IF_NONE_MATCH=first["ETag"])
                self.assertEqual(again.status_code, 304)
                since = self.client.get(f"/permits/export.{fmt}", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
                self.assertEqual(since.status_code, 304)
                other = self.client.get(f"/permits/export.{fmt}", HTTP_IF_NONE_MATCH='"stale"')
                self.assertEqual(other.status_code, 200)

    def test_etags_differ_between_formats(self):
        etags = {self.client.head(f"/permits/export.{fmt}")["ETag"] for fmt in ("csv", "xlsx", "json")}
        self.assertEqual(len(etags), 3)

    def test_unknown_format_is_404(self):
        self.assertEqual(self.client.get("/permits/export.pdf", follow=True).status_code, 404)


class CsvFormulaTests(TestCase):
    def test_csv_cells_starting_with_equals_are_escaped(self):
        site_profile()
        data = build_published_catalogue()
        with edition_lock_lifted():  # data surgery on a published edition, as only a restore may do
            PermitItem.objects.filter(pk=data["food"].pk).update(remarks="=HYPERLINK(1)")
        text = self.client.get("/permits/export.csv").getvalue().decode("utf-8-sig")
        remarks = [row[15] for row in csv.reader(io.StringIO(text)) if row[1] == FOOD_CODE]
        self.assertTrue(remarks and all(r == "'=HYPERLINK(1)" for r in remarks))
