"""Reading and writing spreadsheets: xlsx and csv, with the encodings real Chinese files use.

The CSV format detects UTF-8 (with or without BOM) and GB18030 (what Excel writes for Chinese);
django-import-export's own CSV format decodes with one fixed encoding.

Reading is bounded before and while parsing, so no file can exhaust a worker: the file size, the
uncompressed size of an xlsx's zip members (read from the archive, checked before any XML is parsed),
and rows and columns counted cell by cell as they stream (an xlsx's declared <dimension> is ignored).
"""
import csv
import io
import zipfile

from import_export.formats import base_formats
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._reader import FORMULA_TAG, INLINE_STRING, VALUE_TAG, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

TEXT_TAG = f"{{{SHEET_MAIN_NS}}}t"
RUN_TAG = f"{{{SHEET_MAIN_NS}}}r"

from permits.kernel.importing.errors import ImportFailed, ImportProblem

MAX_BYTES = 10 * 1024 * 1024
# All zip members of an xlsx together, uncompressed: a real 10 MB workbook stays far below it.
MAX_XLSX_UNCOMPRESSED = 64 * 1024 * 1024
MAX_ROWS = 50_000
# Title and header rows above the data.
HEADER_ROWS_ALLOWANCE = 30
MAX_COLUMNS = 200
# A CSV field may be as long as the file; lengths are judged per column afterwards.
csv.field_size_limit(MAX_BYTES)


class FormulaWithoutValue:
    """An xlsx cell holding a formula whose result was never saved (written by a program, not Excel)."""

    def __init__(self, coordinate):
        self.coordinate = coordinate

    def __str__(self):
        return ""

    def __repr__(self):
        return f"FormulaWithoutValue({self.coordinate!r})"


def refuse(message):
    raise ImportFailed([ImportProblem(None, None, message)])


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not) first, then GB18030; anything else is refused with a message."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    refuse("无法识别文件编码：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV，或 xlsx 文件。")


class DetectingCSV(base_formats.CSV):
    """CSV whose encoding is detected rather than fixed."""

    def get_title(self):
        return "csv"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = decode_text(in_stream)
        return super().create_dataset(in_stream, **kwargs)


class SafeXLSX(base_formats.XLSX):
    def get_title(self):
        return "xlsx"


IMPORT_FORMATS = [DetectingCSV, SafeXLSX]


def read_rows(data: bytes, filename: str):
    """Raw rows (lists of cell values) of the first sheet; header detection happens later."""
    return read_sheets(data, filename)[0][1]


def read_sheets(data: bytes, filename: str):
    """[(sheet name, rows)] of every sheet (a CSV is one sheet named ""), each read within the bounds."""
    if len(data) > MAX_BYTES:
        refuse(f"文件大小为 {len(data) / 1048576:.1f} MB，超过 10 MB 上限，请拆分后分批导入。")
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        if data[:4] != b"PK\x03\x04":
            refuse("文件扩展名为 .xlsx，但内容不是 Excel 工作簿。")
        return _read_xlsx(data)
    if name.endswith((".xls",)) or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        refuse("不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV。")
    if name and not name.endswith((".csv", ".txt")):
        refuse("只支持 .xlsx 和 .csv 文件。")
    if b"\x00" in data[:4096]:
        refuse("文件内容不是文本表格（CSV），请检查文件类型。")
    return [("", _read_csv(decode_text(data)))]


def _check_bounds(sheet, row_number, width):
    where = f"工作表“{sheet}”" if sheet else "文件"
    if row_number > MAX_ROWS + HEADER_ROWS_ALLOWANCE:
        refuse(f"{where}超过 {MAX_ROWS:,} 行（读到第 {row_number:,} 行，空行也计入），请删除多余的行或拆分后分批导入。")
    if width > MAX_COLUMNS:
        refuse(f"{where}第 {row_number:,} 行有 {width:,} 列，超过 {MAX_COLUMNS} 列上限，请删除多余的列后重新导入。")


def _read_csv(text):
    rows = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            _check_bounds("", reader.line_num, len(row))
            rows.append(row)
    except csv.Error as error:
        refuse(f"第 {reader.line_num:,} 行不是有效的 CSV（{error}），请检查引号是否成对。")
    return rows


def _check_zip(data):
    """The members' uncompressed sizes, from the archive's directory, before any XML is parsed.

    zipfile stops every member at its declared size, so a member cannot inflate past what is checked here."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        refuse("无法读取该 Excel 文件，文件可能已损坏。")
    total = sum(member.file_size for member in members)
    if total > MAX_XLSX_UNCOMPRESSED or len(members) > 10_000:
        refuse(f"该 Excel 文件解压后为 {total / 1048576:,.0f} MB，超过 {MAX_XLSX_UNCOMPRESSED // 1048576} MB 上限"
               "（可能是压缩炸弹），请检查文件或拆分后分批导入。")


def _read_xlsx(data):
    _check_zip(data)
    try:
        reader = _open_workbook(data)
    except Exception:
        refuse("无法读取该 Excel 文件，文件可能已损坏。")
    try:
        return [(sheet.name, _sheet_rows(reader, sheet.name, rel.target)) for sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
    except ImportFailed:
        raise
    except Exception:
        refuse("无法读取该 Excel 文件，文件可能已损坏。")
    finally:
        reader.archive.close()


def _open_workbook(data):
    """openpyxl's reader up to the sheets: load_workbook(read_only=True) would parse each sheet once
    more just to look for a <dimension>, which this reader ignores anyway."""
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    return reader


def _sheet_rows(reader, name, path):
    """Rows as lists, cell by cell from the XML: missing rows become [], rows are never padded."""
    workbook = reader.wb
    rows = []
    with reader.archive.open(path) as source:
        parser = ValueParser(source, reader.shared_strings, data_only=True, epoch=workbook.epoch,
                             date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
        for number, cells in parser.parse():
            width = max((cell["column"] for cell in cells), default=0)
            _check_bounds(name, max(number, len(rows) + 1), width)
            while len(rows) < number - 1:
                rows.append([])
            values = [None] * width
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            rows.append(values)
    return rows


class ValueParser(WorkSheetParser):
    """Cached values, and a marker where a formula has none (openpyxl would give None).

    An empty <v/> is a result only for a text formula (t="str"), e.g. one that returns ""."""

    def parse_cell(self, element):
        if element.get("t") == "inlineStr":
            return self.parse_inline_string(element)
        cell = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None \
                and not (element.get("t") == "str" and element.find(VALUE_TAG) is not None):
            cell["value"] = FormulaWithoutValue(element.get("r") or "")
        return cell

    def parse_inline_string(self, element):
        """Inline strings (what write-only openpyxl, our own exports, write) read as plain text: several
        times faster than openpyxl's rich-text objects. Phonetic runs (<rPh>) are not part of the text."""
        coordinate = element.get("r")
        if coordinate:
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
        else:
            self.col_counter += 1
            row, column = self.row_counter, self.col_counter
        value = None
        inline = element.find(INLINE_STRING)
        if inline is not None:
            parts = [inline.findtext(TEXT_TAG) or ""]
            parts += [run.findtext(TEXT_TAG) or "" for run in inline.iterfind(RUN_TAG)]
            value = "".join(parts)
        return {"row": row, "column": column, "value": value, "data_type": "s", "style_id": 0}


def sparse_notes():
    """What every import template says about blank cells and the clearing marker."""
    from permits.kernel.importing.cells import CLEAR_MARKER

    return [
        ["填写规则"],
        ["已有的行（按编码或序号对应）：空白单元格表示保留原有内容，只需填写要修改的单元格。"],
        [f"要清空某一项，请在该单元格中填写“{CLEAR_MARKER}”（含括号）；名称、编码、部门等必填项不能清空。"],
        ["新增的行：必填列都要填写，空白的可选列取默认值。"],
        ["导入前会先预览：逐行列出每个将修改的字段（原值 → 新值）和将清空的字段，确认后才写入。"],
    ]
