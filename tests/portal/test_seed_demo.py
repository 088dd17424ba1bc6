import datetime
"""seed_demo builds the demo data every page shows: the counts of the 2024 report come out of it."""
import io
import os
import re
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Count, Max, Min
from django.test import TestCase

from intermediaries.models import IntermediaryList, IntermediaryService
from permits.models import (
    DelegatedPower, DemonstrationSite, Department, EditionStatus, HandlingItem, Material, ObservationPoint,
    OneThing, PermitCatalogue, PermitItem, PowerCatalogue, Region, SubItem,
)
from permits.kernel.access import roles
from permits.kernel.diff import catalogue_diff
from permits.powers.selectors import power_catalogue_diff, power_figures_for_year
from django.utils.html import strip_tags

from portal.models import Holiday, Message, Rating, SiteProfile
from reports.models import AnnualFigure, AnnualReport, ReportSection

PASSWORD = "Demo-Password-2024"
PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::over)?\}")
# The figure names of COMMON.md (computed and staff-entered).
KNOWN_FIGURES = {
    "permit_catalogue_title", "permit_items", "permit_sub_items", "permit_handling_items",
    "intermediary_list_title", "intermediary_services", "observation_points", "observation_counties",
    "observation_zones", "demonstration_sites", "zone_catalogue_title", "zone_powers", "zone_power_departments",
    "zone_powers_removed", "zone_powers_added", "one_things", "one_things_one_window", "one_things_measured",
    "one_things_reduction", "study_events", "law_exam_pass_rate", "supervision_coverage",
    "supervision_info_published", "supervision_actions_pushed", "zone_business_handled", "law_meetings",
    "law_lectures", "open_day_representatives",
    # 互动交流 and 好差评 (portal.interact.registry)
    "messages_received", "messages_answered", "messages_on_time_rate", "unresolved_received",
    "unresolved_handled", "ratings", "satisfaction_rate", "bad_ratings_rectified",
}
COUNTED = [Region, Department, PermitCatalogue, PermitItem, SubItem, HandlingItem, Material, PowerCatalogue,
           DelegatedPower, ObservationPoint, DemonstrationSite, OneThing, IntermediaryList, IntermediaryService,
           AnnualReport, ReportSection, AnnualFigure, SiteProfile, get_user_model(), Message, Rating, Holiday]


def seed(*args):
    with mock.patch.dict(os.environ, {"PORTAL_DEMO_PASSWORD": PASSWORD}):
        call_command("seed_demo", *args, stdout=io.StringIO())


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


class SeedDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        seed()
        cls.edition = PermitCatalogue.objects.published().get(edition="2023年版")

    def published_counts(self):
        return (PermitItem.objects.filter(edition=self.edition).count(),
                SubItem.objects.filter(edition=self.edition).count(),
                HandlingItem.objects.filter(edition=self.edition).count())

    def test_published_permit_catalogue_has_the_report_counts(self):
        self.assertEqual(self.edition.title, "新余市行政许可事项清单(2023年版)")
        self.assertEqual(self.edition.published_on.year, 2023)
        self.assertEqual(self.published_counts(), (360, 1017, 1319))
        names = PermitItem.objects.filter(edition=self.edition).values_list("name", flat=True)
        self.assertEqual(len(set(names)), 360)
        self.assertFalse([n for n in names if re.search(r"事项\d", n)])

    def test_codes_follow_the_rules(self):
        for item in PermitItem.objects.filter(edition=self.edition).prefetch_related("sub_items__handling_items"):
            self.assertRegex(item.code, r"^\d{11}Y$")
            for sub in item.sub_items.all():
                self.assertEqual(sub.code[:11], item.code[:11])
                for handling in sub.handling_items.all():
                    self.assertEqual(handling.code[:12], sub.code)
                    self.assertEqual(len(handling.code), 14)

    def test_every_handling_item_has_two_to_six_materials(self):
        stats = HandlingItem.objects.filter(edition=self.edition).annotate(n=Count("materials")).aggregate(
            low=Min("n"), high=Max("n"))
        self.assertGreaterEqual(stats["low"], 2)
        self.assertLessEqual(stats["high"], 6)

    def test_food_business_permit_has_a_complete_guide(self):
        item = PermitItem.objects.get(edition=self.edition, name="食品经营许可")
        self.assertEqual(item.department.short_name, "市市场监管局")
        self.assertIn("《中华人民共和国食品安全法》", item.legal_basis)
        subs = list(item.sub_items.all())
        self.assertGreaterEqual(len(subs), 2)
        handlings = HandlingItem.objects.filter(sub_item__item=item)
        self.assertEqual({h.situation for h in handlings}, {"新设", "变更", "延续", "注销"})
        for handling in handlings:
            for field in ("conditions", "procedure", "place", "hours", "enquiry_phone", "complaint_phone",
                          "online_url", "result_document"):
                self.assertTrue(getattr(handling, field), f"{handling.code} {field}")
            self.assertIsNotNone(handling.statutory_days)
            self.assertLessEqual(handling.promised_days, handling.statutory_days)
            self.assertRegex(handling.enquiry_phone, r"^0790-\d{7}$")

    def test_earlier_edition_is_archived_and_differs(self):
        old = PermitCatalogue.objects.get(edition="2022年版")
        self.assertEqual(old.status, EditionStatus.ARCHIVED)
        diff = catalogue_diff(PermitItem.objects.filter(edition=old), PermitItem.objects.filter(edition=self.edition),
                              compare=("name",))
        self.assertTrue(diff.added)
        self.assertTrue(diff.removed)
        self.assertTrue(diff.changed)

    def test_regions_and_departments(self):
        city = Region.objects.get(kind=Region.Kind.CITY, parent=None)
        self.assertEqual(set(city.children.filter(kind=Region.Kind.COUNTY).values_list("name", flat=True)),
                         {"渝水区", "分宜县"})
        self.assertEqual(set(city.children.filter(kind=Region.Kind.ZONE).values_list("name", flat=True)),
                         {"新余高新区", "仙女湖区", "孔目江生态经济区"})
        self.assertTrue(Region.objects.filter(parent__name="分宜县", name="双林镇").exists())
        self.assertGreaterEqual(Department.objects.count(), 40)
        self.assertTrue(Department.objects.filter(short_name="市行政审批局").exists())

    def test_power_figures_of_2024(self):
        figures = power_figures_for_year(2024)
        self.assertEqual(
            [figures[k] for k in ("zone_powers", "zone_power_departments", "zone_powers_added",
                                  "zone_powers_removed", "observation_points", "observation_counties",
                                  "observation_zones")],
            [41, 12, 13, 39, 10, 2, 2],
        )
        catalogue = figures["zone_catalogue"]
        self.assertEqual(catalogue.replaces.powers.count(), 67)
        self.assertEqual(catalogue.replaces.status, EditionStatus.ARCHIVED)
        self.assertIn("余府发〔2024〕", catalogue.basis_number)
        self.assertEqual([str(site) for site in figures["demonstration_sites"]], ["分宜县双林镇"])

    def test_some_kept_powers_match_only_by_normalised_name(self):
        diff = power_catalogue_diff(power_figures_for_year(2024)["zone_catalogue"])
        by_name = [(old, new) for old, new in diff.kept if old.name != new.name]
        self.assertGreaterEqual(len(by_name), 3)
        self.assertTrue(any(not new.code for _old, new in by_name))

    def test_one_things(self):
        things = list(OneThing.objects.all())
        self.assertEqual(len(things), 37)
        self.assertTrue(all(t.one_window and t.joint_form and t.launched_on.year == 2024 for t in things))
        measured = [t for t in things if None not in (t.materials_before, t.materials_after, t.visits_before,
                                                       t.visits_after, t.days_before, t.days_after)]
        self.assertEqual(len(measured), 25)
        means = [((t.materials_before - t.materials_after) / t.materials_before
                  + (t.visits_before - t.visits_after) / t.visits_before
                  + (t.days_before - t.days_after) / t.days_before) / 3 for t in measured]
        average = sum(means) / len(means)
        self.assertGreater(average, 0.77)
        self.assertLess(average, 0.78)

    def test_intermediary_list(self):
        edition = IntermediaryList.objects.published().get()
        self.assertEqual(edition.title, "新余市市、县(区)行政审批中介服务事项清单(2024年版)")
        self.assertEqual(edition.published_on.year, 2024)
        services = IntermediaryService.objects.filter(edition=edition).annotate(n=Count("permit_items"))
        self.assertTrue(50 <= services.count() <= 70)
        self.assertFalse(services.filter(n=0).exists())
        self.assertFalse(PermitItem.objects.filter(intermediary_services__isnull=False).exclude(
            edition=self.edition).exists())

    def test_reports(self):
        report = AnnualReport.objects.get(year=2024)
        self.assertEqual(report.title, "新余市行政审批局2024年度法治政府建设工作总结报告")
        self.assertEqual(report.status, EditionStatus.PUBLISHED)
        self.assertEqual(report.published_on.year, 2025)
        sections = list(report.sections.all())
        self.assertEqual(len([s for s in sections if s.level == ReportSection.HeadingLevel.PART]), 4)
        used = set()
        for section in sections:
            used |= set(PLACEHOLDER.findall(section.body))
            # Numbers are placeholders; only years and the 12345 hotline may be written out.
            stray = set(re.findall(r"\d+", PLACEHOLDER.sub("", section.heading + section.body)))
            self.assertLessEqual(stray, {"2024", "2025", "12345"}, section.heading)
        self.assertLessEqual(used, KNOWN_FIGURES)
        self.assertIn("permit_items", used)
        self.assertIn("one_things_reduction", used)
        self.assertEqual(AnnualFigure.objects.filter(year=2024).count(), 9)
        self.assertEqual(AnnualFigure.objects.get(year=2024, key="zone_business_handled").display, "9万余")
        draft = AnnualReport.objects.get(year=2025)
        self.assertEqual(draft.status, EditionStatus.DRAFT)
        self.assertEqual(draft.copied_from, report)
        self.assertEqual(draft.sections.count(), len(sections))
        self.assertFalse(AnnualFigure.objects.filter(year=2025).exists())

    def test_a_year_of_messages_and_ratings_cited_by_the_2024_report(self):
        self.assertEqual(Message.objects.filter(received_at__year=2024).count(), 144)
        self.assertEqual(Rating.objects.filter(created_at__year=2024).count(), 400)
        self.assertTrue(Holiday.objects.filter(date=datetime.date(2024, 10, 1)).exists())
        page = strip_tags(self.client.get("/reports/2024/").content.decode())
        self.assertIn("收到留言144件", page)
        self.assertIn("“好差评”收到评价400条，满意率95.0%", page)
        self.assertNotIn("数据缺失", page)

    def test_site_profile(self):
        profile = SiteProfile.current()
        self.assertEqual(profile.police_number, "赣公网安备 36050202000078号")
        self.assertEqual(profile.hotline, "12345")
        self.assertTrue(profile.icp_number.startswith("赣ICP备"))

    def test_one_demo_account_per_role(self):
        User = get_user_model()
        # One account per role, and two reviewers so that four eyes can be tried.
        expected = {role: 1 for role in roles.ALL_ROLES} | {roles.REVIEWER: 2}
        for role in roles.ALL_ROLES:
            self.assertEqual(User.objects.filter(groups__name=role, is_staff=True).count(), expected[role], role)
        self.assertEqual(set(User.objects.filter(groups__name=roles.REVIEWER).values_list("username", flat=True)),
                         {"reviewer", "reviewer2"})
        for user in User.objects.filter(groups__name__in=roles.SEPARATED_ROLES):
            self.assertEqual(user.groups.filter(name__in=roles.SEPARATED_ROLES).count(), 1)
        editor = User.objects.get(groups__name=roles.DEPARTMENT_EDITOR)
        self.assertEqual([d.short_name for d in editor.staff_profile.departments.all()], ["市市场监管局"])
        self.assertTrue(User.objects.get(username="admin").is_superuser)
        self.assertFalse(User.objects.filter(groups__name__in=roles.ALL_ROLES, is_superuser=True).exists())
        self.assertTrue(User.objects.get(username="reviewer").check_password(PASSWORD))

    def test_demo_banner_lists_accounts_and_password(self):
        out = io.StringIO()
        with mock.patch.dict(os.environ, {"PORTAL_DEMO_PASSWORD": PASSWORD}):
            call_command("demo_banner", "--url", "http://127.0.0.1:8000/", stdout=out)
        text = out.getvalue()
        self.assertIn("http://127.0.0.1:8000/admin/", text)
        self.assertIn(PASSWORD, text)
        for username in ("admin_sys", "admin_sec", "auditor", "reviewer", "reviewer2", "editor_scjg", "editor_report"):
            self.assertIn(username, text)
        for role in roles.ALL_ROLES:
            self.assertIn(role, text)

    def test_second_run_changes_nothing(self):
        before = counts()
        seed()
        self.assertEqual(counts(), before)

    def test_scale_enlarges_the_published_edition(self):
        seed("--scale", "2")
        self.assertEqual(self.published_counts(), (720, 2034, 2638))
        self.assertEqual(PermitCatalogue.objects.published().get(region=self.edition.region), self.edition)
        seed("--scale", "2")
        self.assertEqual(self.published_counts(), (720, 2034, 2638))
