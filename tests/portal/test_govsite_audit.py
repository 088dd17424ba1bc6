"""govsite_audit: passes on a complete site, and fails on each defect the national indicators name."""
import io

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings

from permits.kernel.lock import edition_lock_lifted
from permits.models import OneThing, PermitCatalogue
from portal.models import SiteProfile
from tests.factories import build_catalogue
from tests.portal.site_data import build_public_site


def audit(*args):
    """(passed, printed table, error message)."""
    out = io.StringIO()
    try:
        call_command("govsite_audit", *args, stdout=out)
    except CommandError as error:
        return False, out.getvalue(), str(error)
    return True, out.getvalue(), ""


def row(table, item):
    lines = [line for line in table.splitlines() if line.startswith(item)]
    assert lines, f"no row {item!r} in\n{table}"
    return lines


class GovsiteAuditTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = build_public_site()

    def test_complete_site_passes_with_a_table(self):
        passed, table, error = audit()
        self.assertTrue(passed, f"{error}\n{table}")
        for item in ["页脚：网站标识码", "页脚：ICP备案号及链接", "页脚：公安机关备案号及链接", "页脚：主办单位",
                     "页脚：联系方式", "页脚：网站地图", "内容页显示发布/更新日期", "空白栏目", "内部链接可用",
                     "附件可下载", "页面打开时间"]:
            self.assertIn("通过", row(table, item)[0], item)
        self.assertNotIn("不通过", table)
        self.assertIn("全部", table.splitlines()[-1])

    def test_dead_internal_link_fails(self):
        # An intermediary service names a permit item that is only in a draft list: its link is dead.
        draft = PermitCatalogue.objects.create(title="新余市行政许可事项清单（草稿）", edition="草稿",
                                               region=self.data["city"])
        missing = build_catalogue(items=1, subs=1, handlings=1, edition=draft,
                                  department=self.data["departments"][0]).items.get()
        with edition_lock_lifted():  # a state only bad data could reach: set it up past the lock
            self.data["intermediary"].services.order_by("seq").first().permit_items.add(missing)
        passed, table, error = audit()
        self.assertFalse(passed)
        self.assertIn("内部链接可用", error)
        dead = row(table, "内部链接可用")[0]
        self.assertIn("不通过", dead)
        self.assertIn(f"/permits/{missing.code}/", dead)

    def test_empty_section_fails(self):
        OneThing.objects.all().delete()
        passed, table, error = audit()
        self.assertFalse(passed)
        self.assertIn("空白栏目", error)
        empty = [line for line in row(table, "空白栏目") if "/one-things/" in line]
        self.assertIn("不通过", empty[0])
        self.assertIn("高效办成一件事：0条", empty[0])

    def test_missing_footer_element_fails(self):
        SiteProfile.objects.update(icp_number="")
        passed, table, error = audit()
        self.assertFalse(passed)
        self.assertIn("不通过", row(table, "页脚：ICP备案号及链接")[0])
        self.assertIn("通过", row(table, "页脚：网站标识码")[0])

    @override_settings(GOVSITE_AUDIT_PERIODS={"intermediaries": 14})
    def test_section_not_updated_within_its_period_fails(self):
        # The intermediary list was published on 2024-05-20 (build_2024).
        passed, table, _ = audit("--today", "2024-06-02")
        self.assertTrue(passed, table)
        passed, table, error = audit("--today", "2024-06-04")
        self.assertFalse(passed)
        stale = [line for line in row(table, "栏目更新") if "/intermediaries/" in line][0]
        self.assertIn("不通过", stale)
        self.assertIn("2024-05-20", stale)

    def test_slow_pages_fail(self):
        passed, table, error = audit("--slow", "0")
        self.assertFalse(passed)
        self.assertIn("不通过", row(table, "页面打开时间")[0])

    def test_bad_date_argument_is_a_clear_error(self):
        passed, _, error = audit("--today", "2024-13-01")
        self.assertFalse(passed)
        self.assertIn("--today", error)
