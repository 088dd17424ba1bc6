"""Small spreadsheet builders for import tests."""
import csv
import io

from openpyxl import Workbook

from permits.catalogue.selectors.export import PERMIT_HEADERS

STANDARD = PERMIT_HEADERS[:16]


def row(item="00016421300Y", sub="1", handling="01", *, item_name="食品经营许可", sub_name="食品经营许可（新办）",
        handling_name="食品经营许可证核发", department="市市场监管局", seq=1, statutory="20", promised="5",
        fee="否", extra=None):
    """One 16-column row; `sub` and `handling` are suffixes added to the parent code unless they are full codes."""
    sub_code = sub if len(sub) > 2 else item[:11] + sub
    handling_code = handling if len(handling) > 2 else sub_code + handling
    values = [seq, item, item_name, sub_code, sub_name, handling_code, handling_name, department,
              "市行政审批局", "《中华人民共和国食品安全法》", "市级", "市级", statutory, promised, fee, ""]
    if extra:
        values += extra
    return values


def csv_bytes(rows, headers=STANDARD, *, encoding="utf-8", bom=False, above=()):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for line in above:
        writer.writerow(line)
    if headers:
        writer.writerow(headers)
    for line in rows:
        writer.writerow(line)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows, headers=STANDARD, *, above=()):
    workbook = Workbook()
    sheet = workbook.active
    for line in above:
        sheet.append(list(line))
    sheet.append(list(headers))
    for line in rows:
        sheet.append(list(line))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
