"""The multi-level diff between two permit editions (permits.kernel.diff.edition_diff via the catalogue's levels)."""
from django.test import TestCase

from permits.catalogue.selectors.changes import permit_catalogue_diff
from tests.permits.review_data import build_pair


def flatten(diff):
    """{(level, code or name, status): [(field, old, new)]} over every level."""
    found = {}

    def walk(change):
        found[(change.level, change.code or change.name, change.status)] = [(f.label, f.old, f.new)
                                                                            for f in change.fields]
        for child in change.children:
            walk(child)
    for _group, changes in diff.groups:
        for change in changes:
            walk(change)
    return found


class EditionDiffTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.published, cls.draft = build_pair()

    def test_every_level_old_to_new(self):
        found = flatten(permit_catalogue_diff(self.published, self.draft))
        self.assertEqual(found[("handling", "00000000001101", "changed")],
                         [("承诺办结时限（工作日）", "3", "2")])
        self.assertEqual(found[("material", "营业执照", "changed")], [("材料形式", "原件", "电子件")])
        self.assertEqual(found[("material", "承诺书", "added")], [])
        self.assertEqual(found[("item", "00000000002Y", "changed")],
                         [("设定和实施依据", "《药品管理法》", "《中华人民共和国药品管理法》")])
        self.assertIn(("sub", "000000000022", "removed"), found)
        self.assertIn(("item", "00000000003Y", "removed"), found)
        self.assertIn(("item", "00000000004Y", "added"), found)
        # The food item itself is unchanged: it appears as the parent of its changes.
        self.assertEqual(found[("item", "00000000001Y", "kept")], [])

    def test_added_and_removed_rows_count_what_they_hold(self):
        diff = permit_catalogue_diff(self.published, self.draft)
        rows = {c.code: c for _n, changes in diff.groups for c in changes}
        self.assertEqual(rows["00000000004Y"].contains, [("子项", 1, "sub"), ("业务办理项", 1, "handling")])
        self.assertEqual(rows["00000000003Y"].contains, [("子项", 1, "sub")])

    def test_counts_per_level(self):
        counts = permit_catalogue_diff(self.published, self.draft).counts
        self.assertEqual({k: (v["added"], v["removed"], v["changed"]) for k, v in counts.items()}, {
            "item": (1, 1, 1), "sub": (1, 2, 0), "handling": (1, 0, 1), "material": (1, 0, 1),
        })

    def test_grouped_by_department(self):
        diff = permit_catalogue_diff(self.published, self.draft)
        self.assertEqual([(name, [c.code for c in rows]) for name, rows in diff.groups], [
            ("新余市住房和城乡建设局", ["00000000004Y", "00000000003Y"]),
            ("新余市市场监督管理局", ["00000000001Y", "00000000002Y"]),
        ])

    def test_department_filter_and_public_fields(self):
        diff = permit_catalogue_diff(self.published, self.draft, public=True, department="新余市住房和城乡建设局")
        self.assertEqual([c.code for _n, rows in diff.groups for c in rows], ["00000000004Y", "00000000003Y"])
        self.assertEqual(diff.counts["item"]["added"], 1)
        self.assertEqual(diff.counts["handling"]["changed"], 0)

    def test_constant_queries(self):
        # One query per level and edition, whatever the size.
        with self.assertNumQueries(8):
            permit_catalogue_diff(self.published, self.draft)


class EditionDiffPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.published, cls.draft = build_pair()

    def test_pages_keep_the_counts(self):
        diff = permit_catalogue_diff(self.published, self.draft)
        page, number, pages = diff.page(2, 1)
        self.assertEqual((number, pages), (2, 4))
        self.assertEqual([(g, [c.code for c in rows]) for g, rows in page.groups],
                         [("新余市住房和城乡建设局", ["00000000003Y"])])
        self.assertEqual(page.counts, diff.counts)
        self.assertEqual(diff.page(99, 1)[1:], (4, 4))
        self.assertEqual(diff.page(-3, 1)[1:], (1, 4))

    def test_one_group_is_recounted(self):
        market = permit_catalogue_diff(self.published, self.draft, department="新余市市场监督管理局")
        self.assertEqual({k: (v["added"], v["removed"], v["changed"]) for k, v in market.counts.items()}, {
            "item": (0, 0, 1), "sub": (0, 1, 0), "handling": (0, 0, 1), "material": (1, 0, 1),
        })
