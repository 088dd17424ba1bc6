"""/permits/changes/, its JSON and Atom feed, and the pages of an archived edition (issue 14, point 4)."""
import json
from urllib.parse import quote

from django.core.cache import cache
from django.test import TestCase

from permits.kernel.lifecycle import edition_publish, edition_submit
from tests.permits.review_data import build_pair
from tests.portal.catalogue_data import site_profile

OLD = quote("2023年版")


class ChangesPageMixin:
    extra = 0

    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.old, cls.new = build_pair(extra=cls.extra)
        edition_submit(cls.new)
        edition_publish(cls.new)


class ChangesPageTests(ChangesPageMixin, TestCase):
    def test_time_limit_and_material_form_old_to_new(self):
        response = self.client.get("/permits/changes/")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("承诺办结时限（工作日）", html)
        self.assertInHTML('<td class="diff-old"><del>3</del></td>', html)
        self.assertInHTML('<td class="diff-new"><ins>2</ins></td>', html)
        self.assertInHTML('<td class="diff-old"><del>原件</del></td>', html)
        self.assertInHTML('<td class="diff-new"><ins>电子件</ins></td>', html)
        self.assertInHTML('<td class="diff-old"><del>《药品管理法》</del></td>', html)
        # Counts per level: 1 item added, 1 removed; the page's total counts every level.
        self.assertInHTML('<strong class="diff-add" data-testid="count-added">1</strong>', html)
        self.assertInHTML('<strong class="diff-remove" data-testid="count-removed">1</strong>', html)
        self.assertInHTML('<tr data-level="material"><th scope="row">申请材料</th><td class="diff-add">1</td>'
                          '<td class="diff-remove">0</td><td class="diff-change">1</td></tr>', html)

    def test_links_to_both_versions(self):
        html = self.client.get("/permits/changes/").content.decode()
        self.assertIn('href="/permits/guide/00000000001101/"', html)
        self.assertIn(f'href="/permits/editions/{OLD}/guide/00000000001101/"', html)
        self.assertIn(f'href="/permits/editions/{OLD}/00000000003Y/"', html)  # removed: only the old one
        self.assertNotIn('href="/permits/00000000003Y/"', html)
        self.assertIn('href="/permits/00000000004Y/"', html)  # added: only the new one
        self.assertNotIn(f'href="/permits/editions/{OLD}/00000000004Y/"', html)

    def test_archived_guide_shows_the_old_values(self):
        response = self.client.get(f"/permits/editions/{OLD}/guide/00000000001101/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'data-testid="archived-notice"')
        self.assertContains(response, "新余市行政许可事项清单（2023年版）")
        self.assertEqual(response.context["handling"].promised_days, 3)
        self.assertEqual([m.form for m in response.context["materials"]], ["原件"])
        self.assertContains(response, 'href="/permits/guide/00000000001101/"')  # to the version in force
        current = self.client.get("/permits/guide/00000000001101/")
        self.assertEqual(current.context["handling"].promised_days, 2)

    def test_archived_item_page(self):
        response = self.client.get(f"/permits/editions/{OLD}/00000000003Y/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "建设工程消防验收")
        self.assertContains(response, 'data-testid="archived-notice"')

    def test_archived_pages_refuse_bad_input_and_drafts(self):
        for url in (f"/permits/editions/{OLD}/guide/123/", f"/permits/editions/{OLD}/00000000009Y/",
                    "/permits/editions/2099年版/00000000001Y/", f"/permits/editions/{quote('<x>')}/00000000001Y/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_department_filter(self):
        response = self.client.get("/permits/changes/", {"department": "新余市住房和城乡建设局"})
        codes = [c.code for _g, rows in response.context["diff"].groups for c in rows]
        self.assertEqual(codes, ["00000000004Y", "00000000003Y"])
        self.assertContains(response, '<option value="新余市住房和城乡建设局" selected>', html=False)

    def test_bad_page_is_the_first(self):
        for page in ("abc", "-1", "99999999999999999999", "2"):
            with self.subTest(page=page):
                response = self.client.get("/permits/changes/", {"page": page})
                self.assertEqual((response.status_code, response.context["page"]), (200, 1))

    def test_unknown_department_is_an_empty_result(self):
        response = self.client.get("/permits/changes/", {"department": "不存在的局" * 30})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["diff"].groups, [])
        self.assertContains(response, "没有名为")

    def test_json(self):
        response = self.client.get("/permits/changes.json")
        self.assertEqual(response["Content-Type"], "application/json")
        data = json.loads(response.content)
        self.assertEqual((data["edition"]["edition"], data["previous"]["edition"]), ("2024年版", "2023年版"))
        self.assertEqual(data["counts"]["handling"], {"label": "业务办理项", "added": 1, "removed": 0, "changed": 1})
        market = next(g for g in data["groups"] if g["group"] == "新余市市场监督管理局")
        food = next(c for c in market["changes"] if c["code"] == "00000000001Y")
        handling = food["children"][0]["children"][0]
        self.assertEqual(handling["fields"], [{"field": "承诺办结时限（工作日）", "old": "3", "new": "2"}])
        self.assertEqual(handling["url"], "/permits/guide/00000000001101/")
        self.assertEqual(handling["previous_url"], f"/permits/editions/{OLD}/guide/00000000001101/")
        material = next(c for c in handling["children"] if c["name"] == "营业执照")
        self.assertEqual(material["fields"], [{"field": "材料形式", "old": "原件", "new": "电子件"}])

    def test_atom_feed(self):
        response = self.client.get("/permits/changes.atom")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
        body = response.content.decode()
        self.assertIn("<title>新余市行政许可事项清单（2024年版）（2024年版）</title>", body)
        self.assertIn("<title>新余市行政许可事项清单（2023年版）（2023年版）</title>", body)
        self.assertLess(body.index("2024年版）（2024年版）"), body.index("2023年版）（2023年版）"))
        self.assertIn("共 3 个事项", body)


class ChangesQueriesSmall(ChangesPageMixin, TestCase):
    # Cold cache: edition in force, site profile, previous edition, the filter's departments, and 8 for
    # the diff (4 levels × 2 editions); the same whatever the size.
    COLD = 12

    def test_cold_queries(self):
        self.client.get("/permits/changes/")
        cache.clear()
        with self.assertNumQueries(self.COLD):
            self.assertEqual(self.client.get("/permits/changes/").status_code, 200)


class ChangesQueriesLarger(ChangesQueriesSmall):
    extra = 15
