"""Importer of a delegated-power catalogue: 序号, 实施部门, 事项名称, 事项编码, 事项类型, 赋权方式, 备注.

The file is the whole catalogue: rows that match an existing power (by code, else by normalised
name) update it and keep its link to a permit item, new rows are added, missing ones removed.
A blank cell of a matched row keeps the stored value, （清空） clears it (permits.kernel.importing.cells).
"""
from permits.models import DelegatedPower, PowerMode, PowerType
from permits.kernel.diff import catalogue_diff, normalise_code
from permits.powers.selectors import DIFF_COMPARE

from permits.kernel.history import rows_create, rows_update
from permits.kernel.importing.base import Column, SpreadsheetImporter, to_halfwidth
from permits.kernel.importing.cells import CLEAR, cells_merge, is_blank, values_apply

FIELDS = ("seq", "department", "name", "code", "power_type", "mode", "remarks")
CELLS = FIELDS
REQUIRED_CELLS = {"seq": "序号", "department": "实施部门", "name": "事项名称", "power_type": "事项类型", "mode": "赋权方式"}
NAME_MAX = DelegatedPower._meta.get_field("name").max_length
CODE_MAX = DelegatedPower._meta.get_field("code").max_length


def _choice(text):
    """Choices compare without spaces and in half-width forms (“直接 行使”, “其它”)."""
    word = to_halfwidth(text or "").replace(" ", "")
    return {"其它": "其他"}.get(word, word)


class PowerImporter(SpreadsheetImporter):
    catalogue = "赋权目录"
    columns = [
        Column("序号", "seq", required=True, kind="int"),
        Column("实施部门", "department", required=True, aliases=("部门", "市直部门", "赋权部门")),
        Column("事项名称", "name", required=True, aliases=("权限名称", "权力事项名称")),
        Column("事项编码", "code", kind="code", aliases=("编码",)),
        Column("事项类型", "power_type", required=True, aliases=("权力类型", "类型")),
        Column("赋权方式", "mode", required=True, aliases=("方式", "行使方式")),
        Column("备注", "remarks"),
    ]

    def excel_number_code(self, row, column, text):
        # Power codes are free-form; a number in the cell is still a usable code.
        return None

    def build(self, records, target, summary):
        rows = self.validate(records)
        existing = list(DelegatedPower.objects.filter(edition=target).select_related("department").order_by("seq", "pk"))
        diff = catalogue_diff(existing, rows, compare=DIFF_COMPARE)
        updates, merged = [], {}
        for old, new, *_ in diff.kept + diff.changed:
            values, changes = cells_merge(DelegatedPower, old, {k: new[k] for k in CELLS})
            values_apply(old, values)
            merged[id(new)] = (old, changes)
            if changes:
                updates.append(old)
        for row in diff.added:
            self.check_new(row)
        if self.problems:
            self.problems.sort(key=lambda p: (p.row or 0))
            return
        creates = [DelegatedPower(edition=target, **cells_merge(DelegatedPower, None, {k: row[k] for k in CELLS})[0])
                   for row in diff.added]
        removed_ids = [p.pk for p in diff.removed]
        summary.preview = []
        for r in rows:
            old, changes = merged.get(id(r), (None, []))
            shown = old if old is not None else None
            summary.preview.append({
                "row": r["row"], "seq": shown.seq if shown else r["seq"],
                "department": shown.department.name if shown else r["department"].name,
                "name": shown.name if shown else r["name"], "code": shown.code if shown else r["code"],
                "power_type": shown.power_type if shown else r["power_type"],
                "mode": shown.mode if shown else r["mode"],
                "status": "新增" if old is None else ("修改" if changes else "不变"), "changes": changes,
            })
        summary.removed = [{"seq": p.seq, "name": p.name, "code": p.code} for p in diff.removed]
        if removed_ids:
            DelegatedPower.objects.filter(pk__in=removed_ids).delete()
        if updates:
            # Codes move between rows in a reordered file: clear them first so the unique code holds.
            DelegatedPower.objects.filter(pk__in=[p.pk for p in updates]).update(code="")
            rows_update(updates, FIELDS, DelegatedPower, batch_size=500, user=self.user, history=not summary.dry_run)
        rows_create(creates, DelegatedPower, batch_size=500, user=self.user, history=not summary.dry_run)
        summary.add("赋权事项", len(creates))
        if updates:
            summary.add("赋权事项", len(updates), updated=True)
        summary.deleted = len(removed_ids)

    def check_new(self, row):
        """A row that matches no stored power is added: every required cell must be filled."""
        where = row["row"]
        if is_blank(row["seq"]):
            self.problem(where, "序号", "不能为空")
        if row["department"] is None and not row["department_cell"]:
            self.problem(where, "实施部门", "不能为空")
        if not row["name"]:
            self.problem(where, "事项名称", "不能为空")
        for key, header, noun, allowed in (("power_type", "事项类型", "事项类型", PowerType.values),
                                           ("mode", "赋权方式", "赋权方式", PowerMode.values)):
            if is_blank(row[key]):
                self.problem(where, header, f"“（空）”不是有效的{noun}；可选：{'、'.join(allowed)}")

    def run(self, data, filename, target, *, dry_run=False, user=None, create_target=None):
        self.user = user
        return super().run(data, filename, target, dry_run=dry_run, user=user, create_target=create_target)

    def validate(self, records):
        """Every filled cell is checked; blank cells are kept (or, for a new power, reported by check_new)."""
        types = list(PowerType.values)
        modes = list(PowerMode.values)
        rows, codes = [], {}
        for record in records:
            row = record.row
            for key, header in REQUIRED_CELLS.items():
                if record[key] is CLEAR:
                    self.problem(row, header, "不能清空")
            department = None
            if record["department"]:
                department = self.department(row, "实施部门", record["department"])
            name = record["name"] or ""
            if len(name) > NAME_MAX:
                self.problem(row, "事项名称", f"长度为{len(name)}个字，超过{NAME_MAX}个字的上限")
            code = record["code"]
            if code and code is not CLEAR:
                code = normalise_code(code)
                if len(code) > CODE_MAX:
                    self.problem(row, "事项编码", f"编码“{code}”长度超过{CODE_MAX}个字符")
                codes.setdefault(code, []).append(row)
            power_type = _choice(record["power_type"]) if record["power_type"] else record["power_type"]
            if power_type and power_type not in types:
                self.problem(row, "事项类型", f"“{record['power_type']}”不是有效的事项类型；可选：{'、'.join(types)}")
            mode = _choice(record["mode"]) if record["mode"] else record["mode"]
            if mode and mode not in modes:
                self.problem(row, "赋权方式", f"“{record['mode']}”不是有效的赋权方式；可选：{'、'.join(modes)}")
            rows.append({
                "row": row, "seq": record["seq"], "department": department,
                "department_id": department.pk if department else None, "department_cell": record["department"],
                "name": name, "code": code,
                "power_type": power_type, "mode": mode, "remarks": record["remarks"],
            })
        for code, where in codes.items():
            if len(where) > 1:
                for row in where:
                    others = "、".join(f"第{r}行" for r in where if r != row)
                    self.problem(row, "事项编码", f"编码“{code}”重复，与{others}相同")
        self.problems.sort(key=lambda p: (p.row or 0))
        return rows
