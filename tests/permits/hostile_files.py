"""Small generated files that attack the import reader (also used by bench/hostile_import.py)."""
import io
import re
import zipfile

from openpyxl import Workbook

from .importing_helpers import STANDARD, csv_bytes, row, xlsx_bytes


def _rewrite_sheet(data, change, member="xl/worksheets/sheet1.xml"):
    """The workbook `data` with one member's XML passed through `change`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == member:
                body = change(body.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, body)
    return out.getvalue()


def dimension_bomb():
    """A workbook declaring A1:XFD1048576 with one cell in XFD1048576 (about 2 KB)."""
    def change(xml):
        xml = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml)
        return xml.replace("</sheetData>", '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is>'
                                           "</c></row></sheetData>")
    return _rewrite_sheet(xlsx_bytes([row()]), change)


def wide_row_xlsx(columns=2000):
    """A sheet whose first data row reaches column `columns` (no dimension needed to lie)."""
    from openpyxl.utils import get_column_letter

    def change(xml):
        end = xml.index("</row>", xml.index("</row>") + 1)
        return xml[:end] + f'<c r="{get_column_letter(columns)}2" t="inlineStr"><is><t>x</t></is></c>' + xml[end:]
    return _rewrite_sheet(xlsx_bytes([row()]), change)


def zip_bomb(uncompressed_mb=200):
    """A few-hundred-KB workbook whose sheet XML inflates to `uncompressed_mb` MB."""
    base = zipfile.ZipFile(io.BytesIO(xlsx_bytes([row()])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in base.infolist():
            body = base.read(info)
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, body)
                continue
            head, tail = body.decode("utf-8").split("</sheetData>")
            with target.open(info.filename, "w", force_zip64=True) as member:
                member.write(head.encode("utf-8"))
                filler = b'<row><c t="inlineStr"><is><t>' + b"A" * 1_000_000 + b"</t></is></c></row>"
                for _ in range(uncompressed_mb):
                    member.write(filler)
                member.write(("</sheetData>" + tail).encode("utf-8"))
    return out.getvalue()


def many_rows_csv(rows=50_100):
    """One header and `rows` short data rows."""
    return csv_bytes([["1"]] * rows, headers=STANDARD)


def blank_lines_csv(megabytes=4):
    return csv_bytes([row()]) + b"\r\n" * (megabytes * 1024 * 1024 // 2)


def wide_csv(columns=2000):
    return csv_bytes([row() + ["x"] * (columns - len(STANDARD))], headers=STANDARD + [f"列{i}" for i in
                                                                                     range(columns - len(STANDARD))])


def nul_after_4k_csv():
    """4 KB of good rows, then a cell holding NUL bytes."""
    rows = [row(handling=f"{n:02d}", handling_name=f"办理项{n}") for n in range(1, 40)]
    bad = row(handling="77", handling_name="含\x00\x00空字符")
    data = csv_bytes(rows + [bad])
    assert data.index(b"\x00") > 4096
    return data


def huge_cell_xlsx(chars=30_000):
    """Excel keeps at most 32,767 characters in a cell; still more than any field."""
    return xlsx_bytes([row()[:15] + ["备" * chars]])


def huge_cell_csv(chars=200_000):
    return csv_bytes([row()[:15] + ["备" * chars]])


def formula_without_value_xlsx():
    """openpyxl saves formulas without a cached result, as any program but Excel does."""
    return xlsx_bytes([row(statutory="=10+10")])


def second_sheet_xlsx():
    """The first sheet holds one row; a second sheet holds more rows under the same header."""
    workbook = Workbook()
    first = workbook.active
    first.title = "事项"
    first.append(STANDARD)
    first.append(row())
    second = workbook.create_sheet("补充")
    second.append(STANDARD)
    for n in range(2, 6):
        second.append(row(handling=f"{n:02d}"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
