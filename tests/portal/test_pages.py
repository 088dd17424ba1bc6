"""The public shell: header, footer, home, Simplified/Traditional, care mode, sitemap, robots."""
import re
from pathlib import Path

from django.conf import settings
from django.test import TestCase
from django.urls import set_script_prefix

from permits.models import HandlingItem, PermitItem, SubItem
from tests.portal.catalogue_data import FOOD_CODE, build_published_catalogue, site_profile

NAV = [("首页", "/"), ("行政许可事项", "/permits/"), ("中介服务", "/intermediaries/"), ("赋权目录", "/powers/"),
       ("高效办成一件事", "/one-things/"), ("法治政府建设报告", "/reports/")]


class ShellTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = site_profile()
        cls.data = build_published_catalogue()

    def test_header_navigation_and_skip_link(self):
        html = self.client.get("/permits/").content.decode()
        self.assertIn('<html lang="zh-Hans">', html)
        self.assertIn('class="skip-link" href="#main"', html)
        self.assertIn('id="main"', html)
        self.assertIn('role="search"', html)
        for label, url in NAV:
            self.assertRegex(html, rf'<a href="{re.escape(url)}"( aria-current="page")?>{label}</a>')
        self.assertIn('<a href="/permits/" aria-current="page">行政许可事项</a>', html)
        self.assertIn("繁體", html)
        self.assertIn("关怀版", html)

    def test_footer_from_site_profile(self):
        response = self.client.get("/")
        for value in [self.site.site_code, self.site.icp_number, "赣公网安备 36050202000078号",
                      self.site.hotline, self.site.address, "/sitemap/"]:
            self.assertContains(response, value)

    def test_fixed_links_follow_the_script_prefix(self):
        """Reversed once per URL configuration and prefix: a site mounted under /gov links there."""
        links = ['href="{}sitemap/"', 'href="{}permits/export.csv"', 'href="{}permits/changes/"',
                 'href="{}permits/export.xlsx"']
        try:
            for prefix in ("/", "/gov/", "/"):
                with self.subTest(prefix=prefix):
                    set_script_prefix(prefix)  # as the WSGI handler does from SCRIPT_NAME
                    html = self.client.get("/permits/").content.decode()
                    for link in links:
                        self.assertIn(link.format(prefix), html)
        finally:
            set_script_prefix("/")

    def test_breadcrumbs(self):
        response = self.client.get(f"/permits/{FOOD_CODE}/")
        self.assertContains(response, '<li><a href="/permits/">行政许可事项</a></li>', html=True)
        self.assertContains(response, '<li><span aria-current="page">食品经营许可</span></li>', html=True)

    def test_assets_are_local_and_scripts_external(self):
        for url in ["/", "/permits/", f"/permits/{FOOD_CODE}/", f"/permits/guide/{self.data['guide'].code}/"]:
            html = self.client.get(url).content.decode()
            for attr in re.findall(r'<(?:link|script|img)[^>]*(?:src|href)="([^"]+)"', html):
                self.assertTrue(attr.startswith("/"), f"{url}: outside asset {attr}")
            for tag in re.findall(r"<script[^>]*>", html):
                self.assertTrue('src="' in tag or 'type="application/ld+json"' in tag, f"{url}: inline {tag}")
            self.assertNotIn(" style=", html)

    def test_static_files_exist(self):
        for name in ["css/portal.css", "css/print.css", "js/portal.js", "img/mark.svg"]:
            self.assertTrue((Path(settings.BASE_DIR) / "static" / name).is_file(), name)

    def test_print_stylesheet_is_a4(self):
        css = (Path(settings.BASE_DIR) / "static/css/print.css").read_text()
        self.assertIn("size: A4", css)


class HomeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_published_catalogue(extra=3)

    def test_live_counts_and_entries(self):
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        stats = {str(s["label"]): s["value"] for s in response.context["stats"]}
        edition = self.data["edition"]
        self.assertEqual(stats["许可事项"], PermitItem.objects.filter(edition=edition).count())
        self.assertEqual(stats["子项"], SubItem.objects.filter(edition=edition).count())
        self.assertEqual(stats["业务办理项"], HandlingItem.objects.filter(edition=edition).count())
        self.assertEqual(stats["中介服务事项"], 0)
        for _label, url in NAV[1:]:
            self.assertContains(response, f'class="entry" href="{url}"')
        self.assertContains(response, 'action="/permits/"')

    def test_home_counts_follow_publication(self):
        before = self.client.get("/").context["stats"][0]["value"]
        from tests.factories import PermitItemFactory
        from permits.kernel.lifecycle import edition_copy, edition_publish

        draft = edition_copy(self.data["edition"])
        PermitItemFactory(edition=draft, department=self.data["departments"][0], code="55555555555Y")
        self.assertEqual(self.client.get("/").context["stats"][0]["value"], before)
        edition_publish(draft)
        self.assertEqual(self.client.get("/").context["stats"][0]["value"], before + 1)


class TraditionalTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_published_catalogue()

    def test_hant_converts_interface_and_data_and_is_remembered(self):
        url = f"/permits/{FOOD_CODE}/"
        response = self.client.get(url, {"zh": "hant"})
        html = response.content.decode()
        self.assertIn('<html lang="zh-Hant">', html)
        self.assertIn("食品經營許可", html)  # data
        self.assertIn("行政許可事項", html)  # interface
        self.assertNotIn("食品经营许可", html)
        self.assertEqual(response.cookies["zh"].value, "hant")
        self.assertIn("Cookie", response["Vary"])
        self.assertEqual(int(response["Content-Length"]) if response.has_header("Content-Length") else len(
            response.content), len(response.content))
        remembered = self.client.get(url).content.decode()
        self.assertIn("食品經營許可", remembered)
        self.assertIn("简体", remembered.replace("簡體", "简体"))
        back = self.client.get(url, {"zh": "hans"})
        self.assertIn("食品经营许可", back.content.decode())
        self.assertIn('<html lang="zh-Hans">', back.content.decode())
        self.assertEqual(back.cookies["zh"].value, "")
        self.assertIn("食品经营许可", self.client.get(url).content.decode())

    def test_switch_link_keeps_the_query(self):
        response = self.client.get("/permits/", {"q": "食品"})
        self.assertEqual(response.context["zh_switch_url"], "/permits/?q=%E9%A3%9F%E5%93%81&zh=hant")

    def test_json_ld_stays_valid_json_in_traditional(self):
        import json

        html = self.client.get(f"/permits/{FOOD_CODE}/", {"zh": "hant"}).content.decode()
        block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
        self.assertEqual(json.loads(block)["name"], "食品經營許可")

    def test_downloads_are_not_converted(self):
        self.client.get("/", {"zh": "hant"})
        self.assertIn("食品经营许可", self.client.get("/permits/export.json").getvalue().decode())

    def test_unknown_zh_value_is_ignored(self):
        response = self.client.get("/", {"zh": "klingon"})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("zh", response.cookies)
        self.assertIn('<html lang="zh-Hans">', response.content.decode())


class CareModeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()

    def test_care_mode_toggle_is_remembered(self):
        response = self.client.get("/", {"care": "1"})
        self.assertRegex(response.content.decode(), r'<body class="care\b')
        self.assertEqual(response.cookies["care"].value, "1")
        # The entry is a toggle button whose state is aria-pressed, not a link with a changing label.
        self.assertRegex(self.client.get("/").content.decode(),
                         r'<button type="submit" class="tool-button" name="care" value="0" aria-pressed="true"')
        off = self.client.get("/", {"care": "0"})
        self.assertNotRegex(off.content.decode(), r'<body class="care\b')
        self.assertNotRegex(self.client.get("/").content.decode(), r'<body class="care\b')

    def test_care_css_enlarges_type(self):
        css = (Path(settings.BASE_DIR) / "static/css/portal.css").read_text()
        size = re.search(r"body\.care \{[^}]*font-size: (\d+)px", css)
        base = re.search(r"\nbody \{[^}]*font-size: (\d+)px", css)
        self.assertGreater(int(size.group(1)), int(base.group(1)))


def _luminance(hex_color):
    hex_color = hex_color.lstrip("#")
    channels = [int(hex_color[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


class ContrastTests(TestCase):
    def test_palette_meets_wcag_aa(self):
        css = (Path(settings.BASE_DIR) / "static/css/portal.css").read_text()
        var = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6});", css))
        pairs = [
            ("#ffffff", var["red"]), ("#ffffff", var["red-dark"]), ("#ffffff", var["blue"]),
            ("#ffffff", var["blue-dark"]), (var["ink"], "#ffffff"), (var["muted"], "#ffffff"),
            (var["muted"], var["bg"]), (var["blue"], "#ffffff"), (var["blue"], var["bg"]),
            (var["red"], "#ffffff"), ("#ffffff", "#1d2733"), (var["ink"], var["focus"]),
        ]
        for fg, bg in pairs:
            with self.subTest(fg=fg, bg=bg):
                self.assertGreaterEqual(contrast(fg, bg), 4.5)


class SitemapRobotsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_published_catalogue()

    def test_sitemap_lists_published_items_and_guides(self):
        response = self.client.get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        xml = response.content.decode()
        self.assertIn(f"/permits/{FOOD_CODE}/</loc>", xml)
        self.assertIn(f"/permits/guide/{self.data['guide'].code}/</loc>", xml)
        self.assertNotIn("/permits/00012345800Y/", xml)  # only in the archived edition
        self.assertIn("/permits/changes/</loc>", xml)

    def test_robots(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        text = response.content.decode()
        self.assertIn("Disallow: /admin/", text)
        self.assertIn("Sitemap: http://testserver/sitemap.xml", text)

    def test_site_map_page(self):
        response = self.client.get("/sitemap/")
        self.assertEqual(response.status_code, 200)
        for _label, url in NAV:
            self.assertContains(response, f'href="{url}"')
        self.assertContains(response, "/permits/export.csv")


class AdminNotConvertedTests(TestCase):
    def test_admin_stays_simplified_with_traditional_cookie(self):
        self.client.cookies["zh"] = "hant"
        html = self.client.get("/admin/login/").content.decode()
        self.assertIn("用户名", html)
        self.assertNotIn("用戶名", html)
