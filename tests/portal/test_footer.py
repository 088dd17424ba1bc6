"""The footer: the indicators' elements with their record-site links, and demo placeholders marked 示例."""
import re

from django.test import TestCase

from portal.models import SiteProfile
from portal.site_profile import DEMO_PLACEHOLDERS
from tests.portal.catalogue_data import site_profile


def footer(html):
    return re.search(r"<footer.*?</footer>", html, re.S).group(0)


class FooterTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.site = site_profile()

    def test_record_numbers_link_to_their_record_sites(self):
        html = footer(self.client.get("/").content.decode())
        self.assertIn('<a href="https://beian.miit.gov.cn/" data-footer="icp">赣ICP备05004477号</a>', html)
        # 赣公网安备 36050202000078号 → the public-security record site's entry for that number.
        self.assertIn('href="https://beian.mps.gov.cn/#/query/webSearch?code=36050202000078"', html)
        self.assertIn("网站标识码：3605000049", html)
        self.assertIn("主办单位：新余市行政审批局", html)
        self.assertIn('href="tel:12345"', html)
        self.assertIn('href="/sitemap/"', html)
        # Real values are not marked.
        self.assertNotIn("示例", html)

    def test_demo_placeholders_are_marked_until_replaced(self):
        SiteProfile.objects.filter(pk=self.site.pk).update(**DEMO_PLACEHOLDERS)
        html = footer(self.client.get("/").content.decode())
        self.assertEqual(html.count("（示例）"), 3)  # site code, ICP number, address
        self.assertRegex(html, r"网站标识码：3605000046<span class=\"example-mark\"[^>]*>（示例）</span>")
        profile = SiteProfile.objects.get(pk=self.site.pk)
        profile.site_code = "3605000049"  # staff enter the real code in the admin
        profile.save()
        html = footer(self.client.get("/").content.decode())
        self.assertEqual(html.count("（示例）"), 2)
        self.assertNotRegex(html, r"3605000049<span class=\"example-mark\"")
