"""Importer of a delegated-power catalogue: 序号, 实施部门, 事项名称, 事项编码, 事项类型, 赋权方式, 备注.

The file is the whole catalogue: rows that match an existing power (by code, else by normalised
name) update it and keep its link to a permit item, new rows are added, missing ones removed.
"""
from permits.models import DelegatedPower, PowerMode, PowerType
from permits.kernel.diff import catalogue_diff, normalise_code
from permits.powers.selectors import DIFF_COMPARE

from permits.kernel.importing.base import Column, SpreadsheetImporter, to_halfwidth

FIELDS = ("seq", "department_id", "name", "code", "power_type", "mode", "remarks")
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
        if self.problems:
            return
        existing = list(DelegatedPower.objects.filter(edition=target).order_by("seq", "pk"))
        diff = catalogue_diff(existing, rows, compare=DIFF_COMPARE)
        updates = []
        for old, new, *_ in diff.kept + diff.changed:
            if any(getattr(old, name) != new[name] for name in FIELDS):
                for name in FIELDS:
                    setattr(old, name, new[name])
                updates.append(old)
        creates = [DelegatedPower(edition=target, **{k: row[k] for k in FIELDS}) for row in diff.added]
        removed_ids = [p.pk for p in diff.removed]
        added = {id(r) for r in diff.added}
        changed = {id(new): fields for _, new, fields in diff.changed}
        summary.preview = [
            {"row": r["row"], "seq": r["seq"], "department": r["department"].name, "name": r["name"],
             "code": r["code"], "power_type": r["power_type"], "mode": r["mode"],
             "status": "新增" if id(r) in added else ("修改" if id(r) in changed else "不变")}
            for r in rows
        ]
        summary.removed = [{"seq": p.seq, "name": p.name, "code": p.code} for p in diff.removed]
        if removed_ids:
            DelegatedPower.objects.filter(pk__in=removed_ids).delete()
        if updates:
            # Codes move between rows in a reordered file: clear them first so the unique code holds.
            DelegatedPower.objects.filter(pk__in=[p.pk for p in updates]).update(code="")
            DelegatedPower.objects.bulk_update(updates, FIELDS, batch_size=500)
        if creates:
            DelegatedPower.objects.bulk_create(creates, batch_size=500)
        summary.add("赋权事项", len(creates))
        if updates:
            summary.add("赋权事项", len(updates), updated=True)
        summary.deleted = len(removed_ids)

    def validate(self, records):
        types = list(PowerType.values)
        modes = list(PowerMode.values)
        rows, codes = [], {}
        for record in records:
            row = record.row
            seq = record["seq"]
            if seq is None:
                self.problem(row, "序号", "不能为空")
            department = self.department(row, "实施部门", record["department"])
            name = record["name"]
            if not name:
                self.problem(row, "事项名称", "不能为空")
            elif len(name) > NAME_MAX:
                self.problem(row, "事项名称", f"长度为{len(name)}个字，超过{NAME_MAX}个字的上限")
            code = normalise_code(record["code"])
            if len(code) > CODE_MAX:
                self.problem(row, "事项编码", f"编码“{code}”长度超过{CODE_MAX}个字符")
            if code:
                codes.setdefault(code, []).append(row)
            power_type = _choice(record["power_type"])
            if power_type not in types:
                shown = record["power_type"] or "（空）"
                self.problem(row, "事项类型", f"“{shown}”不是有效的事项类型；可选：{'、'.join(types)}")
            mode = _choice(record["mode"])
            if mode not in modes:
                shown = record["mode"] or "（空）"
                self.problem(row, "赋权方式", f"“{shown}”不是有效的赋权方式；可选：{'、'.join(modes)}")
            rows.append({
                "row": row, "seq": seq, "department": department,
                "department_id": department.pk if department else None, "name": name, "code": code,
                "power_type": power_type, "mode": mode, "remarks": record["remarks"],
            })
        for code, where in codes.items():
            if len(where) > 1:
                for row in where:
                    others = "、".join(f"第{r}行" for r in where if r != row)
                    self.problem(row, "事项编码", f"编码“{code}”重复，与{others}相同")
        self.problems.sort(key=lambda p: (p.row or 0))
        return rows
