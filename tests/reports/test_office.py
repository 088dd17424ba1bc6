"""The report as Word (.docx) and OFD: the same text as the PDF, laid out for the office."""
import io
import re
import zipfile
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import TestCase
from docx import Document
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont

from permits.models import EditionStatus
from reports.models import ReportSection
from reports.services import report_build_pdf
from tests.reports.base import PrivateMediaMixin, compact, make_user, pdf_text
from tests.reports.factories import build_2024

TITLE = "新余市行政审批局2024年度法治政府建设工作总结报告"
LONG = ("坚持以习近平新时代中国特色社会主义思想为指导，深入推进依法行政，规范行政权力运行，"
        "持续优化“一网通办”政务服务，全年受理2564件（同比增长12%），为高质量发展提供有力法治保障。")


def body_text(text):
    """Text before the attachment (附件), without the draft marks, whitespace or page numbers."""
    text = compact(re.sub(r"—\s*\d+\s*—", "", text)).replace("草稿", "")
    return text.split("附件")[0]


def read_ofd(data):
    from easyofd.ofd import OFD

    ofd = OFD()
    ofd.read(data, fmt="binary")
    pages = ofd.data[0]["page_info"]
    return [[item["text"] for item in pages[number]["text_list"]] for number in sorted(pages)]


class OfficeFormatsTests(PrivateMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = build_2024()
        for section in ReportSection.objects.filter(report=cls.data["report"]).exclude(body=""):
            section.body += LONG * 2
            section.save()
        cls.staff = make_user("staff")
        cls.pdf_text = body_text(pdf_text(report_build_pdf(cls.data["report"])))

    def get(self, extension):
        self.client.force_login(self.staff)
        response = self.client.get(f"/reports/2024.{extension}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("filename*=UTF-8''" + quote(f"{TITLE}.{extension}"), response["Content-Disposition"])
        return b"".join(response.streaming_content)

    def test_docx_page_grid_fonts_and_text(self):
        document = Document(io.BytesIO(self.get("docx")))
        section = document.sections[0]
        self.assertEqual((round(section.page_width.mm), round(section.page_height.mm)), (210, 297))
        self.assertEqual([round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                                section.right_margin)], [37, 35, 28, 26])
        grid = section._sectPr.find(qn("w:docGrid"))
        # 22 lines of 28.95 pt (579 twips); 28 characters across 156 mm: (442.2 / 28 − 16) × 4096 = −848.
        self.assertEqual((grid.get(qn("w:type")), grid.get(qn("w:linePitch")), grid.get(qn("w:charSpace"))),
                         ("linesAndChars", "579", "-848"))
        faces = {}
        for paragraph in document.paragraphs:
            for run in paragraph.runs:
                fonts = run._r.rPr.find(qn("w:rFonts"))
                faces.setdefault(fonts.get(qn("w:eastAsia")), []).append(paragraph.text)
        self.assertEqual(set(faces), {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"})
        self.assertTrue(all(text.startswith(("一、", "二、", "三、", "附件")) for text in faces["黑体"]))
        self.assertTrue(all(text.startswith("（") for text in faces["楷体_GB2312"]))
        self.assertEqual("".join(faces["方正小标宋简体"][:2]), TITLE)
        text = "".join(p.text for p in document.paragraphs)
        self.assertEqual(body_text(text), self.pdf_text)

    def test_docx_draft_mark_and_metadata(self):
        document = Document(io.BytesIO(self.get("docx")))
        section = document.sections[0]
        self.assertEqual(section.header.paragraphs[0].text, "草稿")
        self.assertEqual(section.even_page_header.paragraphs[0].text, "草稿")
        core = document.core_properties
        self.assertEqual((core.title, core.author, core.language, core.content_status),
                         (TITLE, "新余市行政审批局", "zh-CN", "草稿"))
        self.assertIn("PAGE", section.footer._element.xml)
        self.assertIn("— ", section.footer.paragraphs[0].text)

    def test_published_docx_and_ofd_carry_no_draft_mark(self):
        from reports.services.docx import report_build_docx
        from reports.services.ofd import report_build_ofd

        report = self.data["report"]
        report.status = EditionStatus.PUBLISHED
        document = Document(io.BytesIO(report_build_docx(report)))
        self.assertNotIn("草稿", "".join(p.text for p in document.sections[0].header.paragraphs))
        self.assertEqual(document.core_properties.content_status, "正式")
        pages = read_ofd(report_build_ofd(report))
        self.assertNotIn("草稿", "".join("".join(page) for page in pages))

    def test_ofd_package_fonts_and_text_layer(self):
        data = self.get("ofd")
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = package.namelist()
            for required in ("OFD.xml", "Doc_0/Document.xml", "Doc_0/PublicRes.xml"):
                self.assertIn(required, names)
            contents = sorted(n for n in names if n.endswith("/Content.xml"))
            document = package.read("Doc_0/Document.xml").decode()
            self.assertEqual(document.count("<ofd:Page "), len(contents))
            self.assertIn(f"<ofd:Title>{TITLE}</ofd:Title>", package.read("OFD.xml").decode())
            fonts = [n for n in names if n.startswith("Doc_0/Res/")]
            self.assertEqual(len(fonts), 5)  # 仿宋, 小标宋-like title, 黑体, 楷体, 宋体 page numbers
            for name in fonts:
                font = TTFont(io.BytesIO(package.read(name)))
                self.assertLess(len(font.getBestCmap()), 1000, name)  # a subset, not the whole face
        pages = read_ofd(data)
        self.assertEqual(len(pages), len(contents))
        for number, page in enumerate(pages, start=1):
            self.assertIn(f"— {number} —", page)
            self.assertIn("草稿", page)
            self.assertLessEqual(sum(1 for text in page if text not in ("草稿", f"— {number} —")), 22)
        self.assertEqual(body_text("".join("".join(page) for page in pages)), self.pdf_text)

    def test_commands_write_docx_and_ofd(self):
        for command, magic in (("report_docx", b"PK"), ("report_ofd", b"PK")):
            out = f"{default_storage.location}/out.{command}"
            call_command(command, "2024", "-o", out, stdout=io.StringIO())
            with open(out, "rb") as file:
                self.assertEqual(file.read(2), magic)
