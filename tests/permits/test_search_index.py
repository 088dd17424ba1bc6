"""The public search index written at publish, the two-character pieces, and the remembered counts."""
import unittest

from django.db import connection
from django.test import TestCase
from django.urls import reverse

from permits.models import HandlingItem, PermitItem, PermitSearchText
from permits.catalogue.search_text import search_bigrams, search_fold
from permits.catalogue.selectors import permit_list
from permits.kernel.lifecycle import edition_copy, edition_publish
from tests.factories import HandlingItemFactory, PermitItemFactory, SubItemFactory
from tests.portal.catalogue_data import FOOD_CODE, build_published_catalogue, site_profile


class FoldAndPiecesTests(unittest.TestCase):
    def test_fold_reads_full_width_and_case_alike(self):
        self.assertEqual(search_fold("ＡＢＣ１２３ 食品\n经营"), "abc123 食品 经营")
        self.assertEqual(search_fold(None), "")

    def test_pieces_never_span_a_space_and_are_distinct(self):
        self.assertEqual(search_bigrams("食品经营 食品"), ["品经", "经营", "食品"])
        self.assertEqual(search_bigrams("食"), [])
        self.assertEqual(search_bigrams(""), [])


class IndexWrittenAtPublishTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_published_catalogue(extra=3)

    def search(self, q, **params):
        return self.client.get(reverse("permits:item.list"), {"q": q, **params}).context

    def test_one_row_per_published_item_with_the_names_below_it(self):
        edition = self.data["edition"]
        self.assertEqual(PermitSearchText.objects.filter(edition=edition).count(),
                         PermitItem.objects.filter(edition=edition).count())
        # Only the published edition of the region is indexed; the archived one was dropped.
        self.assertFalse(PermitSearchText.objects.exclude(edition=edition).exists())
        food = PermitSearchText.objects.get(item__code=FOOD_CODE, edition=edition)
        for sub in food.item.sub_items.all():
            self.assertIn(search_fold(sub.name), food.text)
            for handling in sub.handling_items.all():
                self.assertIn(handling.code, food.text)
        self.assertIn("食品", food.grams.split())

    def test_draft_rows_are_not_searched_until_published(self):
        draft = edition_copy(self.data["edition"])
        item = PermitItemFactory(edition=draft, department=self.data["departments"][0], code="55555555555Y",
                                 name="水上飞机起降许可")
        sub = SubItemFactory(item=item, seq=1, name="水上机场使用")
        HandlingItemFactory(sub_item=sub, seq=1, name="水上机场使用（新设）")
        self.assertEqual(self.search("水上飞机")["total"], 0)
        edition_publish(draft)
        self.assertEqual([i["code"] for i in self.search("水上飞机")["items"]], ["55555555555Y"])
        self.assertEqual([i["code"] for i in self.search("水上机场")["items"]], ["55555555555Y"])
        self.assertEqual(PermitSearchText.objects.exclude(edition=draft).count(), 0)

    def test_one_character_words_and_case(self):
        single = self.search("食")["total"]
        self.assertGreaterEqual(single, self.search("食品")["total"])
        self.assertGreater(single, 0)
        code = FOOD_CODE.lower()  # the code ends in Y: lower case finds it too
        self.assertEqual([i["code"] for i in self.search(code)["items"]], [FOOD_CODE])

    def test_a_word_never_matches_across_two_fields(self):
        food = PermitSearchText.objects.get(item__code=FOOD_CODE, edition=self.data["edition"])
        # The code is followed by the name in the text; a word made of their joint is not a match.
        joint = FOOD_CODE[-2:].lower() + PermitItem.objects.get(pk=food.item_id).name[:1]
        self.assertEqual(self.search(joint)["total"], 0)

    @unittest.skipUnless(connection.vendor == "postgresql", "the GIN index exists on PostgreSQL only")
    def test_postgresql_answers_from_the_gin_index(self):
        search = permit_list.PermitSearch(q="食品 許可")
        sql, params = permit_list.permit_search_sql(connection, self.data["edition"], search)
        # The page's own query uses the indexed expression. On a few rows the planner prefers the
        # edition's index, so that one is dropped here (inside the test's transaction, rolled back).
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'permits_permitsearchtext' "
                           "AND indexdef LIKE '%%(edition_id)'")
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        self.assertIn("permits_permitsearchtext_grams_gin", plan)
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = PermitSearchText.objects.filter(grams__has_all=["食品"]).explain()
        self.assertIn("permits_permitsearchtext_grams_gin", plan)

    @unittest.skipUnless(connection.vendor == "postgresql", "planner statistics are PostgreSQL's")
    def test_publish_gives_the_planner_statistics_of_the_new_edition(self):
        draft = edition_copy(self.data["edition"])
        edition_publish(draft)
        with connection.cursor() as cursor:
            cursor.execute("SELECT most_common_vals::text FROM pg_stats "
                           "WHERE tablename = 'permits_permitsearchtext' AND attname = 'edition_id'")
            row = cursor.fetchone()
        self.assertIsNotNone(row)
        self.assertEqual(row[0], "{%d}" % draft.pk)

    def test_migration_indexes_published_editions_as_publish_does(self):
        import importlib

        from django.apps import apps as django_apps

        written = set(PermitSearchText.objects.values_list("item_id", "edition_id", "text", "grams"))
        PermitSearchText.objects.all().delete()
        importlib.import_module("permits.migrations.0007_search_index").index_published(django_apps, None)
        self.assertEqual(set(PermitSearchText.objects.values_list("item_id", "edition_id", "text", "grams")), written)

    def test_like_wildcards_in_a_query_are_plain_characters(self):
        for word in ("%", "_", "\\", "食%品", "100%"):
            with self.subTest(word=word):
                self.assertEqual(self.search(word)["total"], 0)


class RememberedCountsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_published_catalogue(extra=5)

    def setUp(self):
        permit_list._FILTER_ROWS.clear()

    def test_counts_of_a_published_edition_are_worked_out_once_per_filter_set(self):
        url = reverse("permits:item.list")
        first = self.client.get(url, {"level": "县级"}).context
        rows = permit_list.permit_filter_rows(self.data["edition"])
        self.assertEqual(len(rows.summaries), 1)
        again = self.client.get(url, {"level": "县级"}).context
        self.assertEqual(len(rows.summaries), 1)
        self.assertEqual([i["code"] for i in again["items"]], [i["code"] for i in first["items"]])
        self.assertEqual(again["facet_groups"], first["facet_groups"])
        # A search word is never remembered: its work is proportional to what it matched.
        self.client.get(url, {"q": "食品", "level": "县级"})
        self.assertEqual(len(rows.summaries), 1)

    def test_remembered_counts_are_bounded(self):
        rows = permit_list.permit_filter_rows(self.data["edition"])
        for n in range(permit_list._SUMMARIES_MAX + 5):
            permit_list.permit_list_summary(self.data["edition"], permit_list.PermitSearch(department=10_000 + n))
        self.assertLessEqual(len(rows.summaries), permit_list._SUMMARIES_MAX)

    def test_a_draft_is_never_remembered(self):
        draft = edition_copy(self.data["edition"])
        rows = permit_list.permit_filter_rows(draft)
        permit_list.permit_list_summary(draft, permit_list.PermitSearch())
        self.assertEqual(rows.summaries, {})
        self.assertIsNot(permit_list.permit_filter_rows(draft), rows)


class ResultRowsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_published_catalogue()
        draft = edition_copy(cls.data["edition"])
        item = PermitItemFactory(edition=draft, department=cls.data["departments"][0], code="66666666666Y",
                                 name="多子项示范许可")
        for s in range(1, 7):
            sub = SubItemFactory(item=item, seq=s, name=f"示范子项{s}", exercise_level="市级")
            for h in range(1, 5):
                HandlingItemFactory(sub_item=sub, seq=h)
        edition_publish(draft)

    def test_a_result_shows_four_sub_items_three_guides_each_and_a_link_to_the_rest(self):
        response = self.client.get(reverse("permits:item.list"), {"q": "多子项示范"})
        (item,) = response.context["items"]
        self.assertEqual(item["sub_count"], 6)
        self.assertEqual([s["name"] for s in item["subs"]], [f"示范子项{s}" for s in range(1, 5)])
        self.assertTrue(all(len(s["handlings"]) == 3 for s in item["subs"]))
        url = item["subs"][0]["handlings"][0]["url"]
        first = HandlingItem.objects.filter(sub_item__item__code="66666666666Y", sub_item__seq=1,
                                            edition__status="published").order_by("seq").first()
        self.assertEqual(url, reverse("permits:guide", args=[first.code]))
        self.assertContains(response, f'href="{reverse("permits:item.detail", args=["66666666666Y"])}"', count=2)
        self.assertContains(response, "查看全部子项")
        self.assertContains(response, "6 个子项")
        self.assertEqual(self.client.get(url).status_code, 200)
