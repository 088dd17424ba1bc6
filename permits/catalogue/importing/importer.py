"""Importer of the permit catalogue in its flat shape (permits.catalogue.selectors.export.PERMIT_COLUMNS).

Every row is one handling item; items and sub-items are built from the rows. All rows are
validated here before anything is written; PermitWriter then writes in bulk.
"""
import unicodedata

from django.core.exceptions import ValidationError

from permits.models import Material, OnlineDepth, Situation
from permits.catalogue import rules
from permits.kernel.access.scope import user_departments
from permits.kernel.importing.cells import CLEAR, is_blank

from permits.kernel.exporting import unescape_formula
from permits.kernel.importing.base import Column, SpreadsheetImporter
from permits.catalogue.importing.columns import (
    ALIASES, HANDLING_FIELDS, HEADER, INT_LIMITS, ITEM_FIELDS, KINDS, LENGTH_LIMITS, MATERIAL_SPLIT, PERMIT_COLUMNS, REQUIRED,
    SUB_FIELDS, code_hint, multiline, url_validator,
)
from permits.catalogue.importing.writer import PermitWriter


class PermitImporter(PermitWriter, SpreadsheetImporter):
    catalogue = "行政许可事项清单"
    columns = [
        Column(header, key, required=key in REQUIRED, aliases=ALIASES.get(key, ()),
               kind="text" if KINDS.get(key) == "multiline" else KINDS.get(key, "text"),
               **({"max_value": INT_LIMITS[key]} if key in INT_LIMITS else {}))
        for header, key in PERMIT_COLUMNS
    ]

    def __init__(self, user=None):
        super().__init__()
        self.user = user
        self.items = {}  # code → dict(row, values, department)
        self.subs = {}  # code → dict(row, item_code, values)
        self.handlings = {}  # code → dict(row, sub_code, values, materials)
        self.present = set()

    # ---- reading ----
    def convert(self, row, column, cell):
        if KINDS.get(column.key) == "multiline":
            return multiline(unescape_formula(cell))
        return super().convert(row, column, cell)

    def records(self, rows):
        records = super().records(rows)
        self.present = set().union(*(r.values.keys() for r in records))
        self.validate(records)
        return records

    # ---- validation: everything, before any write ----
    def validate(self, records):
        allowed = user_departments(self.user) if self.user is not None else None
        for record in records:
            item_code = self.check_code(record, "item_code", rules.is_item_code, 12, rules.ITEM_CODE_RULE)
            sub_code = self.check_code(record, "sub_code", rules.is_sub_item_code, 12, rules.SUB_ITEM_CODE_RULE)
            handling_code = self.check_code(record, "handling_code", rules.is_handling_code, 14,
                                            rules.HANDLING_CODE_RULE)
            problem = rules.sub_item_outside_item(item_code, sub_code)
            if problem:
                self.problem(record.row, HEADER["sub_code"], problem)
                sub_code = None
            problem = rules.handling_outside_sub_item(sub_code, handling_code)
            if problem:
                self.problem(record.row, HEADER["handling_code"], problem)
                handling_code = None
            # Names and the department may stay blank for a row that exists (the writer checks new rows).
            for key in ("seq", "item_name", "sub_name", "handling_name", "department"):
                if record.get(key) is CLEAR:
                    self.problem(record.row, HEADER[key], "不能清空")
            department = None
            if record["department"]:
                department = self.department(record.row, HEADER["department"], record["department"])
            if department is not None and allowed is not None and department.pk not in allowed:
                self.problem(record.row, HEADER["department"], f"您无权导入部门“{department.name}”的事项")
            self.check_lengths(record)
            values = self.handling_values(record)
            materials = self.materials(record)
            if item_code:
                self.collect(self.items, item_code, record, ITEM_FIELDS, "事项",
                             extra={"department": department, "seq": record.get("seq")},
                             check_department=department)
            if sub_code:
                self.collect(self.subs, sub_code, record, SUB_FIELDS, "子项", extra={"item_code": item_code})
            if handling_code:
                first = self.handlings.get(handling_code)
                if first is not None:
                    self.problem(record.row, HEADER["handling_code"],
                                 f"业务办理项编码“{handling_code}”重复：第{first['row']}行和第{record.row}行")
                else:
                    self.handlings[handling_code] = {"row": record.row, "sub_code": sub_code,
                                                     "values": values, "materials": materials}

    def check_code(self, record, key, valid, digits, rule):
        code = record[key]
        header = HEADER[key]
        if not code:
            self.problem(record.row, header, "不能为空" if code is not CLEAR else "编码不能清空")
            return None
        if not valid(code):
            self.problem(record.row, header, f"编码“{code}”格式不对：应为{rule}{code_hint(code, digits)}")
            return None
        return code

    def check_lengths(self, record):
        for key, limit in LENGTH_LIMITS.items():
            value = record.get(key)
            if isinstance(value, str) and len(value) > limit:
                self.problem(record.row, HEADER[key], f"内容过长：{len(value)} 个字，最多 {limit} 个字")

    def collect(self, bucket, code, record, fields, label, extra, check_department=None):
        """Item and sub-item data repeats on every row of theirs: the filled cells must agree."""
        values = {key: record[key] for key in fields if key in self.present and not is_blank(record[key])}
        first = bucket.get(code)
        if first is None:
            bucket[code] = {"row": record.row, "values": values, **extra}
            return
        if first.get("department") is None and check_department is not None:
            first["department"] = check_department
        for key, value in values.items():
            if key not in first["values"]:
                first["values"][key] = value
            elif first["values"].get(key) != value:
                self.problem(record.row, HEADER[key],
                             f"与第{first['row']}行同一{label}（{code}）的“{HEADER[key]}”不一致："
                             f"“{first['values'].get(key)}”与“{value}”")
        if check_department is not None and first.get("department") is not None \
                and first["department"].pk != check_department.pk:
            self.problem(record.row, HEADER["department"],
                         f"与第{first['row']}行同一{label}（{code}）的“主管部门”不一致："
                         f"“{first['department'].name}”与“{check_department.name}”")

    def handling_values(self, record):
        values = {}
        for key, field in HANDLING_FIELDS.items():
            if key not in self.present:
                continue
            value = record[key]
            if is_blank(value) or value is CLEAR:
                values[field] = value  # kept or cleared by cells_merge
                continue
            if key == "situation":
                if value not in Situation.values:
                    self.problem(record.row, HEADER[key],
                                 f"“{value}”不是有效的办理情形，应为：{'、'.join(Situation.values)}")
            elif key == "online_depth":
                value = self.online_depth(record, value)
            elif key == "online_url":
                try:
                    url_validator(value)
                except ValidationError:
                    self.problem(record.row, HEADER[key], f"“{value}”不是有效的网址")
            values[field] = value
        return values

    def online_depth(self, record, value):
        by_label = {str(label): key for key, label in OnlineDepth.choices}
        if value in by_label:
            return by_label[value]
        if value in OnlineDepth.values:
            return value
        self.problem(record.row, HEADER["online_depth"],
                     f"“{value}”不是有效的网上办理深度，应为：{'、'.join(by_label)}")
        return OnlineDepth.FULL

    def materials(self, record):
        """One material per line: 名称｜必要或非必要｜形式｜份数｜来源｜备注 (only the name is required)."""
        if "materials" not in self.present or is_blank(record["materials"]):
            return None  # keep every material
        if record["materials"] is CLEAR:
            return []
        result = []
        header = HEADER["materials"]
        forms = Material.Form.values
        for number, line in enumerate([ln for ln in record["materials"].split("\n") if ln.strip()], start=1):
            parts = [p.strip() for p in MATERIAL_SPLIT.split(line)] + [""] * 6
            name, need, form, copies, source, notes = parts[:6]
            where = f"第{number}条材料"
            if not name:
                self.problem(record.row, header, f"{where}缺少材料名称")
                continue
            if need in ("", "必要", "是", "必须", "必需"):
                required = True
            elif need in ("非必要", "否", "非必需", "容缺"):
                required = False
            else:
                self.problem(record.row, header, f"{where}“{name}”的第2项应为“必要”或“非必要”，实际为“{need}”")
                required = True
            if not form:
                form = Material.Form.ORIGINAL
            elif form not in forms:
                self.problem(record.row, header, f"{where}“{name}”的材料形式应为：{'、'.join(forms)}，实际为“{form}”")
            copies_text = unicodedata.normalize("NFKC", copies)
            if not copies_text:
                count = 1
            elif copies_text.isascii() and copies_text.isdigit() and len(copies_text) <= 5 and int(copies_text) < 32768:
                count = int(copies_text)
            else:
                self.problem(record.row, header, f"{where}“{name}”的份数应填写数字，实际为“{copies}”")
                count = 1
            for value, field in ((name, "name"), (source, "source"), (notes, "notes")):
                limit = Material._meta.get_field(field).max_length
                if len(value) > limit:
                    self.problem(record.row, header, f"{where}的{Material._meta.get_field(field).verbose_name}过长：最多 {limit} 个字")
            result.append({"seq": number, "name": name, "required": required, "form": form,
                           "copies": count, "source": source, "notes": notes})
        return result

    # ---- writing ----
