import datetime

from django.test import TestCase

from permits.models import EditionStatus, PermitItem
from permits.kernel.lifecycle import edition_copy, edition_publish
from reports.figures import COMPUTED, figures_for_year
from reports.models import AnnualFigure
from tests.reports.factories import build_2024


class FigureRegistryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = build_2024()

    def test_every_figure_computed_from_the_data(self):
        figures = figures_for_year(2024)
        for key, expected in self.data["expected"].items():
            shown = figures[key]["text"]
            if key == "one_things_reduction":
                self.assertAlmostEqual(figures[key]["value"], self.data["reduction"])
                continue
            self.assertEqual(shown, expected, key)

    def test_source_pages(self):
        figures = figures_for_year(2024)
        # The edition in force that year, the list published that year, the year's catalogue and bundles.
        self.assertEqual(figures["permit_items"]["url"], "/permits/editions/2023%E5%B9%B4%E7%89%88/#items")
        self.assertEqual(figures["intermediary_services"]["url"],
                         "/intermediaries/editions/2024%E5%B9%B4%E7%89%88/#services")
        self.assertEqual(figures["zone_powers"]["url"], f"/powers/{self.data['zone'].pk}/")
        self.assertEqual(figures["observation_points"]["url"], "/powers/?year=2024#points-heading")
        self.assertEqual(figures["one_things"]["url"], "/one-things/?year=2024")
        for figure in COMPUTED:
            self.assertTrue(figures[figure.key]["url"], figure.key)

    def test_year_without_data_is_missing_not_zero(self):
        figures = figures_for_year(2019)  # before any catalogue was published
        for figure in COMPUTED:
            self.assertIsNone(figures[figure.key]["text"], figure.key)
        self.assertIsNone(figures["study_events"]["text"])

    def test_new_edition_in_force_changes_counts(self):
        draft = edition_copy(self.data["permits"], title="新余市行政许可事项清单（2024年版）")
        PermitItem.objects.filter(edition=draft).order_by("pk").first().delete()
        edition_publish(draft, published_on=datetime.date(2024, 6, 1))
        figures = figures_for_year(2024)
        self.assertEqual(figures["permit_items"]["text"], str(int(self.data["expected"]["permit_items"]) - 1))
        self.assertEqual(figures["permit_catalogue_title"]["text"], "新余市行政许可事项清单（2024年版）")
        # 2023 still counts the edition that was in force then.
        self.assertEqual(self.data["permits"].__class__._base_manager.get(pk=self.data["permits"].pk).status,
                         EditionStatus.ARCHIVED)
        self.assertEqual(figures_for_year(2023)["permit_items"]["text"], self.data["expected"]["permit_items"])

    def test_staff_figure_display_and_percent_unit(self):
        figures = figures_for_year(2024)
        self.assertEqual(figures["zone_business_handled"]["text"], "9万余")
        self.assertEqual(figures["law_exam_pass_rate"]["text"], "100%")
        AnnualFigure.objects.filter(year=2024, key="study_events").update(value=5)
        self.assertEqual(figures_for_year(2024)["study_events"]["text"], "5")
