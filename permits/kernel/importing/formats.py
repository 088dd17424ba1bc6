"""Reading and writing spreadsheets: xlsx and csv, with the encodings real Chinese files use.

The CSV format detects UTF-8 (with or without BOM) and GB18030 (what Excel writes for Chinese);
django-import-export's own CSV format decodes with one fixed encoding.
"""
import csv
import io

from import_export.formats import base_formats

from permits.kernel.importing.errors import ImportFailed, ImportProblem

MAX_BYTES = 10 * 1024 * 1024
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not) first, then GB18030; anything else is refused with a message."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed([ImportProblem(None, None, "无法识别文件编码：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV，或 xlsx 文件。")])


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
EXPORT_FORMATS = [DetectingCSV, SafeXLSX]


def read_rows(data: bytes, filename: str):
    """Raw rows (lists of cell values) of the first sheet; header detection happens later."""
    if len(data) > MAX_BYTES:
        raise ImportFailed([ImportProblem(None, None, f"文件大小为 {len(data) / 1048576:.1f} MB，超过 10 MB 上限，请拆分后分批导入。")])
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        if data[:4] != b"PK\x03\x04":
            raise ImportFailed([ImportProblem(None, None, "文件扩展名为 .xlsx，但内容不是 Excel 工作簿。")])
        return _read_xlsx(data)
    if name.endswith((".xls",)) or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportFailed([ImportProblem(None, None, "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 CSV。")])
    if name and not name.endswith((".csv", ".txt")):
        raise ImportFailed([ImportProblem(None, None, "只支持 .xlsx 和 .csv 文件。")])
    if b"\x00" in data[:4096]:
        raise ImportFailed([ImportProblem(None, None, "文件内容不是文本表格（CSV），请检查文件类型。")])
    text = decode_text(data)
    return [row for row in csv.reader(io.StringIO(text, newline=""))]


def _read_xlsx(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportFailed([ImportProblem(None, None, "无法读取该 Excel 文件，文件可能已损坏。")])
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def escape_formula(value):
    """Neutralise cells a spreadsheet would run as formulas (=, +, -, @)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv_to(stream, headers, rows):
    """Write CSV text to an open text stream, row by row (a whole catalogue never sits in memory)."""
    writer = csv.writer(stream)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([escape_formula("" if v is None else v) for v in row])


def write_csv(headers, rows) -> bytes:
    """UTF-8 with BOM so that Excel opens Chinese text correctly."""
    buffer = io.StringIO()
    write_csv_to(buffer, headers, rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx_to(target, headers, rows, title="Sheet1", notes=None):
    """Write an xlsx workbook to a path or binary stream (openpyxl's write-only mode streams rows).
    `notes`, rows of text, become a second sheet 说明 (import templates)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(headers))
    for row in rows:
        # Codes stay text so Excel keeps their leading zeros.
        sheet.append([escape_formula(v) for v in row])
    if notes:
        help_sheet = workbook.create_sheet(title=NOTES_SHEET)
        for line in notes:
            help_sheet.append([escape_formula(v) for v in (line if isinstance(line, (list, tuple)) else [line])])
    workbook.save(target)


def write_xlsx(headers, rows, title="Sheet1", notes=None) -> bytes:
    buffer = io.BytesIO()
    write_xlsx_to(buffer, headers, rows, title=title, notes=notes)
    return buffer.getvalue()


NOTES_SHEET = "说明"


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
