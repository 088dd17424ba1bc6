"""Importer of the permit catalogue in its flat shape (permits.selectors.export.PERMIT_COLUMNS).

Every row is one handling item; items and sub-items are built from the rows. All rows are
validated before anything is written; writes are bulk (batches), never one save per row.
"""
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from permits.models import (
    EditionStatus, HandlingItem, Material, OnlineDepth, PermitCatalogue, PermitItem, Situation, SubItem,
)
from permits.models.catalogue import HANDLING_CODE_RE, ITEM_CODE_RE, SUB_ITEM_CODE_RE
from permits.selectors.export import MATERIAL_SEP, PERMIT_COLUMNS
from permits.selectors.scope import user_departments

from .base import Column, SpreadsheetImporter, clean_text
from .errors import ImportFailed, ImportProblem
from .formats import FORMULA_PREFIXES

BATCH = 500

REQUIRED = {"item_code", "item_name", "sub_code", "sub_name", "handling_code", "handling_name", "department"}
KINDS = {
    "seq": "int", "statutory_days": "int", "promised_days": "int", "visits": "int",
    "item_code": "code", "sub_code": "code", "handling_code": "code",
    "fee": "bool",
    # Free text that keeps its line breaks (materials are one per line).
    "legal_basis": "multiline", "remarks": "multiline", "conditions": "multiline",
    "procedure": "multiline", "materials": "multiline",
}
ALIASES = {
    "seq": ("序 号", "编号"),
    "handling_code": ("办理项编码",),
    "handling_name": ("办理项名称",),
    "department": ("主管部门（单位）", "实施部门"),
}
HEADER = dict((key, header) for header, key in PERMIT_COLUMNS)

# File column → model field, per level.
ITEM_FIELDS = {"item_name": "name", "implementing_bodies": "implementing_bodies",
               "legal_basis": "legal_basis", "remarks": "remarks"}
SUB_FIELDS = {"sub_name": "name", "approval_level": "approval_level", "exercise_level": "exercise_level",
              "accepting_level": "accepting_level", "first_review": "first_review"}
HANDLING_FIELDS = {
    "handling_name": "name", "situation": "situation", "conditions": "conditions", "procedure": "procedure",
    "statutory_days": "statutory_days", "promised_days": "promised_days", "fee": "fee",
    "fee_standard": "fee_standard", "fee_basis": "fee_basis", "visits": "visits",
    "online_depth": "online_depth", "place": "place", "hours": "hours", "enquiry_phone": "enquiry_phone",
    "complaint_phone": "complaint_phone", "online_url": "online_url", "result_document": "result_document",
}
HANDLING_DEFAULTS = {"situation": Situation.NEW, "visits": 0, "online_depth": OnlineDepth.FULL, "fee": False}

_LINE_SPACES = re.compile(r"[ \t\u00a0\u3000\u200b\ufeff]+")
_MATERIAL_SPLIT = re.compile(r"[｜|]")
_url = URLValidator()


def _multiline(value):
    """Like clean_text, but line breaks survive (each line trimmed, blank edge lines dropped)."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    lines = [_LINE_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def _unescape(text):
    """Undo formats.escape_formula so an exported file imports back unchanged."""
    if len(text) > 1 and text[0] == "'" and text[1] in "".join(FORMULA_PREFIXES):
        return text[1:]
    return text


def _code_hint(text, digits):
    if re.fullmatch(r"\d+(\.\d+)?E\+?\d+", text, re.IGNORECASE):
        return "；这是科学计数法，说明 Excel 把编码存成了数字，请把该列设为文本后重新填写"
    if text.isdigit() and len(text) < digits:
        return f"；只有{len(text)}位，开头的 0 可能被 Excel 丢失，请把该列设为文本后重新填写"
    return ""


class PermitImporter(SpreadsheetImporter):
    catalogue = "行政许可事项清单"
    columns = [
        Column(header, key, required=key in REQUIRED, aliases=ALIASES.get(key, ()),
               kind="text" if KINDS.get(key) == "multiline" else KINDS.get(key, "text"))
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
            return _unescape(_multiline(cell))
        value = super().convert(row, column, cell)
        if isinstance(value, str) and column.kind == "text":
            value = _unescape(value)
        return value

    def records(self, rows):
        records = super().records(rows)
        self.present = set().union(*(r.values.keys() for r in records))
        self.validate(records)
        return records

    # ---- validation: everything, before any write ----
    def validate(self, records):
        allowed = user_departments(self.user) if self.user is not None else None
        for record in records:
            item_code = self.check_code(record, "item_code", ITEM_CODE_RE, 12, "11位数字加字母Y（如 00016421300Y）")
            sub_code = self.check_code(record, "sub_code", SUB_ITEM_CODE_RE, 12, "12位数字")
            handling_code = self.check_code(record, "handling_code", HANDLING_CODE_RE, 14, "14位数字")
            if item_code and sub_code and not sub_code.startswith(item_code[:11]):
                self.problem(record.row, HEADER["sub_code"],
                             f"子项编码“{sub_code}”不属于事项“{item_code}”：应以事项编码的前11位“{item_code[:11]}”开头")
                sub_code = None
            if sub_code and handling_code and not handling_code.startswith(sub_code):
                self.problem(record.row, HEADER["handling_code"],
                             f"业务办理项编码“{handling_code}”不属于子项“{sub_code}”：应以子项编码“{sub_code}”开头")
                handling_code = None
            for key in ("item_name", "sub_name", "handling_name"):
                if not record[key]:
                    self.problem(record.row, HEADER[key], "不能为空")
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

    def check_code(self, record, key, pattern, digits, rule):
        code = record[key]
        header = HEADER[key]
        if not code:
            self.problem(record.row, header, "不能为空")
            return None
        if not re.fullmatch(pattern, code):
            self.problem(record.row, header, f"编码“{code}”格式不对：应为{rule}{_code_hint(code, digits)}")
            return None
        return code

    def check_lengths(self, record):
        for key, limit in LENGTH_LIMITS.items():
            value = record.get(key)
            if isinstance(value, str) and len(value) > limit:
                self.problem(record.row, HEADER[key], f"内容过长：{len(value)} 个字，最多 {limit} 个字")

    def collect(self, bucket, code, record, fields, label, extra, check_department=None):
        """Item and sub-item data repeats on every row of theirs: it must agree."""
        values = {key: record[key] for key in fields if key in self.present}
        first = bucket.get(code)
        if first is None:
            bucket[code] = {"row": record.row, "values": values, **extra}
            return
        for key, value in values.items():
            if first["values"].get(key) != value:
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
            if key == "situation":
                if not value:
                    value = Situation.NEW
                elif value not in Situation.values:
                    self.problem(record.row, HEADER[key],
                                 f"“{value}”不是有效的办理情形，应为：{'、'.join(Situation.values)}")
            elif key == "online_depth":
                value = self.online_depth(record, value)
            elif key == "visits" and value is None:
                value = 0
            elif key == "fee" and value is None:
                value = False
            elif key == "online_url" and value:
                try:
                    _url(value)
                except ValidationError:
                    self.problem(record.row, HEADER[key], f"“{value}”不是有效的网址")
            values[field] = value
        return values

    def online_depth(self, record, value):
        if not value:
            return OnlineDepth.FULL
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
        if "materials" not in self.present:
            return None
        result = []
        header = HEADER["materials"]
        forms = Material.Form.values
        for number, line in enumerate([ln for ln in record["materials"].split("\n") if ln.strip()], start=1):
            parts = [p.strip() for p in _MATERIAL_SPLIT.split(line)] + [""] * 6
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
            elif copies_text.isdigit() and int(copies_text) < 32768:
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
    def check_target(self, target):
        super().check_target(target)
        status = PermitCatalogue._base_manager.select_for_update().filter(pk=target.pk).values_list(
            "status", flat=True).first()
        if status != EditionStatus.DRAFT:
            raise ImportFailed([ImportProblem(None, None, f"《{target}》不是草稿，不能导入；请复制为新草稿后再导入。")])

    def build(self, records, target, summary):
        items = self.write_items(target, summary)
        subs = self.write_subs(target, items, summary)
        self.write_handlings(target, subs, summary)

    def _preview(self, summary, level, action, code, name, row, changed=()):
        summary.preview.append({"row": row, "level": level, "action": action, "code": code, "name": name,
                                "changed": [str(c) for c in changed]})

    def _apply(self, obj, values):
        changed = []
        for field, value in values.items():
            if getattr(obj, field) != value:
                setattr(obj, field, value)
                changed.append(field)
        return changed

    def write_items(self, target, summary):
        existing = {i.code: i for i in PermitItem.objects.filter(edition=target)}
        new, dirty, fields = [], [], set()
        for ordinal, (code, data) in enumerate(self.items.items(), start=1):
            values = {ITEM_FIELDS[k]: v for k, v in data["values"].items()}
            values["department_id"] = data["department"].pk
            seq = data.get("seq")
            values["seq"] = seq if isinstance(seq, int) else ordinal
            obj = existing.get(code)
            if obj is None:
                new.append(PermitItem(edition=target, code=code, **values))
                self._preview(summary, "事项", "新增", code, values.get("name", ""), data["row"])
            else:
                changed = self._apply(obj, values)
                if changed:
                    dirty.append(obj)
                    fields.update(changed)
                    self._preview(summary, "事项", "更新", code, obj.name, data["row"], _labels(PermitItem, changed))
        PermitItem.objects.bulk_create(new, batch_size=BATCH)
        if dirty:
            PermitItem.objects.bulk_update(dirty, sorted(fields), batch_size=BATCH)
        _count(summary, "事项", new, dirty)
        existing.update({i.code: i for i in new})
        return _with_pks(existing, PermitItem, target)

    def write_subs(self, target, items, summary):
        existing = {s.code: s for s in SubItem.objects.filter(edition=target)}
        order = {}
        new, dirty, fields = [], [], set()
        for code, data in self.subs.items():
            item = items[data["item_code"]]
            order[item.code] = order.get(item.code, 0) + 1
            values = {SUB_FIELDS[k]: v for k, v in data["values"].items()}
            values.update(seq=order[item.code], item_id=item.pk, item_prefix=item.code[:11])
            obj = existing.get(code)
            if obj is None:
                new.append(SubItem(edition=target, code=code, **values))
                self._preview(summary, "子项", "新增", code, values.get("name", ""), data["row"])
            else:
                changed = self._apply(obj, values)
                if changed:
                    dirty.append(obj)
                    fields.update(changed)
                    self._preview(summary, "子项", "更新", code, obj.name, data["row"], _labels(SubItem, changed))
        SubItem.objects.bulk_create(new, batch_size=BATCH)
        if dirty:
            SubItem.objects.bulk_update(dirty, sorted(fields), batch_size=BATCH)
        _count(summary, "子项", new, dirty)
        existing.update({s.code: s for s in new})
        return _with_pks(existing, SubItem, target)

    def write_handlings(self, target, subs, summary):
        existing = {h.code: h for h in HandlingItem.objects.filter(edition=target)}
        old_materials = {}
        if "materials" in self.present and existing:
            for m in Material.objects.filter(handling_item__edition=target).order_by("seq", "pk"):
                old_materials.setdefault(m.handling_item_id, []).append(_material_key(m))
        order = {}
        new, dirty, fields = [], [], set()
        replace = []  # (handling object, materials) whose materials are written anew
        for code, data in self.handlings.items():
            sub = subs[data["sub_code"]]
            order[sub.code] = order.get(sub.code, 0) + 1
            values = dict(data["values"])
            values.update(seq=order[sub.code], sub_item_id=sub.pk, sub_item_code=sub.code)
            obj = existing.get(code)
            materials = data["materials"]
            if obj is None:
                for key, default in HANDLING_DEFAULTS.items():
                    values.setdefault(key, default)
                obj = HandlingItem(edition=target, code=code, **values)
                new.append(obj)
                self._preview(summary, "业务办理项", "新增", code, values.get("name", ""), data["row"])
                if materials:
                    replace.append((obj, materials))
            else:
                changed = self._apply(obj, values)
                if changed:
                    dirty.append(obj)
                    fields.update(changed)
                materials_changed = materials is not None and (
                    [_material_key(m) for m in materials] != old_materials.get(obj.pk, []))
                if materials_changed:
                    replace.append((obj, materials))
                if changed or materials_changed:
                    labels = _labels(HandlingItem, changed) + (["申请材料"] if materials_changed else [])
                    self._preview(summary, "业务办理项", "更新", code, obj.name, data["row"], labels)
        HandlingItem.objects.bulk_create(new, batch_size=BATCH)
        if dirty:
            HandlingItem.objects.bulk_update(dirty, sorted(fields), batch_size=BATCH)
        _count(summary, "业务办理项", new, dirty)
        if any(obj.pk is None for obj in new):
            pks = dict(HandlingItem.objects.filter(edition=target).values_list("code", "pk"))
            for obj in new:
                obj.pk = obj.id = pks[obj.code]
        stale = [obj.pk for obj, _ in replace if obj.pk in old_materials]
        for start in range(0, len(stale), BATCH):
            Material.objects.filter(handling_item_id__in=stale[start:start + BATCH]).delete()
        rows = [Material(handling_item_id=obj.pk, **m) for obj, materials in replace for m in materials]
        Material.objects.bulk_create(rows, batch_size=1000)
        if rows:
            summary.add("申请材料", len(rows))


LENGTH_FIELDS = {
    **{key: (PermitItem, field) for key, field in ITEM_FIELDS.items()},
    **{key: (SubItem, field) for key, field in SUB_FIELDS.items()},
    **{key: (HandlingItem, field) for key, field in HANDLING_FIELDS.items()
       if key not in ("statutory_days", "promised_days", "fee", "visits", "situation", "online_depth")},
}


LENGTH_LIMITS = {key: model._meta.get_field(name).max_length for key, (model, name) in LENGTH_FIELDS.items()
                 if model._meta.get_field(name).max_length}


def _material_key(m):
    get = m.get if isinstance(m, dict) else (lambda name: getattr(m, name))
    return tuple(get(f) for f in ("seq", "name", "required", "form", "copies", "source", "notes"))


def _labels(model, fields):
    return [str(model._meta.get_field(f.removesuffix("_id")).verbose_name) for f in fields]


def _count(summary, label, new, dirty):
    if new:
        summary.add(label, len(new))
    if dirty:
        summary.add(label, len(dirty), updated=True)


def _with_pks(by_code, model, target):
    """bulk_create sets pks on SQLite ≥ 3.35 and PostgreSQL; fetch them where it did not."""
    if any(obj.pk is None for obj in by_code.values()):
        pks = dict(model.objects.filter(edition=target).values_list("code", "pk"))
        for code, obj in by_code.items():
            obj.pk = obj.id = pks[code]
    return by_code


__all__ = ["PermitImporter", "MATERIAL_SEP"]
