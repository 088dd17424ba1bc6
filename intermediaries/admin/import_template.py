"""The import template of the intermediary lists (an example-free sheet and a sheet explaining each column)."""
import io

from intermediaries.importing import CHOICE_FIELDS, IntermediaryImporter, allowed_text
from intermediaries.models import IntermediaryService
from intermediaries.selectors import PERMIT_REF_SEP, SERVICE_HEADERS
from permits.kernel.importing.formats import sparse_notes


def import_template_xlsx():
    """An empty sheet with the import headers, and a second sheet explaining each column."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "中介服务事项清单"
    sheet.append(SERVICE_HEADERS)
    help_sheet = workbook.create_sheet("填写说明")
    importer = IntermediaryImporter()
    notes = {
        "seq": "正整数，清单内不能重复；按序号更新已有事项，文件中没有的序号将被删除",
        "permit_items": f"已发布的行政许可事项清单中的事项编码或完整名称，多个用“{PERMIT_REF_SEP}”分隔；"
                        "也可写成“名称（编码）”",
        "department": "须与“部门”中的名称或简称一致",
    }
    help_sheet.append(["列名", "是否必填", "说明"])
    for column in importer.columns:
        note = notes.get(column.key, "")
        if column.key in CHOICE_FIELDS:
            values = [value for value, _label in IntermediaryService._meta.get_field(column.key).choices]
            note = "可选值：" + allowed_text(values)
        help_sheet.append([column.header, "是" if column.required else "否", note])
    help_sheet.append([])
    for line in sparse_notes():
        help_sheet.append(line)
    help_sheet.append(["涉及的审批事项：空白表示保留现有的对应关系，填写“（清空）”删除全部对应关系。"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
