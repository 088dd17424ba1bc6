"""GB/T 9704 layout of the PDF, measured on the glyphs read back from the file (pdfminer.six)."""
import io
import statistics
import subprocess
import tempfile

from django.test import TestCase
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from permits.models import EditionStatus
from reports.models import ReportSection
from reports.services import report_build_pdf, report_pdf_filename
from tests.reports.factories import build_2024
from tests.reports.glyphs import BLOCK_BOTTOM, BLOCK_TOP, MM, block_left, page_lines

# Prose long enough for several full pages, with numbers, quotation marks and brackets to break around.
FILLER = ("坚持以习近平新时代中国特色社会主义思想为指导，深入推进依法行政，规范行政权力运行，"
          "持续优化“一网通办”政务服务，全年受理2564件、办结14603件（同比增长12%），"
          "为经济社会高质量发展提供有力法治保障。")
CLOSING = set("。，、；：？！）」』》〉】”’%")
BODY_SIZE, LINE_PITCH, TOLERANCE_MM = 16.0, 28.95, 0.5


def cells(text):
    """Width in full-width characters: ASCII (digits, Latin, half-width marks) counts half."""
    return sum(0.5 if ord(char) < 128 else 1 for char in text)


def dash_top(baseline):
    """Top of the page number's dash: its baseline less the glyph's height in the 宋体 face."""
    path, index = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", "Noto Serif CJK SC"],
                                 capture_output=True, text=True, check=True).stdout.split("\n")
    font = TTFont(path, fontNumber=int(index or 0), lazy=True)
    glyphs = font.getGlyphSet()
    pen = BoundsPen(glyphs)
    glyphs[font.getBestCmap()[0x2014]].draw(pen)
    return baseline - pen.bounds[3] / font["head"].unitsPerEm * 14


class PdfLayoutTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = build_2024()
        for section in ReportSection.objects.filter(report=cls.data["report"]).exclude(body=""):
            section.body = section.body + FILLER * 3 + "\n" + FILLER
            section.save()
        cls.pdf = report_build_pdf(cls.data["report"])
        cls.pages = page_lines(cls.pdf)
        # The body pages: those before the attachment (附件) with the chart.
        cls.body_pages = [lines for lines in cls.pages if not any(
            "".join(c[0] for c in line["chars"]) == "附件" for line in lines)]
        cls.body = []  # (page number, line) of 16 pt prose in reading order
        for number, lines in enumerate(cls.body_pages, start=1):
            cls.body += [(number, line) for line in lines if line["size"] == BODY_SIZE]

    def text(self, line):
        return "".join(c[0] for c in line["chars"])

    def is_final(self, index):
        """A line ends its paragraph when the next one opens indented, is right-aligned or there is none."""
        if index + 1 >= len(self.body):
            return True
        number, following = self.body[index + 1]
        return self.text(following).startswith("\u3000") or following["chars"][0][1] - block_left(number) > 1

    def test_every_line_but_a_paragraphs_last_is_28_characters_to_the_right_edge(self):
        widths, checked = [], 0
        for index, (number, line) in enumerate(self.body):
            left = block_left(number)
            first, last = line["chars"][0], line["chars"][-1]
            if first[1] - left > 1:  # the signature, right-aligned
                continue
            self.assertAlmostEqual((first[1] - left) / MM, 0, delta=TOLERANCE_MM, msg=self.text(line))
            if self.is_final(index):
                continue
            checked += 1
            text = self.text(line)
            self.assertAlmostEqual((last[2] - (left + 156 * MM)) / MM, 0, delta=TOLERANCE_MM, msg=text)
            # 28 cells; one closing mark may be squeezed in (29), a number or opening mark pushed down (≥ 26).
            width = cells(text)
            widths.append(width)
            if width > 28:
                self.assertLessEqual(width, 29, text)
                self.assertIn(text[-1], CLOSING, text)
            else:
                self.assertGreaterEqual(width, 26, text)
        self.assertGreater(checked, 60)
        self.assertEqual(statistics.median(widths), 28)

    def test_no_line_starts_with_closing_punctuation(self):
        for _, line in self.body:
            self.assertNotIn(self.text(line)[0], CLOSING, self.text(line))

    def test_full_pages_hold_22_lines(self):
        self.assertGreaterEqual(len(self.body_pages), 3)
        for lines in self.body_pages[:-1]:
            rows = [line["y"] for line in lines if BLOCK_TOP < line["y"] < BLOCK_BOTTOM]
            self.assertAlmostEqual((rows[-1] - rows[0]) / LINE_PITCH + 1, 22, delta=0.1)

    def test_page_numbers_7mm_below_the_block_outer_side_one_character_in(self):
        for number, lines in enumerate(self.pages, start=1):
            folio = [line for line in lines if line["size"] == 14.0]
            self.assertEqual(len(folio), 1)
            self.assertEqual(self.text(folio[0]).replace(" ", ""), f"—{number}—")
            self.assertAlmostEqual((dash_top(folio[0]["y"]) - BLOCK_BOTTOM) / MM, 7, delta=0.5)
            left = block_left(number)
            if number % 2:  # odd: right, one 14 pt character in from the block's right edge
                self.assertAlmostEqual(left + 156 * MM - folio[0]["chars"][-1][2], 14, delta=1)
            else:
                self.assertAlmostEqual(folio[0]["chars"][0][1] - left, 14, delta=1)

    def test_fonts_by_role_embedded_and_subset(self):
        fonts = {}
        for lines in self.pages:
            for line in lines:
                for char, _, _, font in line["chars"]:
                    fonts.setdefault(font.split("+", 1)[-1], set()).add(char)
        self.assertIn("FandolFang", fonts)  # 仿宋 body
        self.assertIn("FandolSong-Bold", fonts)  # 小标宋-like title
        self.assertIn("一", fonts["Noto-Sans-CJK-SC"])  # 一、 in 黑体
        self.assertIn("（", fonts["AR-PL-UKai-CN"])  # （一） in 楷体
        with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
            file.write(self.pdf)
            file.flush()
            rows = subprocess.run(["pdffonts", file.name], capture_output=True, text=True, check=True).stdout
        rows = rows.splitlines()[2:]
        self.assertEqual(len(rows), 5, rows)
        for row in rows:  # name, type…, emb, sub, uni: each embedded and subset
            self.assertRegex(row, r"^[A-Z]{6}\+\S+ .* yes +yes +yes +\d+ +\d+$")

    def test_draft_marked_on_every_page_and_in_metadata(self):
        for lines in self.pages:
            marks = [line for line in lines if line["y"] < BLOCK_TOP and self.text(line) == "草稿"]
            self.assertEqual(len(marks), 1)
        reader = PdfReader(io.BytesIO(self.pdf))
        self.assertEqual(reader.metadata["/status"], "草稿")
        self.assertIn("草稿", reader.metadata["/Keywords"])
        self.assertEqual(reader.metadata.title, self.data["report"].title)  # one title, draft or not


class PublishedPdfTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = build_2024()
        report = cls.data["report"]
        report.status = EditionStatus.PUBLISHED
        cls.pdf = report_build_pdf(report)

    def test_no_draft_mark(self):
        reader = PdfReader(io.BytesIO(self.pdf))
        self.assertNotIn("草稿", "".join(page.extract_text() for page in reader.pages))
        self.assertNotIn("/status", reader.metadata)
        self.assertNotIn("草稿", reader.metadata.get("/Keywords", ""))

    def test_metadata_one_title_language_author(self):
        reader = PdfReader(io.BytesIO(self.pdf))
        title = self.data["report"].title
        self.assertEqual(reader.metadata.title, title)
        self.assertEqual(reader.metadata.subject, title)
        self.assertEqual(reader.metadata.author, "新余市行政审批局")
        xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
        self.assertIn(f"<rdf:li xml:lang=\"x-default\">{title}</rdf:li>", xmp)
        self.assertRegex(xmp, r"<dc:language><rdf:Bag><rdf:li>zh-CN</rdf:li></rdf:Bag></dc:language>")
        self.assertIn("/StructTreeRoot", reader.trailer["/Root"])
        self.assertEqual(report_pdf_filename(self.data["report"]), f"{title}.pdf")
