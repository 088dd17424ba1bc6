"""The report as a Word file (python-docx) for the office to edit: GB/T 9704 page, a 22 × 28 document
grid and the font names offices have (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312), which Word and WPS
replace with what they have when a face is missing. Text and figures are the PDF's blocks."""
import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from reports import layout

from .content import report_content, title_lines
from .document import report_blocks

FANGSONG, XIAOBIAOSONG, HEITI, KAITI, SONGTI = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
FACE = {"title": XIAOBIAOSONG, "h1": HEITI, "h2": KAITI, "p": FANGSONG, "signature": FANGSONG}
LATIN = "Times New Roman"
RED = RGBColor(0xC0, 0x00, 0x00)
LINE_PITCH_TWIPS = round(layout.LINE_PITCH * 20)  # 579: 22 lines in 225 mm
# Word's character grid: pitch = font size + charSpace / 4096 pt, so 28 characters fill 156 mm.
CHAR_SPACE = round((layout.BLOCK_WIDTH / layout.CELLS - layout.BODY_SIZE) * 4096)


def _fonts(run_or_style, east_asian, size=None):
    font = run_or_style.font
    font.name = LATIN
    if size:
        font.size = Pt(size)
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)


def _page(section):
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(23)  # the number's line sits about 7 mm below the text block
    section.header_distance = Mm(20)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))


def _page_number(paragraph):
    """"— N —" with a PAGE field, 4号 宋体."""
    def run(text=None, field=None):
        r = paragraph.add_run(text or "")
        _fonts(r, SONGTI, 14)
        if field:
            element = OxmlElement("w:fldChar" if field != "instr" else "w:instrText")
            if field == "instr":
                element.set(qn("xml:space"), "preserve")
                element.text = " PAGE "
            else:
                element.set(qn("w:fldCharType"), field)
            r._r.append(element)
    run("— ")
    run(field="begin")
    run(field="instr")
    run(field="end")
    run(" —")


def _footer(footer, align, indent):
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = indent
    else:
        paragraph.paragraph_format.left_indent = indent
    _page_number(paragraph)


def _draft_header(header):
    paragraph = header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run("草稿")
    _fonts(run, HEITI, 22)
    run.font.color.rgb = RED


def _paragraph(document, block):
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(layout.LINE_PITCH)
    fmt.space_before = fmt.space_after = Pt(0)
    text = block.text
    if block.kind == "title":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif block.kind == "signature":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.right_indent = Pt(4 * layout.BODY_SIZE)
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        # Word indents by two characters itself; the typed 全角空格 of the PDF's lines are left out.
        paragraph._p.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
        text = text.lstrip("\u3000")
    size = layout.TITLE_SIZE if block.kind == "title" else layout.BODY_SIZE
    runs = [(text, "")] if block.kind == "title" else _runs(block)
    for piece, cls in runs:
        run = paragraph.add_run(piece)
        _fonts(run, FACE[block.kind], size)
        if cls == "figure-missing":
            run.font.color.rgb = RED
    return paragraph


def _runs(block):
    runs = []
    for line in block.lines:
        for text, cls in line.runs():
            if runs and runs[-1][1] == cls:
                runs[-1][0] += text
            else:
                runs.append([text, cls])
    if runs:
        runs[0][0] = runs[0][0].lstrip("\u3000")
    return [(text, cls) for text, cls in runs if text]


def _attachment(document, content, caption):
    """附件: the chart's values as a table (Word has no SVG), on a new page."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _page(section)
    label = document.add_paragraph()
    _fonts(label.add_run("附件"), HEITI, layout.BODY_SIZE)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(title.add_run(caption), XIAOBIAOSONG, layout.TITLE_SIZE)
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("事项", "综合压减率")):
        _fonts(cell.paragraphs[0].add_run(text), HEITI, 12)
    for name, value in content["chart"]:
        row = table.add_row().cells
        _fonts(row[0].paragraphs[0].add_run(name), FANGSONG, 12)
        _fonts(row[1].paragraphs[0].add_run(f"{float(value) * 100:.0f}%"), FANGSONG, 12)


def render_docx_bytes(content, *, draft):
    document = Document()
    normal = document.styles["Normal"]
    _fonts(normal, FANGSONG, layout.BODY_SIZE)
    section = document.sections[0]
    _page(section)
    document.settings.odd_and_even_pages_header_footer = True
    indent = Pt(14)  # one 4号 character in from the outer edge
    _footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT, indent)
    _footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, indent)
    if draft:
        _draft_header(section.header)
        _draft_header(section.even_page_header)
    blocks = report_blocks(content, title_lines(content["title"], content.get("organisation", "")))
    for block in blocks:
        if block.kind == "title":
            for line in block.lines:  # the title keeps its line break after the organisation
                _paragraph(document, type(block)("title", [line], block.family, block.size))
            document.add_paragraph().paragraph_format.line_spacing = Pt(layout.LINE_PITCH)
        else:
            _paragraph(document, block)
    if content.get("chart"):
        _attachment(document, content, f"{content['year']}年“高效办成一件事”综合压减率")
    core = document.core_properties
    core.title = content["title"]
    core.author = core.last_modified_by = content.get("organisation", "")
    core.subject = content["title"]
    core.language = "zh-CN"
    core.keywords = "法治政府建设, 年度报告, " + str(content["year"]) + (", 草稿" if draft else "")
    core.content_status = "草稿" if draft else "正式"
    core.comments = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def report_build_docx(report, *, content=None, draft=None):
    content = content or report_content(report)
    return render_docx_bytes(content, draft=(not report.is_published) if draft is None else draft)
