import io
import json
from unittest import mock

from django.test import TestCase
from openpyxl import load_workbook

from permits.importing.formats import read_rows, write_csv
from permits.selectors.catalogue import permit_catalogue_json
from permits.selectors.export import PERMIT_HEADERS, permit_export_rows
from permits.services import open_data
from permits.services.editions import edition_publish
from tests.factories import build_catalogue


class OpenDataFileTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.edition = build_catalogue(items=3, subs=2, handlings=2)
        edition_publish(cls.edition)

    def stamp(self):
        return int(self.edition.updated_at.timestamp() * 1000)

    def test_files_hold_the_same_data_as_the_in_memory_writers(self):
        path = open_data.open_data_file(self.edition, "json", stamp=self.stamp())
        self.assertEqual(json.loads(path.read_text(encoding="utf-8")), permit_catalogue_json(self.edition))
        path = open_data.open_data_file(self.edition, "csv", stamp=self.stamp())
        expected = read_rows(write_csv(PERMIT_HEADERS, permit_export_rows(self.edition)), "x.csv")
        self.assertEqual(read_rows(path.read_bytes(), "x.csv"), expected)
        path = open_data.open_data_file(self.edition, "xlsx", stamp=self.stamp())
        rows = list(load_workbook(io.BytesIO(path.read_bytes())).worksheets[0].iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), PERMIT_HEADERS)
        self.assertEqual(len(rows) - 1, 3 * 2 * 2)

    def test_written_once_per_state_and_replaced_when_the_state_changes(self):
        stamp = self.stamp() + 1000  # a state no other test has written
        with mock.patch.object(open_data, "_write", wraps=open_data._write) as write:
            first = open_data.open_data_file(self.edition, "json", stamp=stamp)
            again = open_data.open_data_file(self.edition, "json", stamp=stamp)
            self.assertEqual(write.call_count, 1)
            newer = open_data.open_data_file(self.edition, "json", stamp=stamp + 1)
            self.assertEqual(write.call_count, 2)
        self.assertEqual(first, again)
        self.assertTrue(newer.exists())
        self.assertFalse(first.exists())
        self.assertEqual(list(first.parent.glob("*.part")), [])

    def test_unknown_format_is_refused(self):
        with self.assertRaises(ValueError):
            open_data.open_data_file(self.edition, "exe", stamp=self.stamp())


class CompressedOpenDataTests(TestCase):
    """Clients that accept gzip get the same bytes compressed, under their own ETag."""

    @classmethod
    def setUpTestData(cls):
        from tests.portal.catalogue_data import site_profile

        site_profile()
        cls.edition = build_catalogue(items=4, subs=2, handlings=2)
        edition_publish(cls.edition)

    def test_gzip_variant_is_the_same_document(self):
        import gzip

        for fmt in ("json", "csv"):
            with self.subTest(fmt=fmt):
                plain = self.client.get(f"/permits/export.{fmt}")
                packed = self.client.get(f"/permits/export.{fmt}", HTTP_ACCEPT_ENCODING="br, gzip;q=0.9")
                self.assertEqual(plain.status_code, 200)
                self.assertNotIn("Content-Encoding", plain)
                self.assertEqual(packed["Content-Encoding"], "gzip")
                self.assertIn("Accept-Encoding", packed["Vary"])
                body = b"".join(packed.streaming_content)
                self.assertEqual(gzip.decompress(body), b"".join(plain.streaming_content))
                self.assertEqual(int(packed["Content-Length"]), len(body))
                self.assertNotEqual(packed["ETag"], plain["ETag"])
                self.assertNotIn(".gz", packed["Content-Disposition"])
                again = self.client.get(f"/permits/export.{fmt}", HTTP_ACCEPT_ENCODING="gzip",
                                        HTTP_IF_NONE_MATCH=packed["ETag"])
                self.assertEqual(again.status_code, 304)

    def test_xlsx_is_never_gzipped(self):
        response = self.client.get("/permits/export.xlsx", HTTP_ACCEPT_ENCODING="gzip")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Content-Encoding", response)
        with self.assertRaises(ValueError):
            open_data.open_data_file(self.edition, "xlsx", stamp=1, compressed=True)
