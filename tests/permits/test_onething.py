import datetime

from django.test import TestCase

from permits.models import OneThing
from permits.onething.selectors import one_thing_figures_for_year, one_thing_reductions_for_year
from tests.factories import DepartmentFactory
from tests.reports.factories import OneThingFactory


class OneThingFiguresTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.a = OneThingFactory(materials_before=10, materials_after=5, visits_before=2, visits_after=1,
                                days_before=10, days_after=5)  # 0.5 each → 0.5
        cls.b = OneThingFactory(materials_before=4, materials_after=1, visits_before=4, visits_after=0,
                                days_before=20, days_after=10)  # 0.75, 1.0, 0.5 → 0.75
        cls.c = OneThingFactory(one_window=False, materials_before=5)  # partly measured: not counted
        OneThingFactory(launched_on=datetime.date(2023, 1, 1), materials_before=1, materials_after=1,
                        visits_before=1, visits_after=1, days_before=1, days_after=1)

    def test_figures_of_the_year(self):
        figures = one_thing_figures_for_year(2024)
        self.assertEqual(figures["one_things"], 3)
        self.assertEqual(figures["one_things_one_window"], 2)
        self.assertEqual(figures["one_things_measured"], 2)
        self.assertAlmostEqual(figures["one_things_reduction"], (0.5 + 0.75) / 2)

    def test_removing_a_measurement_moves_the_average(self):
        OneThing.objects.filter(pk=self.b.pk).update(days_after=None)
        figures = one_thing_figures_for_year(2024)
        self.assertEqual(figures["one_things_measured"], 1)
        self.assertAlmostEqual(figures["one_things_reduction"], 0.5)

    def test_year_without_bundles_is_missing(self):
        figures = one_thing_figures_for_year(2030)
        self.assertEqual(set(figures.values()), {None})

    def test_reductions_for_chart_largest_first(self):
        rows = one_thing_reductions_for_year(2024)
        self.assertEqual([name for name, _ in rows], [self.b.name, self.a.name])


class OneThingPageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        departments = [DepartmentFactory(), DepartmentFactory()]
        cls.bundles = []
        for i in range(3):
            bundle = OneThingFactory(materials_before=10, materials_after=i + 1, visits_before=3, visits_after=1,
                                     days_before=10, days_after=2)
            bundle.departments.set(departments)
            cls.bundles.append(bundle)
        cls.unmeasured = OneThingFactory(name="未测算的一件事", one_window=False)
        cls.old = OneThingFactory(name="往年的一件事", launched_on=datetime.date(2022, 3, 1))

    def test_lists_bundles_with_reductions_and_average(self):
        response = self.client.get("/one-things/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "permits/one_things.html")
        for bundle in self.bundles:
            self.assertContains(response, bundle.name)
            self.assertContains(response, f"{bundle.reduction * 100:.1f}%")
        average = sum(b.reduction for b in self.bundles) / 3
        self.assertContains(response, f'<strong class="average">{average * 100:.1f}%</strong>', html=True)
        self.assertContains(response, self.unmeasured.name)

    def test_year_filter_and_bad_year(self):
        response = self.client.get("/one-things/?year=2022")
        self.assertContains(response, self.old.name)
        self.assertNotContains(response, self.bundles[0].name)
        for bad in ("abc", "99999999999999999999", "-1", "2024' or 1=1"):
            response = self.client.get("/one-things/", {"year": bad})
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, self.old.name)  # a bad year is dropped: every year shows

    def test_level_filter_with_counts(self):
        response = self.client.get("/one-things/", {"year": "2024"})
        levels = {o["value"]: o["count"] for o in response.context["facet_groups"][0]["options"]}
        expected = {}
        for bundle in OneThing.objects.of_year(2024):
            expected[bundle.level] = expected.get(bundle.level, 0) + 1
        self.assertEqual(levels, expected)
        level = next(iter(expected))
        followed = self.client.get("/one-things/", {"year": "2024", "level": level})
        self.assertEqual(len(followed.context["bundles"]), expected[level])
        self.assertIn("year=2024", followed.context["facet_groups"][0]["clear_url"])
        for bad in ("x", "<script>", "国家" * 50):
            self.assertEqual(self.client.get("/one-things/", {"level": bad}).status_code, 200)

    def test_query_count_constant(self):
        self.client.get("/one-things/")  # warm the site profile path
        # bundles, departments, the level filter's counts (added with the level facet); the site profile is remembered
        with self.assertNumQueries(3):
            self.client.get("/one-things/")
        for _ in range(5):
            OneThingFactory().departments.set([DepartmentFactory()])
        self.client.get("/one-things/")  # new departments bumped "site": the profile is read again once
        with self.assertNumQueries(3):
            self.client.get("/one-things/")
