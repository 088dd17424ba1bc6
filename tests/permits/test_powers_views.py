import datetime
import json
import re

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from permits.kernel.importing.formats import read_rows
from permits.models import Region
from permits.powers.selectors import POWER_HEADERS
from permits.kernel.lifecycle import edition_publish

from .factories_powers import DelegatedPowerFactory, PowerCatalogueFactory, ZoneFactory, ZoneFixture


def text(response):
    """The page text without tags, whitespace folded."""
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", body)


class PowerPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.fx = ZoneFixture(kept_by_code=3, kept_by_name=2, added=4, removed=5, departments=3,
                             points={(Region.Kind.COUNTY, "渝水区"): 2, (Region.Kind.ZONE, "仙女湖区"): 1})
        cls.draft = PowerCatalogueFactory(recipient=cls.fx.zone, title="尚未发布的草稿目录")

    def test_list_page(self):
        response = self.client.get(reverse("powers:catalogue.list"))
        self.assertEqual(response.status_code, 200)
        page = text(response)
        self.assertIn(self.fx.new.title, page)
        self.assertIn(f"{self.fx.new_count} 项", page)
        self.assertIn(f"{self.fx.departments} 个部门", page)
        self.assertNotIn("尚未发布的草稿目录", page)
        self.assertNotIn("原赋权目录", page)  # archived: reached from the catalogue it was replaced by
        self.assertIn("共 3 个观测点，分布在 1 个县区和 1 个功能区", page)
        self.assertRegex(page, r"渝水区 县/区 2 .*渝水区测试镇0.*渝水区测试镇1")
        self.assertRegex(page, r"仙女湖区 功能区 1 .*仙女湖区测试镇0")
        self.assertIn("分宜县双林镇", page)
        self.assertIn("全省首批基层审批服务执法示范点", page)
        self.assertContains(response, reverse("powers:catalogue.detail", args=[self.fx.new.pk]))
        self.assertContains(response, "powers/powers.css")

    def test_list_year_filter_and_bad_year(self):
        response = self.client.get(reverse("powers:catalogue.list"), {"year": "2023"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("暂无赋权观测点", text(response))
        for bad in ["abcd", "20245", "２０２４", "-1", "1e3", "2024' or 1=1"]:
            with self.subTest(year=bad):
                response = self.client.get(reverse("powers:catalogue.list"), {"year": bad})
                self.assertEqual(response.status_code, 400)
                self.assertIn("四位年份", text(response))

    def test_detail_page(self):
        fx = self.fx
        response = self.client.get(reverse("powers:catalogue.detail", args=[fx.new.pk]))
        self.assertEqual(response.status_code, 200)
        page = text(response)
        self.assertIn(fx.new.basis, page)
        self.assertIn(fx.new.basis_number, page)
        self.assertIn("2024年6月1日", page)
        # Department groups: round robin over 3 departments of kept + added powers.
        per_dept = [0] * fx.departments
        for i in range(fx.new_count):
            per_dept[i % fx.departments] += 1
        for dept, n in zip(fx.depts, per_dept):
            self.assertIn(f"{dept.name} {n} 项", page)
        self.assertIn(f"新增 {fx.added} 调出 {fx.removed} 保留 {fx.kept}", page)
        self.assertRegex(page, rf"新增 {fx.added} 序号.*新增权限0")
        self.assertRegex(page, rf"调出 {fx.removed} 原序号.*调出权限0")
        self.assertIn("原名称：原权限0（旧称）", page)
        self.assertContains(response, reverse("powers:catalogue.detail", args=[fx.old.pk]))

    def test_detail_filters_with_counts(self):
        fx = self.fx
        url = reverse("powers:catalogue.detail", args=[fx.new.pk])
        per_dept = [0] * fx.departments
        for i in range(fx.new_count):
            per_dept[i % fx.departments] += 1
        groups = {g["key"]: g for g in self.client.get(url).context["facet_groups"]}
        self.assertEqual({o["label"]: o["count"] for o in groups["department"]["options"]},
                         {dept.name: n for dept, n in zip(fx.depts, per_dept)})
        chosen = self.client.get(url, {"department": fx.depts[1].pk})
        self.assertEqual(len(chosen.context["shown"]), per_dept[1])
        self.assertEqual({p.department_id for p in chosen.context["shown"]}, {fx.depts[1].pk})
        self.assertEqual(chosen.context["chips"][0]["label"], f"实施部门：{fx.depts[1].name}")
        # The comparison with the old catalogue still covers the whole catalogue.
        self.assertIn(f"新增 {fx.added} 调出 {fx.removed} 保留 {fx.kept}", text(chosen))
        for bad in ({"department": "x"}, {"department": "99999999999999999999999"}, {"mode": "<b>"},
                    {"power_type": "许可" * 40}):
            with self.subTest(params=bad):
                response = self.client.get(url, bad)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(response.context["shown"]), fx.new_count)

    def test_archived_catalogue_readable_with_notice(self):
        response = self.client.get(reverse("powers:catalogue.detail", args=[self.fx.old.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("已被新的目录替代", text(response))

    def test_unpublished_and_unknown_are_404_in_chinese(self):
        for url in [
            reverse("powers:catalogue.detail", args=[self.draft.pk]),
            reverse("powers:catalogue.detail", args=[999999]),
            "/powers/99999999999999999999999/",
            reverse("powers:catalogue.export", args=[self.draft.pk, "csv"]),
            reverse("powers:catalogue.export", args=[self.fx.new.pk, "pdf"]),
        ]:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404)
                self.assertIn("没有找到该赋权目录" if "pdf" not in url else "不支持该导出格式", text(response))

    def test_post_not_allowed(self):
        self.assertEqual(self.client.post(reverse("powers:catalogue.list")).status_code, 405)

    def test_exports(self):
        fx = self.fx
        csv_response = self.client.get(reverse("powers:catalogue.export", args=[fx.new.pk, "csv"]))
        self.assertEqual(csv_response.status_code, 200)
        self.assertIn("attachment", csv_response["Content-Disposition"])
        self.assertIn("max-age=300", csv_response["Cache-Control"])
        rows = read_rows(csv_response.content, "a.csv")
        self.assertEqual(rows[0], POWER_HEADERS)
        self.assertEqual(len(rows) - 1, fx.new_count)
        self.assertEqual(rows[1][:4], ["1", fx.depts[0].name, "权限0", "ZQ0000"])

        xlsx_response = self.client.get(reverse("powers:catalogue.export", args=[fx.new.pk, "xlsx"]))
        rows = read_rows(xlsx_response.content, "a.xlsx")
        self.assertEqual(rows[0], POWER_HEADERS)
        self.assertEqual(len(rows) - 1, fx.new_count)

        data = json.loads(self.client.get(reverse("powers:catalogue.export", args=[fx.new.pk, "json"])).content)
        self.assertEqual(data["count"], fx.new_count)
        self.assertEqual(data["catalogue"]["replaces"], fx.old.pk)
        self.assertEqual(data["catalogue"]["effective_on"], "2024-06-01")
        self.assertEqual(data["powers"][0]["department"], fx.depts[0].name)

    def test_etag(self):
        url = reverse("powers:catalogue.detail", args=[self.fx.new.pk])
        first = self.client.get(url)
        etag = first["ETag"]
        self.assertTrue(etag)
        again = self.client.get(url, HTTP_IF_NONE_MATCH=etag)
        self.assertEqual(again.status_code, 304)
        self.assertEqual(again.content, b"")
        self.assertEqual(self.client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code, 200)
        list_url = reverse("powers:catalogue.list")
        tag = self.client.get(list_url)["ETag"]
        self.assertEqual(self.client.get(list_url, HTTP_IF_NONE_MATCH=tag).status_code, 304)


class ConstantQueriesTests(TestCase):
    def queries(self, url):
        with CaptureQueriesContext(connection) as ctx:
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return len(ctx.captured_queries)

    def build(self, scale):
        fx = ZoneFixture(kept_by_code=2 * scale, kept_by_name=scale, added=3 * scale, removed=2 * scale,
                         departments=2 * scale, year=2020 + scale,
                         points={(Region.Kind.COUNTY, f"县{scale}"): scale, (Region.Kind.ZONE, f"区{scale}"): scale})
        other_zone = ZoneFactory(name=f"仙女湖区{scale}", parent=fx.city)
        for _ in range(scale):
            extra = PowerCatalogueFactory(recipient=other_zone, effective_on=datetime.date(2020, 1, 1))
            DelegatedPowerFactory(edition=extra, department=fx.depts[0])
        edition_publish(extra)
        return fx

    def test_pages_do_not_grow_with_data(self):
        small = self.build(1)
        pages = {
            "list": reverse("powers:catalogue.list"),
            "detail": reverse("powers:catalogue.detail", args=[small.new.pk]),
            "json": reverse("powers:catalogue.export", args=[small.new.pk, "json"]),
            "xlsx": reverse("powers:catalogue.export", args=[small.new.pk, "xlsx"]),
        }
        counts_small = {name: self.queries(url) for name, url in pages.items()}
        large = self.build(6)
        pages["detail"] = reverse("powers:catalogue.detail", args=[large.new.pk])
        pages["json"] = reverse("powers:catalogue.export", args=[large.new.pk, "json"])
        pages["xlsx"] = reverse("powers:catalogue.export", args=[large.new.pk, "xlsx"])
        counts_large = {name: self.queries(url) for name, url in pages.items()}
        self.assertEqual(counts_small, counts_large)
        # Site profile + catalogues, points, sites / catalogue, its powers, the replaced powers.
        self.assertLessEqual(counts_large["list"], 4)
        self.assertLessEqual(counts_large["detail"], 4)
        self.assertLessEqual(counts_large["json"], 2)

    def test_selectors_exact_queries(self):
        from permits.powers.selectors import (
            demonstration_sites, observation_point_groups, power_catalogue_page, public_power_catalogue,
            public_power_catalogues,
        )

        for scale in (1, 4):
            fx = self.build(scale)
            with self.subTest(scale=scale), self.assertNumQueries(3):
                catalogue = public_power_catalogue(fx.new.pk)  # the catalogue with recipient and replaced
                power_catalogue_page(catalogue)  # its powers, the replaced catalogue's powers
            with self.subTest(scale=scale), self.assertNumQueries(3):
                list(public_power_catalogues())
                observation_point_groups()
                list(demonstration_sites())


class ScriptETagTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.fx = ZoneFixture(kept_by_code=1, kept_by_name=0, added=1, removed=1, departments=1,
                             points={(Region.Kind.COUNTY, "渝水区"): 1})

    def test_etag_differs_by_script(self):
        from django.test import RequestFactory

        from permits.powers.views import catalogue_detail

        request = RequestFactory().get("/")
        hans = catalogue_detail(request, self.fx.new.pk)["ETag"]
        request = RequestFactory().get("/")
        request.zh_script = "hant"
        hant = catalogue_detail(request, self.fx.new.pk)["ETag"]
        self.assertNotEqual(hans, hant)
