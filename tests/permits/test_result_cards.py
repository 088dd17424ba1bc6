"""Result cards: what the public list shows of an item, written at publish and read one row per result."""
import importlib
import json
import re

from django.apps import apps as django_apps
from django.test import TestCase
from django.urls import reverse

from permits.models import PermitSearchText
from permits.catalogue.search_text import HANDLINGS_SHOWN, SUBS_SHOWN
from permits.kernel.lifecycle import edition_copy, edition_publish
from tests.factories import HandlingItemFactory, PermitItemFactory, SubItemFactory
from tests.portal.catalogue_data import FOOD_CODE, build_published_catalogue, site_profile

BIG_CODE = "66666666666Y"


def results_html(response):
    """The <ol class="results"> of a list page, the part the cards are rendered into."""
    match = re.search(r'<ol class="results">.*?</ol>\s*(?=<nav|</div>)', response.content.decode(), re.S)
    return match.group(0) if match else ""


class ResultCardTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_published_catalogue(extra=3)
        draft = edition_copy(cls.data["edition"])
        item = PermitItemFactory(edition=draft, department=cls.data["departments"][1], code=BIG_CODE,
                                 name="大型游乐设施安装许可", seq=99)
        # Created in reverse order: the card follows the sequence numbers, not the insertion order.
        for seq in range(SUBS_SHOWN + 2, 0, -1):
            sub = SubItemFactory(item=item, seq=seq, name=f"游乐设施子项{seq}", exercise_level="市级" if seq % 2 else "")
            for h in range(HANDLINGS_SHOWN + 2, 0, -1):
                HandlingItemFactory(sub_item=sub, seq=h)
        edition_publish(draft)
        cls.edition = draft

    def card(self, code):
        return json.loads(PermitSearchText.objects.get(item__code=code, edition=self.edition).card)

    def test_card_holds_the_first_sub_items_and_handling_items_in_order(self):
        card = self.card(BIG_CODE)
        self.assertEqual((card["code"], card["name"]), (BIG_CODE, "大型游乐设施安装许可"))
        self.assertEqual(card["department"], self.data["departments"][1].pk)
        self.assertEqual(card["sub_count"], SUBS_SHOWN + 2)
        self.assertEqual([s["name"] for s in card["subs"]], [f"游乐设施子项{n}" for n in range(1, SUBS_SHOWN + 1)])
        self.assertEqual([s["level"] for s in card["subs"]][:2], ["市级", ""])
        for n, sub in enumerate(card["subs"], start=1):
            self.assertEqual([h[0] for h in sub["handlings"]],
                             [f"{BIG_CODE[:11]}{n}{h:02d}" for h in range(1, HANDLINGS_SHOWN + 1)])
            self.assertEqual({h[1] for h in sub["handlings"]}, {"新设"})

    def test_list_page_shows_the_card(self):
        response = self.client.get(reverse("permits:item.list"), {"q": "游乐设施"})
        html = results_html(response)
        self.assertIn("<mark>游乐设施</mark>子项4", html)
        self.assertNotIn("子项5", html)
        self.assertIn(f'href="/permits/{BIG_CODE}/"', html)
        self.assertIn("查看全部子项", html)  # six sub-items, four shown
        self.assertIn(f"/permits/guide/{BIG_CODE[:11]}103/", html)
        self.assertNotIn(f"/permits/guide/{BIG_CODE[:11]}104/", html)
        self.assertIn("市住房和城乡建设局", html)

    def test_rows_without_a_card_are_built_from_the_catalogue_alike(self):
        url = reverse("permits:item.list")
        pages = [{}, {"q": "游乐设施"}, {"q": "食品"}]
        with_cards = [results_html(self.client.get(url, params)) for params in pages]
        self.assertTrue(all(with_cards))
        PermitSearchText.objects.filter(edition=self.edition).update(card="")
        self.assertEqual([results_html(self.client.get(url, params)) for params in pages], with_cards)
        # The list (not the search, which needs the index) works with no index rows at all.
        PermitSearchText.objects.all().delete()
        self.assertEqual(results_html(self.client.get(url)), with_cards[0])

    def test_migration_writes_the_cards_publish_writes(self):
        written = dict(PermitSearchText.objects.values_list("item_id", "card"))
        PermitSearchText.objects.update(card="")
        migration = importlib.import_module("permits.migrations.0008_search_card")
        migration.card_published(django_apps, None)
        self.assertEqual(dict(PermitSearchText.objects.values_list("item_id", "card")), written)
        self.assertEqual(self.card(FOOD_CODE)["sub_count"], 2)


class HostileCardTests(TestCase):
    """Names are data staff typed or imported: the card keeps them as text, the page escapes them."""

    @classmethod
    def setUpTestData(cls):
        site_profile()
        data = build_published_catalogue()
        draft = edition_copy(data["edition"])
        item = PermitItemFactory(edition=draft, department=data["departments"][0], code="77777777777Y",
                                 name='注入测试<script>alert(1)</script>许可')
        sub = SubItemFactory(item=item, seq=1, name='注入测试"><img src=x onerror=alert(1)>', exercise_level="<b>")
        HandlingItemFactory(sub_item=sub, seq=1)
        edition_publish(draft)

    def test_names_are_escaped_in_results(self):
        cases = [
            ({}, "注入测试&lt;script&gt;alert(1)&lt;/script&gt;许可"),
            ({"q": "注入"}, "<mark>注入</mark>测试&lt;script&gt;alert(1)&lt;/script&gt;许可"),
            # The searched word is marked in the escaped text, never in the markup.
            ({"q": "<script>"}, "注入测试<mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt;许可"),
        ]
        for params, shown in cases:
            with self.subTest(params=params):
                html = self.client.get(reverse("permits:item.list"), params).content.decode()
                self.assertNotIn("<script>alert", html)
                self.assertNotIn("<img src=x", html)
                self.assertNotIn("<b>", html)
                self.assertIn(shown, html)
                self.assertIn("测试&quot;&gt;&lt;img src=x onerror=alert(1)&gt;", html)
