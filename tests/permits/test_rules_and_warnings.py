"""The catalogue's rules in the admin form, and edition_warnings for the publish confirmation."""
from django.test import TestCase
from django.urls import reverse

from permits.catalogue import rules
from permits.catalogue.admin import HandlingItemForm
from permits.catalogue.selectors.warnings import edition_warnings
from tests.factories import (
    DepartmentFactory, HandlingItemFactory, MaterialFactory, PermitCatalogueFactory, PermitItemFactory,
    RegionFactory, SubItemFactory,
)


class RuleTests(TestCase):
    def test_rules_by_hand(self):
        cases = [
            (rules.promised_over_statutory(10, 30), "承诺办结时限（30个工作日）不能超过法定办结时限（10个工作日）"),
            (rules.promised_over_statutory(10, 10), None),
            (rules.promised_over_statutory(None, 30), None),
            (rules.full_online_asks_originals("3", 0, [("申请书", "原件"), ("照片", "电子件")]),
             "全程网办且到现场0次，但材料“申请书”只收原件"),
            (rules.full_online_asks_originals("3", 1, [("申请书", "原件")]), None),
            (rules.full_online_asks_originals("2", 0, [("申请书", "原件")]), None),
            (rules.full_online_asks_originals("3", 0, [("申请书", "原件和复印件")]), None),
            (rules.sub_item_outside_item("00016421300Y", "000164213001"), None),
            (rules.sub_item_outside_item("00016421300Y", "000164214001"),
             "子项编码“000164214001”不属于事项“00016421300Y”：子项编码应以事项编码的前11位“00016421300”开头"),
            (rules.handling_outside_sub_item("000164213001", "00016421300201"),
             "业务办理项编码“00016421300201”不属于子项“000164213001”：应以子项编码“000164213001”开头"),
            (rules.is_item_code("00016421300Y"), True),
            (rules.is_item_code("00016421300Y\n"), False),
            (rules.is_handling_code("0001642130010"), False),
        ]
        for got, expected in cases:
            self.assertEqual(got, expected)


class AdminFormTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.sub = SubItemFactory()

    def form(self, **data):
        return HandlingItemForm(data={"edition": self.sub.edition_id, "sub_item": self.sub.pk, "code": self.sub.code + "09", "seq": 9, "name": "甲",
                                      "situation": "新设", "visits": 0, "online_depth": "3", **data})

    def test_promised_above_statutory_is_an_error_on_the_field(self):
        form = self.form(statutory_days=10, promised_days=30)
        self.assertEqual(form.errors["promised_days"], ["承诺办结时限（30个工作日）不能超过法定办结时限（10个工作日）"])

    def test_equal_limits_are_fine(self):
        self.assertTrue(self.form(statutory_days=10, promised_days=10).is_valid())


class EditionWarningsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        city = RegionFactory(name="市本级")
        department = DepartmentFactory(region=city)
        cls.edition = PermitCatalogueFactory(region=city)
        good = PermitItemFactory(edition=cls.edition, code="00000000001Y", name="甲事项", department=department)
        bare = PermitItemFactory(edition=cls.edition, code="00000000002Y", name="乙事项", department=department,
                                 legal_basis="")
        sub = SubItemFactory(item=good, seq=1)
        cls.fine = HandlingItemFactory(sub_item=sub, seq=1, name="完好", place="政务服务中心", online_depth="2", visits=1)
        MaterialFactory(handling_item=cls.fine, form="原件")
        cls.late = HandlingItemFactory(sub_item=sub, seq=2, name="超时", place="政务服务中心",
                                       statutory_days=10, promised_days=15)
        MaterialFactory(handling_item=cls.late, form="电子件")
        cls.empty = HandlingItemFactory(sub_item=SubItemFactory(item=bare, seq=1), seq=1, name="空", place="")
        cls.paper = HandlingItemFactory(sub_item=sub, seq=3, name="纸质", place="政务服务中心", online_depth="3", visits=0)
        MaterialFactory(handling_item=cls.paper, name="身份证", form="原件")
        cls.bare = bare

    def test_every_warning_with_its_level_and_link(self):
        link = lambda model, pk: reverse(f"admin:permits_{model}_change", args=[pk])  # noqa: E731
        self.assertEqual(edition_warnings(self.edition), [
            ("error", "业务办理项“00000000001102 超时”：承诺办结时限（15个工作日）不能超过法定办结时限（10个工作日）",
             link("handlingitem", self.late.pk)),
            ("warning", "事项“00000000002Y 乙事项”没有设定和实施依据", link("permititem", self.bare.pk)),
            ("warning", "业务办理项“00000000002101 空”没有申请材料", link("handlingitem", self.empty.pk)),
            ("warning", "业务办理项“00000000002101 空”没有办理地点", link("handlingitem", self.empty.pk)),
            ("warning", "业务办理项“00000000001103 纸质”：全程网办且到现场0次，但材料“身份证”只收原件",
             link("handlingitem", self.paper.pk)),
        ])

    def test_query_count_does_not_grow_with_the_edition(self):
        with self.assertNumQueries(3):
            edition_warnings(self.edition)


class AdminChangeViewTests(TestCase):
    """The same rules through the real admin page of a handling item with its materials inline."""

    @classmethod
    def setUpTestData(cls):
        from django.contrib.auth import get_user_model

        cls.user = get_user_model().objects.create_superuser("root", "root@example.com", "x" * 16)
        cls.handling = HandlingItemFactory(online_depth="3", visits=0, statutory_days=10, promised_days=5)
        cls.material = MaterialFactory(handling_item=cls.handling, seq=1, name="申请书", form="电子件")

    def post(self, **changes):
        h, m = self.handling, self.material
        data = {
            "sub_item": h.sub_item_id, "seq": h.seq, "code": h.code, "name": h.name, "situation": "新设",
            "statutory_days": 10, "promised_days": 5, "visits": 0, "online_depth": "3",
            "materials-TOTAL_FORMS": 1, "materials-INITIAL_FORMS": 1, "materials-MIN_NUM_FORMS": 0,
            "materials-MAX_NUM_FORMS": 1000, "materials-0-id": m.pk, "materials-0-handling_item": h.pk,
            "materials-0-seq": 1, "materials-0-name": m.name, "materials-0-required": "on",
            "materials-0-form": "电子件", "materials-0-copies": 1, **changes,
        }
        self.client.force_login(self.user)
        return self.client.post(reverse("admin:permits_handlingitem_change", args=[h.pk]), data, follow=True)

    def test_promised_above_statutory_is_refused(self):
        response = self.post(promised_days=30)
        self.assertContains(response, "承诺办结时限（30个工作日）不能超过法定办结时限（10个工作日）")
        self.handling.refresh_from_db()
        self.assertEqual(self.handling.promised_days, 5)

    def test_full_online_with_an_original_only_material_saves_with_a_warning(self):
        response = self.post(**{"materials-0-form": "原件"})
        self.assertEqual([str(m) for m in response.context["messages"] if m.level_tag == "warning"],
                         ["全程网办且到现场0次，但材料“申请书”只收原件"])
        self.material.refresh_from_db()
        self.assertEqual(self.material.form, "原件")
