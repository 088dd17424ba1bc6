"""SQL queries per public page do not grow with the catalogue."""
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from permits.kernel.cache import cache_version_bump

from tests.portal.catalogue_data import FOOD_CODE, build_published_catalogue, site_profile

# Page → expected queries once warm; same for 4 and 44 items. The edition in force, the site profile
# and department names are remembered under the cache version numbers (permits.kernel.cache.versioned_read).
# The list: the page's rows; a search word adds one.
EXPECTED = {
    "/permits/": 1,
    "/permits/?q=许可&fee=free&situation=新设": 2,
    "/permits/?q=食品經營": 2,
    f"/permits/{FOOD_CODE}/": 4,
    "guide": 2,
    # The previous edition and the department filter; the diff itself is remembered under both editions'
    # stamps (cold, it reads one query per level and edition: see tests/permits/test_changes_page.py).
    "/permits/changes/": 2,
    "/": 6,
    # Once written, an open-data file is served from storage.
    "/permits/export.json": 0,
    "/permits/export.csv": 0,
    "/permits/export.xlsx": 0,
}
# Reads remembered per process; a cold process or a bump reads them again.
REMEMBERED = 3  # edition in force, department names, site profile


class QueryCountMixin:
    extra = 0

    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_published_catalogue(extra=cls.extra)

    def url(self, key):
        return f"/permits/guide/{self.data['guide'].code}/" if key == "guide" else key

    def test_query_counts(self):
        for key, expected in EXPECTED.items():
            with self.subTest(page=key):
                url = self.url(key)
                self.client.get(url)  # warm converters and caches outside the count
                with self.assertNumQueries(expected):
                    response = self.client.get(url)
                self.assertEqual(response.status_code, 200)


class ColdListQueries(TestCase):
    """The first list request of a newly published edition reads its filter rows: two more queries,
    plus the remembered reads."""

    @classmethod
    def setUpTestData(cls):
        site_profile()
        cls.data = build_published_catalogue(extra=5)

    def test_cold_then_warm(self):
        from permits.catalogue.selectors import permit_list

        permit_list._FILTER_ROWS.clear()
        cache_version_bump("permits", "site")
        with self.assertNumQueries(EXPECTED["/permits/"] + REMEMBERED + 2):
            self.client.get("/permits/")
        with self.assertNumQueries(EXPECTED["/permits/"]):
            self.client.get("/permits/")

    def test_new_publication_is_seen(self):
        from permits.kernel.lifecycle import edition_copy, edition_publish
        from tests.factories import PermitItemFactory

        before = self.client.get("/permits/").context["total"]
        draft = edition_copy(self.data["edition"])
        PermitItemFactory(edition=draft, department=self.data["departments"][0], code="55555555555Y")
        edition_publish(draft)
        self.assertEqual(self.client.get("/permits/").context["total"], before + 1)


class SmallCatalogueQueries(QueryCountMixin, TestCase):
    extra = 0


class LargerCatalogueQueries(QueryCountMixin, TestCase):
    extra = 40

    def test_list_queries_equal_to_small_list(self):
        self.client.get("/permits/")
        with CaptureQueriesContext(connection) as ctx:
            self.client.get("/permits/?page=2")
        self.assertEqual(len(ctx.captured_queries), EXPECTED["/permits/"])


class TrigramIndexTests(TestCase):
    """On PostgreSQL the search columns carry GIN trigram indexes on UPPER(col), which icontains uses."""

    def test_indexes_exist_and_serve_icontains(self):
        if connection.vendor != "postgresql":
            self.skipTest("pg_trgm 索引只在 PostgreSQL 上创建")
        from permits.models import PermitItem

        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%_upper_trgm"])
            names = {row[0] for row in cursor.fetchall()}
        for table, column in [("permititem", "name"), ("permititem", "code"), ("permititem", "legal_basis"),
                              ("subitem", "name"), ("subitem", "code"), ("handlingitem", "name"),
                              ("handlingitem", "code")]:
            self.assertIn(f"permits_{table}_{column}_upper_trgm", names)
        sql, params = PermitItem.objects.order_by().filter(name__icontains="食品经营").values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # tiny test tables: force the choice
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        self.assertIn("permits_permititem_name_upper_trgm", plan)
