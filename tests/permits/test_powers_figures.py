import datetime

from django.test import TestCase

from permits.models import DelegatedPower, PowerMode, Region
from permits.powers.selectors import power_catalogue_diff, power_figures_for_year
from permits.kernel.lifecycle import edition_publish
from permits.powers.services import power_catalogue_copy
from tests.factories import RegionFactory

from .factories_powers import (
    DelegatedPowerFactory, DemonstrationSiteFactory, ObservationPointFactory, TownshipFactory, ZoneFixture,
)


class DemoShapedFiguresTests(TestCase):
    """A fixture with the demo's shape: 67 → 41 powers, 28 kept (8 only by name), 13 added."""

    @classmethod
    def setUpTestData(cls):
        cls.fx = ZoneFixture(kept_by_code=20, kept_by_name=8, added=13, removed=39, departments=12)

    def test_fixture_has_the_demo_shape(self):
        # The counts the fixture was asked for are those of the 2024 report.
        fx = self.fx
        self.assertEqual((fx.old_count, fx.new_count, fx.kept, fx.added, fx.removed), (67, 41, 28, 13, 39))
        self.assertEqual(DelegatedPower.objects.filter(edition=fx.old).count(), 67)

    def test_figures(self):
        fx = self.fx
        figures = power_figures_for_year(2024)
        got = tuple(figures[k] for k in (
            "zone_powers", "zone_power_departments", "zone_powers_added", "zone_powers_removed",
            "observation_points", "observation_counties", "observation_zones",
        ))
        self.assertEqual(got, (fx.new_count, fx.departments, fx.added, fx.removed, fx.point_count, 2, 2))
        self.assertEqual(got, (41, 12, 13, 39, 10, 2, 2))
        self.assertEqual(figures["zone_catalogue"], fx.new)
        self.assertEqual(figures["zone_catalogue_title"], fx.new.title)
        self.assertEqual([str(s) for s in figures["demonstration_sites"]], ["分宜县双林镇"])

    def test_name_only_matches_count_as_kept(self):
        diff = power_catalogue_diff(self.fx.new)
        self.assertEqual(diff.counts["kept"], self.fx.kept)
        by_name = [(o, n) for o, n, _ in diff.retained if not o.code]
        self.assertEqual(len(by_name), self.fx.kept_by_name)
        # Old names were full-width with ideographic spaces; the new ones are half-width.
        self.assertTrue(all(o.name != n.name for o, n in by_name))

    def test_other_year_has_no_figures(self):
        figures = power_figures_for_year(2023)
        self.assertIsNone(figures["zone_powers"])
        self.assertIsNone(figures["observation_points"])
        self.assertIsNone(figures["demonstration_sites"])

    def test_constant_queries(self):
        with self.assertNumQueries(5):
            power_figures_for_year(2024)


class FiguresFollowDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.fx = ZoneFixture(kept_by_code=3, kept_by_name=2, added=4, removed=6, departments=3,
                             points={(Region.Kind.COUNTY, "渝水区"): 2, (Region.Kind.ZONE, "新余高新区"): 1})

    def test_small_fixture(self):
        fx = self.fx
        f = power_figures_for_year(2024)
        self.assertEqual(
            (f["zone_powers"], f["zone_power_departments"], f["zone_powers_added"], f["zone_powers_removed"]),
            (fx.kept + fx.added, fx.departments, fx.added, fx.removed),
        )
        self.assertEqual((f["observation_points"], f["observation_counties"], f["observation_zones"]), (3, 1, 1))

    def test_new_points_and_sites_change_figures(self):
        county = RegionFactory(name="分宜县", kind=Region.Kind.COUNTY, parent=self.fx.city)
        ObservationPointFactory(township=TownshipFactory(name="杨桥镇", parent=county), year=2024)
        ObservationPointFactory(township=TownshipFactory(name="凤阳镇", parent=county), year=2023)
        DemonstrationSiteFactory(township=TownshipFactory(name="湖泽镇", parent=county), year=2024)
        f = power_figures_for_year(2024)
        self.assertEqual((f["observation_points"], f["observation_counties"], f["observation_zones"]), (4, 2, 1))
        self.assertEqual(len(f["demonstration_sites"]), 2)

    def test_a_later_catalogue_in_the_year_takes_over(self):
        fx = self.fx
        draft = power_catalogue_copy(fx.new, title="再次调整的目录")
        self.assertEqual(draft.replaces, fx.new)
        DelegatedPowerFactory(edition=draft, seq=99, department=fx.depts[0], name="再新增的权限", code="LATE01")
        DelegatedPower.objects.filter(edition=draft, code="AD0000").delete()
        draft.effective_on = datetime.date(2024, 11, 1)
        draft.save()
        edition_publish(draft, published_on=datetime.date(2024, 11, 1))
        f = power_figures_for_year(2024)
        self.assertEqual(f["zone_catalogue"], draft)
        self.assertEqual(f["zone_powers"], fx.new_count)  # one added, one removed
        self.assertEqual((f["zone_powers_added"], f["zone_powers_removed"]), (1, 1))

    def test_mode_change_is_kept_not_added(self):
        fx = self.fx
        draft = power_catalogue_copy(fx.new)
        DelegatedPower.objects.filter(edition=draft, code="AD0001").update(mode=PowerMode.WINDOW)
        diff = power_catalogue_diff(draft)
        self.assertEqual(diff.counts, {"added": 0, "removed": 0, "kept": fx.new_count, "changed": 1})
