"""Every figure of the 2024 report links to a page listing what was counted, with the same number,
and publishing a later edition does not change what those links show."""
import datetime
import io
import re
import zipfile
from html import unescape

from django.test import TestCase
from docx import Document
from pypdf import PdfReader

from permits.models import PermitCatalogue
from permits.kernel.lifecycle import edition_publish
from reports.services import report_publish
from tests.factories import build_catalogue
from tests.reports.base import PrivateMediaMixin, reviewer
from tests.reports.factories import build_2024

FIGURE_LINK = re.compile(r'<a class="figure" data-figure="([a-z_]+)" href="([^"]+)"[^>]*>([^<]+)</a>')
# The page, and the element on it, that must show each computed figure (written from the requirement).
EXACT = {
    "permit_items": ("/permits/editions/2023%E5%B9%B4%E7%89%88/#items", 'data-count="items">3<'),
    "permit_sub_items": ("/permits/editions/2023%E5%B9%B4%E7%89%88/#sub-items", 'data-count="sub-items">6<'),
    "permit_handling_items": ("/permits/editions/2023%E5%B9%B4%E7%89%88/#handling-items",
                              'data-count="handling-items">12<'),
    "intermediary_services": ("/intermediaries/editions/2024%E5%B9%B4%E7%89%88/#services", 'data-count="services">5<'),
    "one_things": ("/one-things/?year=2024", "共11个“一件事”"),
    "one_things_one_window": ("/one-things/?year=2024", "其中9个“一窗”可办"),
    "one_things_measured": ("/one-things/?year=2024", "2个有改革前后数据"),
}
ROWS = {"items": 3, "sub-items": 6, "handling-items": 12}


def page_text(html):
    return unescape(re.sub(r"<[^>]+>", "", html))


class FigureLinkTests(PrivateMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = build_2024()
        report_publish(cls.data["report"], user=reviewer(), published_on=datetime.date(2025, 2, 1))

    def publish_later_edition(self):
        later = PermitCatalogue.objects.create(title="新余市行政许可事项清单（2025年版）", edition="2025年版",
                                               region=self.data["city"])
        build_catalogue(items=4, subs=1, handlings=1, edition=later, department=self.data["departments"][0])
        edition_publish(later, published_on=datetime.date(2025, 6, 1))

    def links(self):
        html = self.client.get("/reports/2024/").content.decode()
        return {key: (url, text) for key, url, text in FIGURE_LINK.findall(html)}

    def check_links(self, links):
        expected = self.data["expected"]
        for key, (url, text) in links.items():
            self.assertEqual(unescape(text), expected[key], key)
            response = self.client.get(unescape(url).split("#")[0])
            self.assertEqual(response.status_code, 200, url)
            html = response.content.decode()
            if key in EXACT:
                self.assertEqual(unescape(url), EXACT[key][0], key)
                self.assertIn(EXACT[key][1], html, key)
            else:
                shown = expected[key].removeprefix("超过").removesuffix("%")
                self.assertIn(shown, page_text(html), key)

    def test_every_figure_links_to_what_it_counted(self):
        links = self.links()
        self.assertEqual(set(links), {key for key in self.data["expected"] if key not in {
            "study_events", "law_exam_pass_rate", "supervision_coverage", "supervision_info_published",
            "supervision_actions_pushed", "zone_business_handled", "law_meetings", "law_lectures",
            "open_day_representatives"}})  # staff-entered figures have no page to link to
        self.check_links(links)

    def test_the_edition_page_lists_exactly_the_rows_counted(self):
        html = self.client.get("/permits/editions/2023年版/").content.decode()
        for section, count in ROWS.items():
            part = html.split(f'id="{section}"', 1)[1].split("</table>", 1)[0]
            self.assertEqual(part.count("<tr>") - 1, count, section)  # less the header row

    def test_publishing_a_later_edition_changes_nothing_a_2024_link_shows(self):
        before = self.links()
        pages = {key: page_text(self.client.get(unescape(url).split("#")[0]).content.decode())
                 for key, (url, _) in before.items() if key.startswith("permit_")}
        self.publish_later_edition()
        self.assertEqual(self.client.get("/permits/").status_code, 200)
        after = self.links()
        self.assertEqual(after, before)
        self.check_links(after)
        for key, (url, _) in after.items():
            if key.startswith("permit_"):
                text = page_text(self.client.get(unescape(url).split("#")[0]).content.decode())
                # Same rows and counts; only the notice now says the edition was replaced.
                self.assertEqual(text.replace("本版本已被后续版本替代，以下为其发布时的内容。", "现行版本。"),
                                 pages[key], key)

    def test_published_downloads_carry_no_draft_mark(self):
        pdf = b"".join(self.client.get("/reports/2024.pdf").streaming_content)
        reader = PdfReader(io.BytesIO(pdf))
        self.assertNotIn("草稿", "".join(page.extract_text() for page in reader.pages).replace(" ", ""))
        self.assertNotIn("草稿", reader.metadata.get("/Keywords", ""))
        document = Document(io.BytesIO(b"".join(self.client.get("/reports/2024.docx").streaming_content)))
        self.assertEqual("".join(p.text for p in document.sections[0].header.paragraphs), "")
        ofd = b"".join(self.client.get("/reports/2024.ofd").streaming_content)
        with zipfile.ZipFile(io.BytesIO(ofd)) as package:
            self.assertNotIn("草稿", package.read("OFD.xml").decode())
            for name in package.namelist():
                if name.endswith("Content.xml"):
                    self.assertNotIn("草稿", package.read(name).decode())

    def test_unknown_or_draft_edition_is_404(self):
        self.assertEqual(self.client.get("/permits/editions/1999年版/").status_code, 404)
        PermitCatalogue.objects.create(title="草稿清单", edition="2026年版", region=self.data["city"])
        self.assertEqual(self.client.get("/permits/editions/2026年版/").status_code, 404)
        self.assertEqual(self.client.get("/intermediaries/editions/1999年版/").status_code, 404)

    def test_edition_page_queries_do_not_grow_with_rows(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.publish_later_edition()  # 4 items, 4 sub-items, 4 handling items against 3, 6, 12
        counts = []
        for label in ("2023年版", "2025年版", "2023年版"):
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(f"/permits/editions/{label}/?fresh={len(counts)}").status_code, 200)
            counts.append(len(queries))
        self.assertEqual(counts[1], counts[2])
        self.assertLessEqual(counts[2], 8)
